package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/ocr/redact"
)

// The staff publish page (leaders): the document's pages with the proposed
// rectangles drawn over them, a checkbox to drop each (a denouncer's cannot be
// dropped), a text box to add rectangles by their coordinates, and the publish
// button; once posted, the publication and the unpublish form. Plain forms, no
// script: the same service calls as the API (publications.go).

type publishRectView struct {
	I          int // index in the proposal
	X, Y, W, H int
	Page       int
	Reason     string // its label
	Text       string
	Required   bool // a denouncer's: always kept
	Kept       bool
}

type publishPageView struct {
	N             int
	Preview       string
	Width, Height int
	Rects         []publishRectView
}

type publishView struct {
	DocID, CaseCode string
	Pages           []publishPageView
	Extra           string
	Live            *publicationJSON
	Grounds         []string
	Problems        map[string]string
}

// maxExtraLines bounds the rectangles typed in the text box.
const maxExtraLines = 200

func (p *pages) loadPublishView(r *http.Request, id string, kept map[int]bool, extra string) (*publishView, []redact.Rect, error) {
	ctx := r.Context()
	pr, err := p.deps.Cases.RedactionProposal(ctx, currentActor(ctx), id)
	if err != nil {
		return nil, nil, err
	}
	pv := &publishView{DocID: pr.Document.ID, CaseCode: pr.Case.Code, Extra: extra, Grounds: cases.UnpublishGrounds, Problems: map[string]string{}}
	base := "/documents/" + url.PathEscape(pr.Document.ID) + "/pages/"
	for _, pg := range pr.Pages {
		pv.Pages = append(pv.Pages, publishPageView{N: pg.Number, Preview: base + strconv.Itoa(pg.Number) + "/preview.png", Width: pg.Width, Height: pg.Height})
	}
	for i, rc := range pr.Rects {
		if rc.Page < 1 || rc.Page > len(pv.Pages) {
			continue
		}
		v := publishRectView{I: i, X: rc.X0, Y: rc.Y0, W: rc.X1 - rc.X0, H: rc.Y1 - rc.Y0, Page: rc.Page, Reason: redactReasons[rc.Reason],
			Text: rc.Text, Required: rc.Reason == redact.ReasonDenouncer}
		v.Kept = v.Required || kept == nil || kept[i]
		pv.Pages[rc.Page-1].Rects = append(pv.Pages[rc.Page-1].Rects, v)
	}
	if pr.Live != nil {
		j := toPublicationJSON(*pr.Live, false)
		pv.Live = &j
	}
	return pv, pr.Rects, nil
}

// publishFail answers a document that cannot be published now (not decided, no
// word positions on a page, …) with the error page saying why; anything else as p.fail does.
func (p *pages) publishFail(w http.ResponseWriter, r *http.Request, err error) {
	if c := errs.CodeOf(err); c != errs.Conflict && c != errs.Invalid {
		p.fail(w, r, err)
		return
	}
	v := p.view(r, "search", "publish.title")
	v.Error = errs.MessageOf(err)
	p.render(w, r, http.StatusConflict, "error", v)
}

// handlePublishPage shows the proposal (GET /documents/{id}/publish).
func (p *pages) handlePublishPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pv, _, err := p.loadPublishView(r, chi.URLParam(r, "id"), nil, "")
		if err != nil {
			p.publishFail(w, r, err)
			return
		}
		v := p.view(r, "search", "publish.title")
		switch r.URL.Query().Get("done") {
		case "published", "unpublished":
			v.Notice = v.L.T("publish.done." + r.URL.Query().Get("done"))
		}
		v.Data = pv
		p.render(w, r, http.StatusOK, "publish", v)
	})
}

