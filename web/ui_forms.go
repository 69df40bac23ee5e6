package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
)

// The staff forms of the case system: open a case, register a letter (with the
// duplicate warning before it is saved), log a visit, and on the case page
// upload, cover sheet, extension, grant and a new PIN with its printable receipt.
// Every form goes through the JSON API's own services; its problems come back
// next to the fields (errs.ProblemsOf), with what the user typed kept.

// formField is one field of a generic form page. Name is the service's problem
// key, so a problem finds its field.
type formField struct {
	Name, Label, Hint, Type, Value, Error string
	Options                               []option
	Required                              bool
	Max                                   int
}

// formPage is a form as the form template draws it.
type formPage struct {
	Action    string
	Multipart bool
	Intro     string
	Fields    []formField
	Submit    string
	Back      string
	Warning   string // the duplicate warning: the form is shown again to confirm
	Confirm   string // the confirm button's label when Warning is set
	Others    []string
	Default   string // the field a problem of no field is shown next to ("": above the form)
}

// fill puts the submitted values back into the fields.
func (f *formPage) fill(form url.Values) {
	for i := range f.Fields {
		if f.Fields[i].Type != "file" {
			f.Fields[i].Value = form.Get(f.Fields[i].Name)
		}
	}
}

// problems puts each problem of err next to its field; those of no field are
// listed above the form. It reports whether err was the user's input's fault.
func (f *formPage) problems(err error) bool {
	if !errors.Is(err, errs.ErrInvalid) {
		return false
	}
	list := errs.ProblemsOf(err)
	if len(list) == 0 {
		list = []errs.Problem{{Field: f.Default, Message: problemText(err)}}
	}
	for _, p := range list {
		placed := false
		for i := range f.Fields {
			if f.Fields[i].Name == p.Field {
				if f.Fields[i].Error != "" {
					f.Fields[i].Error += "; "
				}
				f.Fields[i].Error += p.Message
				placed = true
				break
			}
		}
		if !placed {
			f.Others = append(f.Others, p.Message)
		}
	}
	return true
}

// problem puts one message on a field.
func (f *formPage) problem(name, msg string) {
	f.problems(errs.Problems{{Field: name, Message: msg}}.Err())
}

// renderForm shows a form page: 200 when fresh, 422 when it has problems.
func (p *pages) renderForm(w http.ResponseWriter, r *http.Request, nav, titleKey string, f formPage) {
	v := p.view(r, nav, titleKey)
	status := http.StatusOK
	if len(f.Others) > 0 || f.Warning != "" {
		status = http.StatusUnprocessableEntity
	}
	for _, fl := range f.Fields {
		if fl.Error != "" {
			status = http.StatusUnprocessableEntity
		}
	}
	if status != http.StatusOK && f.Warning == "" {
		v.Error = v.L.T("form.problems")
	}
	if f.Warning != "" {
		status = http.StatusOK
	}
	v.Data = f
	p.render(w, r, status, "form", v)
}

// formDate reads a YYYY-MM-DD field (the browser's date input); "" is absent.
func formDate(f *formPage, L *printer, name, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := cases.ParseDate(s)
	if err != nil {
		f.problem(name, L.T("forms.bad.date"))
		return time.Time{}
	}
	return t
}

// formInt reads a whole number field between lo and hi; "" is 0.
func formInt(f *formPage, L *printer, name, s string, lo, hi int) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		f.problem(name, L.T("forms.bad.number", lo, hi))
		return 0
	}
	return n
}

func kindOptions(L *printer) []option {
	out := []option{}
	for _, k := range cases.Kinds {
		out = append(out, option{Value: string(k), Label: L.T("kind." + string(k))})
	}
	return out
}

func sourceOptions(L *printer) []option {
	out := []option{}
	for _, s := range cases.Sources {
		out = append(out, option{Value: string(s), Label: L.T("forms.source." + string(s))})
	}
	return out
}

// personFields are the four fields of a person, their names under at.
func personFields(L *printer, at string, nameRequired bool) []formField {
	return []formField{
		{Name: at + "name", Label: L.T("forms.person.name"), Type: "text", Required: nameRequired, Max: 200},
		{Name: at + "id_number", Label: L.T("forms.person.id"), Hint: L.T("forms.person.id.hint"), Type: "text", Max: 20},
		{Name: at + "address", Label: L.T("forms.person.address"), Type: "text", Max: 500},
		{Name: at + "phone", Label: L.T("forms.person.phone"), Type: "tel", Max: 20},
	}
}

