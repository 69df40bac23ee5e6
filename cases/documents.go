package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"kntc/ingest"
	"kntc/internal/enum"
	"kntc/internal/errs"
	"kntc/internal/textin"
	"kntc/ocr"
)

// DocumentVisible returns nil when the actor may see d: a role that reads
// documents, within the unit scope; a document in no case only for those who file
// documents (clerks, handlers, leaders: the triage inbox); a confidential one only
// with a grant on each opened case whose secret it holds (ConfidentialCases says
// which) — or, when none of them is opened, for a leader, who files it and
// grants. Anything else is ErrNotFound.
func (s *Service) DocumentVisible(ctx context.Context, a Actor, d ingest.Document) error {
	if a.system() {
		return nil
	}
	if !Can(a.User.Role, PermDocumentRead) || !a.Scope.Allows(d.UnitCode) {
		return notFound("document " + d.ID)
	}
	if d.CaseCode == "" && !Can(a.User.Role, PermDocumentLink) {
		return notFound("document " + d.ID)
	}
	if !d.Confidential {
		return nil
	}
	filed := false
	for _, code := range ConfidentialCases(d) {
		c, err := s.Store.CaseByCode(ctx, code)
		if errors.Is(err, errs.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		filed = true
		ok, err := s.granted(ctx, a, c)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("document " + d.ID)
		}
	}
	if filed || Can(a.User.Role, PermCaseGrant) {
		return nil
	}
	return notFound("document " + d.ID)
}

// ConfidentialCases are the cases a user must be granted to see confidential
// document d: the case whose protected party it names (SecretCase), and its own
// case when that is a denunciation or when it names nobody else's party.
// storage/sqldb's document filter (ConfidentialCases) writes the same rule in SQL.
func ConfidentialCases(d ingest.Document) []string {
	var out []string
	if d.SecretCase != "" {
		out = append(out, d.SecretCase)
	}
	if d.CaseCode != "" && d.CaseCode != d.SecretCase && (d.SecretCase == "" || denunciationCode(d.CaseCode)) {
		out = append(out, d.CaseCode)
	}
	return out
}

// Document returns document id if the actor may see it. It records nothing: the
// caller records what it shows with Access.
func (s *Service) Document(ctx context.Context, a Actor, id string) (ingest.Document, error) {
	if err := a.require(PermDocumentRead); err != nil {
		return ingest.Document{}, err
	}
	d, err := s.Docs.Document(ctx, id)
	if err != nil {
		return ingest.Document{}, err
	}
	if d.Retracted {
		return ingest.Document{}, fmt.Errorf("document %s was retracted: %w", id, errs.ErrNotFound)
	}
	if err := s.DocumentVisible(ctx, a, d); err != nil {
		return ingest.Document{}, err
	}
	return d, nil
}

// What Access records a document's being shown as.
const (
	AccessMetadata = "metadata" // its fields: recorded (ActionRead) only for a confidential document
	AccessPDF      = "pdf"      // the PDF/A copy (ActionDownload)
	AccessOriginal = "original" // the original bytes (ActionDownload)
	AccessText     = "text"     // the recognised text (ActionDownload)
)

// Access records what of a document the actor is shown, before it is shown: every
// download of any kind (what in the Detail), and a read of a confidential
// document's metadata. An act that cannot be recorded must not happen.
func (s *Service) Access(ctx context.Context, a Actor, d ingest.Document, what string) error {
	action := ActionDownload
	switch what {
	case AccessMetadata:
		if !d.Confidential {
			return nil
		}
		action = ActionRead
	case AccessPDF, AccessOriginal, AccessText:
	default:
		return errs.Errorf(errs.Invalid, "access %q of document %s", what, d.ID)
	}
	rec := a.record(action, "document:"+d.ID, what)
	rec.Unit = d.UnitCode
	return s.Store.Audit(ctx, rec)
}

// GrantedCases returns the codes of the cases whose confidential documents the
// actor may see.
func (s *Service) GrantedCases(ctx context.Context, a Actor) ([]string, error) {
	if a.User.ID == 0 {
		return nil, nil
	}
	return s.Store.GrantedCodes(ctx, a.User.ID)
}

