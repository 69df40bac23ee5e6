package cases

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"kntc/auth"
	"kntc/ingest"
	"kntc/internal/enum"
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
	AuditKey []byte           // checks the keyed audit chain (LoadAuditKey)
	Now      func() time.Time // time.Now when nil
	SoonDays int              // the due-soon window in days; 0 means 5
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

// NewCase is what opening a case takes.
type NewCase struct {
	Kind       Kind
	Source     Source
	ReceivedOn time.Time // today when zero
	Subject    string
	Summary    string
	UnitID     int64 // the actor's unit when 0
	HandlerID  int64
	Round      int // 1 when 0
	Complex    bool
	Remote     bool
	Parties    []Party
}

// argonPIN: a PIN is short, so its hash must be slow; the portal also limits tries.
var argonPIN = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// PINDigits is the length of a citizen's lookup PIN.
const PINDigits = 8

func newPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(100_000_000))
	return fmt.Sprintf("%08d", n.Int64())
}

func invalid(probs []string) error {
	if len(probs) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %w", strings.Join(probs, "; "), ingest.ErrInvalid)
}

// clean is the lenient cleaning of a text field whose limits are checked
// elsewhere: NFC, no control, zero-width or bidirectional characters, trimmed.
func clean(s string) string { return textin.Strip(s) }

// CreateCase opens a case in the actor's scope and returns it with the citizen's
// lookup PIN, shown this once (only its hash is kept). At most MaxParties parties.
func (s *Service) CreateCase(ctx context.Context, a Actor, in NewCase) (Case, string, error) {
	return s.createCase(ctx, a, in, MaxParties)
}

// createCase is CreateCase with at most maxParties parties (a visit's visitors all
// become parties).
func (s *Service) createCase(ctx context.Context, a Actor, in NewCase, maxParties int) (Case, string, error) {
	if err := a.require(PermCaseCreate); err != nil {
		return Case{}, "", err
	}
	if in.UnitID == 0 {
		in.UnitID = a.User.UnitID
	}
	if in.Round == 0 {
		in.Round = 1
	}
	dateProb := dateProblem("ngày nhận đơn", "the receipt date", in.ReceivedOn, s.today(), false)
	if in.ReceivedOn.IsZero() {
		in.ReceivedOn = s.today()
	}
	c := Case{Kind: in.Kind, Source: in.Source, ReceivedOn: Date(in.ReceivedOn),
		UnitID: in.UnitID, HandlerID: in.HandlerID, Round: in.Round,
		Complex: in.Complex, Remote: in.Remote, Status: StatusReceived, CreatedBy: a.User.ID}
	probs := cleanNewCase(&c, in, maxParties)
	if dateProb != "" {
		probs = append(probs, dateProb)
	}
	if !c.Kind.Valid() {
		probs = append(probs, enum.Unknown("loại đơn", "kind", c.Kind, Kinds))
	}
	if !c.Source.Valid() {
		probs = append(probs, enum.Unknown("nguồn đơn", "source", c.Source, Sources))
	}
	if c.Round != 1 && c.Round != 2 || c.Round == 2 && c.Kind != KindComplaint {
		probs = append(probs, "lần giải quyết là 1, hoặc 2 với khiếu nại (round is 1, or 2 for complaints)")
	}
	for i := range in.Parties {
		if len(in.Parties) > maxParties {
			break // too many is the one problem reported, not one per party
		}
		if p := partyProblem(&in.Parties[i]); p != "" {
			probs = append(probs, p)
		}
	}
	if err := invalid(probs); err != nil {
		return Case{}, "", err
	}
	if c.Kind == KindDenunciation && s.Sealer == nil && len(in.Parties) > 0 {
		return Case{}, "", errors.New("no sealing key configured: the identity of a denouncer cannot be stored")
	}
	if !a.seesUnit(c.UnitID) {
		return Case{}, "", notFound(fmt.Sprintf("unit %d", c.UnitID))
	}
	if _, err := s.Accounts.Store.Unit(ctx, c.UnitID); err != nil {
		return Case{}, "", fmt.Errorf("đơn vị xử lý %d (handling unit): %w", c.UnitID, err)
	}
	if c.HandlerID != 0 {
		if err := a.require(PermCaseAssign); err != nil {
			return Case{}, "", err
		}
	}
	if err := s.checkHandler(ctx, c.UnitID, c.HandlerID); err != nil {
		return Case{}, "", err
	}
	pin := newPIN()
	h, err := argon2id.CreateHash(pin, argonPIN)
	if err != nil {
		return Case{}, "", err
	}
	c.PINHash = h
	cal, err := s.Calendar(ctx)
	if err != nil {
		return Case{}, "", err
	}
	c.DueOn = cal.DueOn(c)
	ev := Event{UserID: a.User.ID, Type: EventCreated, To: c.Status}
	// The parties go in with the case, in one transaction: a case is never left
	// without the parties it was opened with (the PIN would not have been shown).
	parties := make([]NewParty, len(in.Parties))
	for i := range in.Parties {
		p := in.Parties[i]
		np, err := s.newParty(a, c, &p)
		if err != nil {
			return Case{}, "", err
		}
		parties[i] = np
	}
	if err := s.Store.CreateCase(ctx, &c, ev, a.record(ActionCreate, "", "kind="+string(c.Kind)), parties...); err != nil {
		return Case{}, "", fmt.Errorf("create case: %w", err)
	}
	if err := s.caseOpened(ctx, a, &c); err != nil {
		return Case{}, "", err
	}
	return c, pin, nil
}

