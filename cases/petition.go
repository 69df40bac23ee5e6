package cases

import (
	"strings"
	"time"

	"kntc/internal/viet"
)

// Admissibility is whether a petition meets the conditions to be handled (đủ điều
// kiện xử lý: signed, with name and address, not anonymous, within the time limit…).
type Admissibility string

// The admissibility values; "" is not yet decided.
const (
	Admissible   Admissibility = "du_dieu_kien"
	Inadmissible Admissibility = "khong_du_dieu_kien"
)

// Competence is whether the petition falls within this unit's competence.
type Competence string

// The competence values; "" is not yet decided.
const (
	Competent   Competence = "thuoc_tham_quyen"
	Incompetent Competence = "khong_thuoc_tham_quyen"
)

// Handling is what was done with a petition.
type Handling string

// The handling values; "" is not yet decided.
const (
	HandlingAccept   Handling = "thu_ly"     // opens (or joins) a case
	HandlingGuide    Handling = "huong_dan"  // the petitioner is told where to go
	HandlingTransfer Handling = "chuyen_don" // sent on to the competent body
	HandlingFile     Handling = "luu_don"    // filed: duplicate, anonymous, no content
)

// Petition is one letter in the petition register (sổ theo dõi đơn thư).
type Petition struct {
	ID         int64
	UnitID     int64
	ReceivedOn time.Time
	Source     Source
	Kind       Kind // classification by content
	// Petitioner is sealed (Sealed) when Secret: a denunciation's sender.
	Petitioner Person
	Secret     bool
	Sealed     string
	Redacted   bool
	// IDKey and NameKey are blind indexes (Sealer.Blind) of the petitioner's ID
	// number and name, for duplicate detection without the plain values.
	IDKey         string
	NameKey       string
	Subject       string
	Content       string
	Admissibility Admissibility
	Competence    Competence
	Handling      Handling
	// HandledOn is the day the handling was decided (02/XLD counts petitions
	// handled in a period); zero while Handling is "".
	HandledOn     time.Time
	TransferredTo string
	DuplicateOf   int64 // the earlier petition with the same petitioner and subject
	CaseID        int64
	DocumentID    string // the scanned letter
	CreatedBy     int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Reception is one entry of the reception log (sổ tiếp công dân).
type Reception struct {
	ID        int64
	UnitID    int64
	At        time.Time
	OfficerID int64
	// Visitors are sealed (Sealed) when Secret: they came to denounce.
	Visitors  []Person
	Secret    bool
	Sealed    string
	Redacted  bool
	GroupSize int // đoàn đông người: how many came
	Kind      Kind
	Content   string
	Outcome   string // what the officer did; see the Outcome constants
	CaseID    int64
	CreatedBy int64
	CreatedAt time.Time
}

// Reception outcomes.
const (
	OutcomeGuided      = "huong_dan"     // guided to the competent body
	OutcomeLetterTaken = "tiep_nhan_don" // the petition was received
	OutcomeAnswered    = "tra_loi"       // answered on the spot
	OutcomeTransferred = "chuyen_don"    // sent on
	OutcomeCaseOpened  = "mo_ho_so"      // a case was opened
)

// ValidOutcome reports whether s is a known reception outcome ("" included).
func ValidOutcome(s string) bool {
	switch s {
	case "", OutcomeGuided, OutcomeLetterTaken, OutcomeAnswered, OutcomeTransferred, OutcomeCaseOpened:
		return true
	}
	return false
}

// SamePetitioner reports whether two petitions come from the same person: the same
// ID number when both give one, else the same name.
func SamePetitioner(a, b Petition) bool {
	if a.IDKey != "" && b.IDKey != "" {
		return a.IDKey == b.IDKey
	}
	return a.NameKey != "" && a.NameKey == b.NameKey
}

// SubjectSimilarity is the share of content words two subjects have in common
// (Jaccard over folded syllables without the common function words), 0–1.
func SubjectSimilarity(a, b string) float64 {
	sa, sb := words(a), words(b)
	if len(sa) == 0 || len(sb) == 0 {
		return 0
	}
	inter := 0
	for w := range sa {
		if sb[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}

// DuplicateThreshold is the subject similarity from which two petitions of the
// same petitioner are one matter sent twice.
const DuplicateThreshold = 0.5

// stopwords are Vietnamese function syllables that say nothing about a matter.
var stopwords = map[string]bool{
	"ve": true, "viec": true, "cua": true, "va": true, "cac": true, "nhung": true, "la": true,
	"cho": true, "trong": true, "tai": true, "theo": true, "voi": true, "da": true, "bi": true,
	"duoc": true, "khong": true, "co": true, "mot": true, "so": true, "nay": true, "do": true,
	"de": true, "ong": true, "ba": true, "don": true, "v/v": true,
}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(viet.FoldWords(s)) {
		if !stopwords[w] {
			out[w] = true
		}
	}
	return out
}

// FindDuplicate returns the earliest of earlier that is the same matter as p (same
// petitioner, similar subject), or 0.
func FindDuplicate(p Petition, earlier []Petition) int64 {
	var best Petition
	for _, e := range earlier {
		if e.ID == p.ID || !SamePetitioner(p, e) || SubjectSimilarity(p.Subject, e.Subject) < DuplicateThreshold {
			continue
		}
		if best.ID == 0 || e.ID < best.ID {
			best = e
		}
	}
	if best.DuplicateOf != 0 {
		return best.DuplicateOf
	}
	return best.ID
}
