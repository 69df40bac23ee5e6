package cases

import (
	"context"
	"time"

	"kntc/auth"
	"kntc/ingest"
	"kntc/internal/textin"
)

// Service is the case domain's behaviour: every act checks the actor's role and
// unit scope, keeps the denouncer's identity sealed and records itself in the audit
// trail. Safe for concurrent use.
type Service struct {
	Store    Store
	Docs     ingest.DocumentStore
	Accounts *auth.Service
	Sealer   *Sealer
	AuditKey []byte // checks the keyed audit chain (LoadAuditKey)
	// PINKey, when set, keys the citizens' lookup PIN verifiers (pinkey.go);
	// without it they are argon2id, as before the key existed.
	PINKey   PINKey
	Now      func() time.Time // time.Now when nil
	SoonDays int              // the due-soon window in days; 0 means 5
	// WORM, when set, keeps the archive copy of a document that decides a case
	// write-once (the resolving decision, the conclusion).
	WORM *WORM
	// Publications and Blobs, when set, publish decisions on the portal as
	// redacted public copies (publication.go); Purge deletes a retracted
	// document's files from Blobs.
	Publications PublicationStore
	Blobs        ingest.BlobStore
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() time.Time { return Date(s.now().In(vietnam)) }

// vietnam is the time zone dates are counted in (UTC+7, no daylight saving).
var vietnam = time.FixedZone("ICT", 7*3600)

func (s *Service) soonDays() int {
	if s.SoonDays <= 0 {
		return 5
	}
	return s.SoonDays
}

// clean is the lenient cleaning of a text field whose limits are checked
// elsewhere: NFC, no control, zero-width or bidirectional characters, trimmed.
func clean(s string) string { return textin.Strip(s) }

func (s *Service) visibleCase(ctx context.Context, a Actor, code string) (Case, error) {
	c, err := s.Store.CaseByCode(ctx, code)
	if err != nil {
		return Case{}, err
	}
	if !a.seesUnit(c.UnitID) {
		return Case{}, notFound("case " + code)
	}
	return c, nil
}

// narrow limits requested units to the actor's scope.
func narrow(a Actor, want []int64) []int64 {
	if a.UnitIDs == nil {
		return want
	}
	if want == nil {
		return a.UnitIDs
	}
	out := []int64{}
	for _, id := range want {
		if a.seesUnit(id) {
			out = append(out, id)
		}
	}
	return out
}
