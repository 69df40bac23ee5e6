package report_test

import (
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/report"
	"kntc/storage/sqldb"
)

// TestChartsOnDatabases counts the leaders' charts for the fixture on both
// databases: the numbers by hand, then against the registers read whole and
// classified in Go, then the charts drawn from them (SVG well-formed, the same
// numbers, Vietnamese labels).
func TestChartsOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		p := newProvince(t, db) // the clock stops on 20/06/2026
		per, err := report.ParsePeriod("2026-Q1")
		if err != nil {
			t.Fatal(err)
		}
		d, err := p.rep.ChartData(t.Context(), p.leader, "TINH", per)
		if err != nil {
			t.Fatal(err)
		}
		got := d.Counts
		// By hand. Petitions received from 15/12/2025 to 14/03/2026: P2 and P8
		// in February; P4, P9, P5, P6, P7 in March (P0 and P1 came before).
		if got.PetitionsByMonth["2026-02"] != 2 || got.PetitionsByMonth["2026-03"] != 5 || len(got.PetitionsByMonth) != 2 {
			t.Errorf("petitions per month %v, want 2026-02: 2, 2026-03: 5", got.PetitionsByMonth)
		}
		// Decisions of Q1: K0 khiếu nại đúng (20/01), K1 khiếu nại sai (01/03);
		// T1's conclusion came on 10/05, in Q2.
		if got.Results[cases.KindComplaint][cases.ResultRight] != 1 || got.Results[cases.KindComplaint][cases.ResultWrong] != 1 ||
			len(got.Results[cases.KindDenunciation]) != 0 {
			t.Errorf("results %v", got.Results)
		}
		// Cases received in Q1: T1 (tố cáo, decided), K2 (closed, withdrawn), K3
		// (guided), K4 (just received), K5 (opened from visit R6 of 25/02, in
		// screening), K6 (opened on 16/03 from visit R3 of 14/03, just received).
		want := map[cases.Kind]map[cases.Status]int{
			cases.KindDenunciation: {cases.StatusDecided: 1},
			cases.KindComplaint:    {cases.StatusClosed: 1, cases.StatusGuided: 1, cases.StatusReceived: 2, cases.StatusScreening: 1}}
		if !equalCounts(got.CasesByKindStatus, want) {
			t.Errorf("cases by kind and status %v, want %v", got.CasesByKindStatus, want)
		}

		// Against the registers classified in Go.
		units := []int64{}
		for id := range p.units {
			units = append(units, p.units[id].ID)
		}
		oracle := report.ChartCounts{PetitionsByMonth: map[string]int{}, CasesByKindStatus: map[cases.Kind]map[cases.Status]int{},
			Results: map[cases.Kind]map[cases.Result]int{}, OverdueByRow: make([]int, len(d.Rows))}
		if err := db.EachPetition(t.Context(), units, per.To, func(pe cases.Petition) error {
			if !pe.ReceivedOn.Before(per.From) {
				oracle.PetitionsByMonth[pe.ReceivedOn.Format("2006-01")]++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		rowOfUnit := map[int64]int{p.units["TINH"].ID: 0, p.units["HT"].ID: 1, p.units["HTX"].ID: 1, p.units["STNMT"].ID: 2}
		overdue := 0
		if err := db.EachCase(t.Context(), units, func(c cases.Case) error {
			if !c.ReceivedOn.Before(per.From) && !c.ReceivedOn.After(per.To) {
				if oracle.CasesByKindStatus[c.Kind] == nil {
					oracle.CasesByKindStatus[c.Kind] = map[cases.Status]int{}
				}
				oracle.CasesByKindStatus[c.Kind][c.Status]++
			}
			if late, _ := cases.Due(c, d.Today, 0); late && c.Open() {
				oracle.OverdueByRow[rowOfUnit[c.UnitID]]++
				overdue++
			}
			if (c.Kind == cases.KindComplaint || c.Kind == cases.KindDenunciation) && !c.DecidedOn.IsZero() &&
				!c.DecidedOn.Before(per.From) && !c.DecidedOn.After(per.To) &&
				(c.Result == cases.ResultRight || c.Result == cases.ResultWrong || c.Result == cases.ResultPartly) {
				if oracle.Results[c.Kind] == nil {
					oracle.Results[c.Kind] = map[cases.Result]int{}
				}
				oracle.Results[c.Kind][c.Result]++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if overdue == 0 {
			t.Fatal("the fixture has no overdue case on 20/06/2026: the chart would test nothing")
		}
		if !equalCounts(got.CasesByKindStatus, oracle.CasesByKindStatus) || !equalCounts(got.Results, oracle.Results) ||
			!maps.Equal(got.PetitionsByMonth, oracle.PetitionsByMonth) || !slices.Equal(got.OverdueByRow, oracle.OverdueByRow) {
			t.Errorf("counts %+v\nwant (Go) %+v", got, oracle)
		}

		// The charts: the same numbers, Vietnamese labels, well-formed SVG.
		charts := d.Charts()
		ids := []string{report.ChartMonths, report.ChartCases, report.ChartOverdue, report.ChartResults}
		if len(charts) != len(ids) {
			t.Fatalf("%d charts", len(charts))
		}
		for i, c := range charts {
			if c.ID != ids[i] {
				t.Errorf("chart %d is %s, want %s", i, c.ID, ids[i])
			}
			svg := c.SVG()
			dec := xml.NewDecoder(strings.NewReader(svg))
			for {
				_, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", c.ID, err)
				}
			}
			if strings.Contains(svg, "style=") || !strings.Contains(svg, `role="img"`) {
				t.Errorf("%s: style attribute or no role", c.ID)
			}
			if strings.Contains(svg, secretName) {
				t.Errorf("%s: the denouncer's name is in the chart", c.ID)
			}
		}
		months := charts[0]
		if strings.Join(months.Categories, ",") != "Tháng 12/2025,Tháng 01/2026,Tháng 02/2026,Tháng 03/2026" ||
			months.Value(0, 2) != 2 || months.Value(0, 3) != 5 || months.Total() != 7 {
			t.Errorf("months chart %v %v", months.Categories, months.Series)
		}
		if !strings.Contains(months.Title, "Số đơn tiếp nhận theo tháng") || !strings.Contains(months.SVG(), ">Tháng 03/2026<") {
			t.Errorf("months chart title %q", months.Title)
		}
		kinds := charts[1]
		for s, series := range kinds.Series {
			for i, k := range []cases.Kind{cases.KindComplaint, cases.KindDenunciation, cases.KindPetition, cases.KindMixed} {
				st := statusNamed(series.Name)
				if kinds.Value(s, i) != float64(got.CasesByKindStatus[k][st]) {
					t.Errorf("cases chart %s/%s = %v, want %d", k, series.Name, kinds.Value(s, i), got.CasesByKindStatus[k][st])
				}
			}
		}
		if kinds.Total() != 6 || kinds.Categories[0] != "Khiếu nại" || !strings.Contains(kinds.SVG(), ">Hướng dẫn<") {
			t.Errorf("cases chart %v %v", kinds.Categories, kinds.Series)
		}
		late := charts[2]
		if len(late.Categories) != 3 || late.Categories[1] != "Thị xã Hòa Thành" || late.Total() != float64(overdue) {
			t.Errorf("overdue chart %v %v (want %d)", late.Categories, late.Series, overdue)
		}
		for i := range d.Rows {
			if late.Value(0, i) != float64(got.OverdueByRow[i]) {
				t.Errorf("overdue chart row %d = %v, want %d", i, late.Value(0, i), got.OverdueByRow[i])
			}
		}
		res := charts[3]
		if res.Series[0].Name != "Đúng" || res.Series[1].Name != "Sai" || res.Series[2].Name != "Đúng một phần" ||
			res.Value(0, 0) != 1 || res.Value(1, 0) != 1 || res.Total() != 2 {
			t.Errorf("results chart %v", res.Series)
		}

		// The department's inspector sees only the department.
		ins, err := p.rep.ChartData(t.Context(), p.inspector, "", per)
		if err != nil {
			t.Fatal(err)
		}
		if len(ins.Rows) != 1 || ins.Rows[0].Code != "STNMT" || ins.Counts.PetitionsByMonth["2026-03"] != 4 {
			t.Errorf("inspector's charts: rows %v, petitions %v (want STNMT's P4, P5, P6, P7)", ins.Rows, ins.Counts.PetitionsByMonth)
		}
		if _, err := p.rep.ChartData(t.Context(), p.inspector, "HT", per); err == nil {
			t.Error("the inspector read another unit's charts")
		}
	})
}

func statusNamed(name string) cases.Status {
	for _, s := range cases.Statuses {
		if s.Label() == name {
			return s
		}
	}
	return cases.Status(name)
}

func equalCounts[K, V comparable](a, b map[K]map[V]int) bool {
	norm := func(m map[K]map[V]int) map[K]map[V]int {
		out := map[K]map[V]int{}
		for k, in := range m {
			for v, n := range in {
				if n != 0 {
					if out[k] == nil {
						out[k] = map[V]int{}
					}
					out[k][v] = n
				}
			}
		}
		return out
	}
	a, b = norm(a), norm(b)
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !maps.Equal(a[k], b[k]) {
			return false
		}
	}
	return true
}
