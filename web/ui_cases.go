package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/textin"
)

// caseRow is a case as a list shows it.
type caseRow struct {
	cases.Case
	Overdue, Soon bool
	Days          int // days left (negative: overdue by), when DueOn is set
}

func (p *pages) caseRows(list []cases.Case) []caseRow {
	svc := p.deps.Cases
	now := today(svc)
	out := make([]caseRow, 0, len(list))
	for _, c := range list {
		o, s := cases.Due(c, now, soonDays(svc))
		row := caseRow{Case: c, Overdue: o, Soon: s}
		if !c.DueOn.IsZero() {
			row.Days = int(c.DueOn.Sub(now).Hours() / 24)
		}
		out = append(out, row)
	}
	return out
}

// dashboard is what the dashboard shows a user; each part only to a role that
// may read it.
type dashboard struct {
	ReadsCases      bool
	Mine            bool      // the deadlines are the user's own cases (a handler's)
	Overdue, Soon   []caseRow // the first few of each
	NOverdue, NSoon int       // how many there are
	AllDue          string    // the case list of the overdue ones
	Recent          []caseRow
	ShowsTriage     bool
	Triage          int
	ShowsDocuments  bool
	Processing      int    // documents in the pipeline now
	Processed       int    // documents stored in the last day
	Quarantined     int    // documents quarantined in the last day
	PagesPerMinute  string // pages stored in the last hour, a minute on average
	Activity        []activityEntry
	IsAdministrator bool
}

// activityEntry is one event of the dashboard's recent activity: its case and
// the event in the case timeline's words (ui_timeline.go), never the case
// system's own notes and codes.
type activityEntry struct {
	Code string
	timelineEntry
}

// dashboardDeadlines is how many overdue and due-soon cases the dashboard lists
// (the tiles count them all; the case list shows the rest).
const dashboardDeadlines = 10

// activityLimit is how many timeline events the dashboard's recent activity shows.
const activityLimit = 10

// handleDashboard shows the user's deadlines, triage and pipeline counts and
// the newest open cases, through the same services as the API.
func (p *pages) handleDashboard() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		svc := p.deps.Cases
		a := currentActor(ctx)
		v := p.view(r, "dashboard", "dash.title")
		d := dashboard{IsAdministrator: a.User.Role == auth.RoleAdministrator}
		if cases.Can(a.User.Role, cases.PermCaseRead) {
			d.ReadsCases = true
			var handler int64
			if a.User.Role == auth.RoleHandler {
				handler, d.Mine = a.User.ID, true
			}
			overdue, soon, nOverdue, nSoon, err := svc.DeadlinesFirst(ctx, a, handler, dashboardDeadlines)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			d.Overdue, d.Soon, d.NOverdue, d.NSoon = p.caseRows(overdue), p.caseRows(soon), nOverdue, nSoon
			d.AllDue = caseListForm{Overdue: true, Mine: d.Mine}.query(1)
			recent, _, err := svc.Cases(ctx, a, cases.CaseFilter{HandlerID: handler, OpenOnly: true, Limit: 8, NoTotal: true})
			if err != nil {
				p.fail(w, r, err)
				return
			}
			d.Recent = p.caseRows(recent)
			activity, err := svc.Activity(ctx, a, handler, activityLimit)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			events := make([]cases.Event, len(activity))
			for i, ev := range activity {
				events[i] = ev.Event
			}
			for i, e := range p.timeline(ctx, p.printer(r), events) {
				d.Activity = append(d.Activity, activityEntry{Code: activity[i].Code, timelineEntry: e})
			}
		}
		if cases.Can(a.User.Role, cases.PermDocumentLink) {
			total, err := svc.TriageCount(ctx, a)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			d.ShowsTriage, d.Triage = true, total
		}
		if cases.Can(a.User.Role, cases.PermDocumentRead) {
			d.ShowsDocuments = true
			f, err := documentFilterFor(r, svc, a)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			// The store stamps a document's changes with the wall clock. The four
			// figures are one query.
			now := time.Now()
			c, err := p.deps.Documents.DocumentCounts(ctx, f, now.Add(-24*time.Hour), now.Add(-time.Hour))
			if err != nil {
				p.fail(w, r, err)
				return
			}
			d.Processing, d.Processed, d.Quarantined = c.Processing, c.Stored, c.Quarantined
			hourPages := c.RecentPages
			d.PagesPerMinute = strconv.FormatFloat(float64(hourPages)/60, 'f', 1, 64)
			if v.L.lang == "vi" {
				d.PagesPerMinute = strings.Replace(d.PagesPerMinute, ".", ",", 1)
			}
		}
		v.Data = d
		p.render(w, r, http.StatusOK, "dashboard", v)
	})
}

