package cases

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind is what a case is about (Luật Khiếu nại 2011, Luật Tố cáo 2018, Luật Tiếp
// công dân 2013). The values are the API's.
type Kind string

// The kinds of case.
const (
	KindComplaint    Kind = "khieu_nai"          // khiếu nại
	KindDenunciation Kind = "to_cao"             // tố cáo
	KindPetition     Kind = "kien_nghi_phan_anh" // kiến nghị, phản ánh
	KindMixed        Kind = "nhieu_noi_dung"     // đơn có nhiều nội dung
)

// Kinds lists the kinds in display order.
var Kinds = []Kind{KindComplaint, KindDenunciation, KindPetition, KindMixed}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k.Prefix() != "" }

// Prefix is the kind's letters in a case code.
func (k Kind) Prefix() string {
	switch k {
	case KindComplaint:
		return "KN"
	case KindDenunciation:
		return "TC"
	case KindPetition:
		return "PA"
	case KindMixed:
		return "ND"
	}
	return ""
}

// Label is the kind's Vietnamese name.
func (k Kind) Label() string {
	switch k {
	case KindComplaint:
		return "Khiếu nại"
	case KindDenunciation:
		return "Tố cáo"
	case KindPetition:
		return "Kiến nghị, phản ánh"
	case KindMixed:
		return "Nhiều nội dung"
	}
	return string(k)
}

// Source is how a petition reached the unit.
type Source string

// The sources.
const (
	SourceInPerson    Source = "truc_tiep"  // tiếp công dân trực tiếp
	SourcePost        Source = "buu_chinh"  // qua bưu chính
	SourceTransferred Source = "chuyen_den" // cơ quan khác chuyển đến
	SourceOnline      Source = "truc_tuyen" // trực tuyến
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	switch s {
	case SourceInPerson, SourcePost, SourceTransferred, SourceOnline:
		return true
	}
	return false
}

// Result is how a case was decided. Complaints and denunciations use the same
// values; Label words them per kind.
type Result string

// The results.
const (
	ResultNone      Result = ""
	ResultRight     Result = "dung"          // khiếu nại đúng / tố cáo đúng
	ResultWrong     Result = "sai"           // khiếu nại sai / tố cáo sai
	ResultPartly    Result = "dung_mot_phan" // đúng một phần
	ResultWithdrawn Result = "rut"           // rút đơn: handling stopped (đình chỉ)
)

// Valid reports whether r is a known result (the empty result included).
func (r Result) Valid() bool {
	switch r {
	case ResultNone, ResultRight, ResultWrong, ResultPartly, ResultWithdrawn:
		return true
	}
	return false
}

// Label words the result for a case of kind k.
func (r Result) Label(k Kind) string {
	what := "Khiếu nại"
	if k == KindDenunciation {
		what = "Tố cáo"
	}
	switch r {
	case ResultRight:
		return what + " đúng"
	case ResultWrong:
		return what + " sai"
	case ResultPartly:
		return what + " đúng một phần"
	case ResultWithdrawn:
		return "Rút đơn, đình chỉ giải quyết"
	}
	return ""
}

// Extension is a recorded decision extending a denunciation's resolution period
// (Luật Tố cáo 2018, Điều 30: complex cases once by 30 days, especially complex ones
// twice).
type Extension struct {
	DecisionNumber string    `json:"decision_number"`
	DecisionDate   time.Time `json:"decision_date"`
	Days           int       `json:"days"`
	Reason         string    `json:"reason"`
	By             int64     `json:"by"` // user who recorded it
}