func personOf(form url.Values, at string) cases.Person {
	return cases.Person{Name: form.Get(at + "name"), IDNumber: form.Get(at + "id_number"), Address: form.Get(at + "address"), Phone: form.Get(at + "phone")}
}

// ---- open a case ----

func (p *pages) caseForm(L *printer) formPage {
	f := formPage{Action: "/cases/new", Submit: L.T("forms.case.submit"), Back: "/cases", Intro: L.T("forms.case.intro"), Fields: []formField{
		{Name: "kind", Label: L.T("forms.kind"), Type: "select", Options: kindOptions(L), Required: true},
		{Name: "source", Label: L.T("forms.source"), Type: "select", Options: sourceOptions(L), Required: true},
		{Name: "received_on", Label: L.T("forms.received_on"), Hint: L.T("forms.date.hint"), Type: "date"},
		{Name: "subject", Label: L.T("forms.subject"), Type: "text", Required: true, Max: 1000},
		{Name: "summary", Label: L.T("forms.summary"), Type: "textarea", Max: 10000},
	}}
	for _, fl := range personFields(L, "parties[0].", false) {
		fl.Label = L.T("forms.petitioner") + ": " + strings.ToLower(fl.Label[:1]) + fl.Label[1:]
		f.Fields = append(f.Fields, fl)
	}
	return f
}

func (p *pages) handleCaseNewPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := currentActor(r.Context()).Require(cases.PermCaseCreate); err != nil {
			p.fail(w, r, err)
			return
		}
		p.renderForm(w, r, "cases", "forms.case.title", p.caseForm(p.printer(r)))
	})
}

// handleCaseNewPost opens a case through cases.Service.CreateCase and shows the
// citizen's receipt with the PIN (this once).
func (p *pages) handleCaseNewPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		if err := a.Require(cases.PermCaseCreate); err != nil {
			p.fail(w, r, err)
			return
		}
		L := p.printer(r)
		form := r.PostForm
		f := p.caseForm(L)
		f.fill(form)
		in := cases.NewCase{Kind: cases.Kind(form.Get("kind")), Source: cases.Source(form.Get("source")),
			ReceivedOn: formDate(&f, L, "received_on", form.Get("received_on")), Subject: form.Get("subject"), Summary: form.Get("summary")}
		if who := personOf(form, "parties[0]."); who != (cases.Person{}) {
			in.Parties = []cases.Party{{Role: cases.RolePetitioner, Person: who}}
		}
		if len(f.Others) > 0 || hasFieldError(f) {
			p.renderForm(w, r, "cases", "forms.case.title", f)
			return
		}
		c, pin, err := p.deps.Cases.CreateCase(ctx, a, in)
		if err != nil {
			if f.problems(err) {
				p.renderForm(w, r, "cases", "forms.case.title", f)
				return
			}
			p.fail(w, r, err)
			return
		}
		p.renderReceipt(w, r, c, pin, true)
	})
}

func hasFieldError(f formPage) bool {
	for _, fl := range f.Fields {
		if fl.Error != "" {
			return true
		}
	}
	return false
}

// ---- register a letter ----

func (p *pages) petitionForm(L *printer) formPage {
	f := formPage{Action: "/petitions/new", Submit: L.T("forms.petition.submit"), Back: "/cases", Intro: L.T("forms.petition.intro"), Fields: []formField{
		{Name: "received_on", Label: L.T("forms.received_on"), Hint: L.T("forms.date.hint"), Type: "date"},
		{Name: "source", Label: L.T("forms.source"), Type: "select", Options: sourceOptions(L), Required: true},
		{Name: "kind", Label: L.T("forms.kind"), Type: "select", Options: append([]option{{Value: "", Label: L.T("forms.kind.later")}}, kindOptions(L)...)},
	}}
	for _, fl := range personFields(L, "petitioner.", false) {
		fl.Label = L.T("forms.sender") + ": " + strings.ToLower(fl.Label[:1]) + fl.Label[1:]
		f.Fields = append(f.Fields, fl)
	}
	f.Fields = append(f.Fields,
		formField{Name: "subject", Label: L.T("forms.subject"), Type: "text", Required: true, Max: 1000},
		formField{Name: "content", Label: L.T("forms.content"), Type: "textarea", Max: 10000})
	return f
}

