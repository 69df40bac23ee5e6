package search_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"kntc/internal/errs"
	"kntc/search"
)

// admin sees everything: relevance tests are about matching, not about access. It
// is granted the fixture's confidential case, whose text is still never found
// (only its metadata is indexed).
func admin(text string) search.Query {
	return search.Query{Text: text, AllUnits: true, GrantedCases: []string{"TC-2023-017"}, Limit: search.MaxLimit}
}

// untie orders hits of equal score by document and page. bleve leaves ties in the
// order the pages were indexed in, which parallel analysis makes vary from run to
// run; in production that order is stable for a given index.
func untie(res search.Result) search.Result {
	hs := res.Hits
	for i := 0; i < len(hs); {
		j := i + 1
		for j < len(hs) && math.Abs(hs[j].Score-hs[i].Score) < 1e-9 {
			j++
		}
		slices.SortFunc(hs[i:j], func(a, b search.Hit) int {
			if c := strings.Compare(a.DocumentID, b.DocumentID); c != 0 {
				return c
			}
			return a.Page - b.Page
		})
		i = j
	}
	return res
}

func hitKeys(res search.Result) []string {
	keys := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		keys[i] = fmt.Sprintf("%s/%d", h.DocumentID, h.Page)
	}
	return keys
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestRelevance runs the relevance cases on the fixture, checks what each case is
// about, and compares every result (hits in order, totals, snippets) with
// testdata/relevance.golden (go test -run Relevance -update rewrites it).
func TestRelevance(t *testing.T) {
	ix := fixtureIndex(t)
	with := func(q search.Query, f func(*search.Query)) search.Query { f(&q); return q }
	tests := []struct {
		name  string
		query search.Query
		want  []string // exactly these hits, in this order; nil: not checked here
		first string   // the first hit; "" : not checked here
		last  string   // the last hit; "" : not checked here
		has   []string // among the hits
		hasNo []string // not among the hits
	}{
		{name: "without diacritics finds the diacritic text", query: admin("hoa thanh"),
			has: []string{"d-binh/1", "d-doithoai/1"}, hasNo: []string{"d-tocao/1"}}, // confidential: no words indexed
		{name: "new style hoà finds old style hòa", query: admin("hoà thành"),
			has: []string{"d-binh/1", "d-doithoai/1"}},
		{name: "old style hòa finds new style hoà", query: admin("Hòa Thành"),
			has: []string{"d-binh/1", "d-doithoai/1"}},
		{name: "exact bán ranks above folded bạn", query: admin("bán"),
			first: "d-binh/2", has: []string{"d-doithoai/1"}},
		{name: "exact bạn ranks above folded bán", query: admin("bạn"),
			first: "d-doithoai/1", has: []string{"d-binh/2"}},
		{name: "with diacritics also finds text typed without", query: admin("bồi thường"),
			want: []string{"d-khongdau/1"}},
		{name: "phrase in order", query: admin(`"quyết định giải quyết"`),
			want: []string{"d-quyetdinh/1"}},
		{name: "phrase words apart do not match", query: admin(`"giải quyết quyết định"`),
			want: []string{}},
		{name: "three-word phrase, exact before folded", query: admin(`"thu hồi đất"`),
			has: []string{"d-doithoai/1", "d-congvan/1"}, last: "d-khongdau/1"},
		{name: "reversed phrase matches nothing", query: admin(`"đất thu hồi"`),
			want: []string{}},
		{name: "phrase typed without diacritics", query: admin(`"khieu nai"`),
			has: []string{"d-binh/1", "d-doithoai/1", "d-quyetdinh/1", "d-khongdau/1"}},
		{name: "OCR error not found without typo tolerance", query: admin("nghiệp"),
			want: []string{}},
		{name: "OCR error found with typo tolerance", query: with(admin("nghiệp"), func(q *search.Query) { q.Fuzzy = true }),
			want: []string{"d-ocr/1"}},
		{name: "typo tolerance leaves short words exact", query: with(admin("Lan"), func(q *search.Query) { q.Fuzzy = true }),
			has: []string{"d-quyetdinh/1", "d-khongdau/1"}, hasNo: []string{"d-binh/1", "d-ocr/1"}},
		{name: "prefix", query: admin("khiếu*"),
			has: []string{"d-binh/1", "d-doithoai/1", "d-quyetdinh/1", "d-khongdau/1"}, hasNo: []string{"d-congvan/1"}},
		{name: "prefix typed in old tone placement", query: admin("Hòa*"),
			has: []string{"d-binh/1", "d-doithoai/1", "d-ocr/1"}},
		{name: "every word required", query: admin("khiếu nại thuý"),
			want: []string{}},
		{name: "query syntax is not bleve's", query: admin("+khiếu -nại kind:cong_van"),
			want: []string{}},
		{name: "minus and plus are separators", query: admin("-khiếu +nại"),
			has: []string{"d-binh/1", "d-doithoai/1", "d-quyetdinh/1", "d-khongdau/1"}},
		{name: "kind filter", query: with(admin("khiếu nại"), func(q *search.Query) { q.Kinds = []string{"bien_ban_doi_thoai"} }),
			want: []string{"d-doithoai/1"}},
		{name: "issuer filter", query: with(admin("đất"), func(q *search.Query) { q.Issuers = []string{"UBND huyện Châu Thành"} }),
			want: []string{"d-congvan/1"}}, // d-tocao of the same issuer is confidential: neither words nor issuer indexed
		{name: "case filter, no text, newest first", query: with(admin(""), func(q *search.Query) { q.Case = "KN-2024-001" }),
			want: []string{"d-doithoai/1", "d-binh/1", "d-binh/2"}},
		{name: "status filter", query: with(admin("đất"), func(q *search.Query) { q.Statuses = []string{"failed"} }),
			want: []string{}},
		{name: "date range", query: with(admin(""), func(q *search.Query) { q.From, q.To = date("2022-06-30"), date("2023-02-01") }),
			want: []string{"d-ocr/1", "d-quyetdinh/1", "d-quyetdinh/2"}},
		{name: "creation day when the header has no date", query: with(admin(""), func(q *search.Query) { q.To = date("2020-12-31") }),
			want: []string{"d-khongdau/1"}},
		{name: "sort by date", query: with(admin("đất"), func(q *search.Query) { q.Sort = "date" }),
			want: []string{"d-doithoai/1", "d-binh/1", "d-binh/2", "d-congvan/1", "d-khongdau/1"}},
		{name: "facets", query: with(admin("khiếu nại"), func(q *search.Query) { q.Facets = true })},
	}
	var golden bytes.Buffer
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, ix, tt.query)
			if tt.query.Sort != "date" && tt.query.Text != "" {
				res = untie(res)
			}
			got := hitKeys(res)
			if res.Total != len(got) {
				t.Errorf("Total = %d, %d hits", res.Total, len(got))
			}
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("hits = %q, want %q", got, tt.want)
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("hits = %q, want %s first", got, tt.first)
			}
			if tt.last != "" && (len(got) == 0 || got[len(got)-1] != tt.last) {
				t.Errorf("hits = %q, want %s last", got, tt.last)
			}
			for _, k := range tt.has {
				if !slices.Contains(got, k) {
					t.Errorf("hits = %q, want %s among them", got, k)
				}
			}
			for _, k := range tt.hasNo {
				if slices.Contains(got, k) {
					t.Errorf("hits = %q, want no %s", got, k)
				}
			}
			fmt.Fprintf(&golden, "== %s\nquery: %q fuzzy=%v sort=%q\ntotal: %d\n", tt.name, tt.query.Text, tt.query.Fuzzy, tt.query.Sort, res.Total)
			for _, h := range res.Hits {
				fmt.Fprintf(&golden, "%s/%d\n", h.DocumentID, h.Page)
				for _, s := range h.Highlights {
					fmt.Fprintf(&golden, "    %s\n", s)
				}
			}
			if res.Facets != nil {
				for _, f := range []string{"kind", "issuer", "year", "unit", "case", "status"} {
					fmt.Fprintf(&golden, "facet %s: %v\n", f, res.Facets[f])
				}
			}
			golden.WriteString("\n")
		})
	}
	checkGolden(t, filepath.Join("testdata", "relevance.golden"), golden.Bytes())
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update creates it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(g), len(w)) {
			var gl, wl string
			if i < len(g) {
				gl = g[i]
			}
			if i < len(w) {
				wl = w[i]
			}
			if gl != wl {
				t.Fatalf("%s differs at line %d (go test -run %s -update rewrites it; review the diff):\n got  %s\n want %s", path, i+1, t.Name(), gl, wl)
			}
		}
	}
}

