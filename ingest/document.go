package ingest

import (
	"context"
	"time"
)

// Status is where a document is in its life. The values are the API's.
type Status string

// The statuses of the API contract (../shared/DESIGN.md).
const (
	StatusReceived    Status = "received"    // claimed into the spool, waiting for a worker
	StatusProcessing  Status = "processing"  // a worker is on it
	StatusStored      Status = "stored"      // original, PDF/A, texts, rows and index entry are durable
	StatusFailed      Status = "failed"      // the last attempt failed; a retry is scheduled
	StatusQuarantined Status = "quarantined" // retries exhausted or input refused; Error says why
	StatusDuplicate   Status = "duplicate"   // same SHA-256 as DuplicateOf; not processed again
	// StatusSplit: a scan batch with QR cover sheets, cut into one new document per
	// cover (see SplitParts); the batch keeps its original and nothing else.
	StatusSplit Status = "split"
)

// Final reports whether a document in status s is done with: stored, quarantined,
// a duplicate, or a batch split into its parts. Nothing more happens to it by
// itself (the spool keeps nothing of it).
func (s Status) Final() bool {
	switch s {
	case StatusStored, StatusQuarantined, StatusDuplicate, StatusSplit:
		return true
	}
	return false
}

// Indexed reports whether d belongs in the search index: stored and not retracted.
func (d Document) Indexed() bool { return d.Status == StatusStored && !d.Retracted }

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusReceived, StatusProcessing, StatusStored, StatusFailed, StatusQuarantined, StatusDuplicate, StatusSplit:
		return true
	}
	return false
}

// Metadata is what the document header says (Nghị định 30/2020): number and symbol,
// date, issuing body, type line and subject. Empty fields are unknown.
type Metadata struct {
	Number  string // "47/2015/QĐ-UBND"
	Date    string // YYYY-MM-DD
	Issuer  string
	Type    string // "QUYẾT ĐỊNH", "THÔNG BÁO", …
	Subject string // the "Về việc …" line
}

// Document is one file that arrived (hot folder, upload or command line) and what
// kntc made of it.
type Document struct {
	ID          string // UUIDv7, time-ordered
	Status      Status
	SHA256      string // of the original bytes, lower-case hex
	Size        int64  // of the original, in bytes
	Filename    string // the name the file arrived with
	SourcePath  string // where it came from (hot-folder path, "upload", CLI path)
	ContentType string // sniffed from the content, e.g. "application/pdf"
	UnitCode    string // routing unit (hot-folder sub-folder or uploader's unit)
	CaseCode    string // case code it was routed or linked to; the case may not exist yet
	DuplicateOf string // for StatusDuplicate: the document with the same bytes
	Pages       int
	Kind        Kind // document kind (KindQuyetDinhThuLy, …); empty until known
	Meta        Metadata
	Error       string // why it failed or was quarantined, for people to read
	Attempts    int    // processing attempts so far
	// Interrupted counts the attempts that ended without their worker finishing
	// them, neither stored nor failed: the process died (Processor.MaxInterrupted).
	Interrupted int
	Pipeline    string // version of the pipeline that made the derived files
	// Confidential documents carry a denouncer's identity: only users granted the
	// case see them (anywhere: lists, search, files).
	Confidential bool
	// SecretCase is the case whose protected party (a denouncer) the document
	// names, when that is not its own case (or it is in no case yet): users granted
	// that case see it too. Set by the case system with Confidential.
	SecretCase string
	// Cleared: a user granted the case decided the document may be shown although
	// the case system found it names a protected party; it is not marked again
	// unless a new protected identity is found in it.
	Cleared bool
	// Published documents are the public copy of a decision (công khai), shown on the
	// citizens' portal.
	Published bool
	// Retracted documents were put in by mistake (a wrong file, another citizen's
	// letter) and taken out by a leader (cases.Service.Retract): in no list, search
	// answer or case; their objects are kept. Read only: set by the retraction.
	Retracted bool
	CreatedAt time.Time
	UpdatedAt time.Time
	// Arrival says how the document arrived. It is not a column: the store writes
	// it into the audit entry it appends with the new row, and reads give it empty.
	Arrival Arrival
}