func (p *pages) handlePetitionNewPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := currentActor(r.Context()).Require(cases.PermPetitionWrite); err != nil {
			p.fail(w, r, err)
			return
		}
		L := p.printer(r)
		f := p.petitionForm(L)
		v := p.view(r, "cases", "forms.petition.title")
		if id, err := strconv.ParseInt(r.URL.Query().Get("saved"), 10, 64); err == nil && id > 0 {
			v.Notice = L.T("forms.petition.saved", id)
		}
		v.Data = f
		p.render(w, r, http.StatusOK, "form", v)
	})
}

// handlePetitionNewPost registers a letter through cases.Service.RegisterPetition.
// First the service's own duplicate check runs (PetitionDuplicate): a letter of
// the same sender about the same matter is shown as a warning, with the form
// kept, and saved only when the user confirms.
func (p *pages) handlePetitionNewPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		if err := a.Require(cases.PermPetitionWrite); err != nil {
			p.fail(w, r, err)
			return
		}
		L := p.printer(r)
		form := r.PostForm
		f := p.petitionForm(L)
		f.fill(form)
		in := cases.Petition{ReceivedOn: formDate(&f, L, "received_on", form.Get("received_on")), Source: cases.Source(form.Get("source")),
			Kind: cases.Kind(form.Get("kind")), Petitioner: personOf(form, "petitioner."), Subject: form.Get("subject"), Content: form.Get("content")}
		if hasFieldError(f) {
			p.renderForm(w, r, "cases", "forms.petition.title", f)
			return
		}
		svc := p.deps.Cases
		if form.Get("confirm") != "1" {
			dup, err := svc.PetitionDuplicate(ctx, a, in)
			if err != nil {
				if f.problems(err) {
					p.renderForm(w, r, "cases", "forms.petition.title", f)
					return
				}
				p.fail(w, r, err)
				return
			}
			if dup != 0 {
				f.Warning, f.Confirm = L.T("forms.petition.duplicate", dup), L.T("forms.petition.confirm")
				p.renderForm(w, r, "cases", "forms.petition.title", f)
				return
			}
		}
		saved, err := svc.RegisterPetition(ctx, a, in)
		if err != nil {
			if f.problems(err) {
				p.renderForm(w, r, "cases", "forms.petition.title", f)
				return
			}
			p.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/petitions/new?saved="+strconv.FormatInt(saved.ID, 10), http.StatusSeeOther)
	})
}

// ---- log a visit ----

var visitOutcomes = []string{cases.OutcomeGuided, cases.OutcomeLetterTaken, cases.OutcomeAnswered, cases.OutcomeTransferred}

func (p *pages) visitForm(L *printer) formPage {
	outcomes := []option{{Value: "", Label: L.T("forms.visit.outcome.none")}}
	for _, o := range visitOutcomes {
		outcomes = append(outcomes, option{Value: o, Label: L.T("forms.visit.outcome." + o)})
	}
	f := formPage{Action: "/visits/new", Submit: L.T("forms.visit.submit"), Back: "/cases", Intro: L.T("forms.visit.intro"), Fields: []formField{
		{Name: "kind", Label: L.T("forms.kind"), Type: "select", Options: append([]option{{Value: "", Label: L.T("forms.kind.later")}}, kindOptions(L)...)},
	}}
	for _, fl := range personFields(L, "visitors[0].", false) {
		fl.Label = L.T("forms.visitor") + ": " + strings.ToLower(fl.Label[:1]) + fl.Label[1:]
		f.Fields = append(f.Fields, fl)
	}
	f.Fields = append(f.Fields,
		formField{Name: "group_size", Label: L.T("forms.visit.group"), Hint: L.T("forms.visit.group.hint"), Type: "number"},
		formField{Name: "content", Label: L.T("forms.visit.content"), Type: "textarea", Required: true, Max: 10000},
		formField{Name: "outcome", Label: L.T("forms.visit.outcome"), Type: "select", Options: outcomes})
	return f
}

