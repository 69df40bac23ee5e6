package web_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"kntc/cases"
)

// TestReportAPI: a form as JSON and as a workbook for leaders and inspectors of
// the unit, one number's drill-down, the outcome entered on a case and summed,
// and no denouncer anywhere.
func TestReportAPI(t *testing.T) {
	e := newEnv(t)
	clerk, leader := e.actor(uClerk), e.actor(uLeader)
	var petitions []int64
	for _, p := range []cases.Petition{
		{UnitID: e.units["A"].ID, ReceivedOn: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Source: cases.SourcePost, Kind: cases.KindDenunciation,
			Petitioner: denouncer, Subject: "Tố cáo cán bộ thu tiền sai quy định"},
		{UnitID: e.units["A"].ID, ReceivedOn: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), Source: cases.SourcePost, Kind: cases.KindComplaint,
			Petitioner: cases.Person{Name: "Trần Văn Khiếu"}, Subject: "Khiếu nại quyết định thu hồi đất"},
	} {
		got, err := e.svc.RegisterPetition(e.ctx, clerk, p)
		if err != nil {
			t.Fatal(err)
		}
		petitions = append(petitions, got.ID)
	}
	var codes []string
	for _, id := range petitions {
		c, _, _, err := e.svc.OpenCaseFromPetition(e.ctx, leader, id, cases.NewCase{})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c.Code)
	}
	kn := codes[1]
	for _, st := range []cases.Status{cases.StatusClassified, cases.StatusScreening, cases.StatusAccepted, cases.StatusVerifying, cases.StatusDecided} {
		c, err := e.svc.Case(e.ctx, leader, kn)
		if err != nil {
			t.Fatal(err)
		}
		res := cases.ResultNone
		if st == cases.StatusDecided {
			res = cases.ResultPartly
		}
		if _, err := e.svc.Transition(e.ctx, leader, kn, c.Version, cases.Transition{To: st, Result: res}); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := e.svc.Case(e.ctx, leader, kn)
	body := e.must(uHandler, call{method: "PUT", path: "/api/v1/cases/" + kn + "/outcome",
		body: map[string]any{"version": c.Version, "recover_money": 12.5, "discipline_people": 3, "discipline_officials": 1}}, 200)
	if got := decode[map[string]any](t, body)["outcome"].(map[string]any)["recover_money"]; got != 12.5 {
		t.Errorf("outcome in the case: %v", got)
	}
	e.must(uHandler, call{method: "PUT", path: "/api/v1/cases/" + kn + "/outcome",
		body: map[string]any{"version": c.Version + 1, "discipline_people": 1, "discipline_officials": 2}}, 422)

	type row struct {
		Unit    string              `json:"unit"`
		Columns map[string]*float64 `json:"columns"`
	}
	type rep struct {
		Form   string            `json:"form"`
		From   string            `json:"from"`
		To     string            `json:"to"`
		Rows   []row             `json:"rows"`
		Total  row               `json:"total"`
		Empty  map[string]string `json:"empty"`
		Checks []map[string]any  `json:"checks"`
	}
	r := decode[rep](t, e.get(uLeader, "/api/v1/reports/02-XLD?unit=A&period=2026-Q1", 200))
	if r.Form != "02/XLD" || r.From != "2025-12-15" || r.To != "2026-03-14" || len(r.Rows) != 1 || r.Rows[0].Unit != "A" {
		t.Fatalf("02/XLD: %+v", r)
	}
	for col, want := range map[string]float64{"1": 2, "2": 2, "4": 2, "6": 1, "7": 1, "12": 1, "13": 1, "23": 0} {
		if v := r.Total.Columns[col]; v == nil || *v != want {
			t.Errorf("02/XLD total column %s = %v, want %v", col, v, want)
		}
	}
	if r.Total.Columns["9"] != nil || r.Empty["9"] == "" {
		t.Errorf("column 9 should be empty with a reason: %v %q", r.Total.Columns["9"], r.Empty["9"])
	}
	r = decode[rep](t, e.get(uInspector, "/api/v1/reports/03-GQKN?period=2026-Q1", 200))
	for col, want := range map[string]float64{"1": 1, "2": 1, "4": 1, "7": 1, "10": 1, "13": 12.5, "19": 3, "20": 1} {
		if v := r.Total.Columns[col]; v == nil || *v != want {
			t.Errorf("03/GQKN total column %s = %v, want %v", col, v, want)
		}
	}
	// The province's leader sees A and B as rows.
	r = decode[rep](t, e.get(uLeaderP, "/api/v1/reports/04-GQTC?from=2026-03-01&to=2026-03-10", 200))
	if len(r.Rows) != 3 || r.Rows[1].Unit != "A" || *r.Rows[1].Columns["1"] != 1 || *r.Total.Columns["1"] != 1 {
		t.Errorf("04/GQTC for P: %+v", r.Rows)
	}

	type cellRep struct {
		Value *float64 `json:"value"`
		Refs  []string `json:"refs"`
	}
	cell := decode[cellRep](t, e.get(uLeader, "/api/v1/reports/03-GQKN?unit=A&period=2026-Q1&cell=A,10", 200))
	if cell.Value == nil || *cell.Value != 1 || len(cell.Refs) != 1 || cell.Refs[0] != kn {
		t.Errorf("drill-down: %+v", cell)
	}
	cell = decode[cellRep](t, e.get(uLeader, "/api/v1/reports/03-GQKN/cells/10?unit=A&period=2026-Q1&row=A", 200))
	if cell.Value == nil || *cell.Value != 1 || len(cell.Refs) != 1 || cell.Refs[0] != kn {
		t.Errorf("drill-down by path: %+v", cell)
	}
	cell = decode[cellRep](t, e.get(uLeader, "/api/v1/reports/02-XLD?unit=A&period=2026-Q1&cell=total,12", 200))
	if len(cell.Refs) != 1 || !strings.HasPrefix(cell.Refs[0], "don-") {
		t.Errorf("drill-down of petitions: %+v", cell)
	}

	for _, tc := range []struct {
		name, user, path string
		want             int
	}{
		{"handler", uHandler, "/api/v1/reports/01-TCD?period=2026-Q1", 403},
		{"clerk", uClerk, "/api/v1/reports/01-TCD?period=2026-Q1", 403},
		{"administrator", uAdmin, "/api/v1/reports/01-TCD?period=2026-Q1", 403},
		{"another unit", uLeader, "/api/v1/reports/01-TCD?unit=B&period=2026-Q1", 404},
		{"unknown form", uLeader, "/api/v1/reports/07-XYZ?period=2026-Q1", 404},
		{"bad period", uLeader, "/api/v1/reports/01-TCD?period=2026-Q5", 422},
		{"no period", uLeader, "/api/v1/reports/01-TCD", 422},
		{"both", uLeader, "/api/v1/reports/01-TCD?period=2026&from=2026-01-01&to=2026-02-01", 422},
		{"bad cell", uLeader, "/api/v1/reports/01-TCD?period=2026-Q1&cell=A,99", 422},
		{"bad format", uLeader, "/api/v1/reports/01-TCD?period=2026-Q1&format=docx", 422},
	} {
		t.Run(tc.name, func(t *testing.T) { e.get(tc.user, tc.path, tc.want) })
	}

	xl := e.get(uLeader, "/api/v1/reports/04-GQTC?unit=A&period=2026-Q1&format=xlsx", 200)
	x, err := excelize.OpenReader(bytes.NewReader(xl))
	if err != nil {
		t.Fatalf("workbook: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows("04-GQTC")
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, row := range rows {
		text.WriteString(strings.Join(row, "|") + "\n")
	}
	if !strings.Contains(text.String(), "TỔNG HỢP KẾT QUẢ GIẢI QUYẾT TỐ CÁO") || !strings.Contains(text.String(), "Tổng cộng") {
		t.Errorf("workbook text:\n%s", text.String())
	}
	// The PDF to sign, with the charts on the pages after the form.
	pdf := e.get(uLeader, "/api/v1/reports/04-GQTC?unit=A&period=2026-Q1&format=pdf", 200)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf, []byte("/FontFile2")) {
		t.Errorf("not a PDF with an embedded font: %.40q", pdf)
	}
	for _, ex := range e.seen {
		if s := secretIn(string(ex.body)); s != "" {
			t.Errorf("%s as %s: the denouncer (%q) is in the answer", ex.label, ex.user, s)
		}
	}
	if s := secretIn(text.String()); s != "" {
		t.Errorf("the denouncer (%q) is in the workbook", s)
	}
}