// casePageSize is how many cases a page of the list shows.
const casePageSize = 25

// caseListForm is the case list's filters as the user set them.
type caseListForm struct {
	Status, Kind, Unit, Q, Sort string
	Mine, Overdue, Open         bool
	Page                        int
}

// query writes the filters back as a query string, on another page.
func (f caseListForm) query(page int) string {
	q := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "kind": f.Kind, "unit": f.Unit, "q": f.Q, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for k, v := range map[string]bool{"mine": f.Mine, "overdue": f.Overdue, "open": f.Open} {
		if v {
			q.Set(k, "1")
		}
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return "/cases?" + q.Encode()
}

type option struct {
	Value, Label string
}

type caseList struct {
	Form           caseListForm
	Rows           []caseRow
	Total          int
	Page, Pages    int
	Prev, Next     string
	Statuses       []cases.Status
	Kinds          []cases.Kind
	Units          []option
	Ignored        bool // a filter was not understood and left out
	CanFilterMine  bool
	FirstRowNumber int
}

// handleCasesPage lists the cases in the user's scope with filters (status, kind,
// unit, mine, overdue, open, text), a sort and pages. A filter it does not
// understand is left out and said so, never an error page.
func (p *pages) handleCasesPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		svc := p.deps.Cases
		a := currentActor(ctx)
		if err := a.Require(cases.PermCaseRead); err != nil {
			p.fail(w, r, err)
			return
		}
		q := r.URL.Query()
		v := p.view(r, "cases", "cases.title")
		l := caseList{Statuses: cases.Statuses, Kinds: cases.Kinds, CanFilterMine: a.User.Role == auth.RoleHandler || a.User.Role == auth.RoleLeader}
		fm := caseListForm{Q: textin.Strip(q.Get("q")), Mine: q.Get("mine") == "1", Overdue: q.Get("overdue") == "1", Open: q.Get("open") == "1"}
		if utf8Len(fm.Q) > 200 {
			fm.Q, l.Ignored = "", true
		}
		f := cases.CaseFilter{Text: fm.Q, OpenOnly: fm.Open, Limit: casePageSize}
		if s := cases.Status(q.Get("status")); s.Valid() {
			f.Status, fm.Status = s, string(s)
		} else if s != "" {
			l.Ignored = true
		}
		if k := cases.Kind(q.Get("kind")); k.Valid() {
			f.Kind, fm.Kind = k, string(k)
		} else if k != "" {
			l.Ignored = true
		}
		units, err := p.deps.Accounts.Store.Units(ctx)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, u := range units {
			if a.UnitIDs != nil && !slices.Contains(a.UnitIDs, u.ID) {
				continue
			}
			l.Units = append(l.Units, option{Value: u.Code, Label: u.Name})
			if u.Code == q.Get("unit") {
				f.UnitIDs, fm.Unit = []int64{u.ID}, u.Code
			}
		}
		if q.Get("unit") != "" && fm.Unit == "" {
			l.Ignored = true
		}
		if fm.Mine && l.CanFilterMine {
			f.HandlerID = a.User.ID
		} else {
			fm.Mine = false
		}
		switch q.Get("sort") {
		case "", "new":
		case "due":
			fm.Sort = "due"
			f.DueBefore = today(svc).AddDate(100, 0, 0)
		default:
			l.Ignored = true
		}
		if fm.Overdue {
			f.DueBefore, f.OpenOnly = today(svc), true
		}
		fm.Page = 1
		if s := q.Get("page"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 1<<20 {
				l.Ignored = true
			} else {
				fm.Page = n
			}
		}
		f.Offset = (fm.Page - 1) * casePageSize
		list, total, err := svc.Cases(ctx, a, f)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		l.Form, l.Rows, l.Total, l.Page = fm, p.caseRows(list), total, fm.Page
		l.Pages = max(1, (total+casePageSize-1)/casePageSize)
		l.FirstRowNumber = f.Offset + 1
		if fm.Page > 1 {
			l.Prev = fm.query(min(fm.Page-1, l.Pages))
		}
		if fm.Page < l.Pages {
			l.Next = fm.query(fm.Page + 1)
		}
		if l.Ignored {
			v.Error = v.L.T("cases.bad")
		}
		v.Data = l
		p.render(w, r, http.StatusOK, "cases", v)
	})
}