func (p *pages) handleVisitNewPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := currentActor(r.Context()).Require(cases.PermReceptionWrite); err != nil {
			p.fail(w, r, err)
			return
		}
		L := p.printer(r)
		v := p.view(r, "cases", "forms.visit.title")
		if id, err := strconv.ParseInt(r.URL.Query().Get("saved"), 10, 64); err == nil && id > 0 {
			v.Notice = L.T("forms.visit.saved", id)
		}
		v.Data = p.visitForm(L)
		p.render(w, r, http.StatusOK, "form", v)
	})
}

// handleVisitNewPost logs a visit through cases.Service.RecordReception.
func (p *pages) handleVisitNewPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		if err := a.Require(cases.PermReceptionWrite); err != nil {
			p.fail(w, r, err)
			return
		}
		L := p.printer(r)
		form := r.PostForm
		f := p.visitForm(L)
		f.fill(form)
		in := cases.Reception{Kind: cases.Kind(form.Get("kind")), Content: form.Get("content"), Outcome: form.Get("outcome"),
			GroupSize: formInt(&f, L, "group_size", form.Get("group_size"), 0, 100000)}
		if who := personOf(form, "visitors[0]."); who != (cases.Person{}) {
			in.Visitors = []cases.Person{who}
		}
		if hasFieldError(f) {
			p.renderForm(w, r, "cases", "forms.visit.title", f)
			return
		}
		rec, err := p.deps.Cases.RecordReception(ctx, a, in)
		if err != nil {
			if f.problems(err) {
				p.renderForm(w, r, "cases", "forms.visit.title", f)
				return
			}
			p.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/visits/new?saved="+strconv.FormatInt(rec.ID, 10), http.StatusSeeOther)
	})
}

// ---- the case page's actions ----

// caseOf is the request's case as the user sees it (the 404 page otherwise).
func (p *pages) caseOf(r *http.Request) (cases.Case, error) {
	return p.deps.Cases.Case(r.Context(), currentActor(r.Context()), caseCode(r))
}

// receipt is the citizen's phiếu hẹn: the case, its PIN, what happens next.
type receipt struct {
	Case     cases.Case
	Unit     string
	PIN      string
	Opened   bool // the case was just opened (else: a new PIN)
	Today    time.Time
	CaseLink string
}

// renderReceipt shows the printable receipt with the PIN: the only time it is
// shown (only its hash is kept).
func (p *pages) renderReceipt(w http.ResponseWriter, r *http.Request, c cases.Case, pin string, opened bool) {
	v := p.view(r, "cases", "forms.receipt.title")
	rc := receipt{Case: c, PIN: pin, Opened: opened, Today: today(p.deps.Cases), CaseLink: "/cases/" + url.PathEscape(c.Code)}
	if u, err := p.deps.Accounts.Store.Unit(r.Context(), c.UnitID); err == nil {
		rc.Unit = u.Name
	}
	v.Path = rc.CaseLink // the language switch comes back to a page, not to this POST
	v.Data = rc
	p.render(w, r, http.StatusOK, "receipt", v)
}

// handleCasePINPost issues a new PIN through cases.Service.ResetPIN and shows
// the receipt to print for the citizen.
func (p *pages) handleCasePINPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		pin, err := p.deps.Cases.ResetPIN(ctx, currentActor(ctx), caseCode(r))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		c, err := p.caseOf(r)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		p.renderReceipt(w, r, c, pin, false)
	})
}

// handleCaseCoverPage prints the QR cover sheet with the session's user: the
// API's own writeCover.
func (p *pages) handleCaseCoverPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := writeCover(w, r, p.deps.Accounts, p.deps.Cases); err != nil {
			if errors.Is(err, errs.ErrInvalid) {
				err = errs.Errorf(errs.NotFound, "%s", problemText(err))
			}
			p.fail(w, r, err)
		}
	})
}

func (p *pages) extensionForm(L *printer, code string) formPage {
	return formPage{Action: "/cases/" + url.PathEscape(code) + "/extension", Submit: L.T("forms.ext.submit"), Back: "/cases/" + url.PathEscape(code),
		Intro: L.T("forms.ext.intro"), Fields: []formField{
			{Name: "decision_number", Label: L.T("forms.ext.number"), Type: "text", Max: 100},
			{Name: "decision_date", Label: L.T("forms.ext.date"), Hint: L.T("forms.date.hint"), Type: "date", Required: true},
			{Name: "days", Label: L.T("forms.ext.days"), Type: "number", Required: true},
			{Name: "reason", Label: L.T("forms.ext.reason"), Type: "textarea", Max: 2000},
		}}
}

