package search

import (
	"context"
	"errors"
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
//
// Total and Facets, and the hits when they are not ranked (sorted by date, or no
// query text), are found on the postings bitmaps (bitmaps.go) at the cost of a
// few intersections, however many pages match; bleve's collector only ranks.
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
			// Never the query: the error is logged, and what was typed may be
			// the name of someone whose identity is secret.
			return nil, fmt.Errorf("search: %w", err)
		}
		return res, nil
	}

	// Total and Facets come from the bitmaps (see bitmaps.go), and so do the hits
	// when they are not ranked; bleve's collector ranks, and counts only a query
	// the bitmaps cannot evaluate.
	var found []found
	var all *tally
	switch {
	case !p.text || byDate || limit == 0 || p.tierA == nil:
		// One pass: no ranking, or a single tier.
		scored := p.text && !byDate && limit > 0
		bq := p.query(p.tierB, nil)
		window := 0
		if !scored {
			window = limit
		}
		all, err = ix.tally(bq, facets, q.Offset, window)
		switch {
		case err == nil && scored:
			res, err := run(p.ranked(p.tierB, nil), q.Offset, limit, true, false)
			if err != nil {
				return Result{}, err
			}
			found = foundOf(res.Hits)
		case err == nil:
			found = all.hits
		case errors.Is(err, errNoBitmaps):
			bq := p.query(p.tierB, nil)
			if scored {
				bq = p.ranked(p.tierB, nil)
			}
			res, err := run(bq, q.Offset, limit, scored, q.Facets)
			if err != nil {
				return Result{}, err
			}
			all, found = &tally{total: int(res.Total)}, foundOf(res.Hits)
		default:
			return Result{}, err
		}
	default:
		// Tier A for the hits, tier B counted for Total and Facets, and the pages
		// only tier B finds when tier A has too few.
		a, err := run(p.ranked(p.tierA, nil), q.Offset, limit, true, false)
		if err != nil {
			return Result{}, err
		}
		found = foundOf(a.Hits)
		all, err = ix.tally(p.query(p.tierB, nil), facets, 0, 0)
		if errors.Is(err, errNoBitmaps) {
			res, err := run(p.query(p.tierB, nil), 0, 0, false, q.Facets)
			if err != nil {
				return Result{}, err
			}
			all = &tally{total: int(res.Total)}
		} else if err != nil {
			return Result{}, err
		}
		countA := int(a.Total)
		if len(found) < limit && all.total > countA {
			from := max(0, q.Offset-countA)
			rest, err := run(p.ranked(p.tierB, p.tierA), from, limit-len(found), true, false)
			if err != nil {
				return Result{}, err
			}
			found = append(found, foundOf(rest.Hits)...)
		}
	}

	out.Total = all.total
	m := newMatcher(clauses, q.Fuzzy)
	for _, h := range found {
		docID, page, ok := splitPageID(h.id)
		if !ok {
			// Only pages match: every query requires a page field. Guard anyway.
			continue
		}
		out.Hits = append(out.Hits, Hit{DocumentID: docID, Page: page, Score: h.score, Highlights: m.snippets(h.text)})
	}
	switch {
	case fc != nil:
		out.Facets = fc.result()
	case all.facets != nil:
		out.Facets = all.facets
	}
	out.Took = time.Since(start)
	return out, nil
}

// found is a hit before its snippets are cut: its bleve ID, score and stored text.
type found struct {
	id, text string
	score    float64
}

func foundOf(hits search.DocumentMatchCollection) []found {
	out := make([]found, 0, len(hits))
	for _, h := range hits {
		text, _ := h.Fields[fieldText].(string)
		out = append(out, found{id: h.ID, score: h.Score, text: text})
	}
	return out
}

// tally is what the bitmaps find for a query: its Total, its facets (when
// asked) and a window of its pages newest first (when asked).
type tally struct {
	total  int
	facets map[string][]FacetCount
	hits   []found
}

// tally evaluates bq on the bitmaps of every shard: its matches' count, the
// named facets, and the window [offset, offset+limit) newest first when limit >
// 0. It returns errNoBitmaps when bq has a node the bitmaps do not evaluate.
func (ix *Index) tally(bq bquery.Query, facets []string, offset, limit int) (*tally, error) {
	if ix.collectOnly {
		return nil, errNoBitmaps
	}
	snap, err := openSnapshot(ix.shards)
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	m, err := evalAll(snap, bq)
	if err != nil {
		return nil, err
	}
	t := &tally{total: m.total()}
	if len(facets) > 0 {
		if t.facets, err = m.facets(facets); err != nil {
			return nil, fmt.Errorf("search: count facets: %w", err)
		}
	}
	if limit > 0 {
		refs, err := m.newest(offset, limit)
		if err != nil {
			return nil, fmt.Errorf("search: pages by date: %w", err)
		}
		for _, r := range refs {
			text, err := r.text()
			if err != nil {
				return nil, fmt.Errorf("search: stored text of %s: %w", r.storedRef, err)
			}
			t.hits = append(t.hits, found{id: r.storedRef, text: text})
		}
	}
	return t, nil
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
