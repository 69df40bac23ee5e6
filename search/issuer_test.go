package search_test

import (
	"fmt"
	"maps"
	"strconv"
	"testing"

	"kntc/search"
)

// TestIssuerName: the same issuing body written in the ways headers and OCR write
// it is one facet name, and different bodies stay apart.
func TestIssuerName(t *testing.T) {
	groups := []struct {
		want string
		in   []string
	}{
		{"Uỷ ban nhân dân huyện Châu Thành", []string{"UBND huyện Châu Thành", "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH",
			"Uỷ ban nhân dân huyện Châu Thành", "Uỷ ban nhân dân  huyện Châu Thành.", "UBND HUYỆN CHÂU THÀNH", "UBND. huyện Châu Thành"}},
		{"Uỷ ban nhân dân tỉnh Tây Ninh", []string{"UBND tỉnh Tây Ninh", "ỦY BAN NHÂN DÂN TỈNH TÂY NINH"}},
		{"Uỷ ban nhân dân thị xã Hoà Thành", []string{"UBND TX. Hòa Thành", "ỦY BAN NHÂN DÂN THỊ XÃ HÒA THÀNH", "UBND thị xã Hoà Thành"}},
		{"Uỷ ban nhân dân thành phố Tây Ninh", []string{"UBND TP. Tây Ninh", "UBND TP Tây Ninh", "ỦY BAN NHÂN DÂN THÀNH PHỐ TÂY NINH"}},
		{"Sở Tài nguyên và Môi trường tỉnh Tây Ninh", []string{"SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH TÂY NINH", "Sở Tài nguyên và Môi trường tỉnh Tây Ninh"}},
		{"Sở Lao động - Thương binh và Xã hội", []string{"SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"}},
		{"Ban Tiếp công dân tỉnh Tây Ninh", []string{"BAN TIẾP CÔNG DÂN TỈNH TÂY NINH", "Ban tiếp công dân tỉnh Tây Ninh"}},
		{"Thanh tra tỉnh Tây Ninh", []string{"THANH TRA TỈNH TÂY NINH", "Thanh tra tỉnh Tây Ninh"}},
		{"Uỷ ban nhân dân xã Long Thành Bắc", []string{"UBND xã Long Thành Bắc", "ỦY BAN NHÂN DÂN XÃ LONG THÀNH BẮC"}},
		{"Hội đồng nhân dân tỉnh Tây Ninh", []string{"HĐND tỉnh Tây Ninh", "HỘI ĐỒNG NHÂN DÂN TỈNH TÂY NINH"}},
		{"", []string{"", "  ", "..."}},
	}
	seen := map[string]string{}
	for _, g := range groups {
		for _, in := range g.in {
			if got := search.IssuerName(in); got != g.want {
				t.Errorf("IssuerName(%q) = %q, want %q", in, got, g.want)
			}
		}
		if other, ok := seen[g.want]; ok {
			t.Errorf("%q and %q share a name", g.in[0], other)
		}
		seen[g.want] = g.in[0]
		if got := search.IssuerName(g.want); got != g.want {
			t.Errorf("IssuerName is not idempotent on %q: %q", g.want, got)
		}
	}
}

func FuzzIssuerName(f *testing.F) {
	for _, s := range []string{"UBND huyện Châu Thành", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "", "xã", "\xff", "TP."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := search.IssuerName(s)
		if again := search.IssuerName(once); again != once {
			t.Errorf("not idempotent: %q → %q → %q", s, once, again)
		}
	})
}

// TestIssuerFacetGroups: documents whose headers write the same body differently
// are counted under one issuer and found by any of its spellings.
func TestIssuerFacetGroups(t *testing.T) {
	ix := mustOpenMem(t)
	for i, issuer := range []string{"UBND huyện Châu Thành", "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH", "Ủy ban nhân dân huyện Châu Thành.", "THANH TRA TỈNH TÂY NINH"} {
		mustPut(t, ix, entry(fmt.Sprintf("d-%d", i), "HT", "KN-2026-000001", "cong_van", issuer, "2026-03-02", "công văn số "+strconv.Itoa(i)))
	}
	res := mustSearch(t, ix, search.Query{AllUnits: true, Facets: true, Limit: search.MaxLimit})
	got := map[string]int{}
	for _, fc := range res.Facets["issuer"] {
		got[fc.Term] = fc.Count
	}
	want := map[string]int{"Uỷ ban nhân dân huyện Châu Thành": 3, "Thanh tra tỉnh Tây Ninh": 1}
	if !maps.Equal(got, want) {
		t.Errorf("issuer facet %v, want %v", got, want)
	}
	for _, spelling := range []string{"UBND huyện Châu Thành", "Uỷ ban nhân dân huyện Châu Thành", "ỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH"} {
		r := mustSearch(t, ix, search.Query{AllUnits: true, Issuers: []string{spelling}, Limit: search.MaxLimit})
		if r.Total != 3 {
			t.Errorf("issuer=%q: %d documents, want 3", spelling, r.Total)
		}
	}
}
