package cases

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"

	"kntc/ingest"
)

// PublicCase is all the citizens' portal shows of a case: its code, kind, where it
// stands and its dates. It has no field that could name anyone: no party, no
// subject or summary (they often name the person complained of or the
// denouncer), no handler, no document file name.
type PublicCase struct {
	Code        string
	Kind        Kind
	Status      Status
	Result      Result // only once the decision is published
	ReceivedOn  time.Time
	AcceptedOn  time.Time
	DueOn       time.Time // the running stage's deadline; zero when none runs
	DecidedOn   time.Time
	PublishedOn time.Time
	Documents   []PublicDocument
}

// PublicDocument is a published document of a case as the portal lists it: its
// public copy (a Publication), never the archive copy.
type PublicDocument struct {
	ID     string // the publication's
	Kind   ingest.Kind
	Number string // the header's number ("12/QĐ-UBND")
	Date   string // the header's date, YYYY-MM-DD
	Pages  int
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// dummyPINHash is a hash of a PIN no case has, compared when the code is unknown
// so that a wrong code costs the same time as a wrong PIN.
func dummyPINHash() string {
	dummyOnce.Do(func() {
		h, err := argon2id.CreateHash(newPIN()+"-none", argonPIN)
		if err != nil {
			panic(err)
		}
		dummyHash = h
	})
	return dummyHash
}

// PortalLookup is the citizen's lookup (Lookup) as PublicCase: a wrong code, a
// malformed code and a wrong PIN are the same ErrNotFound after the same work.
func (s *Service) PortalLookup(ctx context.Context, code, pin string) (PublicCase, error) {
	if ValidOnlineCode(strings.ToUpper(strings.TrimSpace(code))) {
		return s.onlineLookup(ctx, strings.ToUpper(strings.TrimSpace(code)), strings.TrimSpace(pin))
	}
	c, err := s.Lookup(ctx, code, pin)
	if err != nil {
		return PublicCase{}, err
	}
	return s.publicCase(ctx, c)
}

// publicCase is what the portal shows of case c.
func (s *Service) publicCase(ctx context.Context, c Case) (PublicCase, error) {
	pc := PublicCase{Code: c.Code, Kind: c.Kind, Status: c.Status, ReceivedOn: c.ReceivedOn, AcceptedOn: c.AcceptedOn,
		DueOn: c.DueOn, DecidedOn: c.DecidedOn, PublishedOn: c.PublishedOn}
	if c.Status == StatusPublished || (c.Status == StatusClosed && !c.PublishedOn.IsZero()) {
		pc.Result = c.Result
	}
	if s.Publications == nil {
		return pc, nil
	}
	if ds, ok := s.Publications.(PublicDocumentStore); ok {
		docs, err := ds.PublicDocuments(ctx, c.Code, 100)
		if err != nil {
			return PublicCase{}, err
		}
		pc.Documents = docs
		return pc, nil
	}
	pubs, _, err := s.Publications.Publications(ctx, PublicationFilter{CaseCode: c.Code, LiveOnly: true, Limit: 100, CountUpTo: -1})
	if err != nil {
		return PublicCase{}, err
	}
	for _, p := range pubs {
		pc.Documents = append(pc.Documents, PublicDocument{ID: p.ID, Kind: p.Kind, Number: p.Number, Date: p.Date, Pages: p.Pages})
	}
	return pc, nil
}

// ActionPortalLockout: the portal stopped taking lookups (from an address, for a
// code, or both) after repeated wrong codes or PINs. Detail says which.
const ActionPortalLockout = "portal_lockout"

// PortalAudit records an act of the anonymous portal (a lockout) in the audit
// trail, under the user name "cong_dan".
func (s *Service) PortalAudit(ctx context.Context, action, object, detail string) error {
	return s.Store.Audit(ctx, Record{Username: "cong_dan", Action: action, Object: object, Detail: detail})
}