// caseOpened keeps confidentiality true once a case exists: the documents
// routed to its code before it was opened join it, and the unit's documents are
// checked for its protected parties.
func (s *Service) caseOpened(ctx context.Context, a Actor, c *Case) error {
	if err := s.adoptPending(ctx, a, c); err != nil {
		return fmt.Errorf("documents routed to %s: %w", c.Code, err)
	}
	ids, err := s.caseIdentities(ctx, *c)
	if err != nil {
		return err
	}
	if err := s.protectUnit(ctx, a, c.UnitID, ids); err != nil {
		return fmt.Errorf("protect the parties of %s: %w", c.Code, err)
	}
	fresh, err := s.Store.Case(ctx, c.ID)
	if err != nil {
		return err
	}
	*c = fresh // adopted documents may have moved it
	return nil
}

// checkHandler refuses a handler who is not an active handler or leader of the
// case's unit or a unit below it.
func (s *Service) checkHandler(ctx context.Context, unitID, handlerID int64) error {
	if handlerID == 0 {
		return nil
	}
	u, err := s.Accounts.Store.User(ctx, handlerID)
	if errors.Is(err, ingest.ErrNotFound) {
		return fmt.Errorf("cán bộ xử lý %d không tồn tại (no such handler): %w", handlerID, ingest.ErrInvalid)
	}
	if err != nil {
		return fmt.Errorf("cán bộ xử lý %d (handler): %w", handlerID, err)
	}
	if u.Disabled || u.Role != auth.RoleHandler && u.Role != auth.RoleLeader {
		return fmt.Errorf("người xử lý phải là chuyên viên hoặc lãnh đạo đang hoạt động (the handler must be an active handler or leader): %w", ingest.ErrInvalid)
	}
	units, err := s.Accounts.Store.Units(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(auth.Subtree(units, unitID), u.UnitID) {
		return fmt.Errorf("người xử lý phải thuộc đơn vị xử lý hồ sơ hoặc đơn vị cấp dưới (the handler must belong to the case's unit or a unit below it): %w", ingest.ErrInvalid)
	}
	return nil
}

// partyProblem cleans p's fields in place and says what is wrong with them ("" when
// nothing is).
func partyProblem(p *Party) string {
	probs := cleanParty(p)
	if !p.Role.Valid() {
		probs = append([]string{enum.Unknown("vai trò đương sự", "party role", p.Role, PartyRoles)}, probs...)
	}
	return strings.Join(probs, "; ")
}

// secretRole reports whether a party of this role in a case of this kind is
// protected: the denouncer and whoever represents them (Luật Tố cáo 2018, Điều 47).
func secretRole(k Kind, r PartyRole) bool {
	return k == KindDenunciation && (r == RolePetitioner || r == RoleRepresentative)
}

func (s *Service) addParty(ctx context.Context, a Actor, c Case, p *Party) error {
	np, err := s.newParty(a, c, p)
	if err != nil {
		return err
	}
	return s.Store.CreateParty(ctx, p, np.Event, np.Record)
}

// newParty checks and seals p as a party of c (c.ID and c.Code may be unknown yet:
// a new case) and makes its timeline event and audit record.
func (s *Service) newParty(a Actor, c Case, p *Party) (NewParty, error) {
	if p := partyProblem(p); p != "" {
		return NewParty{}, invalid([]string{p})
	}
	p.CaseID = c.ID
	if err := s.seal(c.Kind, p); err != nil {
		return NewParty{}, err
	}
	object := ""
	if c.Code != "" {
		object = "case:" + c.Code
	}
	return NewParty{
		Party:  p,
		Event:  Event{CaseID: c.ID, UserID: a.User.ID, Type: EventParty, Note: "thêm " + partyLabel(*p)},
		Record: a.record(ActionCreate, object, "party role="+string(p.Role)),
	}, nil
}

// seal seals p's identity when its role is protected in a case of kind k.
func (s *Service) seal(k Kind, p *Party) error {
	p.Secret = secretRole(k, p.Role)
	if !p.Secret {
		p.Sealed = ""
		return nil
	}
	if s.Sealer == nil {
		return errors.New("no sealing key configured: the identity of a denouncer cannot be stored")
	}
	sealed, err := s.Sealer.Seal(sealedParty{p.Person, p.Note}, "party")
	if err != nil {
		return err
	}
	p.Sealed, p.Person, p.Note = sealed, Person{}, ""
	return nil
}

// sealedParty is what a protected party's sealed value holds: who they are, and the
// note about them, which may say as much.
type sealedParty struct {
	Person Person `json:"person"`
	Note   string `json:"note,omitempty"`
}

// openParty opens a protected party's sealed value.
func (s *Service) openParty(p *Party) error {
	var sp sealedParty
	if err := s.Sealer.Open(p.Sealed, "party", &sp); err != nil {
		return err
	}
	p.Person, p.Note = sp.Person, sp.Note
	return nil
}

// partyLabel names a party in the timeline without naming a protected person.
func partyLabel(p Party) string {
	if p.Secret {
		return "người tố cáo (được giữ bí mật)"
	}
	return string(p.Role) + " " + p.Person.Name
}

// Case returns the case with code if the actor may see it.
func (s *Service) Case(ctx context.Context, a Actor, code string) (Case, error) {
	if err := a.require(PermCaseRead); err != nil {
		return Case{}, err
	}
	return s.visibleCase(ctx, a, code)
}

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

// Cases lists the cases in the actor's scope.
func (s *Service) Cases(ctx context.Context, a Actor, f CaseFilter) ([]Case, int, error) {
	if err := a.require(PermCaseRead); err != nil {
		return nil, 0, err
	}
	f.UnitIDs = narrow(a, f.UnitIDs)
	return s.Store.Cases(ctx, f)
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

// CasePatch changes a case's own fields; nil fields stay. Version must be the
// version read (a concurrent change is ErrConflict). Who may change which field in
// which stage is the table caseFields.
type CasePatch struct {
	Version   int
	Subject   *string
	Summary   *string
	Complex   *bool
	Remote    *bool
	Round     *int
	UnitID    *int64 // a leader
	HandlerID *int64 // a leader; someone of the case's unit or below
	// Result is refused: results are set by the decision step of the workflow.
	Result *Result
}

// UpdateCase applies patch.
func (s *Service) UpdateCase(ctx context.Context, a Actor, code string, patch CasePatch) (Case, error) {
	if err := a.require(PermCaseWrite); err != nil {
		return Case{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return Case{}, err
	}
	if patch.Result != nil {
		return Case{}, errNoResultPatch
	}
	for field, set := range map[string]bool{"subject": patch.Subject != nil, "summary": patch.Summary != nil,
		"complex": patch.Complex != nil, "remote": patch.Remote != nil, "round": patch.Round != nil,
		"unit": patch.UnitID != nil && *patch.UnitID != c.UnitID, "handler": patch.HandlerID != nil && *patch.HandlerID != c.HandlerID} {
		if set {
			if err := checkField(a, c, field); err != nil {
				return Case{}, err
			}
		}
	}
	if err := checkVersion(c, patch.Version); err != nil {
		return Case{}, err
	}
	var events []Event
	var changed []string
	var probs []string
	if patch.Subject != nil {
		if v := clean(*patch.Subject); v == "" {
			probs = append(probs, "trích yếu không được để trống (the subject is required)")
		} else {
			c.Subject = v
			changed = append(changed, "subject")
		}
	}
	if patch.Summary != nil {
		c.Summary = clean(*patch.Summary)
		changed = append(changed, "summary")
	}
	if patch.Complex != nil {
		c.Complex = *patch.Complex
		changed = append(changed, "complex")
	}
	if patch.Remote != nil {
		c.Remote = *patch.Remote
		changed = append(changed, "remote")
	}
	if patch.Round != nil {
		if r := *patch.Round; r != 1 && r != 2 || r == 2 && c.Kind != KindComplaint {
			probs = append(probs, "lần giải quyết là 1, hoặc 2 với khiếu nại (round is 1, or 2 for complaints)")
		} else {
			c.Round = r
			changed = append(changed, "round")
		}
	}
	if err := invalid(probs); err != nil {
		return Case{}, err
	}
	moved := false
	if patch.UnitID != nil && *patch.UnitID != c.UnitID {
		if !a.seesUnit(*patch.UnitID) {
			return Case{}, notFound(fmt.Sprintf("unit %d", *patch.UnitID))
		}
		if _, err := s.Accounts.Store.Unit(ctx, *patch.UnitID); err != nil {
			return Case{}, fmt.Errorf("đơn vị xử lý (handling unit): %w", err)
		}
		c.UnitID, moved = *patch.UnitID, true
		changed = append(changed, "unit")
		events = append(events, Event{Type: EventAssigned, Note: "đơn vị " + strconv.FormatInt(c.UnitID, 10)})
		if patch.HandlerID == nil && c.HandlerID != 0 {
			if err := s.checkHandler(ctx, c.UnitID, c.HandlerID); err != nil {
				c.HandlerID = 0 // the handler stays with their unit
				changed = append(changed, "handler")
			}
		}
	}
	if patch.HandlerID != nil && *patch.HandlerID != c.HandlerID {
		if err := s.checkHandler(ctx, c.UnitID, *patch.HandlerID); err != nil {
			return Case{}, err
		}
		c.HandlerID = *patch.HandlerID
		changed = append(changed, "handler")
		events = append(events, Event{Type: EventAssigned, Note: "cán bộ " + strconv.FormatInt(c.HandlerID, 10)})
	}
	if len(changed) == 0 {
		return c, nil
	}
	events = append(events, Event{Type: EventUpdated, Note: strings.Join(changed, ", ")})
	c.DueOn = DueOn(c)
	if err := s.updateCase(ctx, a, &c, events, ActionUpdate, strings.Join(changed, ",")); err != nil {
		return Case{}, err
	}
	if moved {
		if err := s.caseMoved(ctx, a, c); err != nil {
			return Case{}, err
		}
	}
	return c, nil
}

// caseMoved takes a case's documents along to its new unit, where they are
// checked against that unit's protected identities, and checks the new unit's
// documents against the case's.
func (s *Service) caseMoved(ctx context.Context, a Actor, c Case) error {
	u, err := s.unitOfCase(ctx, c)
	if err != nil {
		return err
	}
	docs, _, err := s.Docs.Documents(ctx, ingest.DocumentFilter{CaseCode: c.Code, Limit: 1000})
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.UnitCode == u.Code {
			continue
		}
		d.UnitCode = u.Code
		if err := s.Store.LinkDocument(ctx, &d, Event{}, a.record(ActionUpdate, "document:"+d.ID, "unit:"+u.Code+" with case:"+c.Code)); err != nil {
			return err
		}
	}
	ids, err := s.caseIdentities(ctx, c)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		ids = []identity{{caseCode: c.Code}} // nothing new to reset: check with what the unit holds
	}
	return s.protectUnit(ctx, a, c.UnitID, ids)
}

// checkVersion refuses a change made on a stale copy of c (the store refuses it
// too; this says so before any work).
func checkVersion(c Case, version int) error {
	if version != c.Version {
		return fmt.Errorf("hồ sơ %s đã được người khác sửa, hãy tải lại (version %d, now %d): %w", c.Code, version, c.Version, ingest.ErrConflict)
	}
	return nil
}

func (s *Service) updateCase(ctx context.Context, a Actor, c *Case, events []Event, action, detail string) error {
	at := s.now()
	for i := range events {
		events[i].CaseID, events[i].UserID, events[i].At = c.ID, a.User.ID, at
	}
	// Every writer sets DueOn, most with the weekends alone; the stored deadline
	// counts the administrators' holidays too.
	cal, err := s.Calendar(ctx)
	if err != nil {
		return err
	}
	c.DueOn = cal.DueOn(*c)
	if err := s.Store.UpdateCase(ctx, c, events, a.record(action, "case:"+c.Code, detail)); err != nil {
		return fmt.Errorf("update case %s: %w", c.Code, err)
	}
	return nil
}

// Transition moves a case one step of the workflow.
func (s *Service) Transition(ctx context.Context, a Actor, code string, version int, t Transition) (Case, error) {
	if err := a.require(PermCaseRead); err != nil {
		return Case{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return Case{}, err
	}
	if err := checkVersion(c, version); err != nil {
		return Case{}, err
	}
	note, noteProb := fieldTransitionNote.Clean(t.Note)
	if err := invalid(appendNonEmpty(nil, dateProblem("ngày của bước xử lý", "the step's date", t.On, s.today(), false), noteProb)); err != nil {
		return Case{}, err
	}
	t.Note = note
	if err := CheckTransition(c, a.User.Role, t); err != nil {
		return Case{}, err
	}
	if t.To == StatusPublished && c.DecisionDocument != "" {
		if err := s.publish(ctx, a, c); err != nil {
			return Case{}, err
		}
	}
	from := c.Status
	Apply(&c, t, s.today())
	ev := Event{Type: EventTransition, From: from, To: c.Status, Note: t.Note}
	return c, s.updateCase(ctx, a, &c, []Event{ev}, ActionTransition, string(from)+"->"+string(c.Status))
}

// Extend records a decision extending a denunciation's period.
func (s *Service) Extend(ctx context.Context, a Actor, code string, x Extension) (Case, error) {
	if err := a.require(PermCaseExtend); err != nil {
		return Case{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return Case{}, err
	}
	probs := appendNonEmpty(cleanExtension(&x), dateProblem("ngày quyết định gia hạn", "the decision date", x.DecisionDate, s.today(), false))
	if err := invalid(probs); err != nil {
		return Case{}, err
	}
	x.DecisionDate, x.By = Date(x.DecisionDate), a.User.ID
	if err := CheckExtension(c, x); err != nil {
		return Case{}, err
	}
	c.Extensions = append(c.Extensions, x)
	c.DueOn = DueOn(c)
	ev := Event{Type: EventExtended, Note: fmt.Sprintf("gia hạn %d ngày theo %s, hạn mới %s", x.Days, x.DecisionNumber, FormatDate(c.DueOn))}
	return c, s.updateCase(ctx, a, &c, []Event{ev}, ActionUpdate, "extension "+strconv.Itoa(len(c.Extensions)))
}

// Events returns the case's timeline.
func (s *Service) Events(ctx context.Context, a Actor, code string) ([]Event, error) {
	c, err := s.Case(ctx, a, code)
	if err != nil {
		return nil, err
	}
	return s.Store.Events(ctx, c.ID)
}

// granted reports whether the actor holds a grant on c.
func (s *Service) granted(ctx context.Context, a Actor, c Case) (bool, error) {
	if a.User.ID == 0 {
		return false, nil
	}
	return s.Store.Granted(ctx, c.ID, a.User.ID)
}

// Parties returns the case's parties; protected identities are opened only for a
// granted actor, and each such read is recorded.
func (s *Service) Parties(ctx context.Context, a Actor, code string) ([]Party, error) {
	c, err := s.Case(ctx, a, code)
	if err != nil {
		return nil, err
	}
	ps, err := s.Store.Parties(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	ok, err := s.granted(ctx, a, c)
	if err != nil {
		return nil, err
	}
	var opened []string
	for i := range ps {
		if !ps[i].Secret {
			continue
		}
		if !ok {
			ps[i].Person, ps[i].Note, ps[i].Redacted = Person{}, "", true
		} else {
			if err := s.openParty(&ps[i]); err != nil {
				return nil, fmt.Errorf("open party %d of %s: %w", ps[i].ID, code, err)
			}
			opened = append(opened, strconv.FormatInt(ps[i].ID, 10))
		}
		ps[i].Sealed = ""
	}
	if len(opened) > 0 {
		if err := s.Store.Audit(ctx, a.record(ActionSecretRead, "case:"+c.Code, "parties "+strings.Join(opened, ","))); err != nil {
			return nil, err // no record, no read
		}
	}
	return ps, nil
}

// AddParty adds a party to the case; a protected one makes every document of
// the unit that names them confidential.
func (s *Service) AddParty(ctx context.Context, a Actor, code string, p Party) (Party, error) {
	if err := a.require(PermCaseWrite); err != nil {
		return Party{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return Party{}, err
	}
	if err := s.checkPartyWrite(a, c, false, false); err != nil {
		return Party{}, err
	}
	who := p.Person
	if err := s.addParty(ctx, a, c, &p); err != nil {
		return Party{}, err
	}
	if p.Secret {
		if err := s.protectUnit(ctx, a, c.UnitID, []identity{{caseCode: c.Code, needles: needlesOf(who)}}); err != nil {
			return Party{}, err
		}
	}
	return redactedCopy(p), nil
}

func redactedCopy(p Party) Party {
	if p.Secret {
		p.Person, p.Note, p.Sealed, p.Redacted = Person{}, "", "", true
	}
	return p
}

// storedParty returns party id of case c, and whether the actor may change it
// (a protected one needs a grant).
func (s *Service) storedParty(ctx context.Context, a Actor, c Case, id int64) (Party, error) {
	ps, err := s.Store.Parties(ctx, c.ID)
	if err != nil {
		return Party{}, err
	}
	for _, p := range ps {
		if p.ID != id {
			continue
		}
		granted := false
		if p.Secret {
			if granted, err = s.granted(ctx, a, c); err != nil {
				return Party{}, err
			}
		}
		if err := s.checkPartyWrite(a, c, p.Secret, granted); err != nil {
			return Party{}, err
		}
		return p, nil
	}
	return Party{}, notFound(fmt.Sprintf("party %d of %s", id, c.Code))
}

// UpdateParty replaces a party's fields. A protected identity is replaced whole
// (it is never shown to be edited in place), and only by a user granted the case.
func (s *Service) UpdateParty(ctx context.Context, a Actor, code string, p Party) (Party, error) {
	if err := a.require(PermCaseWrite); err != nil {
		return Party{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return Party{}, err
	}
	if _, err := s.storedParty(ctx, a, c, p.ID); err != nil {
		return Party{}, err
	}
	if prob := partyProblem(&p); prob != "" {
		return Party{}, invalid([]string{prob})
	}
	p.CaseID = c.ID
	who := p.Person
	if err := s.seal(c.Kind, &p); err != nil {
		return Party{}, err
	}
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventParty, Note: "sửa " + partyLabel(p)}
	if err := s.Store.UpdateParty(ctx, &p, ev, a.record(ActionUpdate, "case:"+c.Code, "party "+strconv.FormatInt(p.ID, 10))); err != nil {
		return Party{}, err
	}
	if p.Secret {
		if err := s.protectUnit(ctx, a, c.UnitID, []identity{{caseCode: c.Code, needles: needlesOf(who)}}); err != nil {
			return Party{}, err
		}
	}
	return redactedCopy(p), nil
}

// DeleteParty removes a party; a protected one only by a user granted the case.
// Documents marked for naming them stay marked until a granted user clears them.
func (s *Service) DeleteParty(ctx context.Context, a Actor, code string, partyID int64) error {
	if err := a.require(PermCaseWrite); err != nil {
		return err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return err
	}
	if _, err := s.storedParty(ctx, a, c, partyID); err != nil {
		return err
	}
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventParty, Note: "xóa đương sự " + strconv.FormatInt(partyID, 10)}
	return s.Store.DeleteParty(ctx, c.ID, partyID, ev, a.record(ActionUpdate, "case:"+c.Code, "delete party "+strconv.FormatInt(partyID, 10)))
}

// Grant lets user read the case's protected identities and confidential documents.
func (s *Service) Grant(ctx context.Context, a Actor, code string, userID int64) error {
	if err := a.require(PermCaseGrant); err != nil {
		return err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return err
	}
	u, err := s.Accounts.Store.User(ctx, userID)
	if err != nil {
		return fmt.Errorf("người được cấp quyền (grantee): %w", err)
	}
	if !Can(u.Role, PermCaseRead) {
		return fmt.Errorf("vai trò %s không xem hồ sơ (role %s does not read cases): %w", u.Role.Label(), u.Role, ingest.ErrInvalid)
	}
	grantee, err := ActorFor(ctx, s.Accounts, u)
	if err != nil {
		return err
	}
	if !grantee.seesUnit(c.UnitID) {
		return fmt.Errorf("%s không thuộc phạm vi đơn vị của hồ sơ (%s cannot see this case's unit): %w", u.Username, u.Username, ingest.ErrInvalid)
	}
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventGrant, Note: "cấp quyền xem thông tin bảo mật cho " + u.Username}
	return s.Store.Grant(ctx, c.ID, userID, a.User.ID, ev, a.record(ActionGrant, "case:"+c.Code, "user "+u.Username))
}

// Revoke withdraws a grant.
func (s *Service) Revoke(ctx context.Context, a Actor, code string, userID int64) error {
	if err := a.require(PermCaseGrant); err != nil {
		return err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return err
	}
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventGrant, Note: "thu hồi quyền xem thông tin bảo mật của người dùng " + strconv.FormatInt(userID, 10)}
	return s.Store.Revoke(ctx, c.ID, userID, ev, a.record(ActionRevoke, "case:"+c.Code, "user "+strconv.FormatInt(userID, 10)))
}

// Deadlines returns the open cases in scope (optionally of one unit or handler)
// whose deadline has passed, and those due within the due-soon window.
func (s *Service) Deadlines(ctx context.Context, a Actor, unitID, handlerID int64) (overdue, soon []Case, err error) {
	if err := a.require(PermCaseRead); err != nil {
		return nil, nil, err
	}
	f := CaseFilter{HandlerID: handlerID, OpenOnly: true, DueBefore: s.today().AddDate(0, 0, s.soonDays()+1), Limit: 1000}
	if unitID != 0 {
		f.UnitIDs = []int64{unitID}
	}
	f.UnitIDs = narrow(a, f.UnitIDs)
	for {
		list, total, err := s.Store.Cases(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range list {
			o, n := Due(c, s.today(), s.soonDays())
			if o {
				overdue = append(overdue, c)
			} else if n {
				soon = append(soon, c)
			}
		}
		f.Offset += len(list)
		if len(list) == 0 || f.Offset >= total {
			return overdue, soon, nil
		}
	}
}

// Lookup is the citizen's view of a case: code and PIN must match; any mismatch is
// ErrNotFound, so the portal cannot tell a wrong PIN from a wrong code.
func (s *Service) Lookup(ctx context.Context, code, pin string) (Case, error) {
	c, err := s.Store.CaseByCode(ctx, strings.ToUpper(strings.TrimSpace(code)))
	if err != nil {
		return Case{}, notFound("case " + code)
	}
	ok, err := argon2id.ComparePasswordAndHash(strings.TrimSpace(pin), c.PINHash)
	if err != nil || !ok {
		return Case{}, notFound("case " + code)
	}
	return c, nil
}

// ResetPIN issues a new lookup PIN (the citizen lost theirs).
func (s *Service) ResetPIN(ctx context.Context, a Actor, code string) (string, error) {
	if err := a.require(PermCaseWrite); err != nil {
		return "", err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return "", err
	}
	pin := newPIN()
	if c.PINHash, err = argon2id.CreateHash(pin, argonPIN); err != nil {
		return "", err
	}
	return pin, s.updateCase(ctx, a, &c, nil, ActionUpdate, "pin reset")
}

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

// byScore orders suggestions best first, then by case code.
func byScore(ss []Suggestion) {
	sort.SliceStable(ss, func(i, j int) bool {
		if ss[i].Score != ss[j].Score {
			return ss[i].Score > ss[j].Score
		}
		return ss[i].CaseCode < ss[j].CaseCode
	})
}

// publish marks the case's decision as the public copy (công khai). A decision
// that carries the denouncer's identity (marked confidential) is never published:
// the law publishes it without that identity, so a redacted copy must be scanned in
// as the decision first.
func (s *Service) publish(ctx context.Context, a Actor, c Case) error {
	d, err := s.Docs.Document(ctx, c.DecisionDocument)
	if err != nil {
		return fmt.Errorf("văn bản quyết định %s (the decision document): %w", c.DecisionDocument, err)
	}
	if d.Confidential {
		return errTransition(c, StatusPublished, "văn bản quyết định chứa thông tin người tố cáo; hãy quét bản đã che thông tin này (the decision names the denouncer; scan in a redacted copy as the decision)")
	}
	if d.Published {
		return nil
	}
	d.Published = true
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventUpdated, DocumentID: d.ID, Note: "công khai văn bản " + d.Meta.Number}
	return s.Store.LinkDocument(ctx, &d, ev, a.record(ActionUpdate, "document:"+d.ID, "published=true case:"+c.Code))
}
