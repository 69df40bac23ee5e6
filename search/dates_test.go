package search_test

import (
	"slices"
	"testing"
	"time"

	"kntc/search"
)

// TestDateRanges checks the date filter at the edges of years: a range of whole
// years (the search page's year filter, searched through the year terms) and
// ranges of days (the date terms) find the same pages a date at a time.
func TestDateRanges(t *testing.T) {
	ix := mustOpenMem(t)
	var es []search.Entry
	for _, d := range [][2]string{{"d-a", "2024-12-31"}, {"d-b", "2025-01-01"}, {"d-c", "2025-06-15"}, {"d-d", "2025-12-31"}, {"d-e", "2026-01-01"}, {"d-f", ""}} {
		e := entry(d[0], "HT", "KN-2025-001", "cong_van", "", d[1], "Quyết định thu hồi đất.")
		if d[1] == "" { // dated by its creation day
			e.Document.CreatedAt = time.Date(2025, 3, 3, 23, 30, 0, 0, time.UTC)
		}
		es = append(es, e)
	}
	mustPut(t, ix, es...)
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	tests := []struct {
		name     string
		from, to string
		want     []string
	}{
		{"a whole year", "2025-01-01", "2025-12-31", []string{"d-b", "d-c", "d-d", "d-f"}},
		{"whole years", "2024-01-01", "2025-12-31", []string{"d-a", "d-b", "d-c", "d-d", "d-f"}},
		{"a year but its first day", "2025-01-02", "2025-12-31", []string{"d-c", "d-d", "d-f"}},
		{"a year but its last day", "2025-01-01", "2025-12-30", []string{"d-b", "d-c", "d-f"}},
		{"backwards", "2025-12-31", "2025-01-01", []string{}},
		{"from only", "2025-01-01", "", []string{"d-b", "d-c", "d-d", "d-e", "d-f"}},
		{"to only", "", "2025-12-31", []string{"d-a", "d-b", "d-c", "d-d", "d-f"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, text := range []string{"", "thu hoi"} {
				q := search.Query{Text: text, AllUnits: true, Facets: true}
				if tt.from != "" {
					q.From = day(tt.from)
				}
				if tt.to != "" {
					q.To = day(tt.to)
				}
				res := mustSearch(t, ix, q)
				got := []string{}
				for _, h := range res.Hits {
					got = append(got, h.DocumentID)
				}
				slices.Sort(got)
				if !slices.Equal(got, tt.want) || res.Total != len(tt.want) {
					t.Errorf("%q: %q (total %d), want %q", text, got, res.Total, tt.want)
				}
			}
		})
	}
}
