package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"kntc/internal/errs"
)

// Result is the answer to a Query.
type Result struct {
	Total int   // pages matching, within the user's scope
	Hits  []Hit // the requested window of them, best (or newest) first
	// Facets, when asked for, maps kind, issuer, year, unit, case and status (or
	// those of Query.FacetNames) to the most frequent values among all matching
	// pages (at most FacetSize each), most frequent first.
	Facets map[string][]FacetCount
	Took   time.Duration
}

// Hit is one matching page.
type Hit struct {
	DocumentID string
	Page       int
	// Score is the relevance within the hit's tier (see Index.Search); 0 when
	// sorted by date or without query text.
	Score float64
	// Highlights are up to three snippets of the page's stored text, HTML-escaped,
	// with the matching words in <mark>…</mark>; the start of the page when no word
	// is highlighted (a query without text).
	Highlights []string
}

// FacetCount is one value of a facet and the number of matching pages having it.
type FacetCount struct {
	Term  string
	Count int
}

// FacetSize is the number of values returned per facet.
const FacetSize = 30

// facetFields are the facets of Result.Facets, by their names there.
var facetFields = []string{fieldKind, fieldIssuer, fieldYear, fieldUnit, fieldCase, fieldStatus}

// Search runs q. Access control (q.Units, q.AllUnits, q.GrantedCases, q.PublicOnly)
// is part of every bleve query it runs, so pages the user may not see count
// nowhere. It returns an error wrapping errs.ErrInvalid for a bad Sort, Offset or
// date.
//
// Ranked by relevance, results come in two tiers: the pages that match the words
// as typed (diacritics kept, either tone placement) come before the pages that
// match only without diacritics or, with Fuzzy, with one wrong letter; within a
// tier, by tf-idf, the pages having words typed next to each other together, in
// that order, first (see nearQueries). A query typed without diacritics has a
// single tier. The top hits are collected first without highlighting; only then
// is the stored text of those few pages read and the snippets cut from it.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return Result{}, errs.Errorf(errs.Invalid, "search: offset %d is outside 0–%d", q.Offset, MaxOffset)
	}
	byDate := false
	switch q.Sort {
	case "", "relevance":
	case "date":
		byDate = true
	default:
		return Result{}, errs.Errorf(errs.Invalid, "search: unknown sort %q (relevance or date)", q.Sort)
	}
	limit := q.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	case limit < 0:
		limit = 0
	}
	clauses := ParseQuery(q.Text)
	p, err := build(q, clauses, ix.docFreq(ctx))
	if err != nil {
		return Result{}, err
	}
	out := Result{}
	var facets []string // the facets counted
	if q.Facets {
		out.Facets = make(map[string][]FacetCount, len(facetFields))
		for _, f := range facetFields {
			if len(q.FacetNames) == 0 || slices.Contains(q.FacetNames, f) {
				out.Facets[f] = []FacetCount{}
				facets = append(facets, f)
			}
		}
	}
	if p.none {
		out.Took = time.Since(start)
		return out, nil
	}

	// run runs one bleve search: size hits from from, scored or not, with the
	// stored text of the hits, and counts the facets of every hit when asked
	// (into fc, which is then returned).
	var fc *facetCounter
	run := func(bq bquery.Query, from, size int, scored, withFacets bool) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(bq, size, from, false)
		if !scored {
			// Scores that nobody reads cost time; the conjunction runs unscored.
			req.Score = "none"
			if size > 0 {
				// Newest first; a document's pages in order.
				req.SortBy([]string{"-" + fieldDate, fieldDoc, fieldPage})
			}
		}
		if size > 0 {
			req.Fields = []string{fieldText}
		}
		sctx := ctx
		if withFacets {
			fc = newFacetCounter(facets)
			sctx = fc.context(ctx)
		}
		res, err := ix.all.SearchInContext(sctx, req)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", q.Text, err)
		}
		return res, nil
	}

	var hits search.DocumentMatchCollection
	var all *bleve.SearchResult // the whole result: Total and Facets
	switch {
	case !p.text || byDate || limit == 0 || p.tierA == nil:
		// One pass: no ranking, or a single tier.
		scored := p.text && !byDate && limit > 0
		bq := p.query(p.tierB, nil)
		if scored {
			bq = p.ranked(p.tierB, nil)
		}
		all, err = run(bq, q.Offset, limit, scored, q.Facets)
		if err != nil {
			return Result{}, err
		}
		hits = all.Hits
	default:
		// Tier A for the hits, tier B counted for Total and Facets, and the pages
		// only tier B finds when tier A has too few.
		a, err := run(p.ranked(p.tierA, nil), q.Offset, limit, true, false)
		if err != nil {
			return Result{}, err
		}
		hits = a.Hits
		all, err = run(p.query(p.tierB, nil), 0, 0, false, q.Facets)
		if err != nil {
			return Result{}, err
		}
		countA := int(a.Total)
		if len(hits) < limit && int(all.Total) > countA {
			from := max(0, q.Offset-countA)
			rest, err := run(p.ranked(p.tierB, p.tierA), from, limit-len(hits), true, false)
			if err != nil {
				return Result{}, err
			}
			hits = append(hits, rest.Hits...)
		}
	}

	out.Total = int(all.Total)
	m := newMatcher(clauses, q.Fuzzy)
	for _, h := range hits {
		docID, page, ok := splitPageID(h.ID)
		if !ok {
			// Only pages match: every query requires a page field. Guard anyway.
			continue
		}
		text, _ := h.Fields[fieldText].(string)
		out.Hits = append(out.Hits, Hit{DocumentID: docID, Page: page, Score: h.Score, Highlights: m.snippets(text)})
	}
	if fc != nil {
		out.Facets = fc.result()
	}
	out.Took = time.Since(start)
	return out, nil
}

// sortFacetCounts orders a facet's values most frequent first, ties by value.
func sortFacetCounts(counts []FacetCount) {
	slices.SortFunc(counts, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Term, b.Term)
	})
}

// docFreq returns a function estimating how many pages have a term: the sum over
// the shards of the term's postings. The counts may include deleted pages until
// segments merge (zapx#445), so they only choose which term drives a query and are
// never shown; an error counts as "many".
func (ix *Index) docFreq(ctx context.Context) func(field, term string) uint64 {
	return func(field, term string) uint64 {
		var n uint64
		for _, s := range ix.shards {
			c, err := termCount(ctx, s, field, term)
			if err != nil {
				return math.MaxUint64
			}
			n += c
		}
		return n
	}
}

func termCount(ctx context.Context, s bleve.Index, field, term string) (uint64, error) {
	adv, err := s.Advanced()
	if err != nil {
		return 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}
