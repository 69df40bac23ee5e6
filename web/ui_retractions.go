package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
)

// The retraction pages: the viewer's "Thu hồi" form (leaders), the list of
// retracted documents with a retract-by-ID form (leaders and administrators; an
// administrator reads no document, so the ingestion monitor's ID is what they
// have), and the purge with its confirmation step (administrators). Every act
// goes through cases.Service.Retract and Purge, as POST /api/v1/documents/{id}/
// retract and /purge do: the rules (reason required, scope, write-once
// decisions) and the audit entries are the service's.

// retractForm is the retract form as typed, with its problems by field.
type retractForm struct {
	ID, Reason string
	Problems   map[string]string
}

// retractionsPage is the list of retracted documents, one page of it.
type retractionsPage struct {
	List     []cases.Retraction
	Total    int
	Page     int
	Prev     string
	Next     string
	Purged   string // the filter: "", "0" or "1"
	CanPurge bool
	Form     retractForm
}

// purgePage is the confirmation step of a purge.
type purgePage struct {
	R        cases.Retraction
	CanPurge bool // not purged yet, not kept write-once
}

// retractionsURL is the list's address with its filter and page.
func retractionsURL(purged string, page int) string {
	v := url.Values{}
	if purged != "" {
		v.Set("purged", purged)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/admin/retractions"
	}
	return "/admin/retractions?" + v.Encode()
}

// renderRetractions lists the retracted documents of the user's units through
// cases.Service.Retractions (leaders and administrators; 403 for anyone else).
func (p *pages) renderRetractions(w http.ResponseWriter, r *http.Request, status int, v view, form retractForm) {
	a := currentActor(r.Context())
	if !cases.Can(a.User.Role, cases.PermDocumentRetract) {
		p.fail(w, r, errs.Errorf(errs.Forbidden, "chỉ lãnh đạo và quản trị viên (leaders and administrators only)"))
		return
	}
	f, err := retractionFilterOf(r)
	if err != nil {
		// A hand-made address: show the first page.
		f, _ = retractionFilterOf(&http.Request{URL: &url.URL{}})
	}
	d := retractionsPage{Page: f.Offset/50 + 1, CanPurge: cases.Can(a.User.Role, cases.PermDocumentPurge), Form: form}
	if f.Purged != nil {
		d.Purged = map[bool]string{false: "0", true: "1"}[*f.Purged]
	}
	if form.Problems == nil {
		d.Form.Problems = map[string]string{}
	}
	d.List, d.Total, err = p.deps.Cases.Retractions(r.Context(), a, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if d.Page > 1 {
		d.Prev = retractionsURL(d.Purged, d.Page-1)
	}
	if f.Offset+len(d.List) < d.Total {
		d.Next = retractionsURL(d.Purged, d.Page+1)
	}
	v.Path = retractionsURL(d.Purged, d.Page) // the language switch comes back to the list, not to a POST
	v.Data = d
	p.render(w, r, status, "retractions", v)
}

func (p *pages) handleRetractionsPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := p.view(r, "retractions", "retract.list.title")
		q := r.URL.Query()
		switch q.Get("done") {
		case "retracted", "purged":
			if id := q.Get("id"); id != "" && utf8Len(id) <= 64 {
				v.Notice = v.L.T("retract.done."+q.Get("done"), id)
			}
		}
		p.renderRetractions(w, r, http.StatusOK, v, retractForm{})
	})
}

// retract runs cases.Service.Retract and sorts its refusal: field problems (the
// reason; the document's ID on the list's form) come back next to their fields,
// anything else is the page's error.
func (p *pages) retract(r *http.Request, id, reason string, idField bool) (problems map[string]string, err error) {
	_, err = p.deps.Cases.Retract(r.Context(), currentActor(r.Context()), id, reason)
	if err == nil {
		return nil, nil
	}
	problems = map[string]string{}
	switch {
	case idField && errors.Is(err, errs.ErrNotFound):
		problems["id"] = p.printer(r).T("retract.id.notfound", id)
		return problems, nil
	case errs.CodeOf(err) == errs.Invalid:
		// The one thing the service checks of the form is the reason.
		for _, pr := range errs.ProblemsOf(err) {
			problems[problemField(pr.Field)] = pr.Message
		}
		if len(problems) == 0 {
			problems["reason"] = errs.MessageOf(err)
		}
		return problems, nil
	}
	return nil, err
}

// problemField names the form field of a problem the service reports.
func problemField(f string) string {
	if f == "" {
		return "reason"
	}
	return f
}