// caseAction checks the user may take action perm on the request's case: the
// 404 page for a case outside their scope, 403 for a role without it.
func (p *pages) caseAction(w http.ResponseWriter, r *http.Request, perm cases.Permission) (cases.Case, bool) {
	c, err := p.caseOf(r)
	if err == nil {
		err = currentActor(r.Context()).Require(perm)
	}
	if err != nil {
		p.fail(w, r, err)
		return cases.Case{}, false
	}
	return c, true
}

func (p *pages) handleExtensionPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := p.caseAction(w, r, cases.PermCaseExtend)
		if !ok {
			return
		}
		p.renderForm(w, r, "cases", "forms.ext.title", p.extensionForm(p.printer(r), c.Code))
	})
}

// handleExtensionPost records an extension decision through cases.Service.Extend.
func (p *pages) handleExtensionPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := p.caseAction(w, r, cases.PermCaseExtend)
		if !ok {
			return
		}
		ctx := r.Context()
		L := p.printer(r)
		form := r.PostForm
		f := p.extensionForm(L, c.Code)
		f.fill(form)
		x := cases.Extension{DecisionNumber: form.Get("decision_number"), Reason: form.Get("reason"),
			DecisionDate: formDate(&f, L, "decision_date", form.Get("decision_date")), Days: formInt(&f, L, "days", form.Get("days"), 1, 366)}
		if hasFieldError(f) {
			p.renderForm(w, r, "cases", "forms.ext.title", f)
			return
		}
		if _, err := p.deps.Cases.Extend(ctx, currentActor(ctx), c.Code, x); err != nil {
			if f.problems(err) {
				p.renderForm(w, r, "cases", "forms.ext.title", f)
				return
			}
			p.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/cases/"+url.PathEscape(c.Code)+"?done=extension", http.StatusSeeOther)
	})
}

func (p *pages) grantForm(L *printer, code string) formPage {
	return formPage{Action: "/cases/" + url.PathEscape(code) + "/grant", Submit: L.T("forms.grant.submit"), Back: "/cases/" + url.PathEscape(code),
		Intro: L.T("forms.grant.intro"), Default: "user", Fields: []formField{
			{Name: "user", Label: L.T("forms.grant.user"), Hint: L.T("forms.grant.user.hint"), Type: "text", Required: true, Max: 100},
		}}
}

func (p *pages) handleGrantPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := p.caseAction(w, r, cases.PermCaseGrant)
		if !ok {
			return
		}
		p.renderForm(w, r, "cases", "forms.grant.title", p.grantForm(p.printer(r), c.Code))
	})
}

// handleGrantPost grants a user of the case's scope the protected identities
// through cases.Service.Grant (the grant is audited there).
func (p *pages) handleGrantPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := p.caseAction(w, r, cases.PermCaseGrant)
		if !ok {
			return
		}
		ctx := r.Context()
		L := p.printer(r)
		f := p.grantForm(L, c.Code)
		f.fill(r.PostForm)
		name := strings.TrimSpace(r.PostForm.Get("user"))
		if name == "" || utf8Len(name) > 100 {
			f.problem("user", L.T("forms.grant.unknown"))
			p.renderForm(w, r, "cases", "forms.grant.title", f)
			return
		}
		u, err := p.deps.Accounts.UserByRef(ctx, name)
		if err == nil {
			err = p.deps.Cases.Grant(ctx, currentActor(ctx), c.Code, u.ID)
		}
		switch {
		case err == nil:
			http.Redirect(w, r, "/cases/"+url.PathEscape(c.Code)+"?done=grant", http.StatusSeeOther)
		case errors.Is(err, errs.ErrNotFound):
			// The grantee not found: said the same way as one outside the case's
			// units, so the form tells no other unit's usernames.
			if _, cerr := p.caseOf(r); cerr != nil {
				p.fail(w, r, cerr)
				return
			}
			f.problem("user", L.T("forms.grant.unknown"))
			p.renderForm(w, r, "cases", "forms.grant.title", f)
		case f.problems(err):
			p.renderForm(w, r, "cases", "forms.grant.title", f)
		default:
			p.fail(w, r, err)
		}
	})
}

