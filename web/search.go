package web

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"kntc/cases"
	"kntc/internal/enum"
	"kntc/search"
)

// Searcher answers full-text queries (search.Index).
type Searcher interface {
	Search(ctx context.Context, q search.Query) (search.Result, error)
}

var _ Searcher = (*search.Index)(nil)

type searchHitJSON struct {
	ID         string   `json:"id"`
	Score      float64  `json:"score"`
	Page       int      `json:"page"`
	Highlights []string `json:"highlights"`
}

type facetJSON struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

type searchJSON struct {
	Total  int                    `json:"total"`
	Hits   []searchHitJSON        `json:"hits"`
	Facets map[string][]facetJSON `json:"facets"`
}

const searchPageSize = 20

// searchSorts are the orders a search may be sorted in (relevance the default).
var searchSorts = []string{"relevance", "date"}

// handleSearch runs a full-text query within the user's unit scope and grants
// (inside the query, so counts and facets never include what the user may not see).
func handleSearch(logger *slog.Logger, svc *cases.Service, s Searcher) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := currentActor(r.Context()).Require(cases.PermDocumentRead); err != nil {
			respondError(w, r, logger, err)
			return
		}
		v := r.URL.Query()
		q := search.Query{Text: strings.TrimSpace(v.Get("q")), Case: v.Get("case"), Sort: v.Get("sort"), Facets: true, Fuzzy: v.Get("fuzzy") == "1"}
		if k := v.Get("kind"); k != "" {
			q.Kinds = []string{k}
		}
		var probs problems
		for _, d := range []struct {
			name string
			dst  *time.Time
		}{{"from", &q.From}, {"to", &q.To}} {
			if s := v.Get(d.name); s != "" {
				t, err := time.Parse("2006-01-02", s)
				if err != nil {
					probs.add(d.name, "%s: ngày dạng YYYY-MM-DD (date as YYYY-MM-DD)", d.name)
				}
				*d.dst = t
			}
		}
		page, err := intParam(v.Get("page"), 1, 1, 500)
		if err != nil {
			probs.add("page", "page: %v", err)
		}
		if q.Sort != "" && !slices.Contains(searchSorts, q.Sort) {
			probs.add("sort", "%s", enum.Unknown("cách sắp xếp", "sort", q.Sort, searchSorts))
		}
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		q.Offset, q.Limit = (page-1)*searchPageSize, searchPageSize
		a := currentActor(r.Context())
		q.AllUnits, q.Units = a.Scope.All, a.Scope.Codes
		if q.GrantedCases, err = svc.GrantedCases(r.Context(), a); err != nil {
			respondError(w, r, logger, err)
			return
		}
		res, err := s.Search(r.Context(), q)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := searchJSON{Total: res.Total, Hits: []searchHitJSON{}, Facets: map[string][]facetJSON{}}
		for _, h := range res.Hits {
			hl := h.Highlights
			if hl == nil {
				hl = []string{}
			}
			out.Hits = append(out.Hits, searchHitJSON{ID: h.DocumentID, Score: h.Score, Page: h.Page, Highlights: hl})
		}
		for name, counts := range res.Facets {
			fs := make([]facetJSON, 0, len(counts))
			for _, c := range counts {
				fs = append(fs, facetJSON{Term: c.Term, Count: c.Count})
			}
			out.Facets[name] = fs
		}
		writeJSON(w, http.StatusOK, out)
	})
}
