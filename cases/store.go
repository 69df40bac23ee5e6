package cases

import (
	"context"
	"time"

	"kntc/ingest"
)

// CaseFilter selects cases. Zero values do not filter.
type CaseFilter struct {
	// UnitIDs, when not nil, keeps only cases handled by these units (a user's
	// scope); an empty non-nil list matches nothing.
	UnitIDs   []int64
	Status    Status
	Kind      Kind
	HandlerID int64
	// OpenOnly drops closed cases.
	OpenOnly bool
	// DueBefore, when not zero, keeps cases whose DueOn is set and before it
	// (due-soon and overdue lists), ordered by DueOn.
	DueBefore time.Time
	// DueFrom, with DueBefore, also drops the cases due before it (the due-soon
	// list without the overdue ones).
	DueFrom time.Time
	// Text matches the code or the subject (case-insensitive substring).
	Text   string
	Limit  int // 0 means 50; at most 1000
	Offset int
	// NoTotal: the caller reads no total, so none is counted (Cases returns 0).
	NoTotal bool
}

// PetitionFilter selects petitions. Zero values do not filter.
type PetitionFilter struct {
	UnitIDs []int64 // as CaseFilter.UnitIDs
	Kind    Kind
	// Unhandled keeps petitions whose Handling is not decided yet.
	Unhandled bool
	// IDKey / NameKey keep petitions of that petitioner (either key matching).
	IDKey   string
	NameKey string
	// SecretOnly keeps petitions whose sender is sealed.
	SecretOnly bool
	Limit      int // 0 means 50; at most 1000
	Offset     int
}

// ReceptionFilter selects reception log entries. Zero values do not filter.
type ReceptionFilter struct {
	UnitIDs  []int64
	From, To time.Time // [From, To) on At
	// SecretOnly keeps entries whose visitors are sealed.
	SecretOnly bool
	Limit      int // 0 means 50; at most 1000
	Offset     int
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Object   string // exact object, e.g. "case:KN-2026-000001"
	UserID   int64
	Action   string    // exact action, e.g. "case_open"
	From, To time.Time // entries at or after From and before To; zero: no bound
	AfterSeq int64     // entries with Seq > AfterSeq
	Limit    int       // 0 means 100; at most 1000
	// Units, when not nil, keeps only entries of these unit codes (an actor's
	// scope): entries of no unit are left out too. An empty non-nil list matches
	// nothing; nil does not filter.
	Units []string
}

// Suggestion proposes a case for an unlinked document, and why.
type Suggestion struct {
	DocumentID string
	CaseCode   string
	// Reason is why: "code_in_text", "same_number", "number_follows",
	// "subject_number", "names_party", "subject".
	Reason string
	// Detail is the matched code, document number, petitioner's name (never a
	// protected party's: those are not looked for) or case subject; empty when
	// that text names a protected identity of the unit.
	Detail string
	Score  float64
}

// NewParty is a party written with a new case (Store.CreateCase), with its timeline
// event and audit record.
type NewParty struct {
	Party  *Party
	Event  Event
	Record Record
}

