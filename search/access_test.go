package search_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"kntc/search"
)

// TestAccessControl checks, for every scope and many queries, that a page outside
// the scope is never a hit, never counted in Total and never counted in a facet:
// the result must equal the administrator's result restricted to the scope.
func TestAccessControl(t *testing.T) {
	ix := fixtureIndex(t)
	docs := map[string]search.Entry{}
	for _, e := range fixture() {
		docs[e.Document.ID] = e
	}
	scopes := []struct {
		name    string
		scope   search.Query // only the access fields are used
		visible []string     // documents the scope may see
	}{
		{"one unit", search.Query{Units: []string{"HT"}}, []string{"d-binh", "d-doithoai", "d-ocr"}},
		{"unit without the grant", search.Query{Units: []string{"CT"}}, []string{"d-congvan"}},
		{"unit with the grant", search.Query{Units: []string{"CT"}, GrantedCases: []string{"TC-2023-017"}}, []string{"d-congvan", "d-tocao"}},
		{"unit with a grant on another case", search.Query{Units: []string{"CT"}, GrantedCases: []string{"KN-2021-009", "TC-2099-001"}}, []string{"d-congvan"}},
		{"grant outside the scope", search.Query{Units: []string{"HT"}, GrantedCases: []string{"TC-2023-017"}}, []string{"d-binh", "d-doithoai", "d-ocr"}},
		{"province with the grant", search.Query{AllUnits: true, GrantedCases: []string{"TC-2023-017"}}, []string{"d-binh", "d-doithoai", "d-ocr", "d-quyetdinh", "d-khongdau", "d-congvan", "d-tocao"}},
		{"an empty case code grants nothing", search.Query{AllUnits: true, GrantedCases: []string{"", " "}}, []string{"d-binh", "d-doithoai", "d-ocr", "d-quyetdinh", "d-khongdau", "d-congvan"}},
		{"two units", search.Query{Units: []string{"HT", "TN"}}, []string{"d-binh", "d-doithoai", "d-ocr", "d-quyetdinh", "d-khongdau"}},
		{"unknown unit", search.Query{Units: []string{"XX"}}, nil},
		{"empty scope is nothing", search.Query{Units: []string{}}, nil},
		{"nil scope is nothing", search.Query{}, nil},
		{"empty scope with the grant is nothing", search.Query{GrantedCases: []string{"TC-2023-017"}}, nil},
		{"province without the grant", search.Query{AllUnits: true}, []string{"d-binh", "d-doithoai", "d-ocr", "d-quyetdinh", "d-khongdau", "d-congvan"}},
		{"public portal", search.Query{AllUnits: true, PublicOnly: true}, []string{"d-quyetdinh", "d-khongdau"}},
		{"public portal ignores a grant it should not have", search.Query{AllUnits: true, PublicOnly: true, GrantedCases: []string{"TC-2023-017"}}, []string{"d-quyetdinh", "d-khongdau"}},
		{"public portal of one unit", search.Query{Units: []string{"HT"}, PublicOnly: true}, nil},
	}
	texts := []string{"", "đất", "hoa thanh", "Hòa Thành", `"khiếu nại"`, `"tố cáo"`, "tố cáo", "khiếu*", "to*", "bí mật", "người", "thuý", "2023"}
	for _, sc := range scopes {
		t.Run(sc.name, func(t *testing.T) {
			for _, text := range texts {
				for _, fuzzy := range []bool{false, true} {
					for _, sort := range []string{"relevance", "date"} {
						q := sc.scope
						q.Text, q.Fuzzy, q.Sort, q.Facets, q.Limit = text, fuzzy, sort, true, search.MaxLimit
						got := mustSearch(t, ix, q)

						a := admin(text)
						a.Fuzzy, a.Sort = fuzzy, sort
						all := mustSearch(t, ix, a)
						var want []string
						for _, h := range all.Hits {
							if slices.Contains(sc.visible, h.DocumentID) {
								want = append(want, fmt.Sprintf("%s/%d", h.DocumentID, h.Page))
							}
						}
						label := fmt.Sprintf("%q fuzzy=%v sort=%s", text, fuzzy, sort)
						for _, h := range got.Hits {
							if !slices.Contains(sc.visible, h.DocumentID) {
								t.Errorf("%s: forbidden %s/%d among the hits", label, h.DocumentID, h.Page)
							}
						}
						if g := hitKeys(got); sort == "date" && !slices.Equal(g, want) || !sameSet(g, want) {
							t.Errorf("%s: hits %q, want %q", label, g, want)
						}
						if got.Total != len(want) {
							t.Errorf("%s: Total %d, want %d", label, got.Total, len(want))
						}
						if wf := facetsOf(docs, want); !maps.EqualFunc(got.Facets, wf, slices.Equal) {
							t.Errorf("%s: facets\n%v\nwant\n%v", label, got.Facets, wf)
						}
					}
				}
			}
		})
	}
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// facetsOf computes the facets of the given hits from the fixture's metadata, the
// way Search must: counts per value, most frequent first, then by value (the
// issuer under its IssuerName). A
// confidential document has no issuer in the index (a letter's header may name its
// sender).
func facetsOf(docs map[string]search.Entry, hits []string) map[string][]search.FacetCount {
	counts := map[string]map[string]int{}
	for _, f := range []string{"kind", "issuer", "year", "unit", "case", "status"} {
		counts[f] = map[string]int{}
	}
	for _, k := range hits {
		id := k[:len(k)-2] // "DOCID/N" with one-digit page numbers in the fixture
		d := docs[id].Document
		year := d.Meta.Date
		if year == "" {
			year = d.CreatedAt.Format("2006")
		}
		issuer := search.IssuerName(d.Meta.Issuer)
		if docs[id].Confidential || d.Confidential {
			issuer = ""
		}
		for f, v := range map[string]string{"kind": string(d.Kind), "issuer": issuer, "year": year[:4], "unit": d.UnitCode, "case": d.CaseCode, "status": string(d.Status)} {
			if v != "" {
				counts[f][v]++
			}
		}
	}
	out := map[string][]search.FacetCount{}
	for f, m := range counts {
		fc := []search.FacetCount{}
		for v, n := range m {
			fc = append(fc, search.FacetCount{Term: v, Count: n})
		}
		slices.SortFunc(fc, func(a, b search.FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			if a.Term < b.Term {
				return -1
			}
			return 1
		})
		out[f] = fc
	}
	return out
}

// TestAccessControlNeverLeaks checks with a forbidden document that matches every
// query best that it never shows: not in hits, Total or facets.
func TestAccessControlNeverLeaks(t *testing.T) {
	ix := fixtureIndex(t)
	secret := entry("d-secret", "CT", "TC-2024-999", "ket_luan_noi_dung_to_cao", "Thanh tra tỉnh", "2024-12-01",
		"Đất đai Hòa Thành khiếu nại tố cáo bí mật người tố cáo thuý bán bạn đất đai khiếu nại.")
	secret.Confidential = true
	secret.Published = true // published by mistake: the portal must still not show it
	mustPut(t, ix, secret)
	for i, q := range []search.Query{
		{Units: []string{"HT", "TN"}, GrantedCases: []string{"TC-2024-999"}},
		{Units: []string{"CT"}},
		{Units: []string{"CT"}, GrantedCases: []string{"TC-2023-017", "KN-2021-009"}},
		{AllUnits: true},
		{AllUnits: true, GrantedCases: []string{"TC-2023-017"}},
		{AllUnits: true, GrantedCases: []string{""}},
		{AllUnits: true, PublicOnly: true},
		{AllUnits: true, PublicOnly: true, GrantedCases: []string{"TC-2024-999"}},
		{Units: []string{"CT"}, PublicOnly: true, GrantedCases: []string{"TC-2024-999"}},
		{Units: nil, GrantedCases: []string{"TC-2024-999"}},
	} {
		for _, text := range []string{"", "đất đai", "khiếu nại", `"người tố cáo"`, "bí*", "hoa thanh"} {
			q.Text, q.Facets, q.Limit = text, true, search.MaxLimit
			res := mustSearch(t, ix, q)
			for _, h := range res.Hits {
				if h.DocumentID == "d-secret" {
					t.Errorf("scope %d %q: the secret document is a hit", i, text)
				}
			}
			for f, fc := range res.Facets {
				for _, c := range fc {
					if c.Term == "TC-2024-999" || c.Term == "ket_luan_noi_dung_to_cao" || c.Term == "Thanh tra tỉnh" {
						t.Errorf("scope %d %q: facet %s counts the secret document (%v)", i, text, f, c)
					}
				}
			}
			if res.Total != len(res.Hits) {
				t.Errorf("scope %d %q: Total %d for %d hits", i, text, res.Total, len(res.Hits))
			}
		}
	}
	// The grant with the unit shows it by its case, so the test above is not
	// vacuous; its words are not indexed, so no text finds it even then.
	granted := search.Query{Units: []string{"CT"}, GrantedCases: []string{"TC-2024-999"}, Case: "TC-2024-999", Facets: true}
	res := mustSearch(t, ix, granted)
	if len(res.Hits) != 1 || res.Hits[0].DocumentID != "d-secret" || res.Total != 1 {
		t.Errorf("granted user does not find the secret document by its case: %+v", res)
	}
	granted.Case, granted.Text = "", "đất đai"
	for _, h := range mustSearch(t, ix, granted).Hits {
		if h.DocumentID == "d-secret" {
			t.Errorf("the secret document's text is indexed: %q finds it", granted.Text)
		}
	}
}
