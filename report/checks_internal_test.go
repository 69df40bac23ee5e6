package report

import (
	"slices"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
)

// TestChecksCatchBrokenSums: a report whose numbers break the MS row's sums, the
// guidance's rules or the total is caught, with the row named; the rules
// touching empty columns are skipped, not failed.
func TestChecksCatchBrokenSums(t *testing.T) {
	units := []auth.Unit{{ID: 1, Code: "TINH", Name: "Tỉnh"}, {ID: 2, Code: "HT", Name: "Huyện", ParentID: 1}}
	d := &data{root: units[0], rows: units, rowOf: map[int64]int{1: 0, 2: 1},
		period:   Period{From: time.Date(2025, 12, 15, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)},
		caseByID: map[int64]cases.Case{}, leftOn: map[int64]leftWorkflow{},
		receptions: []cases.Reception{{ID: 1, UnitID: 2, At: time.Date(2026, 1, 5, 3, 0, 0, 0, time.UTC), GroupSize: 6}}}
	all := compute(d)
	byCode := map[string]*Report{}
	for _, r := range all {
		byCode[r.Form.Code] = r
		if len(r.Checks) != 0 {
			t.Errorf("%s: a consistent report fails %+v", r.Form.Code, r.Checks)
		}
	}
	tcd := byCode["01/TCD"]
	if tcd.Rows[1].Value(1) != 1 || tcd.Rows[1].Value(9) != 6 {
		t.Fatalf("01/TCD HT: %v", tcd.Rows[1].Values)
	}
	// Break column 1 of HT (c1 = c5 + c11 + c17), column 9 (a group has 5 or
	// more: c9 >= 5·c8), and 02/XLD's column 6 that 03/GQKN's column 1 must equal.
	tcd.Rows[1].Values[0] = 3
	tcd.Rows[1].Values[8] = 4
	byCode["02/XLD"].Rows[1].Values[5] = 2
	fails, checked := runChecks(tcd, byCode)
	var got []string
	for _, f := range fails {
		got = append(got, f.Rule+"@"+f.Row)
	}
	want := []string{"c1 = c5 + c11 + c17@HT", "c9 >= 5·c8@HT", "tổng c1 = Σ dòng@", "tổng c9 = Σ dòng@"}
	if !slices.Equal(got, want) || checked == 0 {
		t.Errorf("01/TCD failed %v (of %d), want %v", got, checked, want)
	}
	fails, _ = runChecks(byCode["03/GQKN"], byCode)
	if len(fails) != 1 || fails[0].Rule != "c1 = 02/XLD.c6" || fails[0].Row != "HT" || fails[0].Detail == "" {
		t.Errorf("03/GQKN cross-form: %+v", fails)
	}
	// 06/QLKNTC has no source: its rule c8 <= c6 is skipped, the totals still checked.
	fails, checked = runChecks(byCode["06/QLKNTC"], byCode)
	if len(fails) != 0 || checked != 17 {
		t.Errorf("06/QLKNTC: %d failed, %d checked (want 0, the 17 totals)", len(fails), checked)
	}
}
