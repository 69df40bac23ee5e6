package search_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/search"
)

func indexed(t *testing.T, ix *search.Index) map[string]time.Time {
	t.Helper()
	got := map[string]time.Time{}
	err := ix.DocumentIDs(context.Background(), func(id string, updated time.Time) error {
		got[id] = updated
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPutReplacesPages(t *testing.T) {
	ix := mustOpenMem(t)
	e := entry("d1", "HT", "KN-1", "cong_van", "UBND", "2024-01-01",
		"trang một có chữ tranh chấp", "trang hai có chữ khiếu nại", "trang ba có chữ tố cáo")
	mustPut(t, ix, e, entry("d2", "HT", "", "", "", "2024-01-02", "tài liệu khác về tranh chấp"))

	e.Pages = e.Pages[:2]
	e.Pages[0].Text = "trang một đã sửa: hoà giải"
	e.Document.UpdatedAt = e.Document.UpdatedAt.Add(time.Minute)
	mustPut(t, ix, e)

	for text, want := range map[string][]string{
		"tranh chấp": {"d2/1"},                 // page 1 of d1 no longer says it
		"hòa giải":   {"d1/1"},                 // the new text
		"tố cáo":     {},                       // page 3 is gone
		"khiếu nại":  {"d1/2"},                 // page 2 unchanged
		"":           {"d2/1", "d1/1", "d1/2"}, // pages, never the document records
	} {
		res := mustSearch(t, ix, admin(text))
		if got := hitKeys(res); !sameSet(got, want) || res.Total != len(want) {
			t.Errorf("%q: hits %q total %d, want %q", text, got, res.Total, want)
		}
	}
	got := indexed(t, ix)
	if len(got) != 2 || !got["d1"].Equal(e.Document.UpdatedAt) {
		t.Errorf("DocumentIDs = %v, want d1 at %v and d2", got, e.Document.UpdatedAt)
	}
}

func TestDelete(t *testing.T) {
	ix := fixtureIndex(t)
	ctx := context.Background()
	if err := ix.Delete(ctx, "d-quyetdinh"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, "never-indexed"); err != nil {
		t.Errorf("deleting a document that is not indexed: %v", err)
	}
	res := mustSearch(t, ix, admin("quyết định"))
	for _, h := range res.Hits {
		if h.DocumentID == "d-quyetdinh" {
			t.Errorf("deleted document still found: %v", h)
		}
	}
	if _, ok := indexed(t, ix)["d-quyetdinh"]; ok {
		t.Error("deleted document still listed by DocumentIDs")
	}
}

func TestPutBatch(t *testing.T) {
	ix := mustOpenMem(t)
	var es []search.Entry
	for i := range 40 {
		var pages []string
		for p := range 60 { // 2,400 pages: several batches
			pages = append(pages, fmt.Sprintf("văn bản %d trang %d về khiếu nại số k%dp%d", i, p+1, i, p+1))
		}
		es = append(es, entry(fmt.Sprintf("doc%02d", i), "HT", "", "", "", "2024-01-01", pages...))
	}
	// A document listed twice: the last entry wins, its old page 2 disappears.
	last := entry("doc00", "HT", "", "", "", "2024-01-01", "bản cuối cùng")
	es = append(es, last)
	if err := ix.PutBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	if res := mustSearch(t, ix, admin("khiếu nại")); res.Total != 39*60 {
		t.Errorf("khiếu nại: total %d, want %d", res.Total, 39*60)
	}
	if res := mustSearch(t, ix, admin("k17p45")); len(res.Hits) != 1 || res.Hits[0].DocumentID != "doc17" || res.Hits[0].Page != 45 {
		t.Errorf("k17p45: %v", res.Hits)
	}
	if res := mustSearch(t, ix, admin("k0p2")); res.Total != 0 {
		t.Errorf("the first entry of doc00 is indexed: %v", res.Hits)
	}
	if n := len(indexed(t, ix)); n != 40 {
		t.Errorf("DocumentIDs lists %d documents, want 40", n)
	}
	// Reindexing everything again changes nothing.
	if err := ix.PutBatch(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	if res := mustSearch(t, ix, admin("khiếu nại")); res.Total != 39*60 {
		t.Errorf("after reindexing, khiếu nại: total %d, want %d", res.Total, 39*60)
	}
}

func TestPutRejectsBadEntries(t *testing.T) {
	ix := mustOpenMem(t)
	for name, e := range map[string]search.Entry{
		"empty id":    entry("", "HT", "", "", "", "", "x"),
		"slash in id": entry("a/1", "HT", "", "", "", "", "x"),
		"page zero":   {Document: ingest.Document{ID: "a"}, Pages: []ingest.Page{{Number: 0, Text: "x"}}},
		"page twice":  {Document: ingest.Document{ID: "a"}, Pages: []ingest.Page{{Number: 1}, {Number: 1}}},
	} {
		if err := ix.Put(context.Background(), e); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("%s: Put = %v, want ErrInvalid", name, err)
		}
		if err := ix.PutBatch(context.Background(), []search.Entry{e}); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("%s: PutBatch = %v, want ErrInvalid", name, err)
		}
	}
	// Dates no calendar of case files has are not dates: the page is still indexed.
	odd := entry("odd", "HT", "", "", "", "0015-09-21", "ngày tháng sai")
	odd.Document.CreatedAt = time.Time{}
	mustPut(t, ix, odd)
	if res := mustSearch(t, ix, admin("ngày tháng")); res.Total != 1 {
		t.Errorf("a document without a usable date is not found: %v", res.Hits)
	}
}

func TestOpenOnDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustPut(t, ix, fixture()...)
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Three pages say Hòa Thành; the confidential one's words are not indexed.
	if res := mustSearch(t, ix, admin("hoa thanh")); res.Total != 2 {
		t.Errorf("after reopening: %d hits for hoa thanh, want 2", res.Total)
	}
	if n := len(indexed(t, ix)); n != len(fixture()) {
		t.Errorf("after reopening DocumentIDs lists %d documents, want %d", n, len(fixture()))
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// An index of another schema version is refused.
	b, err := bleve.Open(filepath.Join(dir, "shard-0"))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetInternal([]byte("kntc_schema"), []byte("0")); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := search.Open(dir); !errors.Is(err, search.ErrSchema) {
		t.Errorf("Open of an old schema = %v, want ErrSchema", err)
	}

	// An empty directory is created into; a directory of something else is refused.
	empty := t.TempDir()
	ix, err = search.Open(empty)
	if err != nil {
		t.Fatalf("Open of an empty directory: %v", err)
	}
	ix.Close()
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := search.Open(other); err == nil {
		t.Error("Open of a directory holding something else succeeded")
	}
}

func TestDocumentIDsStops(t *testing.T) {
	ix := fixtureIndex(t)
	stop := errors.New("stop")
	n := 0
	err := ix.DocumentIDs(context.Background(), func(string, time.Time) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("DocumentIDs = %v after %d calls, want the callback's error after 1", err, n)
	}
}

// TestDocValuesSurviveMerges indexes document by document into an index on disk
// (many segments, merged in the background and by Compact, then reopened): facet
// counts must still be those of the matching pages, and nothing else, and date
// order must still hold. Facets and sorts read doc values, which once came out
// attached to the wrong pages after a merge.
func TestDocValuesSurviveMerges(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var es []search.Entry
	for i := range 12 {
		unit := []string{"HT", "CT", "TN"}[i%3]
		es = append(es, entry(fmt.Sprintf("doc-%02d", i), unit, fmt.Sprintf("KN-2024-%03d", i%4), []string{"cong_van", "bien_ban_lam_viec"}[i%2], "",
			fmt.Sprintf("2024-%02d-10", i+1), fmt.Sprintf("Trang một của văn bản %d", i), fmt.Sprintf("Trang hai của văn bản %d", i)))
	}
	mustPut(t, ix, es...) // one batch, one segment each
	check := func(when string) {
		t.Helper()
		for _, q := range []search.Query{
			{AllUnits: true}, {Units: []string{"HT"}}, {Units: []string{"CT", "TN"}, Text: "trang"}, {AllUnits: true, Kinds: []string{"cong_van"}},
		} {
			q.Facets, q.Limit, q.Sort = true, search.MaxLimit, "date"
			res := mustSearch(t, ix, q)
			var want []string
			for i := len(es) - 1; i >= 0; i-- { // newest first, pages in order
				d := es[i].Document
				if (q.AllUnits || slices.Contains(q.Units, d.UnitCode)) && (q.Kinds == nil || slices.Contains(q.Kinds, string(d.Kind))) {
					want = append(want, d.ID+"/1", d.ID+"/2")
				}
			}
			if got := hitKeys(res); !slices.Equal(got, want) {
				t.Errorf("%s, %+v: hits by date %q, want %q", when, q, got, want)
			}
			docs := map[string]search.Entry{}
			for _, e := range es {
				docs[e.Document.ID] = e
			}
			wantFacets := facetsOf(docs, hitKeys(res))
			if !maps.EqualFunc(res.Facets, wantFacets, slices.Equal) {
				t.Errorf("%s, %+v: facets\n%v\nwant\n%v", when, q, res.Facets, wantFacets)
			}
		}
	}
	check("after one put per document")
	if err := ix.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	check("after compacting")
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = search.Open(dir); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	check("after reopening")
}