// Arrival is who or what brought a document in, for the audit trail.
type Arrival struct {
	Source   string // "hotfolder", "upload", "cli" or "split" (Origin.Source)
	UserID   int64  // the uploader; 0 for the hot folder and the command line
	Username string // the uploader, or "cli"; empty means the system
}

// Page is one page's result, saved as soon as that page is done so a crash redoes
// only the pages not saved.
type Page struct {
	DocumentID string
	Number     int     // 1-based
	Text       string  // UTF-8 NFC
	Confidence float64 // mean word confidence 0–100; -1 when the text came from the file
	WordsKey   string  // object key of the word boxes (JSON)
	Width      int     // pixels
	Height     int     // pixels
	DPI        int
	Source     string // "ocr" or "text" (a PDF page that already carried text)
	DurationMS int64
	CreatedAt  time.Time
}

// DocumentFilter selects documents for listing. Zero values do not filter.
type DocumentFilter struct {
	Status   Status
	CaseCode string
	UnitCode string
	// UnitCodes, when not nil, keeps only documents of these units (a user's scope);
	// an empty non-nil list matches nothing.
	UnitCodes []string
	// Unlinked keeps only documents linked to no case (the triage inbox).
	Unlinked bool
	// ConfidentialCases, when not nil, keeps confidential documents only when their
	// case code or SecretCase is listed (the cases the user is granted); nil does not
	// filter.
	ConfidentialCases []string
	// ConfidentialUnfiled, with ConfidentialCases, also keeps the confidential
	// documents that belong to no opened case and name none (a leader files them).
	ConfidentialUnfiled bool
	// LinkedOnly drops documents linked to no case (they are the triage inbox's, seen
	// only by those who file them).
	LinkedOnly bool
	// ChangedSince, when not zero, keeps only documents whose last change (their
	// status, for a finished or quarantined one) is at or after it.
	ChangedSince time.Time
	Limit        int // 0 means 50; at most 1000
	Offset       int
}

// DocumentCounts is what the staff dashboard shows of the pipeline.
type DocumentCounts struct {
	Processing  int // documents in the pipeline now (StatusProcessing)
	Stored      int // stored since the time asked
	Quarantined int // quarantined since the time asked
	RecentPages int // pages of the documents stored since the recent time asked
}

// DocumentStore keeps documents and their pages in the metadata database.
// Implementations are safe for concurrent use.
type DocumentStore interface {
	// CreateDocument inserts d, assigning ID (when empty), CreatedAt and UpdatedAt.
	// An existing ID returns an error wrapping errs.ErrConflict.
	CreateDocument(ctx context.Context, d *Document) error
	// Document returns one document or an error wrapping errs.ErrNotFound.
	Document(ctx context.Context, id string) (Document, error)
	// DocumentBySHA256 returns the earliest document with these bytes that is neither
	// a duplicate nor quarantined (a file quarantined once may be dropped again and is
	// then processed anew), or an error wrapping errs.ErrNotFound.
	DocumentBySHA256(ctx context.Context, sha256 string) (Document, error)
	// UpdateDocument writes every field of d (matched by ID) and sets UpdatedAt.
	// A missing document returns an error wrapping errs.ErrNotFound.
	UpdateDocument(ctx context.Context, d *Document) error
	// Documents lists the documents matching f, newest first, and the total count.
	Documents(ctx context.Context, f DocumentFilter) ([]Document, int, error)
	// DocumentPages is how many documents match f and their pages together
	// (Limit and Offset do not apply).
	DocumentPages(ctx context.Context, f DocumentFilter) (docs, pages int, err error)
	// DocumentCounts counts, among the documents matching f (its Status,
	// ChangedSince, Limit and Offset aside), those in the pipeline now, those
	// stored and those quarantined at or after since, and the pages of those
	// stored at or after recent, in one query.
	DocumentCounts(ctx context.Context, f DocumentFilter, since, recent time.Time) (DocumentCounts, error)
	// DeleteDocument removes the document and its pages; a missing one is errs.ErrNotFound.
	DeleteDocument(ctx context.Context, id string) error
	// SavePage inserts or replaces one page of an existing document (errs.ErrNotFound
	// when the document does not exist).
	SavePage(ctx context.Context, p *Page) error
	// Pages returns the saved pages of a document in page order (empty when none).
	Pages(ctx context.Context, documentID string) ([]Page, error)
}