// Link puts a document into a case (optionally saying what kind of document it
// is); a stored document of a known kind moves the case.
func (s *Service) Link(ctx context.Context, a Actor, documentID, code string, kind ingest.Kind) (ingest.Document, error) {
	if err := a.require(PermDocumentLink); err != nil {
		return ingest.Document{}, err
	}
	if kind != "" && !kind.Valid() {
		return ingest.Document{}, errs.Errorf(errs.Invalid, "%s", enum.Unknown("loại văn bản", "document kind", kind, ingest.Kinds()))
	}
	d, err := s.Document(ctx, a, documentID)
	if err != nil {
		return ingest.Document{}, err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return ingest.Document{}, err
	}
	if d.CaseCode == c.Code && (kind == "" || kind == d.Kind) {
		return d, nil
	}
	if kind != "" {
		d.Kind = kind
	}
	if err := s.link(ctx, a, &c, &d, "manual", d.Status == ingest.StatusStored); err != nil {
		return ingest.Document{}, err
	}
	return d, nil
}

// link records d in c — in c's unit, whatever unit it arrived in, so the case's
// staff see it — marks it confidential when it must be, and, when apply (the
// document is stored or being stored), lets a document of a known kind move the
// case.
func (s *Service) link(ctx context.Context, a Actor, c *Case, d *ingest.Document, route string, apply bool) error {
	u, err := s.unitOfCase(ctx, *c)
	if err != nil {
		return err
	}
	if d.CaseCode != c.Code {
		d.Cleared = false // cleared for another case: judged anew in this one
	}
	d.CaseCode, d.UnitCode = c.Code, u.Code
	if d.SecretCase == c.Code {
		d.SecretCase = ""
	}
	ids, err := s.protectedIn(ctx, c.UnitID)
	if err != nil {
		return err
	}
	v, err := s.judge(ctx, *d, c, ids)
	if err != nil {
		return err
	}
	v.apply(d)
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventLinked, DocumentID: d.ID, Note: route}
	if err := s.Store.LinkDocument(ctx, d, ev, a.record(ActionLink, "document:"+d.ID, "case:"+c.Code+" kind:"+string(d.Kind)+" route:"+route)); err != nil {
		return fmt.Errorf("link %s to %s: %w", d.ID, c.Code, err)
	}
	if err := s.Store.SetSuggestions(ctx, d.ID, nil); err != nil {
		return err
	}
	if apply {
		return s.applyDocument(ctx, a, c, *d)
	}
	return nil
}

// Unlink takes a document out of its case (a wrong link); the case's dates stay.
func (s *Service) Unlink(ctx context.Context, a Actor, documentID string) (ingest.Document, error) {
	if err := a.require(PermDocumentLink); err != nil {
		return ingest.Document{}, err
	}
	d, err := s.Document(ctx, a, documentID)
	if err != nil {
		return ingest.Document{}, err
	}
	if d.CaseCode == "" {
		return d, nil
	}
	if d.Confidential {
		// Out of its case, nobody could see it again (confidential documents are
		// shown only through a grant on their case): move it with Link instead.
		return ingest.Document{}, ErrIllegal.Errorf("văn bản mật không thể tách khỏi hồ sơ, hãy gắn sang hồ sơ đúng (a confidential document cannot leave its case; link it to the right case instead)")
	}
	ev := Event{Type: EventUnlinked, DocumentID: d.ID, UserID: a.User.ID, At: s.now()}
	if c, err := s.Store.CaseByCode(ctx, d.CaseCode); err == nil {
		ev.CaseID = c.ID
	}
	old := d.CaseCode
	d.CaseCode = ""
	if err := s.Store.LinkDocument(ctx, &d, ev, a.record(ActionUnlink, "document:"+d.ID, "case:"+old)); err != nil {
		return ingest.Document{}, err
	}
	return d, nil
}

