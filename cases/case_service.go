package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/auth"
	"kntc/ingest"
	"kntc/internal/enum"
	"kntc/internal/errs"
)

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
	var probs errs.Problems
	checkDate(&probs, "received_on", "ngày nhận đơn", "the receipt date", in.ReceivedOn, s.today(), false)
	if in.ReceivedOn.IsZero() {
		in.ReceivedOn = s.today()
	}
	c := Case{Kind: in.Kind, Source: in.Source, ReceivedOn: Date(in.ReceivedOn),
		UnitID: in.UnitID, HandlerID: in.HandlerID, Round: in.Round,
		Complex: in.Complex, Remote: in.Remote, Status: StatusReceived, CreatedBy: a.User.ID}
	cleanNewCase(&probs, &c, in, maxParties)
	if !c.Kind.Valid() {
		probs.Add("kind", enum.Unknown("loại đơn", "kind", c.Kind, Kinds))
	}
	if !c.Source.Valid() {
		probs.Add("source", enum.Unknown("nguồn đơn", "source", c.Source, Sources))
	}
	if c.Round != 1 && c.Round != 2 || c.Round == 2 && c.Kind != KindComplaint {
		probs.Add("round", "lần giải quyết là 1, hoặc 2 với khiếu nại (round is 1, or 2 for complaints)")
	}
	for i := range in.Parties {
		if len(in.Parties) > maxParties {
			break // too many is the one problem reported, not one per party
		}
		checkParty(&probs, &in.Parties[i], fmt.Sprintf("parties[%d].", i))
	}
	if err := probs.Err(); err != nil {
		return Case{}, "", err
	}
	if c.Kind == KindDenunciation && s.Sealer == nil && len(in.Parties) > 0 {
		return Case{}, "", errors.New("no sealing key configured: the identity of a denouncer cannot be stored")
	}
	// Whoever opens the case typed its protected parties: their identity in the
	// subject and summary, which every reader of the case (and its list's text
	// search) reads, is masked as they are sealed.
	var sealed []Person
	for _, p := range in.Parties {
		if secretRole(c.Kind, p.Role) {
			sealed = append(sealed, p.Person)
		}
	}
	c.Subject, c.Summary = maskIdentities(c.Subject, sealed...), maskIdentities(c.Summary, sealed...)
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
	h, err := s.newPINVerifier(pin)
	if err != nil {
		return Case{}, "", err
	}
	c.PINHash = h
	cal, err := s.Calendar(ctx)
	if err != nil {
		return Case{}, "", err
	}
	c.DueOn = cal.DueOn(c)
	// The service's clock dates the opening, as it dates every later step: the
	// statistics count a visit's case as handled on that day.
	ev := Event{UserID: a.User.ID, At: s.now(), Type: EventCreated, To: c.Status}
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
	if errors.Is(err, errs.ErrNotFound) {
		return errs.Errorf(errs.Invalid, "cán bộ xử lý %d không tồn tại (no such handler)", handlerID)
	}
	if err != nil {
		return fmt.Errorf("cán bộ xử lý %d (handler): %w", handlerID, err)
	}
	if u.Disabled || u.Role != auth.RoleHandler && u.Role != auth.RoleLeader {
		return errs.Errorf(errs.Invalid, "người xử lý phải là chuyên viên hoặc lãnh đạo đang hoạt động (the handler must be an active handler or leader)")
	}
	units, err := s.Accounts.Store.Units(ctx)
	if err != nil {
		return err
	}
	if !slices.Contains(auth.Subtree(units, unitID), u.UnitID) {
		return errs.Errorf(errs.Invalid, "người xử lý phải thuộc đơn vị xử lý hồ sơ hoặc đơn vị cấp dưới (the handler must belong to the case's unit or a unit below it)")
	}
	return nil
}

// Case returns the case with code if the actor may see it.
func (s *Service) Case(ctx context.Context, a Actor, code string) (Case, error) {
	if err := a.require(PermCaseRead); err != nil {
		return Case{}, err
	}
	return s.visibleCase(ctx, a, code)
}