// Case is one case file.
type Case struct {
	ID         int64
	Code       string // "KN-2026-000123"; assigned at creation
	Kind       Kind
	Source     Source
	ReceivedOn time.Time // date the petition was received (UTC midnight)
	Subject    string
	Summary    string
	UnitID     int64 // the handling unit
	HandlerID  int64 // the handling officer; 0 while unassigned
	Round      int   // 1 (lần đầu) or 2 (lần hai); complaints only, 1 otherwise
	Complex    bool  // vụ việc phức tạp: longer periods
	Remote     bool  // vùng sâu, vùng xa, đi lại khó khăn: longer periods (complaints)
	Status     Status
	Result     Result
	AcceptedOn time.Time // thụ lý date; zero until accepted
	DecidedOn  time.Time // date of the resolving decision / conclusion
	ClosedOn   time.Time
	// DecisionDocument is the document that decided the case (quyết định giải quyết
	// khiếu nại, kết luận nội dung tố cáo), once linked.
	DecisionDocument string
	PublishedOn      time.Time
	Extensions       []Extension
	// Outcome is what the decision sets out and its enforcement (SetOutcome), the
	// figures the report forms sum.
	Outcome Outcome
	// DueOn is the deadline of the current stage (accept, then resolve); zero when
	// no deadline runs. Kept on the row for due-soon and overdue lists; Service
	// recomputes it on every change.
	DueOn     time.Time
	PINHash   string // argon2id of the citizen's lookup PIN
	Version   int    // bumped by every update; UpdateCase refuses a stale one
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Open reports whether the case is still being handled (not closed).
func (c Case) Open() bool { return c.Status != StatusClosed }

var codeRe = regexp.MustCompile(`^(KN|TC|PA|ND)-(\d{4})-(\d{6})$`)

// FormatCode is the code of the n-th case of a kind in a year.
func FormatCode(k Kind, year, n int) string {
	return fmt.Sprintf("%s-%04d-%06d", k.Prefix(), year, n)
}

// ValidCode reports whether s has the form of a case code.
func ValidCode(s string) bool { return codeRe.MatchString(s) }

// codeInText finds case codes in text, also as OCR reads them: spaces around the
// dashes, O for 0.
var codeInText = regexp.MustCompile(`\b(KN|TC|PA|ND)\s?[-–]\s?([0-9O]{4})\s?[-–]\s?([0-9O]{6})\b`)

// CodesIn returns the case codes named in text, in order, without repeats.
func CodesIn(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range codeInText.FindAllStringSubmatch(text, -1) {
		code := m[1] + "-" + strings.ReplaceAll(m[2], "O", "0") + "-" + strings.ReplaceAll(m[3], "O", "0")
		if !seen[code] {
			seen[code] = true
			out = append(out, code)
		}
	}
	return out
}

// CodeYear returns the year in a valid code.
func CodeYear(code string) int {
	m := codeRe.FindStringSubmatch(code)
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[2])
	return y
}

// PartyRole is a party's place in a case.
type PartyRole string

// The party roles.
const (
	RolePetitioner     PartyRole = "petitioner"     // người khiếu nại / người tố cáo / người kiến nghị
	RoleRespondent     PartyRole = "respondent"     // người bị khiếu nại / người bị tố cáo
	RoleRepresentative PartyRole = "representative" // người đại diện, người được ủy quyền
	RoleRelated        PartyRole = "related"        // người có quyền, nghĩa vụ liên quan
)

// Valid reports whether r is a known party role.
func (r PartyRole) Valid() bool {
	switch r {
	case RolePetitioner, RoleRespondent, RoleRepresentative, RoleRelated:
		return true
	}
	return false
}

// Person is who someone is. For a denouncer it is the secret (Luật Tố cáo 2018,
// Điều 47): stored sealed, shown only with a grant.
type Person struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number,omitempty"` // CCCD / CMND
	Address  string `json:"address,omitempty"`
	Phone    string `json:"phone,omitempty"`
}

// Party is a person or organisation in a case.
type Party struct {
	ID     int64
	CaseID int64
	Role   PartyRole
	// Secret marks a protected identity (the denouncer and their representative):
	// Person is stored sealed (Sealed holds it) and the plain fields are empty in
	// the database.
	Secret bool
	Person Person
	Sealed string // the sealed Person, when Secret
	// Redacted is set by Service on a secret party returned to someone without a
	// grant: Person is empty.
	Redacted  bool
	Note      string
	CreatedAt time.Time
}

// Event is one entry of a case's timeline, shown to everyone who may see the case.
type Event struct {
	ID         int64
	CaseID     int64
	At         time.Time
	UserID     int64 // 0 for the system (a document that moved the case)
	Type       string
	From, To   Status
	DocumentID string
	Note       string
}

// Activity is a timeline event with the case it happened to.
type Activity struct {
	Event
	Code string
	Kind Kind
}

// Event types.
const (
	EventCreated    = "created"
	EventTransition = "transition"
	EventUpdated    = "updated"
	EventLinked     = "document_linked"
	EventUnlinked   = "document_unlinked"
	EventExtended   = "extended"
	EventAssigned   = "assigned"
	EventParty      = "party"
	EventGrant      = "grant"
)

// Date returns t's calendar date as UTC midnight (the zero time stays zero).
func Date(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDate reads YYYY-MM-DD; "" is the zero time.
func ParseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}

// FormatDate writes YYYY-MM-DD; the zero time is "".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}
