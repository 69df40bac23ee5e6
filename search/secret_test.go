package search_test

import (
	"slices"
	"strings"
	"testing"

	"kntc/search"
)

// denouncer is the identity a confidential document of the tests carries.
var denouncer = struct{ name, folded, id, phone, address string }{
	"Phạm Thị Hồng Nhung", "pham thi hong nhung", "079187654321", "0912345678", "số 14 đường Trưng Nữ Vương",
}

// secretEntry is a denunciation letter naming its sender: confidential on the
// document (as the database has it), not on the entry, and its header's issuer is
// the sender.
func secretEntry() search.Entry {
	e := entry("d-letter", "CT", "TC-2026-000001", "khac", denouncer.name, "2026-01-05",
		"ĐƠN TỐ CÁO\nTôi là "+denouncer.name+", CCCD "+denouncer.id+", điện thoại "+denouncer.phone+
			", địa chỉ "+denouncer.address+". Tôi tố cáo việc cấp giấy chứng nhận quyền sử dụng đất sai quy định.",
		"Người tố cáo: "+strings.ToUpper(denouncer.name)+" — "+denouncer.folded)
	e.Document.Confidential = true
	return e
}

// TestConfidentialTextIsNeverIndexed checks that a confidential document's words
// are not in the index: no query finds the sender, even for a user granted the
// case, and no facet names them; its pages are still found by filters with the
// grant, without snippets.
func TestConfidentialTextIsNeverIndexed(t *testing.T) {
	ix := fixtureIndex(t)
	mustPut(t, ix, secretEntry())
	grant := search.Query{AllUnits: true, GrantedCases: []string{"TC-2026-000001", "TC-2023-017"}, Facets: true, Limit: search.MaxLimit}
	for _, text := range []string{
		denouncer.name, denouncer.folded, `"` + denouncer.name + `"`, `"` + denouncer.folded + `"`, "Nhung", "nhung*", "Hồng",
		denouncer.id, denouncer.phone, "Trưng Nữ Vương", "tố cáo", "giấy chứng nhận", "CCCD",
	} {
		for _, fuzzy := range []bool{false, true} {
			q := grant
			q.Text, q.Fuzzy = text, fuzzy
			res := mustSearch(t, ix, q)
			for _, h := range res.Hits {
				if h.DocumentID == "d-letter" {
					t.Errorf("%q fuzzy=%v finds the confidential letter (page %d, %q)", text, fuzzy, h.Page, h.Highlights)
				}
			}
			if c := facetCount(res, "case", "TC-2026-000001"); c != 0 {
				t.Errorf("%q fuzzy=%v: the letter's case is counted %d times", text, fuzzy, c)
			}
		}
	}
	q := grant
	q.Case = "TC-2026-000001"
	res := mustSearch(t, ix, q)
	if got := hitKeys(res); !slices.Equal(got, []string{"d-letter/1", "d-letter/2"}) || res.Total != 2 {
		t.Fatalf("the granted user's case filter finds %q (total %d), want both pages of the letter", got, res.Total)
	}
	for _, h := range res.Hits {
		if len(h.Highlights) != 0 {
			t.Errorf("page %d has snippets %q: the text was stored", h.Page, h.Highlights)
		}
	}
	for f, counts := range res.Facets {
		for _, c := range counts {
			if strings.Contains(strings.ToLower(c.Term), "nhung") {
				t.Errorf("facet %s names the sender: %q", f, c.Term)
			}
		}
	}
	if c := facetCount(res, "kind", "khac"); c != 2 {
		t.Errorf("kind facet counts the letter %d times, want 2 (its metadata is indexed)", c)
	}
}

func facetCount(res search.Result, facet, term string) int {
	for _, c := range res.Facets[facet] {
		if c.Term == term {
			return c.Count
		}
	}
	return 0
}