// fieldRetractReason is why a document is retracted.
var fieldRetractReason = textin.Field{Name: "lý do rút tài liệu", English: "reason for retracting", Max: 1000, Required: true}

// Retract takes out a document put in by mistake (a wrong file, another citizen's
// letter): a leader who sees it, or an administrator of its unit by its ID (from
// the ingestion monitor, reading none of it), gives the reason. It then leaves every list,
// search answer (on every node: the index follows the change) and its case, and
// reading it by its ID is "not found"; its row, pages and objects are kept (a
// purge is a separate, later act). The audit entry names the document, its case
// and the reason's length, not the reason, which may name people.
func (s *Service) Retract(ctx context.Context, a Actor, documentID, reason string) (ingest.Document, error) {
	if err := a.require(PermDocumentRetract); err != nil {
		return ingest.Document{}, err
	}
	reason, problem := fieldRetractReason.Clean(reason)
	if problem != "" {
		return ingest.Document{}, errs.Errorf(errs.Invalid, "%s", problem)
	}
	d, err := s.retractable(ctx, a, documentID)
	if err != nil {
		return ingest.Document{}, err
	}
	detail := fmt.Sprintf("case:%s status:%s reason_chars:%d", d.CaseCode, d.Status, utf8.RuneCountInString(reason))
	if err := s.Store.RetractDocument(ctx, &d, reason, a.record(ActionRetract, "document:"+d.ID, detail)); err != nil {
		return ingest.Document{}, err
	}
	return d, nil
}

// SetConfidential marks a document confidential or lifts the mark. Only a user
// who sees the confidential document (granted its case) can lift it; the lifting
// is remembered (Cleared), so the automatic check does not mark it again unless a
// new protected identity is found in it.
func (s *Service) SetConfidential(ctx context.Context, a Actor, documentID string, confidential bool) (ingest.Document, error) {
	if err := a.require(PermDocumentLink); err != nil {
		return ingest.Document{}, err
	}
	d, err := s.Document(ctx, a, documentID)
	if err != nil {
		return ingest.Document{}, err
	}
	if d.Confidential == confidential {
		return d, nil
	}
	d.Confidential, d.Cleared = confidential, !confidential
	if !confidential {
		d.SecretCase = ""
	}
	if err := s.Store.LinkDocument(ctx, &d, Event{}, a.record(ActionUpdate, "document:"+d.ID, fmt.Sprintf("confidential=%t", confidential))); err != nil {
		return ingest.Document{}, err
	}
	return d, nil
}