// handleRetractPost retracts by the document's ID from the list's form.
func (p *pages) handleRetractPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := retractForm{ID: strings.TrimSpace(r.PostForm.Get("id")), Reason: r.PostForm.Get("reason")}
		v := p.view(r, "retractions", "retract.list.title")
		if !cases.Can(currentActor(r.Context()).User.Role, cases.PermDocumentRetract) {
			p.fail(w, r, errs.Errorf(errs.Forbidden, "chỉ lãnh đạo và quản trị viên (leaders and administrators only)"))
			return
		}
		if form.ID == "" || utf8Len(form.ID) > 64 {
			form.Problems = map[string]string{"id": v.L.T("retract.id.required")}
		} else {
			probs, err := p.retract(r, form.ID, form.Reason, true)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			form.Problems = probs
		}
		if len(form.Problems) == 0 {
			http.Redirect(w, r, "/admin/retractions?done=retracted&id="+url.QueryEscape(form.ID), http.StatusSeeOther)
			return
		}
		v.Error = v.L.T("form.problems")
		p.renderRetractions(w, r, http.StatusUnprocessableEntity, v, form)
	})
}

// handleDocumentRetractPost is the viewer's "Thu hồi" form. Success goes to the
// list of retracted documents (the document itself is gone); a refusal shows the
// viewer with the problem next to the reason.
func (p *pages) handleDocumentRetractPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := chi.URLParam(r, "id")
		reason := r.PostForm.Get("reason")
		// The document first: one the user may not see is the 404 page.
		if _, err := p.deps.Cases.Document(r.Context(), currentActor(r.Context()), id); err != nil {
			p.fail(w, r, err)
			return
		}
		probs, err := p.retract(r, id, reason, false)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if len(probs) == 0 {
			http.Redirect(w, r, "/admin/retractions?done=retracted&id="+url.QueryEscape(id), http.StatusSeeOther)
			return
		}
		dv, err := p.loadDocView(r)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		v := p.view(r, "search", "doc.title")
		v.Error = v.L.T("form.problems")
		for k, m := range probs {
			dv.Problems["retract-"+k] = m
		}
		dv.RetractReason = reason
		v.Data = dv
		p.render(w, r, http.StatusUnprocessableEntity, "document", v)
	})
}

// retraction finds document id among the user's retracted documents.
func (p *pages) retraction(r *http.Request, id string) (cases.Retraction, error) {
	if id == "" || utf8Len(id) > 64 {
		return cases.Retraction{}, errs.Errorf(errs.NotFound, "no retraction")
	}
	list, _, err := p.deps.Cases.Retractions(r.Context(), currentActor(r.Context()), cases.RetractionFilter{DocumentID: id, Limit: 1})
	if err != nil {
		return cases.Retraction{}, err
	}
	if len(list) == 0 {
		return cases.Retraction{}, errs.Errorf(errs.NotFound, "tài liệu %s chưa bị thu hồi (document %s is not retracted)", id, id)
	}
	return list[0], nil
}

func (p *pages) renderPurge(w http.ResponseWriter, r *http.Request, status int, v view) {
	if !cases.Can(currentActor(r.Context()).User.Role, cases.PermDocumentPurge) {
		p.fail(w, r, errs.Errorf(errs.Forbidden, "chỉ quản trị viên (administrators only)"))
		return
	}
	x, err := p.retraction(r, chi.URLParam(r, "id"))
	if err != nil {
		p.fail(w, r, err)
		return
	}
	v.Path = "/admin/retractions/" + url.PathEscape(x.DocumentID) + "/purge"
	v.Data = purgePage{R: x, CanPurge: x.PurgedAt.IsZero() && x.WriteOnceUntil.IsZero()}
	p.render(w, r, status, "purge", v)
}

// handlePurgePage is the confirmation step: what the purge deletes, and a
// second button.
func (p *pages) handlePurgePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.renderPurge(w, r, http.StatusOK, p.view(r, "retractions", "retract.purge.title"))
	})
}

// handlePurgePost purges through cases.Service.Purge; its refusal (a decision
// still kept write-once) comes back on the confirmation page.
func (p *pages) handlePurgePost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := chi.URLParam(r, "id")
		_, err := p.deps.Cases.Purge(r.Context(), currentActor(r.Context()), id)
		if err == nil {
			http.Redirect(w, r, "/admin/retractions?done=purged&id="+url.QueryEscape(id), http.StatusSeeOther)
			return
		}
		if errs.CodeOf(err) != errs.Conflict {
			p.fail(w, r, err)
			return
		}
		v := p.view(r, "retractions", "retract.purge.title")
		v.Error = errs.MessageOf(err)
		p.renderPurge(w, r, http.StatusConflict, v)
	})
}

// addRetractionPageRoutes declares the retraction pages (signed in).
func addRetractionPageRoutes(r chi.Router, p *pages) {
	r.Method("POST", "/documents/{id}/retract", p.handleDocumentRetractPost())
	r.Method("GET", "/admin/retractions", p.handleRetractionsPage())
	r.Method("POST", "/admin/retractions", p.handleRetractPost())
	r.Method("GET", "/admin/retractions/{id}/purge", p.handlePurgePage())
	r.Method("POST", "/admin/retractions/{id}/purge", p.handlePurgePost())
}