// Store keeps cases, parties, events, grants, petitions, reception entries,
// suggestions and the audit chain. Every method that changes something takes the
// audit Record of the change and appends it to the chain in the same transaction,
// so no change is ever without its record. The store chains entries under the
// audit key it was given (ChainMAC) and fills an empty Record.Unit with the unit
// of the record's object. Missing rows return errors wrapping
// errs.ErrNotFound; unique violations and stale versions errs.ErrConflict.
// Safe for concurrent use; appends to the audit chain are serialised.
type Store interface {
	// CreateCase inserts c, assigning ID, Version 1, CreatedAt, UpdatedAt and, when
	// c.Code is empty, the next code FormatCode(c.Kind, year of c.ReceivedOn, n)
	// (n counts per kind prefix and year from 1, without reuse), and records ev
	// (its CaseID set) as the first timeline event. rec.Object is filled with the
	// new code when empty. The parties are inserted in the same transaction, as
	// CreateParty would (their CaseID set, an empty Record.Object filled with the
	// case's): a case is never stored without the parties it was opened with.
	CreateCase(ctx context.Context, c *Case, ev Event, rec Record, parties ...NewParty) error
	Case(ctx context.Context, id int64) (Case, error)
	CaseByCode(ctx context.Context, code string) (Case, error)
	// UpdateCase writes every field of c when the stored Version equals c.Version
	// (else ErrConflict), increments Version, sets UpdatedAt, and appends the events.
	UpdateCase(ctx context.Context, c *Case, events []Event, rec Record) error
	// Cases lists the matching cases (newest first, or by DueOn with DueBefore) and
	// the total count.
	Cases(ctx context.Context, f CaseFilter) ([]Case, int, error)
	// DueCounts counts the open cases of f's UnitIDs and HandlerID (its other
	// fields are ignored) whose DueOn is before today (overdue) and those due from
	// today to before soonEnd (due soon), in one pass.
	DueCounts(ctx context.Context, f CaseFilter, today, soonEnd time.Time) (overdue, soon int, err error)
	// Events returns a case's timeline, oldest first.
	Events(ctx context.Context, caseID int64) ([]Event, error)
	// Activity returns the newest timeline events of the cases matching f (its
	// UnitIDs and HandlerID; at most f.Limit events, 0 meaning 50), newest first.
	Activity(ctx context.Context, f CaseFilter) ([]Activity, error)

	// CreateParty inserts p (assigning ID and CreatedAt) with its timeline event.
	CreateParty(ctx context.Context, p *Party, ev Event, rec Record) error
	// UpdateParty writes every field of p (matched by ID and CaseID).
	UpdateParty(ctx context.Context, p *Party, ev Event, rec Record) error
	DeleteParty(ctx context.Context, caseID, partyID int64, ev Event, rec Record) error
	// Parties returns a case's parties in the order they were added.
	Parties(ctx context.Context, caseID int64) ([]Party, error)

	// Grant lets user read the case's secret fields and confidential documents;
	// granting twice is not an error.
	Grant(ctx context.Context, caseID, userID, by int64, ev Event, rec Record) error
	Revoke(ctx context.Context, caseID, userID int64, ev Event, rec Record) error
	// Granted reports whether user holds a grant on the case.
	Granted(ctx context.Context, caseID, userID int64) (bool, error)
	// GrantedCodes returns the codes of the cases user holds grants on.
	GrantedCodes(ctx context.Context, userID int64) ([]string, error)

	CreatePetition(ctx context.Context, p *Petition, rec Record) error
	Petition(ctx context.Context, id int64) (Petition, error)
	// UpdatePetition writes every field of p (matched by ID) and sets UpdatedAt.
	UpdatePetition(ctx context.Context, p *Petition, rec Record) error
	Petitions(ctx context.Context, f PetitionFilter) ([]Petition, int, error)

	CreateReception(ctx context.Context, r *Reception, rec Record) error
	Reception(ctx context.Context, id int64) (Reception, error)
	UpdateReception(ctx context.Context, r *Reception, rec Record) error
	Receptions(ctx context.Context, f ReceptionFilter) ([]Reception, int, error)

	// LinkDocument writes the document's UnitCode, CaseCode, Kind, Confidential,
	// SecretCase, Cleared and Published (and nothing else but UpdatedAt) with the
	// case's event when ev.CaseID is not 0.
	LinkDocument(ctx context.Context, d *ingest.Document, ev Event, rec Record) error
	// CorrectDocumentHeader writes the document's Meta and Kind (and nothing else
	// but UpdatedAt) with the audit record, in one transaction.
	CorrectDocumentHeader(ctx context.Context, d *ingest.Document, rec Record) error
	// DocumentsByNumber returns the documents linked to a case whose header number
	// (Metadata.Number) is one of numbers.
	DocumentsByNumber(ctx context.Context, numbers []string) ([]ingest.Document, error)
	// RetractDocument records that d was retracted, for reason, with rec in the
	// audit trail, and moves its UpdatedAt (on d too) so that the search index
	// drops it; a document retracted already is ErrConflict.
	RetractDocument(ctx context.Context, d *ingest.Document, reason string, rec Record) error
	// Retractions lists the retracted documents of f's units, newest first.
	Retractions(ctx context.Context, f RetractionFilter) ([]Retraction, int, error)
	// PurgeDocument records the purge of retracted document id with rec in the
	// audit trail and wipes its page text and file name, in one transaction; a
	// document not retracted is ErrConflict. again is true (and nothing written)
	// when it was purged already.
	PurgeDocument(ctx context.Context, id string, rec Record) (again bool, err error)
	// SHA256Shared reports whether a document other than id, not purged, holds the
	// bytes with this SHA-256 (and so the same objects).
	SHA256Shared(ctx context.Context, sha256, id string) (bool, error)
	// SetSuggestions replaces the suggestions of a document.
	SetSuggestions(ctx context.Context, documentID string, s []Suggestion) error
	// Suggestions returns the suggestions of these documents, best first per document.
	Suggestions(ctx context.Context, documentIDs []string) ([]Suggestion, error)

	// Holidays returns the working-day calendar's marked days of year (of every
	// year when 0), by day.
	Holidays(ctx context.Context, year int) ([]Holiday, error)
	// PutHoliday marks h.Day (as Date gives it), replacing an earlier mark of that
	// day.
	PutHoliday(ctx context.Context, h Holiday, rec Record) error
	// DeleteHoliday removes the mark of day; ErrNotFound when it has none.
	DeleteHoliday(ctx context.Context, day time.Time, rec Record) error

	// Audit appends rec to the chain (reads, downloads: acts that change nothing).
	Audit(ctx context.Context, rec Record) error
	// AuditEntries lists entries by Seq ascending.
	AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	// AuditHead returns the last entry's Seq and Hash (zero for an empty chain).
	AuditHead(ctx context.Context) (AuditEntry, error)
	// WalkAudit calls fn for every entry in Seq order, reading in batches.
	WalkAudit(ctx context.Context, fn func(AuditEntry) error) error

	PortalStore
}