func TestPagination(t *testing.T) {
	ix := fixtureIndex(t)
	for _, sort := range []string{"relevance", "date"} {
		t.Run(sort, func(t *testing.T) {
			for _, text := range []string{"đất", "bán", "khiếu nại"} {
				all := admin(text)
				all.Sort = sort
				full := hitKeys(mustSearch(t, ix, all))
				var paged []string
				for off := 0; off < len(full)+2; off += 2 {
					q := all
					q.Offset, q.Limit = off, 2
					res := mustSearch(t, ix, q)
					if res.Total != len(full) {
						t.Errorf("%q offset %d: Total %d, want %d", text, off, res.Total, len(full))
					}
					paged = append(paged, hitKeys(res)...)
				}
				if !slices.Equal(paged, full) {
					t.Errorf("%q: pages of 2 give %q, one page gives %q", text, paged, full)
				}
			}
		})
	}
}

func TestLimits(t *testing.T) {
	ix := fixtureIndex(t)
	q := admin("đất")
	q.Limit, q.Facets = -1, true
	res := mustSearch(t, ix, q)
	if len(res.Hits) != 0 || res.Total == 0 || len(res.Facets["unit"]) == 0 {
		t.Errorf("negative limit: %d hits, total %d, facets %v; want no hits, a total and facets", len(res.Hits), res.Total, res.Facets)
	}
	q = admin("đất")
	q.Limit = 0
	if res := mustSearch(t, ix, q); len(res.Hits) != min(res.Total, search.DefaultLimit) {
		t.Errorf("limit 0 gave %d hits of %d", len(res.Hits), res.Total)
	}
	for _, bad := range []search.Query{
		{Text: "đất", AllUnits: true, Sort: "name"},
		{Text: "đất", AllUnits: true, Offset: -1},
		{Text: "đất", AllUnits: true, Offset: search.MaxOffset + 1},
		{Text: "đất", AllUnits: true, From: date("1500-01-01")},
	} {
		if _, err := ix.Search(context.Background(), bad); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("Search(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, admin("đất")); err == nil {
		t.Error("search with a cancelled context succeeded")
	}
}

// TestFacetNames: a search counting some facets gives exactly the counts of a
// search counting all of them for those, and no other facet.
func TestFacetNames(t *testing.T) {
	ix := fixtureIndex(t)
	for _, text := range []string{"đất", "khieu nai", ""} {
		q := admin(text)
		q.Facets = true
		all := mustSearch(t, ix, q)
		q.FacetNames = []string{"kind", "year", "no-such-facet"}
		some := mustSearch(t, ix, q)
		if some.Total != all.Total || !slices.Equal(hitKeys(some), hitKeys(all)) {
			t.Errorf("%q: total %d, hits %q with FacetNames; %d, %q without", text, some.Total, hitKeys(some), all.Total, hitKeys(all))
		}
		if len(all.Facets["kind"]) == 0 || len(all.Facets["year"]) == 0 {
			t.Fatalf("%q: the fixture gives no kind or year facet: %v", text, all.Facets)
		}
		for name, counts := range all.Facets {
			got, ok := some.Facets[name]
			switch name {
			case "kind", "year":
				if !slices.Equal(got, counts) {
					t.Errorf("%q: facet %s %v with FacetNames, %v without", text, name, got, counts)
				}
			default:
				if ok {
					t.Errorf("%q: facet %s counted (%v), not asked for", text, name, got)
				}
			}
		}
	}
}

// TestStoredTextUnchanged guards against analysers that change their input (bleve's
// to_lower lowercases in place): snippets come from the text as the document has it.
func TestStoredTextUnchanged(t *testing.T) {
	ix := mustOpenMem(t)
	text := "ỦY BAN NHÂN DÂN xã Hòa Thành; Uỷ ban; THUÝ và Thúy"
	mustPut(t, ix, entry("d1", "HT", "", "", "", "2024-01-01", text))
	res := mustSearch(t, ix, admin("thuý"))
	if len(res.Hits) != 1 || len(res.Hits[0].Highlights) == 0 {
		t.Fatalf("hits %v", res.Hits)
	}
	want := "ỦY BAN NHÂN DÂN xã Hòa Thành; Uỷ ban; <mark>THUÝ</mark> và <mark>Thúy</mark>"
	if got := res.Hits[0].Highlights[0]; got != want {
		t.Errorf("snippet %q, want %q", got, want)
	}
}

// TestNumberWithDoubledD: a page whose OCR read the Đ of the document's number
// twice ("QĐÐ-UBND", the second an eth) is found by the number as written, with
// or without diacritics, and by the code alone; a page with another number is
// not.
func TestNumberWithDoubledD(t *testing.T) {
	ix := mustOpenMem(t)
	mustPut(t, ix,
		entry("d-ocr", "HT", "", "quyet_dinh_thu_ly", "", "2015-06-01", "Số: 355/2015/QĐÐ-UBND\nQuyết định thụ lý giải quyết khiếu nại"),
		entry("d-other", "HT", "", "quyet_dinh_thu_ly", "", "2015-06-02", "Số: 356/2015/QĐ-UBND\nQuyết định thụ lý giải quyết khiếu nại"))
	for _, q := range []string{"355/2015/QĐ-UBND", "355/2015/QD-UBND", "355/2015/qđ-ubnd", `"355/2015/QĐ-UBND"`} {
		res := mustSearch(t, ix, search.Query{Text: q, AllUnits: true})
		if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].DocumentID != "d-ocr" {
			t.Errorf("%s: %d hits %+v, want d-ocr alone", q, res.Total, res.Hits)
		}
	}
	if res := mustSearch(t, ix, search.Query{Text: "QĐ-UBND", AllUnits: true}); res.Total != 2 {
		t.Errorf("QĐ-UBND: %d hits, want both pages", res.Total)
	}
}