// applyDocument lets a stored document of a known kind move its case forward
// (never back): a quyết định thụ lý (or a thông báo thụ lý) accepts it and starts
// the resolution period; a verification assignment starts verification; dialogue
// minutes the dialogue; the resolving decision or the conclusion decides it. A
// quyết định gia hạn moves nothing: an extension is recorded with its length
// (Extend), which the scan does not state reliably. The letters and the other
// papers that arrive first move nothing either.
func (s *Service) applyDocument(ctx context.Context, a Actor, c *Case, d ingest.Document) error {
	on := s.today()
	if t, err := ParseDate(d.Meta.Date); err == nil && !t.IsZero() && !t.After(on) {
		on = t
	}
	from := *c
	switch d.Kind {
	case ingest.KindQuyetDinhThuLy, ingest.KindThongBaoThuLyToCao, ingest.KindThongBaoThuLyKhieuNai:
		// A complaint's thụ lý notice does not accept a denunciation: it is
		// in the wrong case.
		if c.Status.pending() && (d.Kind != ingest.KindThongBaoThuLyKhieuNai || c.Kind != KindDenunciation) {
			c.Status, c.AcceptedOn = StatusAccepted, on
		}
	case ingest.KindQuyetDinhGiaoXacMinh:
		if c.Status == StatusAccepted {
			c.Status = StatusVerifying
		}
	case ingest.KindBienBanDoiThoai:
		if c.Kind != KindDenunciation && (c.Status == StatusAccepted || c.Status == StatusVerifying) {
			c.Status = StatusDialogue
		}
	case ingest.KindQuyetDinhGiaiQuyetKhieuNai, ingest.KindKetLuanNoiDungToCao:
		decides := d.Kind == ingest.KindKetLuanNoiDungToCao && c.Kind == KindDenunciation ||
			d.Kind == ingest.KindQuyetDinhGiaiQuyetKhieuNai && c.Kind != KindDenunciation
		if !decides {
			return nil
		}
		c.DecisionDocument = d.ID
		if err := s.WORM.Retain(ctx, d); err != nil {
			return err
		}
		if c.Status.pending() || c.Status.handling() {
			if c.AcceptedOn.IsZero() {
				c.AcceptedOn = on // decided without a scanned thụ lý: the decision stands for it
			}
			c.Status, c.DecidedOn = StatusDecided, on
		}
	default:
		return nil
	}
	if c.Status == from.Status && c.DecisionDocument == from.DecisionDocument {
		return nil
	}
	c.DueOn = DueOn(*c)
	var events []Event
	if c.Status != from.Status {
		events = append(events, Event{Type: EventTransition, From: from.Status, To: c.Status, DocumentID: d.ID,
			Note: "theo văn bản " + d.Meta.Number})
	}
	err := s.updateCase(ctx, a, c, events, ActionTransition, "by document "+d.ID)
	if !errors.Is(err, errs.ErrConflict) {
		return err
	}
	// Someone changed the case meanwhile: apply the document to the fresh copy.
	fresh, ferr := s.Store.Case(ctx, c.ID)
	if ferr != nil {
		return ferr
	}
	*c = fresh
	return s.applyDocument(ctx, a, c, d)
}

// Finish is the pipeline's last step for a document (ingest.Processor.Finish),
// before it is marked stored and before anything can index it. Its text is new,
// so it is checked afresh: a document routed to an opened case (hot-folder
// folder, cover sheet) is recorded in it and may move it; any other is marked
// confidential when it names a protected identity of its unit (or was routed to a
// denunciation not opened yet) and gets its case suggestions for the triage inbox.
// Safe to run again.
func (s *Service) Finish(ctx context.Context, d *ingest.Document) error {
	// The marks it arrived with were judged by its name and route alone (and any
	// earlier run's by an earlier text): judged again on the text, from scratch.
	d.Confidential, d.SecretCase, d.Cleared = false, "", false
	if d.CaseCode != "" {
		c, err := s.Store.CaseByCode(ctx, d.CaseCode)
		if err == nil {
			route := "folder"
			if strings.HasPrefix(d.SourcePath, "split:") {
				route = "cover"
			}
			return s.link(ctx, System, &c, d, route, true)
		}
		if !errors.Is(err, errs.ErrNotFound) {
			return err
		}
		// The case may not be opened yet: the code is kept (CreateCase adopts the
		// document), and suggestions help.
	}
	ids, err := s.unitIdentities(ctx, d.UnitCode)
	if err != nil {
		return err
	}
	v, err := s.judge(ctx, *d, nil, ids)
	if err != nil {
		return err
	}
	v.apply(d)
	sugg, err := s.Suggest(ctx, *d)
	if err != nil {
		return err
	}
	return s.Store.SetSuggestions(ctx, d.ID, sugg)
}

// Suggestion scores: a code in the text is certain; a number is near it; a
// petitioner's name or a number the case's subject cites (the contested decision,
// which other people contest too) less so; a similar subject least.
const (
	scoreCode          = 1
	scoreSameNumber    = 0.9
	scoreNumberFollows = 0.8
	scoreSubjectNumber = 0.75
	scoreNamesParty    = 0.7
	// The petitioner named and the contested decision cited: this petitioner's
	// case rather than another one about the same decision.
	scoreNamesPartyCited = 0.85
	scoreSubject         = 0.5 // times the similarity
)

