package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
)

// The triage inbox page: the stored documents of the user's units that are in no
// case, each with its first page, the header read from the scan and the cases
// suggested for it and why; linked one at a time (a button per suggested case)
// or several at once (checkboxes, one case), through cases.Service.Link as the
// JSON API. New arrivals come in without a reload: triage.js asks
// /triage/fragment for the rows changed since the newest it holds. Beyond a page
// the inbox is paged (?page=), and it can be kept to one unit (?unit=); both are
// kept by the pager, the link forms and the poll.

// triagePageSize is how many documents a page of the inbox shows (and polls).
const triagePageSize = 50

// maxTriagePage bounds ?page= (50,000 documents awaiting triage is a backlog no
// office has; a larger number is read as the last page).
const maxTriagePage = 1000

// triageFilter is what the inbox is kept to: a unit of the user's scope (its
// code, "" for all) and a page (from 1).
type triageFilter struct {
	Unit string
	Page int
}

// triageFilterOf reads the filter from a query or a form; what is not a valid
// page is the first.
func triageFilterOf(v url.Values) triageFilter {
	f := triageFilter{Unit: strings.TrimSpace(v.Get("unit")), Page: 1}
	if utf8Len(f.Unit) > 40 {
		f.Unit = ""
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		f.Page = min(n, maxTriagePage)
	}
	return f
}

// url is the inbox's address with the extra parameters (name, value pairs, in
// their order), then the filter and the page.
func (f triageFilter) url(page int, extra ...string) string {
	var q []string
	for i := 0; i+1 < len(extra); i += 2 {
		q = append(q, url.QueryEscape(extra[i])+"="+url.QueryEscape(extra[i+1]))
	}
	if f.Unit != "" {
		q = append(q, "unit="+url.QueryEscape(f.Unit))
	}
	if page > 1 {
		q = append(q, "page="+strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/triage"
	}
	return "/triage?" + strings.Join(q, "&")
}

// triageReason is a suggestion as the page says it: the case and why.
type triageReason struct {
	Case string
	Why  string
}

// triageRow is one unlinked document in the inbox.
type triageRow struct {
	Doc         ingest.Document
	Suggestions []triageReason
	Error       string // why linking it failed, next to it
	Other       string // the case code typed for it, kept after a failure
	Kind        ingest.Kind
	Checked     bool // ticked for the batch, kept after a failure
}

type triagePage struct {
	Rows      []triageRow
	Total     int
	Filter    triageFilter
	Units     []option // the units of the user's scope, for the filter (two or more)
	Pages     int
	Prev      string // the pager's links, with the filter
	Next      string
	Poll      string // triage.js's fragment address with the filter; "" past page 1
	Since     string // the poll cursor: the newest change shown, µs since 1970
	Kinds     []ingest.Kind
	Cases     []cases.Case // open cases in scope, for the case box's list
	Batch     triageBatch
	Arrivals  bool // the list is a poll's answer (fragment)
	CanSubmit bool
}

// triageBatch is the several-at-once form as the user filled it.
type triageBatch struct {
	Case, Kind, Error string
}

// triageReasonText words why a case was suggested (cases.Suggestion.Reason).
func triageReasonText(L *printer, sg cases.Suggestion) string {
	key := "triage.why." + sg.Reason
	if _, ok := L.c[key]; !ok {
		key = "triage.why.other"
	}
	if sg.Detail == "" {
		return L.T(key + ".nodetail")
	}
	return L.T(key, sg.Detail)
}

// loadTriage reads a page of the inbox, kept to f, as the actor may see it: only
// the documents cases.Service.DocumentVisible shows (as the JSON API does). A
// page past the last is the last.
func (p *pages) loadTriage(r *http.Request, f triageFilter) (triagePage, error) {
	ctx := r.Context()
	svc := p.deps.Cases
	a := currentActor(ctx)
	items, total, err := svc.TriageOf(ctx, a, f.Unit, triagePageSize, (f.Page-1)*triagePageSize)
	if err != nil {
		return triagePage{}, err
	}
	if last := max(1, (total+triagePageSize-1)/triagePageSize); f.Page > last {
		f.Page = last
		if items, total, err = svc.TriageOf(ctx, a, f.Unit, triagePageSize, (f.Page-1)*triagePageSize); err != nil {
			return triagePage{}, err
		}
	}
	L := p.printer(r)
	tp := triagePage{Total: total, Kinds: ingest.Kinds(), Filter: f, Pages: max(1, (total+triagePageSize-1)/triagePageSize)}
	if f.Page > 1 {
		tp.Prev = f.url(f.Page - 1)
	} else {
		// New arrivals come at the top of the first page.
		tp.Poll = "/triage/fragment"
		if f.Unit != "" {
			tp.Poll += "?unit=" + url.QueryEscape(f.Unit)
		}
	}
	if f.Page < tp.Pages {
		tp.Next = f.url(f.Page + 1)
	}
	units, err := p.deps.Accounts.Store.Units(ctx)
	if err != nil {
		return triagePage{}, err
	}
	for _, u := range units {
		if a.UnitIDs == nil || slices.Contains(a.UnitIDs, u.ID) {
			tp.Units = append(tp.Units, option{Value: u.Code, Label: u.Name})
		}
	}
	if len(tp.Units) < 2 {
		tp.Units = nil
	}
	var newest time.Time
	for _, it := range items {
		if err := svc.DocumentVisible(ctx, a, it.Document); err != nil {
			tp.Total--
			continue
		}
		row := triageRow{Doc: shown(r, svc, a, it.Document), Kind: it.Document.Kind}
		for _, sg := range it.Suggestions {
			row.Suggestions = append(row.Suggestions, triageReason{Case: sg.CaseCode, Why: triageReasonText(L, sg)})
		}
		if it.Document.UpdatedAt.After(newest) {
			newest = it.Document.UpdatedAt
		}
		tp.Rows = append(tp.Rows, row)
	}
	if newest.IsZero() {
		newest = time.Now()
	}
	tp.Since = strconv.FormatInt(newest.UnixMicro(), 10)
	return tp, nil
}

// handleTriagePage shows the inbox.
func (p *pages) handleTriagePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tp, err := p.loadTriage(r, triageFilterOf(r.URL.Query()))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if err := p.triageCases(r, &tp); err != nil {
			p.fail(w, r, err)
			return
		}
		v := p.view(r, "triage", "triage.title")
		q := r.URL.Query()
		if n, err := strconv.Atoi(q.Get("linked")); err == nil && n > 0 && n <= triagePageSize {
			if code := q.Get("case"); cases.ValidCode(code) {
				v.Notice = v.L.T("triage.linked", n, code)
			}
		}
		v.Data = tp
		p.render(w, r, http.StatusOK, "triage", v)
	})
}

