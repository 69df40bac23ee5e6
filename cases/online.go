package cases

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kntc/auth"
	"kntc/internal/errs"
	"kntc/internal/textin"
)

// Online petitions (nộp đơn trực tuyến, issue 13 item 4): a citizen sends a
// complaint, denunciation or petition through the portal. It enters the petition
// register through RegisterPetition, as a clerk's entry would, with source
// truc_tuyen; the citizen gets a code (DT-YYYY-NNNNNN) and a PIN to follow it on
// the portal (PortalLookup takes both kinds of code).

// PortalStore keeps what the citizens' portal's forms add: online petitions'
// codes, questions and answers, and the reception schedule. Every change takes
// its audit Record, appended in the same transaction. Missing rows are
// errs.ErrNotFound; a taken code is errs.ErrConflict.
type PortalStore interface {
	// CreateOnlinePetition records the portal's side of a registered petition.
	CreateOnlinePetition(ctx context.Context, o *OnlineRecord, rec Record) error
	// OnlinePetitionByCode returns the online petition with this code.
	OnlinePetitionByCode(ctx context.Context, code string) (OnlineRecord, error)
	// OnlinePetition returns the online record of a petition.
	OnlinePetition(ctx context.Context, petitionID int64) (OnlineRecord, error)

	// CreateQuestion inserts q, assigning ID.
	CreateQuestion(ctx context.Context, q *Question, rec Record) error
	Question(ctx context.Context, id int64) (Question, error)
	// UpdateQuestion writes q's answer, answerer, answer time, Public and Folded.
	UpdateQuestion(ctx context.Context, q *Question, rec Record) error
	// Questions lists the matching questions, newest first, and their count.
	Questions(ctx context.Context, f QuestionFilter) ([]Question, int, error)

	// ReceptionDays lists the schedule's entries of these units (every unit when
	// nil), by unit, kind and ID.
	ReceptionDays(ctx context.Context, unitIDs []int64) ([]ReceptionDay, error)
	ReceptionDay(ctx context.Context, id int64) (ReceptionDay, error)
	// PutReceptionDay inserts d (ID 0, assigning ID) or rewrites it.
	PutReceptionDay(ctx context.Context, d *ReceptionDay, rec Record) error
	DeleteReceptionDay(ctx context.Context, id int64, rec Record) error
}

// OnlineRecord is the portal's side of a petition sent online.
type OnlineRecord struct {
	PetitionID int64
	Code       string
	PINHash    string
	// Anonymous: a denunciation without its sender's name, taken as information
	// (Luật Tố cáo 2018, Điều 25), not handled as a denunciation.
	Anonymous bool
	Documents []string // the attachments' document IDs, in the order sent
	CreatedAt time.Time
}

// OnlinePetition is what a citizen sends.
type OnlinePetition struct {
	UnitID     int64
	Kind       Kind // KindComplaint, KindDenunciation or KindPetition
	Anonymous  bool // only for a denunciation: no name given on purpose
	Petitioner Person
	Subject    string
	Content    string
	// Documents are the attachments, already taken into the pipeline (a
	// denunciation's as confidential).
	Documents []string
}

// OnlineReceipt is what the citizen is given back.
type OnlineReceipt struct {
	PetitionID int64
	Code       string
	PIN        string
	Kind       Kind
	Anonymous  bool
	ReceivedOn time.Time
	UnitID     int64
	Documents  int
}

// Citizen is the actor of the portal's anonymous acts: it writes petitions and
// questions in any unit with a clerk's rights, recorded as "cong_dan". It is
// never built from a request: only the portal's own code uses it.
var Citizen = Actor{User: auth.User{Username: "cong_dan", Role: auth.RoleClerk}, Scope: auth.Scope{All: true}}

// OnlineKinds are the kinds a citizen may send online.
var OnlineKinds = []Kind{KindComplaint, KindDenunciation, KindPetition}

// MaxOnlineDocuments is how many attachments one online petition takes.
const MaxOnlineDocuments = 5

// onlineCodeRe is an online petition's code: DT (đơn trực tuyến), the year, the
// petition's number.
var onlineCodeRe = regexp.MustCompile(`^DT-[0-9]{4}-[0-9]{6,12}$`)

// ValidOnlineCode reports whether s is written as an online petition's code.
func ValidOnlineCode(s string) bool { return onlineCodeRe.MatchString(s) }

// onlineCode is the code of petition id received in year.
func onlineCode(year int, id int64) string { return fmt.Sprintf("DT-%04d-%06d", year, id) }

// Checks of the sender: a complaint or petition needs a name and an address
// (Luật Khiếu nại 2011, Điều 8); a denunciation too unless sent anonymously.
var (
	fieldOnlineName    = textin.Field{Key: "name", Name: "họ và tên", English: "name", Max: 200, Required: true}
	fieldOnlineAddress = textin.Field{Key: "address", Name: "địa chỉ", English: "address", Max: 500, Required: true}
	fieldOnlineContent = textin.Field{Key: "content", Name: "nội dung đơn", English: "content", Max: 10000, Multiline: true, Required: true}
)