// Suggest proposes cases for a document: cases whose code its text names; cases
// holding a document its text cites by number (it follows that document) or one
// with its own number (another copy of it); open cases of its unit whose subject
// cites a number the document cites or carries (the contested decision), whose
// petitioner it names, or whose subject is similar.
//
// A petitioner is looked for only when nobody must keep their identity secret: a
// denunciation's parties, sealed parties and anyone whose name or number is also
// a protected identity of the unit are never looked for, so that no suggestion —
// its reason or its detail — tells who denounced whom.
func (s *Service) Suggest(ctx context.Context, d ingest.Document) ([]Suggestion, error) {
	pages, err := s.Docs.Pages(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	var text strings.Builder
	for _, p := range pages {
		text.WriteString(p.Text)
		text.WriteString("\n")
	}
	best := map[string]Suggestion{}
	add := func(sg Suggestion) {
		if old, ok := best[sg.CaseCode]; !ok || sg.Score > old.Score {
			sg.DocumentID = d.ID
			best[sg.CaseCode] = sg
		}
	}
	for _, code := range CodesIn(d.Filename + "\n" + text.String()) {
		if _, err := s.Store.CaseByCode(ctx, code); err == nil {
			add(Suggestion{CaseCode: code, Reason: "code_in_text", Detail: code, Score: scoreCode})
		}
	}
	refs := ocr.References(text.String())
	if d.Meta.Number != "" && !slices.Contains(refs, d.Meta.Number) {
		refs = append(refs, d.Meta.Number)
	}
	if len(refs) > 0 {
		docs, err := s.Store.DocumentsByNumber(ctx, refs)
		if err != nil {
			return nil, err
		}
		for _, o := range docs {
			if o.ID == d.ID || o.CaseCode == "" {
				continue
			}
			score, reason := scoreNumberFollows, "number_follows"
			if o.Meta.Number == d.Meta.Number {
				score, reason = scoreSameNumber, "same_number"
			}
			add(Suggestion{CaseCode: o.CaseCode, Reason: reason, Detail: o.Meta.Number, Score: score})
		}
	}
	u, err := s.Accounts.Store.UnitByCode(ctx, d.UnitCode)
	if errors.Is(err, errs.ErrNotFound) || d.UnitCode == "" {
		return sortedSuggestions(best), nil
	}
	if err != nil {
		return nil, err
	}
	open, _, err := s.Store.Cases(ctx, CaseFilter{UnitIDs: []int64{u.ID}, OpenOnly: true, Limit: 1000})
	if err != nil {
		return nil, err
	}
	hay := newHaystack(d.Filename, d.Meta.Subject, text.String())
	var protected []identity
	protectedLoaded := false
	for _, c := range open {
		cited := false
		for _, n := range ocr.References(c.Subject) {
			if slices.Contains(refs, n) {
				add(Suggestion{CaseCode: c.Code, Reason: "subject_number", Detail: n, Score: scoreSubjectNumber})
				cited = true
				break
			}
		}
		if subj := d.Meta.Subject; subj != "" {
			if sim := SubjectSimilarity(subj, c.Subject); sim >= DuplicateThreshold {
				add(Suggestion{CaseCode: c.Code, Reason: "subject", Detail: c.Subject, Score: scoreSubject * sim})
			}
		}
		if c.Kind == KindDenunciation {
			continue // its petitioners are protected
		}
		parties, err := s.Store.Parties(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range parties {
			if p.Role != RolePetitioner || p.Secret || secretRole(c.Kind, p.Role) {
				continue
			}
			needles := needlesOf(p.Person)
			if len(needles) == 0 || !hay.names(identity{needles: needles}) {
				continue
			}
			if !protectedLoaded {
				if protected, err = s.protectedIn(ctx, u.ID); err != nil {
					return nil, err
				}
				protectedLoaded = true
			}
			if sharesNeedle(needles, protected) {
				continue // the same name or number as someone protected: say nothing
			}
			score := scoreNamesParty
			if cited {
				score = scoreNamesPartyCited
			}
			add(Suggestion{CaseCode: c.Code, Reason: "names_party", Detail: p.Person.Name, Score: score})
		}
	}
	// A detail is text someone typed (a case's subject): should it name a
	// protected identity, the suggestion goes without it.
	for code, sg := range best {
		if sg.Reason != "subject" && sg.Reason != "names_party" {
			continue
		}
		if !protectedLoaded {
			if protected, err = s.protectedIn(ctx, u.ID); err != nil {
				return nil, err
			}
			protectedLoaded = true
		}
		h := newHaystack(sg.Detail)
		for _, id := range protected {
			if h.names(id) {
				sg.Detail = ""
				best[code] = sg
				break
			}
		}
	}
	return sortedSuggestions(best), nil
}

// sharesNeedle reports whether any of needles is also one of a protected identity.
func sharesNeedle(needles []string, protected []identity) bool {
	for _, id := range protected {
		for _, n := range id.needles {
			if slices.Contains(needles, n) {
				return true
			}
		}
	}
	return false
}

// sortedSuggestions returns the suggestions, best first.
func sortedSuggestions(best map[string]Suggestion) []Suggestion {
	out := make([]Suggestion, 0, len(best))
	for _, sg := range best {
		out = append(out, sg)
	}
	byScore(out)
	return out
}

// TriageItem is an unlinked document with the cases suggested for it.
type TriageItem struct {
	Document    ingest.Document
	Suggestions []Suggestion
}

// Triage lists the stored documents of the actor's units that are in no case, with
// the suggestions the actor may act on.
func (s *Service) Triage(ctx context.Context, a Actor, limit, offset int) ([]TriageItem, int, error) {
	return s.TriageOf(ctx, a, "", limit, offset)
}

// TriageOf is Triage kept to one unit of the actor's scope (by code; "" is every
// unit of it): a unit outside the scope lists nothing.
func (s *Service) TriageOf(ctx context.Context, a Actor, unit string, limit, offset int) ([]TriageItem, int, error) {
	if err := a.require(PermDocumentLink); err != nil {
		return nil, 0, err
	}
	f, err := s.triageFilter(ctx, a)
	if err != nil {
		return nil, 0, err
	}
	f.Limit, f.Offset = limit, offset
	f.UnitCode = unit
	docs, total, err := s.Docs.Documents(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, 0, len(docs))
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	sugg, err := s.Store.Suggestions(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	by := map[string][]Suggestion{}
	seen := map[string]bool{}
	for _, sg := range sugg {
		if ok, known := seen[sg.CaseCode]; known && !ok {
			continue
		}
		c, err := s.Store.CaseByCode(ctx, sg.CaseCode)
		ok := err == nil && a.seesUnit(c.UnitID)
		seen[sg.CaseCode] = ok
		if ok {
			by[sg.DocumentID] = append(by[sg.DocumentID], sg)
		}
	}
	out := make([]TriageItem, 0, len(docs))
	for _, d := range docs {
		out = append(out, TriageItem{Document: d, Suggestions: by[d.ID]})
	}
	return out, total, nil
}

// triageFilter selects the documents of the actor's triage inbox.
func (s *Service) triageFilter(ctx context.Context, a Actor) (ingest.DocumentFilter, error) {
	// Confidential documents only as DocumentVisible shows them: to users granted
	// the case they name, and to leaders when they name none.
	granted, err := s.GrantedCases(ctx, a)
	if err != nil {
		return ingest.DocumentFilter{}, err
	}
	f := ingest.DocumentFilter{Status: ingest.StatusStored, Unlinked: true, ConfidentialCases: append([]string{}, granted...),
		ConfidentialUnfiled: Can(a.User.Role, PermCaseGrant)}
	if !a.Scope.All {
		f.UnitCodes = a.Scope.Codes
	}
	return f, nil
}

// TriageCount is how many documents Triage lists in all, counted without
// reading them (the dashboard's figure).
func (s *Service) TriageCount(ctx context.Context, a Actor) (int, error) {
	if err := a.require(PermDocumentLink); err != nil {
		return 0, err
	}
	f, err := s.triageFilter(ctx, a)
	if err != nil {
		return 0, err
	}
	n, _, err := s.Docs.DocumentPages(ctx, f)
	return n, err
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
