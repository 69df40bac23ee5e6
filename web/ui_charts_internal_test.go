package web

import (
	"strings"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/report"
)

// TestChartWordsInCatalogue: every word the charts ask for is in the
// catalogue in every language, its Vietnamese the charts' own (so the
// Vietnamese page shows the API's and the PDF's charts); drawn in English, no
// chart says a Vietnamese word of its own or a missing key.
func TestChartWordsInCatalogue(t *testing.T) {
	c := loadCatalogue()
	keys := report.ChartKeys()
	for _, k := range cases.Kinds {
		keys = append(keys, "kind."+string(k))
	}
	for _, s := range cases.Statuses {
		keys = append(keys, "status."+string(s))
	}
	if len(keys) < 18+len(cases.Kinds)+len(cases.Statuses) {
		t.Fatalf("only %d chart keys", len(keys))
	}
	for _, k := range keys {
		m, ok := c[k]
		if !ok {
			t.Errorf("%s: not in the catalogue", k)
			continue
		}
		if want := report.VietnameseChartWords(k); m["vi"] != want {
			t.Errorf("%s: the catalogue's Vietnamese %q, the charts' %q", k, m["vi"], want)
		}
		if m["en"] == "" || m["en"] == m["vi"] && strings.ContainsAny(m["vi"], "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ") {
			t.Errorf("%s: no English (%q)", k, m["en"])
		}
	}

	per, err := report.ParsePeriod("2026-Q1")
	if err != nil {
		t.Fatal(err)
	}
	d := report.ChartData{Unit: auth.Unit{Code: "A", Name: "UBND huyện A"}, Period: per, Today: time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC),
		Rows: []auth.Unit{{Code: "A", Name: "UBND huyện A"}, {Code: "AX", Name: "UBND xã AX"}},
		Counts: report.ChartCounts{PetitionsByMonth: map[string]int{"2026-02": 3},
			CasesByKindStatus: map[cases.Kind]map[cases.Status]int{cases.KindComplaint: {cases.StatusAccepted: 2, cases.StatusGuided: 1}},
			OverdueByRow:      []int{1, 2},
			Results:           map[cases.Kind]map[cases.Result]int{cases.KindComplaint: {cases.ResultRight: 1}}}}
	en := &printer{lang: "en", c: c}
	vi := &printer{lang: "vi", c: c}
	charts, viCharts, apiCharts := d.ChartsIn(en.T), d.ChartsIn(vi.T), d.Charts()
	if len(charts) != 4 {
		t.Fatalf("%d charts", len(charts))
	}
	want := []string{"Petitions received per month (15/12/2025 – 14/03/2026)", "Cases received by kind and status (15/12/2025 – 14/03/2026)",
		"Overdue cases by unit (on 20/06/2026)", "Results: justified, unjustified, partly justified (15/12/2025 – 14/03/2026)"}
	for i, ch := range charts {
		if ch.Title != want[i] {
			t.Errorf("chart %d title %q, want %q", i, ch.Title, want[i])
		}
		svg := ch.SVG()
		if strings.Contains(svg, "⟦") {
			t.Errorf("%s: a missing key in %s", ch.ID, svg)
		}
		for _, w := range []string{"Tháng", "đơn", "vụ việc", "Vụ việc", "trực tiếp", "Quá hạn", "Đúng", "Sai", "Khiếu nại", "Tố cáo", "Thụ lý", "Hướng dẫn", "quyết định"} {
			if strings.Contains(svg, w) {
				t.Errorf("%s in English says %q: %s", ch.ID, w, svg)
			}
		}
		if v, a := viCharts[i].SVG(), apiCharts[i].SVG(); v != a {
			t.Errorf("%s: the Vietnamese page's chart differs from the API's:\n%s\n%s", ch.ID, v, a)
		}
	}
	if got := strings.Join(charts[0].Categories, ","); got != "12/2025,01/2026,02/2026,03/2026" {
		t.Errorf("months %s", got)
	}
	if got := strings.Join(charts[1].Categories, ","); got != "Complaint,Denunciation,Petition,Mixed" {
		t.Errorf("kinds %s", got)
	}
	if charts[1].Series[0].Name != "Guided elsewhere" || charts[1].Series[1].Name != "Accepted" {
		t.Errorf("statuses %+v", charts[1].Series)
	}
	if charts[2].Categories[0] != "UBND huyện A (itself)" || charts[3].Series[0].Name != "Justified" {
		t.Errorf("overdue %v, results %+v", charts[2].Categories, charts[3].Series)
	}
	if !strings.Contains(charts[0].Desc, "02/2026: 3 petitions") {
		t.Errorf("months description %q", charts[0].Desc)
	}
}