// CheckOnline cleans what a citizen sent in place and reports everything wrong
// with it, before any file of it is taken in (SubmitOnline checks again).
func (s *Service) CheckOnline(ctx context.Context, in *OnlinePetition) error {
	var probs errs.Problems
	switch in.Kind {
	case KindComplaint, KindDenunciation, KindPetition:
	default:
		probs.Add("kind", "hãy chọn loại đơn: khiếu nại, tố cáo hoặc kiến nghị, phản ánh (choose the kind of petition)")
	}
	if in.Anonymous && in.Kind != KindDenunciation {
		probs.Add("anonymous", "chỉ đơn tố cáo mới được gửi không ghi tên (only a denunciation may be sent without a name)")
	}
	if in.Anonymous {
		in.Petitioner = Person{}
	} else {
		fieldOnlineName.Check(&probs, &in.Petitioner.Name)
		fieldOnlineAddress.Check(&probs, &in.Petitioner.Address)
		id, phone := in.Petitioner.IDNumber, in.Petitioner.Phone
		_, idf, _, phonef := personFields("người gửi đơn", "sender", "", false)
		idf.Check(&probs, &id)
		phonef.Check(&probs, &phone)
		in.Petitioner.IDNumber, in.Petitioner.Phone = id, phone
	}
	fieldOnlineContent.Check(&probs, &in.Content)
	if len(in.Documents) > MaxOnlineDocuments {
		probs.Addf("files", "tối đa %d tệp đính kèm (at most %d attachments)", MaxOnlineDocuments, MaxOnlineDocuments)
	}
	if in.UnitID == 0 {
		probs.Add("unit", "hãy chọn cơ quan nhận đơn (choose the receiving office)")
	} else if _, err := s.Accounts.Store.Unit(ctx, in.UnitID); errors.Is(err, errs.ErrNotFound) {
		probs.Add("unit", "cơ quan nhận đơn không có trong danh sách (unknown receiving office)")
	} else if err != nil {
		return err
	}
	if in.Kind == KindDenunciation {
		// Masked before a subject is cut from it (RegisterPetition masks what
		// is sealed): a name cut in two would not be found.
		in.Content = maskIdentities(in.Content, in.Petitioner)
	}
	if strings.TrimSpace(in.Subject) == "" {
		in.Subject = subjectOf(in.Content)
	}
	return probs.Err()
}

// SubmitOnline registers a petition sent through the portal and gives its
// receipt. A denunciation's sender is sealed by RegisterPetition before anything
// is written; an anonymous one is registered as not admissible as a
// denunciation (information, Điều 25) and flagged so.
func (s *Service) SubmitOnline(ctx context.Context, in OnlinePetition) (OnlineReceipt, error) {
	if err := s.CheckOnline(ctx, &in); err != nil {
		return OnlineReceipt{}, err
	}
	p := Petition{UnitID: in.UnitID, Source: SourceOnline, Kind: in.Kind, Petitioner: in.Petitioner,
		Subject: in.Subject, Content: in.Content}
	if in.Anonymous {
		p.Admissibility = Inadmissible
	}
	reg, err := s.RegisterPetition(ctx, Citizen, p)
	if err != nil {
		return OnlineReceipt{}, err
	}
	if len(in.Documents) > 0 {
		// The letter (the first file) is the petition's scanned letter; the
		// attachments were claimed before the petition existed.
		raw, err := s.Store.Petition(ctx, reg.ID)
		if err != nil {
			return OnlineReceipt{}, err
		}
		raw.DocumentID = in.Documents[0]
		if err := s.Store.UpdatePetition(ctx, &raw, Citizen.record(ActionUpdate, "petition:"+strconv.FormatInt(raw.ID, 10),
			"document_id="+raw.DocumentID)); err != nil {
			return OnlineReceipt{}, err
		}
	}
	pin := newPIN()
	hash, err := s.newPINVerifier(pin)
	if err != nil {
		return OnlineReceipt{}, err
	}
	o := OnlineRecord{PetitionID: reg.ID, Code: onlineCode(reg.ReceivedOn.Year(), reg.ID), PINHash: hash,
		Anonymous: in.Anonymous, Documents: in.Documents}
	detail := fmt.Sprintf("code=%s kind=%s attachments=%d anonymous=%t", o.Code, in.Kind, len(in.Documents), in.Anonymous)
	if err := s.Store.CreateOnlinePetition(ctx, &o, Citizen.record(ActionPortalPetition, "petition:"+strconv.FormatInt(reg.ID, 10), detail)); err != nil {
		return OnlineReceipt{}, fmt.Errorf("record online petition %d: %w", reg.ID, err)
	}
	return OnlineReceipt{PetitionID: reg.ID, Code: o.Code, PIN: pin, Kind: in.Kind, Anonymous: in.Anonymous,
		ReceivedOn: reg.ReceivedOn, UnitID: reg.UnitID, Documents: len(in.Documents)}, nil
}

