package cases

import (
	"context"
)

// AuditEntries lists the audit trail.
func (s *Service) AuditEntries(ctx context.Context, a Actor, f AuditFilter) ([]AuditEntry, error) {
	if err := a.require(PermAuditRead); err != nil {
		return nil, err
	}
	f.Units = auditUnits(a)
	return s.Store.AuditEntries(ctx, f)
}

// VerifyAudit walks the whole chain and returns how many entries it checked and
// the first break found.
func (s *Service) VerifyAudit(ctx context.Context) (int64, error) {
	v := ChainVerifier{Key: s.AuditKey}
	err := s.Store.WalkAudit(ctx, v.Next)
	return v.Count, err
}

// Audit records an act that changes nothing (a download, a read of a confidential
// document).
func (s *Service) Audit(ctx context.Context, a Actor, action, object, detail string) error {
	return s.Store.Audit(ctx, a.record(action, object, detail))
}
