package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"kntc/ingest"
	"kntc/ocr"
)

// documentKinds are the kinds a document may be given (DESIGN.md).
var documentKinds = []string{ocr.KindQuyetDinhThuLy, ocr.KindQuyetDinhGiaoXacMinh, ocr.KindBienBanDoiThoai,
	ocr.KindBienBanLamViec, ocr.KindBaoCaoKetQuaXacMinh, ocr.KindQuyetDinhGiaiQuyetKhieuNai,
	ocr.KindThongBaoThuLyToCao, ocr.KindKetLuanNoiDungToCao, ocr.KindCongVan, ocr.KindKhac}

// ValidDocumentKind reports whether k is a document kind.
func ValidDocumentKind(k string) bool { return slices.Contains(documentKinds, k) }

// officialKinds are documents the case's own bodies issue; by law they do not name
// the denouncer. Anything else in a denunciation case (the letter itself, its
// attachments, minutes of reception) is treated as carrying the identity.
var officialKinds = []string{ocr.KindQuyetDinhThuLy, ocr.KindQuyetDinhGiaoXacMinh, ocr.KindThongBaoThuLyToCao,
	ocr.KindKetLuanNoiDungToCao, ocr.KindQuyetDinhGiaiQuyetKhieuNai, ocr.KindBaoCaoKetQuaXacMinh}

// DocumentVisible returns nil when the actor may see d: within the unit scope and,
// for a confidential document, granted on its case. Anything else is ErrNotFound.
func (s *Service) DocumentVisible(ctx context.Context, a Actor, d ingest.Document) error {
	if !a.Scope.Allows(d.UnitCode) {
		return notFound("document " + d.ID)
	}
	if !d.Confidential {
		return nil
	}
	if d.CaseCode == "" {
		return notFound("document " + d.ID)
	}
	c, err := s.Store.CaseByCode(ctx, d.CaseCode)
	if err != nil {
		return notFound("document " + d.ID)
	}
	ok, err := s.granted(ctx, a, c)
	if err != nil {
		return err
	}
	if !ok {
		return notFound("document " + d.ID)
	}
	return nil
}

