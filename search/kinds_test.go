package search_test

import (
	"fmt"
	"testing"

	"kntc/ingest"
	"kntc/search"
)

// TestEveryKindIsAFacet: a document of any kind ocr knows — the papers that arrive
// first too — is counted under its kind and found by it.
func TestEveryKindIsAFacet(t *testing.T) {
	ix := mustOpenMem(t)
	kinds := ingest.Kinds()
	for i, k := range kinds {
		mustPut(t, ix, entry(fmt.Sprintf("d-%02d", i), "HT", "KN-2026-000001", string(k), "", "2026-03-02", "trang "+string(k)))
	}
	res := mustSearch(t, ix, search.Query{AllUnits: true, Facets: true, Limit: search.MaxLimit})
	counted := map[string]int{}
	for _, fc := range res.Facets["kind"] {
		counted[fc.Term] = fc.Count
	}
	for i, kind := range kinds {
		k := string(kind)
		if counted[k] != 1 {
			t.Errorf("facet kind %s: %d, want 1 (facets %v)", k, counted[k], res.Facets["kind"])
		}
		got := mustSearch(t, ix, search.Query{AllUnits: true, Kinds: []string{k}, Limit: search.MaxLimit})
		if keys := hitKeys(got); len(keys) != 1 || got.Hits[0].DocumentID != fmt.Sprintf("d-%02d", i) {
			t.Errorf("kind=%s: hits %v", k, keys)
		}
	}
}