// triageCases fills the case box's list: the open cases of the user's scope.
func (p *pages) triageCases(r *http.Request, tp *triagePage) error {
	list, _, err := p.deps.Cases.Cases(r.Context(), currentActor(r.Context()), cases.CaseFilter{OpenOnly: true, Limit: 200})
	tp.Cases = list
	return err
}

// handleTriageFragment answers triage.js's poll: the rows of the inbox changed
// at or after ?since= (µs since 1970), as HTML list items, with the new cursor
// and the inbox's total in headers; 204 when nothing changed.
func (p *pages) handleTriageFragment() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		since, err := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
		if err != nil || since < 0 {
			since = 0
		}
		f := triageFilterOf(r.URL.Query())
		f.Page = 1
		tp, err := p.loadTriage(r, f)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		// A little before the cursor: a change committed just after the page read
		// its rows is not missed (the script skips the rows it has).
		cut := time.UnixMicro(since).Add(-triageSlack)
		fresh := tp.Rows[:0]
		for _, row := range tp.Rows {
			if row.Doc.UpdatedAt.After(cut) {
				fresh = append(fresh, row)
			}
		}
		tp.Rows, tp.Arrivals = fresh, true
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Triage-Since", strconv.FormatInt(max(since, mustInt(tp.Since)), 10))
		h.Set("X-Triage-Total", strconv.Itoa(tp.Total))
		if len(fresh) == 0 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		v := p.view(r, "triage", "triage.title")
		v.Data = tp
		var b bytes.Buffer
		if err := p.tmpl["triage"].ExecuteTemplate(&b, "triagerows", v); err != nil {
			p.fail(w, r, err)
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", pageCSP)
		_, _ = w.Write(b.Bytes())
	})
}

func mustInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// triageSlack is how far before its cursor a poll looks.
const triageSlack = 2 * time.Second

// maxTriageBatch bounds how many documents one request links.
const maxTriageBatch = triagePageSize