// Document returns document id if the actor may see it. It records nothing: the
// caller records what it shows with Access.
func (s *Service) Document(ctx context.Context, a Actor, id string) (ingest.Document, error) {
	d, err := s.Docs.Document(ctx, id)
	if err != nil {
		return ingest.Document{}, err
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
		return fmt.Errorf("access %q of document %s: %w", what, d.ID, ingest.ErrInvalid)
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
func (s *Service) Link(ctx context.Context, a Actor, documentID, code, kind string) (ingest.Document, error) {
	if err := a.require(PermDocumentLink); err != nil {
		return ingest.Document{}, err
	}
	if kind != "" && !ValidDocumentKind(kind) {
		return ingest.Document{}, fmt.Errorf("loại văn bản %q không hợp lệ (unknown document kind): %w", kind, ingest.ErrInvalid)
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
	d.CaseCode = c.Code
	if err := s.link(ctx, a, &c, &d, "manual", d.Status == ingest.StatusStored); err != nil {
		return ingest.Document{}, err
	}
	return d, nil
}

// link records d in c, marks it confidential when it carries a protected identity,
// and, when apply (the document is stored or being stored), lets a document of a
// known kind move the case.
func (s *Service) link(ctx context.Context, a Actor, c *Case, d *ingest.Document, route string, apply bool) error {
	conf, err := s.carriesIdentity(ctx, *c, *d)
	if err != nil {
		return err
	}
	d.Confidential = d.Confidential || conf
	ev := Event{CaseID: c.ID, UserID: a.User.ID, At: s.now(), Type: EventLinked, DocumentID: d.ID, Note: route}
	if err := s.Store.LinkDocument(ctx, d, ev, a.record(ActionLink, "document:"+d.ID, "case:"+c.Code+" kind:"+d.Kind+" route:"+route)); err != nil {
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
		return ingest.Document{}, fmt.Errorf("văn bản mật không thể tách khỏi hồ sơ, hãy gắn sang hồ sơ đúng (a confidential document cannot leave its case; link it to the right case instead): %w", ErrIllegal)
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

// SetConfidential marks a document confidential or not. Only a granted actor may
// lift the mark (they are the ones who can see what it hides).
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
	d.Confidential = confidential
	if err := s.Store.LinkDocument(ctx, &d, Event{}, a.record(ActionUpdate, "document:"+d.ID, fmt.Sprintf("confidential=%t", confidential))); err != nil {
		return ingest.Document{}, err
	}
	return d, nil
}

// carriesIdentity reports whether d, in case c, must be confidential: in a
// denunciation, a document that names a protected party (name or ID number in its
// text) or that is not one of the official acts.
func (s *Service) carriesIdentity(ctx context.Context, c Case, d ingest.Document) (bool, error) {
	if c.Kind != KindDenunciation {
		return false, nil
	}
	if !slices.Contains(officialKinds, d.Kind) {
		return true, nil
	}
	ps, err := s.Store.Parties(ctx, c.ID)
	if err != nil {
		return false, err
	}
	var needles []string
	for _, p := range ps {
		if !p.Secret {
			continue
		}
		if err := s.openParty(&p); err != nil {
			return true, nil // cannot tell: protect
		}
		who := p.Person
		for _, v := range []string{who.Name, who.IDNumber} {
			if f := FoldKey(v); len(f) >= 6 {
				needles = append(needles, f)
			}
		}
	}
	if len(needles) == 0 {
		return false, nil
	}
	pages, err := s.Docs.Pages(ctx, d.ID)
	if err != nil {
		return false, err
	}
	for _, pg := range pages {
		text := FoldKey(pg.Text)
		for _, n := range needles {
			if strings.Contains(text, n) {
				return true, nil
			}
		}
	}
	return false, nil
}

// FoldKey is s folded (ocr.Fold: NFC, no marks, đ as d), lower case, single
// spaces: the form in which names, subjects and texts are compared.
func FoldKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(ocr.Fold(s))), " ")
}

// applyDocument lets a stored document of a known kind move its case forward
// (never back): a quyết định thụ lý accepts it and starts the resolution period;
// a verification assignment starts verification; dialogue minutes the dialogue; the
// resolving decision or the conclusion decides it.
func (s *Service) applyDocument(ctx context.Context, a Actor, c *Case, d ingest.Document) error {
	on := s.today()
	if t, err := ParseDate(d.Meta.Date); err == nil && !t.IsZero() && !t.After(on) {
		on = t
	}
	from := *c
	switch d.Kind {
	case ocr.KindQuyetDinhThuLy, ocr.KindThongBaoThuLyToCao:
		if c.Status.pending() {
			c.Status, c.AcceptedOn = StatusAccepted, on
		}
	case ocr.KindQuyetDinhGiaoXacMinh:
		if c.Status == StatusAccepted {
			c.Status = StatusVerifying
		}
	case ocr.KindBienBanDoiThoai:
		if c.Kind != KindDenunciation && (c.Status == StatusAccepted || c.Status == StatusVerifying) {
			c.Status = StatusDialogue
		}
	case ocr.KindQuyetDinhGiaiQuyetKhieuNai, ocr.KindKetLuanNoiDungToCao:
		decides := d.Kind == ocr.KindKetLuanNoiDungToCao && c.Kind == KindDenunciation ||
			d.Kind == ocr.KindQuyetDinhGiaiQuyetKhieuNai && c.Kind != KindDenunciation
		if !decides {
			return nil
		}
		c.DecisionDocument = d.ID
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
	if !isConflict(err) {
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
// before it is marked stored and before anything can index it: a document routed
// to a case (hot-folder folder, cover sheet) is recorded in it — marked
// confidential when it carries a denouncer's identity — and may move it; any other
// gets its case suggestions for the triage inbox. Safe to run again.
func (s *Service) Finish(ctx context.Context, d *ingest.Document) error {
	if d.CaseCode != "" {
		c, err := s.Store.CaseByCode(ctx, d.CaseCode)
		if err == nil {
			route := "folder"
			if strings.HasPrefix(d.SourcePath, "split:") {
				route = "cover"
			}
			return s.link(ctx, System, &c, d, route, true)
		}
		if !errors.Is(err, ingest.ErrNotFound) {
			return err
		}
		// The case may not exist yet: the code is kept, and suggestions help.
	}
	sugg, err := s.Suggest(ctx, *d)
	if err != nil {
		return err
	}
	return s.Store.SetSuggestions(ctx, d.ID, sugg)
}

// Suggest proposes cases for a document: cases whose code its text names; cases
// holding a document its text cites by number (it follows that document) or one
// with its own number (another copy of it); open cases of its unit with a similar
// subject.
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
			add(Suggestion{CaseCode: code, Reason: "code_in_text", Detail: code, Score: 1})
		}
	}
	refs := ocr.References(text.String())
	if d.Meta.Number != "" {
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
			score, reason := 0.8, "number_follows"
			if o.Meta.Number == d.Meta.Number {
				score, reason = 0.9, "same_number"
			}
			add(Suggestion{CaseCode: o.CaseCode, Reason: reason, Detail: o.Meta.Number, Score: score})
		}
	}
	if subj := d.Meta.Subject; subj != "" {
		if u, err := s.Accounts.Store.UnitByCode(ctx, d.UnitCode); err == nil {
			open, _, err := s.Store.Cases(ctx, CaseFilter{UnitIDs: []int64{u.ID}, OpenOnly: true, Limit: 1000})
			if err != nil {
				return nil, err
			}
			for _, c := range open {
				if sim := SubjectSimilarity(subj, c.Subject); sim >= DuplicateThreshold {
					add(Suggestion{CaseCode: c.Code, Reason: "subject", Detail: c.Subject, Score: 0.5 * sim})
				}
			}
		}
	}
	out := make([]Suggestion, 0, len(best))
	for _, sg := range best {
		out = append(out, sg)
	}
	byScore(out)
	return out, nil
}

// TriageItem is an unlinked document with the cases suggested for it.
type TriageItem struct {
	Document    ingest.Document
	Suggestions []Suggestion
}

// Triage lists the stored documents of the actor's units that are in no case, with
// the suggestions the actor may act on.
func (s *Service) Triage(ctx context.Context, a Actor, limit, offset int) ([]TriageItem, int, error) {
	if err := a.require(PermDocumentLink); err != nil {
		return nil, 0, err
	}
	// A confidential document in no case is visible to nobody (DocumentVisible):
	// an empty grant list keeps every one out of the inbox and its count.
	f := ingest.DocumentFilter{Status: ingest.StatusStored, Unlinked: true, ConfidentialCases: []string{}, Limit: limit, Offset: offset}
	if !a.Scope.All {
		f.UnitCodes = a.Scope.Codes
	}
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