// parseExtra reads the typed rectangles: one a line, "page x0 y0 x1 y1".
func parseExtra(s string) ([]redact.Rect, error) {
	var out []redact.Rect
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > maxExtraLines {
		return nil, fmt.Errorf("tối đa %d dòng (at most %d lines)", maxExtraLines, maxExtraLines)
	}
	for i, l := range lines {
		f := strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == ',' || r == ';' || r == '\t' || r == '\r' })
		if len(f) == 0 {
			continue
		}
		if len(f) != 5 {
			return nil, fmt.Errorf("dòng %d: cần 5 số: trang x0 y0 x1 y1 (line %d: 5 numbers needed)", i+1, i+1)
		}
		var n [5]int
		for j, v := range f {
			x, err := strconv.Atoi(v)
			if err != nil || x < -1e9 || x > 1e9 {
				return nil, fmt.Errorf("dòng %d: %q không phải số (line %d: not a number)", i+1, v, i+1)
			}
			n[j] = x
		}
		out = append(out, redact.Rect{Page: n[0], X0: n[1], Y0: n[2], X1: n[3], Y1: n[4], Reason: redact.ReasonManual})
	}
	return out, nil
}

// handlePublishPost publishes with the kept and typed rectangles (POST
// /documents/{id}/publish); problems re-render the page with the input kept.
func (p *pages) handlePublishPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		kept := map[int]bool{}
		for _, s := range r.PostForm["keep"] {
			if i, err := strconv.Atoi(s); err == nil && len(kept) <= redact.MaxRects {
				kept[i] = true
			}
		}
		extra := r.PostForm.Get("extra")
		pv, proposed, err := p.loadPublishView(r, chi.URLParam(r, "id"), kept, extra)
		if err != nil {
			p.publishFail(w, r, err)
			return
		}
		var rects []redact.Rect
		for i, rc := range proposed {
			if kept[i] || rc.Reason == redact.ReasonDenouncer {
				rects = append(rects, rc)
			}
		}
		more, perr := parseExtra(extra)
		if perr == nil {
			rects = append(rects, more...)
			_, err = p.deps.Cases.Publish(ctx, currentActor(ctx), pv.DocID, rects)
		} else {
			err = errs.Errorf(errs.Invalid, "%v", perr)
		}
		if err == nil {
			http.Redirect(w, r, "/documents/"+url.PathEscape(pv.DocID)+"/publish?done=published", http.StatusSeeOther)
			return
		}
		p.publishProblem(w, r, pv, err)
	})
}

// publishProblem re-renders the page with what went wrong: a refused check or a
// state conflict in words, field problems beside their fields.
func (p *pages) publishProblem(w http.ResponseWriter, r *http.Request, pv *publishView, err error) {
	if errors.Is(err, errs.ErrForbidden) || errors.Is(err, errs.ErrNotFound) || errs.CodeOf(err) == errs.Internal {
		p.fail(w, r, err)
		return
	}
	v := p.view(r, "search", "publish.title")
	if probs := errs.ProblemsOf(err); len(probs) > 0 {
		for _, pr := range probs {
			pv.Problems[pr.Field] = pr.Message
		}
		v.Error = v.L.T("form.problems")
	} else {
		v.Error = errs.MessageOf(err)
		if errs.CodeOf(err) == errs.Invalid {
			pv.Problems["extra"] = v.Error
		}
	}
	v.Data = pv
	status := http.StatusUnprocessableEntity
	if errs.CodeOf(err) == errs.Conflict {
		status = http.StatusConflict
	}
	p.render(w, r, status, "publish", v)
}

// handleUnpublishPost takes a publication down (POST /publications/{id}/unpublish).
func (p *pages) handleUnpublishPost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		pub, err := p.deps.Cases.StaffPublication(ctx, a, chi.URLParam(r, "id"))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		ground := r.PostForm.Get("ground")
		if !slices.Contains(cases.UnpublishGrounds, ground) {
			ground = ""
		}
		_, err = p.deps.Cases.Unpublish(ctx, a, pub.ID, r.PostForm.Get("reason"), ground)
		if err == nil {
			http.Redirect(w, r, "/documents/"+url.PathEscape(pub.DocumentID)+"/publish?done=unpublished", http.StatusSeeOther)
			return
		}
		pv, _, lerr := p.loadPublishView(r, pub.DocumentID, nil, "")
		if lerr != nil {
			p.publishFail(w, r, lerr)
			return
		}
		p.publishProblem(w, r, pv, err)
	})
}