func utf8Len(s string) int { return len([]rune(s)) }

// step is a next workflow step as the case page offers it: a button, or the
// reason the law refuses it now.
type step struct {
	To         cases.Status
	NeedResult bool // the decision: the form asks the result
	Withdrawn  bool // closing before the decision: only as a withdrawal
	Refused    string
}

// docGroup is the case's documents of one kind.
type docGroup struct {
	Kind ingest.Kind
	Docs []ingest.Document
}

type casePage struct {
	Case       caseRow
	Unit       string
	Handler    string
	Steps      []step
	Results    []cases.Result
	Events     []cases.Event
	Timeline   []timelineEntry // Events in words (ui_timeline.go)
	Parties    []cases.Party
	CanReveal  bool // granted: the protected parties can be shown
	Revealed   bool
	HasSecret  bool
	Groups     []docGroup
	Today      string
	StepFailed string // the status whose step was just refused
}

// procedureOrder is the order of the document kinds in a case file: the papers
// that arrive first, then the acts of the procedure, then the rest.
var procedureOrder = []ingest.Kind{"don_khieu_nai", "don_to_cao", "don_kien_nghi_phan_anh", "giay_uy_quyen", "phieu_chuyen_don",
	"bien_ban_tiep_cong_dan", "thong_bao_thu_ly_khieu_nai", "quyet_dinh_thu_ly", "thong_bao_thu_ly_to_cao",
	"quyet_dinh_giao_xac_minh", "bien_ban_lam_viec", "bien_ban_doi_thoai", "bao_cao_ket_qua_xac_minh",
	"quyet_dinh_gia_han", "quyet_dinh_giai_quyet_khieu_nai", "ket_luan_noi_dung_to_cao", "cong_van", "khac"}

// loadCasePage gathers the case page of code for the request's actor; reveal
// opens the protected parties (a granted user's explicit request, audited).
func (p *pages) loadCasePage(r *http.Request, code string, reveal bool) (casePage, error) {
	ctx := r.Context()
	svc := p.deps.Cases
	a := currentActor(ctx)
	c, err := svc.Case(ctx, a, code)
	if err != nil {
		return casePage{}, err
	}
	cp := casePage{Case: p.caseRows([]cases.Case{c})[0], Results: []cases.Result{cases.ResultRight, cases.ResultWrong, cases.ResultPartly},
		Today: cases.FormatDate(today(svc))}
	if u, err := p.deps.Accounts.Store.Unit(ctx, c.UnitID); err == nil {
		cp.Unit = u.Name
	}
	if c.HandlerID != 0 {
		if u, err := p.deps.Accounts.Store.User(ctx, c.HandlerID); err == nil {
			cp.Handler = u.FullName
		}
	}
	for _, to := range cases.NextSteps(c) {
		s := step{To: to}
		t := cases.Transition{To: to}
		switch {
		case to == cases.StatusDecided && (c.Kind == cases.KindComplaint || c.Kind == cases.KindDenunciation):
			s.NeedResult, t.Result = true, cases.ResultRight
		case to == cases.StatusClosed && (c.Status == cases.StatusAccepted || c.Status == cases.StatusVerifying || c.Status == cases.StatusDialogue):
			s.Withdrawn, t.Result = true, cases.ResultWithdrawn
		}
		err := cases.CheckTransition(c, a.User.Role, t)
		switch {
		case errors.Is(err, errs.ErrForbidden):
			continue // not this role's step: no button
		case err != nil:
			s.Refused = refusalReason(err)
		}
		cp.Steps = append(cp.Steps, s)
	}
	if cp.Events, err = svc.Events(ctx, a, c.Code); err != nil {
		return casePage{}, err
	}
	cp.Timeline = p.timeline(ctx, p.printer(r), cp.Events)
	if reveal {
		cp.Parties, err = svc.Parties(ctx, a, c.Code)
		cp.Revealed = true
	} else {
		cp.Parties, cp.CanReveal, err = svc.PartiesMasked(ctx, a, c.Code)
	}
	if err != nil {
		return casePage{}, err
	}
	for _, pt := range cp.Parties {
		cp.HasSecret = cp.HasSecret || pt.Secret
	}
	f, err := documentFilterFor(r, svc, a)
	if err != nil {
		return casePage{}, err
	}
	f.CaseCode, f.Limit = c.Code, 1000
	docs, _, err := visibleDocuments(r, svc, a, p.deps.Documents, f)
	if err != nil {
		return casePage{}, err
	}
	byKind := map[ingest.Kind][]ingest.Document{}
	for _, d := range docs {
		k := d.Kind
		if !slices.Contains(procedureOrder, k) {
			k = ingest.KindKhac
		}
		byKind[k] = append(byKind[k], d)
	}
	for _, k := range procedureOrder {
		if len(byKind[k]) > 0 {
			cp.Groups = append(cp.Groups, docGroup{Kind: k, Docs: byKind[k]})
		}
	}
	return cp, nil
}

