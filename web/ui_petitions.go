package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
)

// The petition register's pages (sổ tiếp nhận đơn): the list of letters in the
// user's scope, newest first (letters not handled yet on their own with
// ?unhandled=1), and a letter's page with its scanned letter and attachments and
// the thụ lý button that opens its case. Online petitions (source truc_tuyen)
// land here. The same service calls as the API (petitions.go): Petitions,
// Petition, OnlineOf, OpenCaseFromPetition. A denunciation's sender is shown
// only as the service shows it (sealed unless granted).

// petitionPageSize is the register's page length.
const petitionPageSize = 50

type petitionRow struct {
	cases.Petition
	CaseCode string // the case it opened, if any
}

type petitionList struct {
	Rows       []petitionRow
	Total      int
	Unhandled  bool
	Page       int
	Pages      int
	Prev, Next string
}

// petitionCaseCode is the code of case id, "" when the user cannot see it.
func (p *pages) petitionCaseCode(r *http.Request, id int64) string {
	if id == 0 {
		return ""
	}
	c, err := p.deps.Cases.Store.Case(r.Context(), id)
	if err != nil {
		return ""
	}
	if _, err := p.deps.Cases.Case(r.Context(), currentActor(r.Context()), c.Code); err != nil {
		return ""
	}
	return c.Code
}

// handlePetitionsPage lists the register (GET /petitions?unhandled=1&page=).
func (p *pages) handlePetitionsPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		if err := a.Require(cases.PermPetitionRead); err != nil {
			p.fail(w, r, err)
			return
		}
		q := r.URL.Query()
		l := petitionList{Unhandled: q.Get("unhandled") == "1", Page: 1}
		if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= 100000 {
			l.Page = n
		}
		list, total, err := p.deps.Cases.Petitions(ctx, a, cases.PetitionFilter{Unhandled: l.Unhandled,
			Limit: petitionPageSize, Offset: (l.Page - 1) * petitionPageSize})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		l.Total, l.Pages = total, max(1, (total+petitionPageSize-1)/petitionPageSize)
		for _, pt := range list {
			l.Rows = append(l.Rows, petitionRow{Petition: pt, CaseCode: p.petitionCaseCode(r, pt.CaseID)})
		}
		link := func(page int) string {
			v := url.Values{}
			if l.Unhandled {
				v.Set("unhandled", "1")
			}
			if page > 1 {
				v.Set("page", strconv.Itoa(page))
			}
			if len(v) == 0 {
				return "/petitions"
			}
			return "/petitions?" + v.Encode()
		}
		if l.Page > 1 {
			l.Prev = link(l.Page - 1)
		}
		if l.Page < l.Pages {
			l.Next = link(l.Page + 1)
		}
		v := p.view(r, "petitions", "petitions.title")
		v.Data = l
		p.render(w, r, http.StatusOK, "petitions", v)
	})
}

// petitionDoc is a document of a letter as its page lists it.
type petitionDoc struct {
	ID, Name, Kind string
	Status         ingest.Status
	Visible        bool // the user may open it
}

type petitionView struct {
	cases.Petition
	CaseCode string
	Online   string // the online petition's code
	Docs     []petitionDoc
	Hidden   int // documents the user may not see (a denunciation's, before a grant)
	CanOpen  bool
}

// loadPetitionView reads letter {id} as the user may see it.
func (p *pages) loadPetitionView(r *http.Request) (petitionView, error) {
	ctx := r.Context()
	a := currentActor(ctx)
	svc := p.deps.Cases
	id, err := pathID(r, "id")
	if err != nil {
		return petitionView{}, err
	}
	pt, err := svc.Petition(ctx, a, id)
	if err != nil {
		return petitionView{}, err
	}
	pv := petitionView{Petition: pt, CaseCode: p.petitionCaseCode(r, pt.CaseID)}
	pv.CanOpen = pt.CaseID == 0 && pt.Handling == "" && a.Require(cases.PermCaseCreate) == nil
	ids := []string{}
	if pt.DocumentID != "" {
		ids = append(ids, pt.DocumentID)
	}
	if o, err := svc.OnlineOf(ctx, a, pt.ID); err == nil {
		pv.Online = o.Code
		ids = append(ids, o.Documents...)
	} else if !errors.Is(err, errs.ErrNotFound) {
		return petitionView{}, err
	}
	seen := map[string]bool{}
	for _, did := range ids {
		if seen[did] {
			continue
		}
		seen[did] = true
		d, err := svc.Document(ctx, a, did)
		switch {
		case errors.Is(err, errs.ErrNotFound):
			pv.Hidden++
		case err != nil:
			return petitionView{}, err
		default:
			pv.Docs = append(pv.Docs, petitionDoc{ID: d.ID, Name: d.Filename, Kind: string(d.Kind), Status: d.Status, Visible: true})
		}
	}
	return pv, nil
}

// handlePetitionPage shows a letter (GET /petitions/{id}).
func (p *pages) handlePetitionPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pv, err := p.loadPetitionView(r)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		v := p.view(r, "petitions", "petition.title")
		v.Title = v.L.T("petition.title.n", pv.ID)
		v.Data = pv
		p.render(w, r, http.StatusOK, "petition", v)
	})
}

// handlePetitionCasePost opens the case the letter asks for (thụ lý, POST
// /petitions/{id}/case) through cases.Service.OpenCaseFromPetition, which files
// the letter's documents into it, and shows the citizen's receipt with the case's
// PIN (this once).
func (p *pages) handlePetitionCasePost() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		pv, err := p.loadPetitionView(r)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		c, pin, _, err := p.deps.Cases.OpenCaseFromPetition(ctx, currentActor(ctx), pv.ID, cases.NewCase{})
		if err != nil {
			if errs.CodeOf(err) == errs.Invalid || errs.CodeOf(err) == errs.Conflict {
				v := p.view(r, "petitions", "petition.title")
				v.Title = v.L.T("petition.title.n", pv.ID)
				v.Error = errs.MessageOf(err)
				v.Data = pv
				status := http.StatusUnprocessableEntity
				if errs.CodeOf(err) == errs.Conflict {
					status = http.StatusConflict
				}
				p.render(w, r, status, "petition", v)
				return
			}
			p.fail(w, r, err)
			return
		}
		p.renderReceipt(w, r, c, pin, true)
	})
}
