package report

import (
	"context"

	"kntc/cases"
)

// OracleBuildAll fills the six forms the old way (oracle_test.go): every
// register read whole and each item classified in Go.
func (s *Service) OracleBuildAll(ctx context.Context, a cases.Actor, unitCode string, p Period) ([]*Report, error) {
	return s.oracleBuildAll(ctx, a, unitCode, p)
}