// CaseByID returns the case with ID id if the actor may see it: the case a
// petition or a visit opened, which they name by its ID.
func (s *Service) CaseByID(ctx context.Context, a Actor, id int64) (Case, error) {
	if err := a.require(PermCaseRead); err != nil {
		return Case{}, err
	}
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if !a.seesUnit(c.UnitID) {
		return Case{}, notFound("case")
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
	var probs errs.Problems
	if patch.Subject != nil {
		if v := clean(*patch.Subject); v == "" {
			probs.Add("subject", "trích yếu không được để trống (the subject is required)")
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
			probs.Add("round", "lần giải quyết là 1, hoặc 2 với khiếu nại (round is 1, or 2 for complaints)")
		} else {
			c.Round = r
			changed = append(changed, "round")
		}
	}
	if err := probs.Err(); err != nil {
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
		return errs.Errorf(errs.Conflict, "hồ sơ %s đã được người khác sửa, hãy tải lại (version %d, now %d)", c.Code, version, c.Version)
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
	var probs errs.Problems
	checkDate(&probs, "on", "ngày của bước xử lý", "the step's date", t.On, s.today(), false)
	fieldTransitionNote.Check(&probs, &t.Note)
	if err := probs.Err(); err != nil {
		return Case{}, err
	}
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
	var probs errs.Problems
	cleanExtension(&probs, &x)
	checkDate(&probs, "decision_date", "ngày quyết định gia hạn", "the decision date", x.DecisionDate, s.today(), false)
	if err := probs.Err(); err != nil {
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

// Events returns the case's timeline; an event of a document since retracted
// no longer names it.
func (s *Service) Events(ctx context.Context, a Actor, code string) ([]Event, error) {
	c, err := s.Case(ctx, a, code)
	if err != nil {
		return nil, err
	}
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	// A retracted document has left its case: its events stay in the history,
	// without pointing at it.
	retracted := map[string]bool{}
	for i, ev := range evs {
		if ev.DocumentID == "" {
			continue
		}
		gone, seen := retracted[ev.DocumentID]
		if !seen {
			d, err := s.Docs.Document(ctx, ev.DocumentID)
			switch {
			case errors.Is(err, errs.ErrNotFound):
			case err != nil:
				return nil, fmt.Errorf("events of %s: %w", code, err)
			default:
				gone = d.Retracted
			}
			retracted[ev.DocumentID] = gone
		}
		if gone {
			evs[i].DocumentID = ""
		}
	}
	return evs, nil
}

// Activity returns the newest timeline events of the cases in scope, of one
// handler's cases when handlerID is not 0: at most limit.
func (s *Service) Activity(ctx context.Context, a Actor, handlerID int64, limit int) ([]Activity, error) {
	if err := a.require(PermCaseRead); err != nil {
		return nil, err
	}
	return s.Store.Activity(ctx, CaseFilter{UnitIDs: narrow(a, nil), HandlerID: handlerID, Limit: limit})
}

// DeadlinesFirst is Deadlines for a page that shows the first few: the first
// limit overdue and due-soon cases (earliest deadline first) and how many there
// are of each, counted in the database rather than read.
func (s *Service) DeadlinesFirst(ctx context.Context, a Actor, handlerID int64, limit int) (overdue, soon []Case, nOverdue, nSoon int, err error) {
	if err := a.require(PermCaseRead); err != nil {
		return nil, nil, 0, 0, err
	}
	today, soonEnd := s.today(), s.today().AddDate(0, 0, s.soonDays()+1)
	f := CaseFilter{UnitIDs: narrow(a, nil), HandlerID: handlerID, OpenOnly: true, DueBefore: today, Limit: limit, NoTotal: true}
	// Both counts in one query; the two lists read limit rows each (the due-soon
	// one by its own range, not past every overdue case).
	if nOverdue, nSoon, err = s.Store.DueCounts(ctx, f, today, soonEnd); err != nil {
		return nil, nil, 0, 0, err
	}
	if nOverdue > 0 {
		if overdue, _, err = s.Store.Cases(ctx, f); err != nil {
			return nil, nil, 0, 0, err
		}
	}
	if nSoon > 0 {
		f.DueFrom, f.DueBefore = today, soonEnd
		if soon, _, err = s.Store.Cases(ctx, f); err != nil {
			return nil, nil, 0, 0, err
		}
	}
	return overdue, soon, nOverdue, nSoon, nil
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
