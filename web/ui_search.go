package web

import (
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/internal/textin"
	"kntc/search"
)

// searchForm is a search as the URL holds it, so that it can be bookmarked and
// shared: /search?q=&kind=&kind=&issuer=&year=&sort=&page=.
type searchForm struct {
	Q       string
	Kinds   []string
	Issuers []string
	Year    string
	Sort    string
	Page    int
}

func (f searchForm) query(page int) string {
	q := url.Values{}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	for _, k := range f.Kinds {
		q.Add("kind", k)
	}
	for _, i := range f.Issuers {
		q.Add("issuer", i)
	}
	if f.Year != "" {
		q.Set("year", f.Year)
	}
	if f.Sort != "" {
		q.Set("sort", f.Sort)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	return "/search?" + q.Encode()
}

// facetBox is one checkbox of a facet.
type facetBox struct {
	Value, Label string
	Count        int
	Checked      bool
}

type searchHit struct {
	Doc      ingest.Document
	Page     int
	Snippets []template.HTML
}

type searchPage struct {
	Form             searchForm
	Searched         bool
	Total            int
	Hits             []searchHit
	Kinds, Issuers   []facetBox
	Years            []facetBox
	Page, Pages      int
	Prev, Next       string
	ShownFrom, Shown int
}

// snippetHTML makes a search snippet safe to show: everything escaped again,
// then only the <mark> of the matched words put back.
func snippetHTML(s string) template.HTML {
	e := html.EscapeString(html.UnescapeString(s))
	e = strings.ReplaceAll(strings.ReplaceAll(e, "&lt;mark&gt;", "<mark>"), "&lt;/mark&gt;", "</mark>")
	return template.HTML(e) //nolint:gosec // escaped above; only <mark> is let through
}

// handleSearchPage searches the documents in the user's scope through the same
// index query as GET /api/v1/search (scope and grants inside the query), with the
// kind, issuer and year facets as checkboxes. Typing without diacritics finds
// words with them (the index folds them).
func (p *pages) handleSearchPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		svc := p.deps.Cases
		a := currentActor(ctx)
		if err := a.Require(cases.PermDocumentRead); err != nil {
			p.fail(w, r, err)
			return
		}
		v := p.view(r, "search", "search.title")
		qv := r.URL.Query()
		f := searchForm{Q: textin.Strip(qv.Get("q")), Page: 1}
		ignored := false
		if len([]rune(f.Q)) > 500 {
			f.Q, ignored = "", true
		}
		for _, k := range qv["kind"] {
			if _, ok := p.msgs["dockind."+k]; ok && k != "" && !slices.Contains(f.Kinds, k) {
				f.Kinds = append(f.Kinds, k)
			} else {
				ignored = true
			}
		}
		for _, i := range qv["issuer"] {
			if i = textin.Strip(i); i != "" && len(f.Issuers) < 20 && len([]rune(i)) <= 300 {
				f.Issuers = append(f.Issuers, i)
			}
		}
		// Only the facets the page shows are counted: each costs an intersection
		// per value, and the case facet, with as many values as cases, a look at
		// every matching page.
		q := search.Query{Text: f.Q, Kinds: f.Kinds, Issuers: f.Issuers, Facets: true,
			FacetNames: []string{"kind", "issuer", "year"}, Limit: searchPageSize}
		if y := qv.Get("year"); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil || n < cases.EarliestDate.Year() || n > 9999 {
				ignored = true
			} else {
				f.Year = y
				q.From = time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC)
				q.To = time.Date(n, 12, 31, 0, 0, 0, 0, time.UTC)
			}
		}
		switch s := qv.Get("sort"); s {
		case "", "relevance":
		case "date":
			f.Sort, q.Sort = s, s
		default:
			ignored = true
		}
		if s := qv.Get("page"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > search.MaxOffset/searchPageSize {
				ignored = true
			} else {
				f.Page = n
			}
		}
		q.Offset = (f.Page - 1) * searchPageSize
		sp := searchPage{Form: f, Searched: qv.Has("q") || len(f.Kinds) > 0 || len(f.Issuers) > 0 || f.Year != ""}
		q.AllUnits, q.Units = a.Scope.All, a.Scope.Codes
		var err error
		if q.GrantedCases, err = svc.GrantedCases(ctx, a); err != nil {
			p.fail(w, r, err)
			return
		}
		res, err := p.deps.Search.Search(ctx, q)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		sp.Total = res.Total
		for _, h := range res.Hits {
			d, err := svc.Document(ctx, a, h.DocumentID)
			if errors.Is(err, errs.ErrNotFound) {
				continue // gone, or no longer visible, since it was indexed
			}
			if err != nil {
				p.fail(w, r, err)
				return
			}
			hit := searchHit{Doc: d, Page: h.Page}
			for _, s := range h.Highlights {
				hit.Snippets = append(hit.Snippets, snippetHTML(s))
			}
			sp.Hits = append(sp.Hits, hit)
		}
		box := func(name string, checked func(string) bool, label func(string) string) []facetBox {
			var out []facetBox
			for _, c := range res.Facets[name] {
				out = append(out, facetBox{Value: c.Term, Label: label(c.Term), Count: c.Count, Checked: checked(c.Term)})
			}
			return out
		}
		sp.Kinds = box("kind", func(s string) bool { return slices.Contains(f.Kinds, s) }, func(s string) string { return v.L.T("dockind." + s) })
		sp.Issuers = box("issuer", func(s string) bool { return slices.Contains(f.Issuers, s) }, func(s string) string { return s })
		sp.Years = box("year", func(s string) bool { return s == f.Year }, func(s string) string { return s })
		sp.Page = f.Page
		sp.Pages = max(1, (res.Total+searchPageSize-1)/searchPageSize)
		if f.Page > 1 {
			sp.Prev = f.query(f.Page - 1)
		}
		if f.Page < sp.Pages {
			sp.Next = f.query(f.Page + 1)
		}
		if ignored {
			v.Error = v.L.T("cases.bad")
		}
		v.Data = sp
		p.render(w, r, http.StatusOK, "search", v)
	})
}
