package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"

	"kntc/ingest"
)

// TestBitmapsAgree checks that the bitmaps (bitmaps.go) find what bleve's
// collector finds — the same Total, the same facet counts, the same pages in the
// same order — for queries of every shape the search builds, every scope and
// grant, on an index of several segments with replaced and deleted pages, and
// the same again once it is merged into one segment.
func TestBitmapsAgree(t *testing.T) {
	ctx := context.Background()
	// In memory, where only the merger merges segments, and it merges a tier only
	// once it has a thousand: each batch stays a segment.
	var shards []bleve.Index
	for range shardCount {
		cfg := map[string]any{"scorchMergePlanOptions": map[string]any{"MaxSegmentsPerTier": 1000, "SegmentsPerMergeTask": 10}}
		b, err := bleve.NewUsing("", newMapping(), scorch.Name, scorch.Name, cfg)
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, b)
	}
	unmerged := newIndex(shards)
	defer unmerged.Close()
	// On disk, merged into one segment a shard as kntc reindex leaves it.
	merged, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer merged.Close()

	words := []string{"Khiếu nại quyết định thu hồi đất", "bồi thường hỗ trợ tái định cư", "cán bộ địa chính xã",
		"giấy chứng nhận quyền sử dụng đất", "xác minh nội dung tố cáo", "biên bản đối thoại", "Ủy ban nhân dân huyện",
		"hoà giải", "hòa giải thành", "khieu nai thu hoi dat", "ngbiệp vụ đo đạc", "bán đất cho bà Lan", "ban hành"}
	units := []string{"H00", "H01", "H02", "TINH"}
	issuers := []string{"UBND huyện Hòa Thành", "Thanh tra tỉnh", "UBND tỉnh", ""}
	kinds := ingest.Kinds()[:6]
	statuses := []ingest.Status{ingest.StatusStored, ingest.StatusStored, ingest.StatusQuarantined}
	base := time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC)
	// fill writes the same pages to ix, replaces some and deletes others.
	fill := func(ix *Index) {
		rnd := rand.New(rand.NewPCG(4, 2))
		entryAt := func(i, version int) Entry {
			at := base.AddDate(0, 0, -rnd.IntN(30)) // few dates: many pages share one
			d := ingest.Document{ID: fmt.Sprintf("d%04d", i), Status: statuses[rnd.IntN(len(statuses))], UnitCode: units[rnd.IntN(len(units))],
				CaseCode: fmt.Sprintf("KN-2025-%03d", rnd.IntN(40)), Kind: kinds[rnd.IntN(len(kinds))],
				Meta:      ingest.Metadata{Date: at.Format(time.DateOnly), Issuer: issuers[rnd.IntN(len(issuers))]},
				CreatedAt: at, UpdatedAt: at.Add(time.Duration(version) * time.Hour), Confidential: rnd.IntN(8) == 0, Published: rnd.IntN(3) == 0}
			switch rnd.IntN(10) {
			case 0:
				d.CaseCode = "" // the triage inbox's: metadata only
			case 1:
				d.Meta.Date, d.CreatedAt = "không rõ", time.Time{} // no date: sorts last
				d.ID += "-undated"
			}
			var pages []ingest.Page
			for p := range 1 + rnd.IntN(3) {
				var sb strings.Builder
				for range 2 + rnd.IntN(4) {
					sb.WriteString(words[rnd.IntN(len(words))] + ". ")
				}
				pages = append(pages, ingest.Page{DocumentID: d.ID, Number: p + 1, Text: sb.String()})
			}
			return EntryOf(d, pages)
		}
		const n = 600
		for lo := 0; lo < n; lo += 150 { // a segment a batch, at least
			var es []Entry
			for i := lo; i < lo+150; i++ {
				es = append(es, entryAt(i, 0))
			}
			if err := ix.PutBatch(ctx, es); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < n; i += 7 { // replaced: their old pages deleted in their segments
			if err := ix.Put(ctx, entryAt(i, 1)); err != nil {
				t.Fatal(err)
			}
		}
		for i := 3; i < n; i += 11 {
			if err := ix.Delete(ctx, fmt.Sprintf("d%04d", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	fill(unmerged)
	fill(merged)
	if err := merged.Compact(ctx); err != nil {
		t.Fatal(err)
	}

	all := []string{fieldKind, fieldIssuer, fieldYear, fieldUnit, fieldCase, fieldStatus}
	var qs []Query
	texts := []string{"", "thu hoi dat", "thu hồi đất", "hoà giải", "khiếu*", "\"quyền sử dụng\"", "ban", "bán", "nghiệp vụ", "dat", "không có từ này", "hoà gi*"}
	scopes := []Query{
		{AllUnits: true},
		{Units: []string{"H00"}},
		{Units: []string{"H01", "TINH"}, GrantedCases: []string{"KN-2025-001", "KN-2025-007", "KN-2025-012"}},
		{AllUnits: true, GrantedCases: []string{"KN-2025-003"}},
		{AllUnits: true, PublicOnly: true},
	}
	for ti, text := range texts {
		for si, sc := range scopes {
			q := sc
			q.Text, q.Facets = text, true
			switch (ti + si) % 4 {
			case 0:
				q.Sort = "date"
			case 1:
				q.FacetNames = []string{fieldKind, fieldIssuer, fieldYear}
			case 2:
				q.Offset = 20
			case 3:
				q.Kinds = []string{string(kinds[0]), string(kinds[2])}
			}
			qs = append(qs, q)
			q2 := q
			q2.Sort, q2.Limit = "date", 7
			q2.Offset = []int{0, 5, 40, 300}[(ti+si)%4]
			qs = append(qs, q2)
		}
	}
	y2025 := Query{AllUnits: true, Facets: true, From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)}
	days := y2025
	days.From, days.To = base.AddDate(0, 0, -10), base.AddDate(0, 0, -3)
	from := days
	from.To = time.Time{}
	to := days
	to.From, to.Text = time.Time{}, "dat"
	count := Query{AllUnits: true, Text: "thu hoi", Facets: true, Limit: -1}
	fuzzy := Query{AllUnits: true, Text: "nghiệp", Fuzzy: true, Facets: true}
	filters := Query{Units: []string{"H00", "H02"}, Text: "giải", Facets: true, Issuers: []string{"Thanh tra tỉnh"},
		Statuses: []string{string(ingest.StatusStored)}, Case: "KN-2025-004", FacetNames: all}
	qs = append(qs, y2025, days, from, to, count, fuzzy, filters, Query{Units: []string{"H00"}, Text: "dat", Limit: 100, Offset: 60})
	for _, text := range []string{"", "hoà giải", "dat"} { // windows down to the undated pages, and past the end
		for off := 0; off <= 1400; off += 100 {
			qs = append(qs, Query{AllUnits: true, Text: text, Sort: "date", Limit: 100, Offset: off})
		}
	}

	check := func(t *testing.T, ix *Index) {
		for _, q := range qs {
			ix.collectOnly = false
			got, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			ix.collectOnly = true
			want, err := ix.Search(ctx, q)
			ix.collectOnly = false
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			got.Took, want.Took = 0, 0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("query %+v:\nbitmaps   total %d, hits %v,\n          facets %v\ncollector total %d, hits %v,\n          facets %v",
					q, got.Total, hitIDs(got.Hits), got.Facets, want.Total, hitIDs(want.Hits), want.Facets)
			}
		}
	}
	// Not vacuous: the queries find pages, sorted ones included, and counted on
	// the bitmaps (only the fuzzy one is not evaluable there), down to the
	// undated pages; the unmerged index has deleted pages in several segments.
	probe := Query{AllUnits: true, Text: "dat", Sort: "date", Facets: true}
	p, err := build(probe, ParseQuery(probe.Text), unmerged.docFreq(ctx))
	if err != nil {
		t.Fatal(err)
	}
	tl, err := unmerged.tally(p.query(p.tierB, nil), all, 0, 20)
	if err != nil || tl.total < 100 || len(tl.hits) != 20 || len(tl.facets[fieldCase]) == 0 {
		t.Fatalf("the bitmaps found %+v, %v; want a hundred pages and more", tl, err)
	}
	undated := Query{AllUnits: true, Sort: "date", Limit: 1, Offset: mustTotal(t, unmerged, Query{AllUnits: true}) - 1}
	if res, err := unmerged.Search(ctx, undated); err != nil || len(res.Hits) != 1 || !strings.HasSuffix(res.Hits[0].DocumentID, "undated") {
		t.Fatalf("the last page by date is %+v, %v; want an undated one", res.Hits, err)
	}
	snap, err := openSnapshot(unmerged.shards)
	if err != nil {
		t.Fatal(err)
	}
	deleted := 0
	for _, s := range snap.segs {
		if s.deleted != nil {
			deleted += int(s.deleted.GetCardinality())
		}
	}
	snap.Close()
	if len(snap.segs) < 10 || deleted == 0 {
		t.Fatalf("%d segments, %d pages deleted in them; want ten and more, and some", len(snap.segs), deleted)
	}
	t.Run("segments", func(t *testing.T) { check(t, unmerged) })
	t.Run("merged", func(t *testing.T) { check(t, merged) })
}

func mustTotal(t *testing.T, ix *Index, q Query) int {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return res.Total
}

func hitIDs(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, fmt.Sprintf("%s/%d(%.3f)", h.DocumentID, h.Page, h.Score))
	}
	return out
}