func (p *pages) uploadForm(L *printer, code string) formPage {
	return formPage{Action: "/cases/" + url.PathEscape(code) + "/upload", Multipart: true, Submit: L.T("forms.upload.submit"),
		Back: "/cases/" + url.PathEscape(code), Intro: L.T("forms.upload.intro", sizeText(p.deps.MaxUploadBytes)), Default: "file", Fields: []formField{
			{Name: "file", Label: L.T("forms.upload.file"), Type: "file", Required: true},
		}}
}

func (p *pages) handleUploadPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := p.caseAction(w, r, cases.PermDocumentLink)
		if !ok {
			return
		}
		if err := currentActor(r.Context()).Require(cases.PermDocumentUpload); err != nil {
			p.fail(w, r, err)
			return
		}
		p.renderForm(w, r, "cases", "forms.upload.title", p.uploadForm(p.printer(r), c.Code))
	})
}

// handleUploadPost takes a file into the case through the API's own
// receiveUpload. This route is outside checkForm (which would read the whole
// body as a form): the form token is read from the multipart stream before the
// file, and a request without it is refused (403) before a byte is written.
func (p *pages) handleUploadPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		L := p.printer(r)
		c, err := p.caseOf(r)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			p.fail(w, r, errBadForm)
			return
		}
		checked := false
		check := func(fields map[string]string) error {
			want := csrfToken(r)
			if want == "" || len(fields["csrf"]) != len(want) || fields["csrf"] != want {
				return errBadForm
			}
			checked = true
			return nil
		}
		d, err := receiveUpload(w, r, p.logger, p.deps.Accounts, p.deps.Cases, p.deps.Claim, p.deps.SpoolDir, p.deps.MaxUploadBytes, c.Code, check)
		if err == nil {
			http.Redirect(w, r, "/cases/"+url.PathEscape(c.Code)+"?done=upload&doc="+url.QueryEscape(d.ID), http.StatusSeeOther)
			return
		}
		if errors.Is(err, errBadForm) || !checked && !errors.Is(err, errs.ErrTooLarge) {
			p.fail(w, r, errBadForm)
			return
		}
		f := p.uploadForm(L, c.Code)
		switch {
		case errors.Is(err, errs.ErrTooLarge):
			// The body may not have been read to its end: the connection is closed
			// after this answer, which the browser shows (not a reset).
			w.Header().Set("Connection", "close")
			f.problem("file", L.T("forms.upload.toolarge", sizeText(p.deps.MaxUploadBytes)))
			v := p.view(r, "cases", "forms.upload.title")
			v.Error, v.Data = v.L.T("form.problems"), f
			p.render(w, r, http.StatusRequestEntityTooLarge, "form", v)
			return
		case errors.Is(err, errs.ErrInvalid), errors.Is(err, errs.ErrNotFound), errors.Is(err, errs.ErrTimeout), errors.Is(err, errs.ErrConflict):
			f.problem("file", problemText(err))
		default:
			p.fail(w, r, err)
			return
		}
		p.renderForm(w, r, "cases", "forms.upload.title", f)
	})
}

// addFormRoutes declares the forms' pages (signed in, form token checked).
func addFormRoutes(r chi.Router, p *pages) {
	r.Method("GET", "/cases/new", p.handleCaseNewPage())
	r.Method("POST", "/cases/new", p.handleCaseNewPost())
	r.Method("GET", "/petitions/new", p.handlePetitionNewPage())
	r.Method("POST", "/petitions/new", p.handlePetitionNewPost())
	r.Method("GET", "/visits/new", p.handleVisitNewPage())
	r.Method("POST", "/visits/new", p.handleVisitNewPost())
	r.Method("POST", "/cases/{code}/pin", p.handleCasePINPost())
	r.Method("GET", "/cases/{code}/cover.pdf", p.handleCaseCoverPage())
	r.Method("GET", "/cases/{code}/extension", p.handleExtensionPage())
	r.Method("POST", "/cases/{code}/extension", p.handleExtensionPost())
	r.Method("GET", "/cases/{code}/grant", p.handleGrantPage())
	r.Method("POST", "/cases/{code}/grant", p.handleGrantPost())
	r.Method("GET", "/cases/{code}/upload", p.handleUploadPage())
}

// caseDone are the case page's ?done= notices after a form.
var caseDone = map[string]bool{"extension": true, "grant": true, "upload": true}