// handleTriageLink links one document (a suggestion's button, or a typed code)
// or several (the batch form's checkboxes) to one case, each through
// cases.Service.Link. A document the user may not see answers the 404 page and
// nothing is linked; a refusal comes back next to its document.
func (p *pages) handleTriageLink() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		svc := p.deps.Cases
		a := currentActor(ctx)
		if err := a.Require(cases.PermDocumentLink); err != nil {
			p.fail(w, r, err)
			return
		}
		form := r.PostForm
		L := p.printer(r)
		batch := form.Get("from") == "batch"
		ids := slices.Compact(slices.Sorted(slices.Values(form["doc"])))
		code := strings.ToUpper(strings.TrimSpace(form.Get("case")))
		if code == "" {
			code = strings.ToUpper(strings.TrimSpace(form.Get("other")))
		}
		kind := ingest.Kind(strings.TrimSpace(form.Get("kind")))
		var general string
		failed := map[string]string{}
		switch {
		case len(ids) == 0:
			general = L.T("triage.err.nodoc")
		case len(ids) > maxTriageBatch:
			general = L.T("triage.err.toomany", maxTriageBatch)
		case code == "":
			general = L.T("triage.err.nocase")
		case utf8Len(code) > 40:
			general = L.T("triage.err.nocase")
		case kind != "" && !kind.Valid():
			general = L.T("triage.err.kind")
		}
		// Every document first: one the user may not see is the ordinary 404,
		// and nothing is linked.
		if len(ids) <= maxTriageBatch {
			for _, id := range ids {
				if len(id) > 64 {
					p.fail(w, r, errs.ErrNotFound)
					return
				}
				d, err := svc.Document(ctx, a, id)
				if err != nil {
					p.fail(w, r, err)
					return
				}
				if d.CaseCode != "" && d.CaseCode != code {
					// Filed meanwhile (a colleague, an older page): the inbox does not
					// move a document from one case to another.
					failed[id] = L.T("triage.err.linked", d.CaseCode)
				}
			}
		}
		if general == "" {
			if _, err := svc.Case(ctx, a, code); err != nil {
				if !errors.Is(err, errs.ErrNotFound) {
					p.fail(w, r, err)
					return
				}
				general = L.T("triage.err.nosuchcase", code)
			}
		}
		linked := 0
		if general == "" {
			for _, id := range ids {
				if failed[id] != "" {
					continue
				}
				if _, err := svc.Link(ctx, a, id, code, kind); err != nil {
					if !errors.Is(err, errs.ErrInvalid) && !errors.Is(err, errs.ErrConflict) && !errors.Is(err, errs.ErrForbidden) {
						p.fail(w, r, err)
						return
					}
					failed[id] = linkProblem(L, err)
					continue
				}
				linked++
			}
		}
		filter := triageFilterOf(form)
		if general == "" && len(failed) == 0 {
			http.Redirect(w, r, filter.url(filter.Page, "linked", strconv.Itoa(linked), "case", code), http.StatusSeeOther)
			return
		}
		tp, err := p.loadTriage(r, filter)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if err := p.triageCases(r, &tp); err != nil {
			p.fail(w, r, err)
			return
		}
		listed := map[string]bool{}
		for i := range tp.Rows {
			row := &tp.Rows[i]
			listed[row.Doc.ID] = true
			if !slices.Contains(ids, row.Doc.ID) {
				continue
			}
			row.Checked = batch
			if !batch {
				row.Other = form.Get("other")
				if kind.Valid() {
					row.Kind = kind
				}
				if general != "" {
					row.Error = general
				}
			}
			if msg, ok := failed[row.Doc.ID]; ok {
				row.Error = msg
			}
		}
		v := p.view(r, "triage", "triage.title")
		v.Path = filter.url(filter.Page) // the language switch comes back here, not to a POST
		if batch {
			tp.Batch = triageBatch{Case: form.Get("case"), Kind: string(kind), Error: general}
		}
		v.Error = L.T("triage.err.some")
		for _, id := range ids {
			if msg := failed[id]; msg != "" && !listed[id] {
				v.Error += " " + msg // no longer in the inbox: said at the top
			}
		}
		if linked > 0 {
			v.Notice = L.T("triage.linked", linked, code)
		}
		v.Data = tp
		status := http.StatusUnprocessableEntity
		p.render(w, r, status, "triage", v)
	})
}

// linkProblem words a refused link: the field problems of the error, else its
// message.
func linkProblem(L *printer, err error) string {
	if errors.Is(err, errs.ErrForbidden) {
		return L.T("error.403")
	}
	if errors.Is(err, errs.ErrConflict) {
		return L.T("error.conflict")
	}
	if probs := errs.ProblemsOf(err); len(probs) > 0 {
		msgs := make([]string, 0, len(probs))
		for _, pr := range probs {
			msgs = append(msgs, pr.Message)
		}
		return strings.Join(msgs, "; ")
	}
	return problemText(err)
}