// ActionPortalPetition: a citizen sent a petition through the portal.
const ActionPortalPetition = "portal_petition"

// subjectOf makes a subject from a petition's content: its first line, cut at
// 200 characters on a word.
func subjectOf(content string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(content), "\n")
	r := []rune(strings.TrimSpace(line))
	if len(r) <= 200 {
		return string(r)
	}
	cut := string(r[:200])
	if i := strings.LastIndexByte(cut, ' '); i > 100 {
		cut = cut[:i]
	}
	return cut + "…"
}

// Statuses the portal shows for an online petition that has no case (yet).
const (
	// StatusFiled: the petition was filed without a case (luu_don).
	StatusFiled Status = "luu_don"
	// StatusInformation: an anonymous denunciation, taken as information.
	StatusInformation Status = "thong_tin_to_cao"
)

// onlineLookup is PortalLookup for an online petition's code: the same work and
// the same ErrNotFound for a wrong code or PIN. A petition that opened a case
// shows that case; before, the petition's own stage.
func (s *Service) onlineLookup(ctx context.Context, code, pin string) (PublicCase, error) {
	o, ok, err := s.onlineCheck(ctx, code, pin)
	if err != nil {
		return PublicCase{}, err
	}
	if !ok {
		return PublicCase{}, notFound("case")
	}
	p, err := s.Store.Petition(ctx, o.PetitionID)
	if err != nil {
		return PublicCase{}, err
	}
	if p.CaseID != 0 {
		c, err := s.Store.Case(ctx, p.CaseID)
		if err != nil {
			return PublicCase{}, err
		}
		return s.publicCase(ctx, c)
	}
	pc := PublicCase{Code: o.Code, Kind: p.Kind, Status: StatusReceived, ReceivedOn: p.ReceivedOn}
	switch {
	case o.Anonymous:
		pc.Status = StatusInformation
	case p.Handling == HandlingGuide:
		pc.Status = StatusGuided
	case p.Handling == HandlingTransfer:
		pc.Status = StatusTransferred
	case p.Handling == HandlingFile:
		pc.Status = StatusFiled
	case p.Kind != "" && (p.Admissibility != "" || p.Competence != ""):
		pc.Status = StatusScreening
	}
	return pc, nil
}

// onlineCheck finds the online petition of code and checks pin against it, with
// the same work for an unknown code (checkPIN); a right PIN against a legacy
// verifier replaces it with the keyed one.
func (s *Service) onlineCheck(ctx context.Context, code, pin string) (OnlineRecord, bool, error) {
	o, err := s.Store.OnlinePetitionByCode(ctx, code)
	if err != nil && !errors.Is(err, errs.ErrNotFound) {
		return OnlineRecord{}, false, err
	}
	ok, rehash := s.checkPIN(pin, o.PINHash)
	if !ok || o.PetitionID == 0 {
		return OnlineRecord{}, false, nil
	}
	if rehash {
		s.rehash(ctx, func(r PINRehasher, v string) error { return r.RehashOnlinePIN(ctx, o.PetitionID, o.PINHash, v) }, pin)
	}
	return o, true, nil
}

// OnlineOf returns the online record of a petition the actor may read.
func (s *Service) OnlineOf(ctx context.Context, a Actor, petitionID int64) (OnlineRecord, error) {
	if _, err := s.Petition(ctx, a, petitionID); err != nil {
		return OnlineRecord{}, err
	}
	o, err := s.Store.OnlinePetition(ctx, petitionID)
	o.PINHash = ""
	return o, err
}

// OnlineReceiptOf gives the receipt of an online petition again for its code and
// PIN (the PIN as given: it is not stored); a wrong code or PIN is ErrNotFound
// after the same work.
func (s *Service) OnlineReceiptOf(ctx context.Context, code, pin string) (OnlineReceipt, error) {
	o, ok, err := s.onlineCheck(ctx, code, pin)
	if err != nil {
		return OnlineReceipt{}, err
	}
	if !ok {
		return OnlineReceipt{}, notFound("online petition")
	}
	p, err := s.Store.Petition(ctx, o.PetitionID)
	if err != nil {
		return OnlineReceipt{}, err
	}
	return OnlineReceipt{PetitionID: p.ID, Code: o.Code, PIN: pin, Kind: p.Kind, Anonymous: o.Anonymous,
		ReceivedOn: p.ReceivedOn, UnitID: p.UnitID, Documents: len(o.Documents)}, nil
}
