package search

import (
	"context"
	"sync"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"
)

// fieldFacets holds every facet value of a page, as facetTerm(name, value), in
// one doc-values field: counting the facets of a hit is one doc-values visit
// (one chunk lookup) however many facets are asked for, where a field per facet
// cost a visit each. The facet fields themselves (fieldKind, …) are indexed for
// the filters only.
//
// facetCodes are the one-byte prefixes of the facets' values in fieldFacets, by
// facet name (the names of Result.Facets): a hit's values of facets not asked for
// are skipped by their first byte.
var facetCodes = map[string]byte{fieldKind: 'k', fieldIssuer: 'i', fieldYear: 'y', fieldUnit: 'u', fieldCase: 'c', fieldStatus: 's'}

// facetTerm is the term of fieldFacets for a facet's value.
func facetTerm(name, value string) string { return string(facetCodes[name]) + value }

// facetCounter counts the facets of every hit of one search while bleve's
// top-N collector ranks them, for the queries the bitmaps do not evaluate (a
// fuzzy word; bitmaps.go counts the others, from fieldFacets too for a facet
// with many values). It wraps the collector's document-match handler
// (search.MakeDocumentMatchHandlerKey), so the hits are read once, each shard
// visits the one facets field of its own hits with its own reader, and the
// counts are exact sums over the shards. bleve's own term facets cost a visit
// per facet field, a map lookup per field and an allocated string per value of
// every hit, and merged each shard's top values only.
type facetCounter struct {
	want  []string  // facet names counted
	codes [256]bool // their codes (facetCodes)

	mu     sync.Mutex
	counts map[string]map[string]int // facet name → value → pages
}

func newFacetCounter(names []string) *facetCounter {
	c := &facetCounter{want: names, counts: make(map[string]map[string]int, len(names))}
	for _, n := range names {
		c.counts[n] = map[string]int{}
		c.codes[facetCodes[n]] = true
	}
	return c
}

// context returns ctx with the counter installed for the next bleve search.
func (c *facetCounter) context(ctx context.Context) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(c.handler))
}

// handler is called by each shard's collector: it counts the facets of each hit
// before handing the hit on to the top-N handler (which may recycle it), and
// adds its shard's counts to c when the shard is done (a nil hit).
func (c *facetCounter) handler(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
	if err != nil {
		return nil, false, err
	}
	if next == nil {
		next = func(*search.DocumentMatch) error { return nil }
	}
	dv, err := sctx.IndexReader.DocValueReader([]string{fieldFacets})
	if err != nil {
		return nil, false, err
	}
	// Values are counted by their whole term; a term is looked up without
	// allocating, and only a new one is copied.
	local := map[string]*int{}
	visit := index.DocValueVisitor(func(_ string, term []byte) {
		if len(term) == 0 || !c.codes[term[0]] {
			return
		}
		if n, ok := local[string(term)]; ok {
			*n++
			return
		}
		local[string(term)] = new(int(1))
	})
	return func(d *search.DocumentMatch) error {
		if d == nil {
			c.add(local)
			return next(nil)
		}
		if err := dv.VisitDocValues(d.IndexInternalID, visit); err != nil {
			return err
		}
		return next(d)
	}, loadID, nil
}

// add adds one shard's counts by term to c, keeping the facets asked for.
func (c *facetCounter) add(local map[string]*int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for term, n := range local {
		for _, name := range c.want {
			if term[0] == facetCodes[name] {
				c.counts[name][term[1:]] += *n
			}
		}
	}
}

// result returns the counts of each facet, most frequent first (ties by value),
// at most FacetSize each.
func (c *facetCounter) result() map[string][]FacetCount {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string][]FacetCount, len(c.want))
	for _, name := range c.want {
		counts := make([]FacetCount, 0, len(c.counts[name]))
		for v, n := range c.counts[name] {
			counts = append(counts, FacetCount{Term: v, Count: n})
		}
		sortFacetCounts(counts)
		out[name] = counts[:min(len(counts), FacetSize)]
	}
	return out
}