// refusalReason is the legal reason of a refused step, without the case and the
// statuses the page shows already.
func refusalReason(err error) string {
	msg := strings.TrimSuffix(err.Error(), ": "+cases.ErrIllegal.Error())
	if i := strings.Index(msg, "\": "); i >= 0 {
		return msg[i+3:]
	}
	return msg
}

// handleCasePage shows a case: status and next steps, deadline, timeline,
// parties (protected ones masked; shown on a granted user's request), documents
// by kind. A case outside the user's scope is the ordinary 404 page.
func (p *pages) handleCasePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cp, err := p.loadCasePage(r, caseCode(r), r.URL.Query().Get("reveal") == "1")
		if err != nil {
			p.fail(w, r, err)
			return
		}
		v := p.view(r, "cases", "case.details")
		v.Title = cp.Case.Code + " — " + v.L.T("kind."+string(cp.Case.Kind))
		if to := cases.Status(r.URL.Query().Get("moved")); to.Valid() && to == cp.Case.Status {
			v.Notice = v.L.T("case.step.done", v.L.T("status."+string(to)))
		}
		if done := r.URL.Query().Get("done"); caseDone[done] {
			v.Notice = v.L.T("forms.done." + done)
		}
		v.Data = cp
		p.render(w, r, http.StatusOK, "case", v)
	})
}

// handleCaseStep takes a workflow step through cases.Service.Transition, the
// API's own; a refusal comes back on the case page with its reason.
func (p *pages) handleCaseStep() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		code := caseCode(r)
		form := r.PostForm
		t := cases.Transition{To: cases.Status(form.Get("to")), Result: cases.Result(form.Get("result")), Note: form.Get("note")}
		L := p.printer(r)
		var problem string
		version, err := strconv.Atoi(form.Get("version"))
		if err != nil {
			problem = "version: " + L.T("form.required")
		}
		if s := strings.TrimSpace(form.Get("on")); s != "" && problem == "" {
			on, err := time.Parse(time.DateOnly, s)
			if err != nil || on.Before(cases.EarliestDate) {
				problem = L.T("case.step.date") + ": " + s
			}
			t.On = on
		}
		status := http.StatusUnprocessableEntity
		if problem == "" {
			_, err = p.deps.Cases.Transition(ctx, currentActor(ctx), code, version, t)
			switch {
			case err == nil:
				http.Redirect(w, r, "/cases/"+url.PathEscape(code)+"?moved="+url.QueryEscape(string(t.To)), http.StatusSeeOther)
				return
			case errors.Is(err, errs.ErrConflict):
				problem, status = L.T("error.conflict"), http.StatusConflict
			case errors.Is(err, errs.ErrInvalid):
				problem = problemText(err)
			default:
				p.fail(w, r, err)
				return
			}
		}
		cp, err := p.loadCasePage(r, code, false)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		cp.StepFailed = string(t.To)
		v := p.view(r, "cases", "case.details")
		v.Title = cp.Case.Code + " — " + v.L.T("kind."+string(cp.Case.Kind))
		v.Error = problem
		v.Data = cp
		p.render(w, r, status, "case", v)
	})
}
