package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"kntc/cases"
)

// reportWorld fills an env with what the statistics pages count in district A
// in 2026-Q1: a denunciation petition from the protected denouncer and a
// complaint petition, each opening a case, the complaint decided (đúng một
// phần); a denouncer's visit. It returns the complaint's and the
// denunciation's case codes.
func reportWorld(e *env) (kn, tc string) {
	e.t.Helper()
	clerk, leader := e.actor(uClerk), e.actor(uLeader)
	var codes []string
	for _, p := range []cases.Petition{
		{UnitID: e.units["A"].ID, ReceivedOn: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Source: cases.SourcePost, Kind: cases.KindDenunciation,
			Petitioner: denouncer, Subject: "Tố cáo cán bộ thu tiền sai quy định"},
		{UnitID: e.units["A"].ID, ReceivedOn: time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), Source: cases.SourcePost, Kind: cases.KindComplaint,
			Petitioner: cases.Person{Name: "Trần Văn Khiếu"}, Subject: "Khiếu nại quyết định thu hồi đất"},
	} {
		got, err := e.svc.RegisterPetition(e.ctx, clerk, p)
		if err != nil {
			e.t.Fatal(err)
		}
		c, _, _, err := e.svc.OpenCaseFromPetition(e.ctx, leader, got.ID, cases.NewCase{})
		if err != nil {
			e.t.Fatal(err)
		}
		codes = append(codes, c.Code)
	}
	tc, kn = codes[0], codes[1]
	for _, st := range []cases.Status{cases.StatusClassified, cases.StatusScreening, cases.StatusAccepted, cases.StatusVerifying, cases.StatusDecided} {
		c, err := e.svc.Case(e.ctx, leader, kn)
		if err != nil {
			e.t.Fatal(err)
		}
		res := cases.ResultNone
		if st == cases.StatusDecided {
			res = cases.ResultPartly
		}
		if _, err := e.svc.Transition(e.ctx, leader, kn, c.Version, cases.Transition{To: st, Result: res}); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := e.svc.RecordReception(e.ctx, clerk, cases.Reception{UnitID: e.units["A"].ID, Kind: cases.KindDenunciation,
		Visitors: []cases.Person{denouncer}, GroupSize: 1, Content: "Bà " + denouncer.Name + " đến tố cáo cán bộ địa chính xã",
		Outcome: cases.OutcomeLetterTaken}); err != nil {
		e.t.Fatal(err)
	}
	return kn, tc
}

var hrefRe = regexp.MustCompile(`href="(/reports/[^"]+/cells/[^"]+)"`)

// cellLinks are the drill-down links of a report page, unescaped.
func cellLinks(body string) []string {
	var out []string
	for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
		out = append(out, strings.ReplaceAll(m[1], "&amp;", "&"))
	}
	return out
}

// TestPagesReports: the statistics page shows a form as the printed table
// (caption, merged multi-level headings with their scopes, the MS row, a row
// per unit and the total) for leaders and inspectors of the unit's tree;
// every non-zero number links to the list of what it counts — cases,
// petitions, visits — each linking to its case; the workbook downloads; a bad
// choice is 422, another unit 404, other roles 403; no page holds the
// denouncer.
func TestPagesReports(t *testing.T) {
	e := newEnv(t)
	kn, tc := reportWorld(e)
	srv := e.pageServer()
	leader := newPageClientAs(t, srv, uLeader)
	var bodies []string
	get := func(c *pageClient, path string, want int) string {
		t.Helper()
		code, body, _ := c.get(path)
		if code != want {
			t.Fatalf("GET %s: %d, want %d\n%s", path, code, want, body)
		}
		bodies = append(bodies, body)
		return body
	}

	// The default: form 01/TCD, the user's unit, the quarter of today (10/03/2026).
	body := get(leader, "/reports", 200)
	for _, want := range []string{`href="/reports" aria-current="page"`, "01/TCD", "15/12/2025", "14/03/2026",
		`<option value="Q1" selected>`, `<option value="A" selected>`, "<caption", `scope="colgroup"`, `class="ms"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/reports: no %q", want)
		}
	}
	links := cellLinks(body)
	if len(links) == 0 || !strings.Contains(links[0], "/reports/01-TCD/cells/") {
		t.Fatalf("01/TCD: no drill-down links: %v", links)
	}
	// Column 5 (visits) of unit A: the denouncer's visit, never the denouncer.
	visit := get(leader, "/reports/01-TCD/cells/5?period=2026-Q1&row=A&unit=A", 200)
	if !strings.Contains(visit, "Lượt tiếp số") || !strings.Contains(visit, "1 mục") {
		t.Errorf("01/TCD column 5 lists no visit:\n%s", visit)
	}

	// 03/GQKN as the printed form: "Phân tích kết quả" over columns 3–6, the
	// leaves reaching the MS row, "2=3+4+5+6" in it.
	body = get(leader, "/reports?form=03-GQKN&unit=A&year=2026&kind=Q1", 200)
	for _, want := range []string{`<th scope="colgroup" colspan="4">Phân tích kết quả</th>`,
		`<th scope="col" rowspan="2">Tổng số vụ việc</th>`, `<th scope="col" rowspan="2" class="label">Đơn vị</th>`,
		`<td>2=3&#43;4&#43;5&#43;6</td>`, `id="row-A"`, `id="row-total"`, "Tổng cộng",
		`href="/reports/03-GQKN/file?format=xlsx&amp;period=2026-Q1&amp;unit=A"`,
		`class="table-wrap report-wrap" tabindex="0" role="region"`, "Biểu đồ",
		`href="/reports/03-GQKN/file?format=pdf&amp;period=2026-Q1&amp;unit=A"`} {
		if !strings.Contains(body, want) {
			t.Errorf("03/GQKN page: no %q", want)
		}
	}
	var decided string
	for _, l := range cellLinks(body) {
		if strings.Contains(l, "/cells/10?") && strings.Contains(l, "row=A") {
			decided = l
		}
	}
	if decided == "" {
		t.Fatalf("03/GQKN: no link for column 10 of row A: %v", cellLinks(body))
	}
	list := get(leader, decided, 200)
	if !strings.Contains(list, `href="/cases/`+kn+`"`) || !strings.Contains(list, "Khiếu nại đúng 1 phần") {
		t.Errorf("column 10's list: no link to %s\n%s", kn, list)
	}
	// 02/XLD column 12 (denunciations): the petition, linking to its case.
	list = get(leader, "/reports/02-XLD/cells/12?period=2026-Q1&unit=A", 200)
	if !strings.Contains(list, "Đơn số") || !strings.Contains(list, `href="/cases/`+tc+`"`) {
		t.Errorf("02/XLD column 12's list:\n%s", list)
	}
	// The inspector reads the same page; the province's leader gets a row per district.
	get(newPageClientAs(t, srv, uInspector), "/reports?form=04-GQTC&period=2026-Q1", 200)
	body = get(newPageClientAs(t, srv, uLeaderP), "/reports?form=02-XLD&from=2026-03-01&to=2026-03-10", 200)
	for _, want := range []string{`id="row-P"`, `id="row-A"`, `id="row-B"`, `<option value="range" selected>`, "01/03/2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("the province's 02/XLD: no %q", want)
		}
	}

	// Files: the workbook and the PDF to sign.
	code, xl, res := leader.get("/reports/03-GQKN/file?format=xlsx&period=2026-Q1&unit=A")
	if code != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/vnd.openxmlformats") || !strings.HasPrefix(xl, "PK") {
		t.Errorf("workbook: %d %s", code, res.Header.Get("Content-Type"))
	}
	if code, pdf, res := leader.get("/reports/03-GQKN/file?format=pdf&period=2026-Q1&unit=A"); code != 200 ||
		res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF-") {
		t.Errorf("PDF: %d %s", code, res.Header.Get("Content-Type"))
	}
	// The leaders' charts, drawn on the server as SVG in the page: presentation
	// attributes, no style attribute (the CSP refuses inline style).
	for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg" class="chart"`, `role="img" aria-labelledby="chart-months-title chart-months-desc"`,
		`aria-labelledby="chart-results-title chart-results-desc"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the charts: no %q", want)
		}
	}
	if strings.Contains(body, " style=") {
		t.Error("a style attribute on the report page")
	}
	// In the page's language: Vietnamese here.
	for _, want := range []string{">Số đơn tiếp nhận theo tháng (01/03/2026 – 10/03/2026)</title>", ">Tháng 03/2026<", ">Khiếu nại<"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Vietnamese charts: no %q", want)
		}
	}

	// Refusals.
	for _, tc := range []struct {
		user, path string
		want       int
	}{
		{uHandler, "/reports", 403},
		{uClerk, "/reports/01-TCD/cells/5?period=2026-Q1", 403},
		{uAdmin, "/reports/01-TCD/file?format=xlsx&period=2026-Q1", 403},
		{uLeader, "/reports?form=01-TCD&unit=B&period=2026-Q1", 404},
		{uLeader, "/reports/01-TCD/cells/5?period=2026-Q1&unit=B", 404},
		{uLeader, "/reports?form=07-XYZ", 404},
		{uLeader, "/reports?form=01-TCD&year=2026&kind=Q5", 422},
		{uLeader, "/reports?form=01-TCD&kind=range&from=2026-03-10&to=2026-03-01", 422},
		{uLeader, "/reports/01-TCD/cells/99?period=2026-Q1", 404},
		{uLeader, "/reports/01-TCD/cells/5?period=2026-Q1&row=ZZ", 404},
	} {
		c := newPageClientAs(t, srv, tc.user)
		if code, body, _ := c.get(tc.path); code != tc.want {
			t.Errorf("%s GET %s: %d, want %d", tc.user, tc.path, code, tc.want)
		} else {
			bodies = append(bodies, body)
		}
	}
	// A handler's menu has no statistics.
	if _, body, _ := newPageClientAs(t, srv, uHandler).get("/"); strings.Contains(body, `href="/reports"`) {
		t.Error("a handler's menu offers the statistics")
	}

	// A rule the numbers break is listed above the table with its row: the
	// complaint moved to district B counts in B's column 2, its petition stays in
	// A's column 1 (03/GQKN c2 <= c1 fails on row B).
	if body := get(leader, "/reports?form=03-GQKN&period=2026-Q1", 200); !strings.Contains(body, "thỏa cả") || strings.Contains(body, `role="alert"`) {
		t.Errorf("03/GQKN before the move: the checks should all hold")
	}
	c, err := e.svc.Case(e.ctx, e.actor(uLeaderP), kn)
	if err != nil {
		t.Fatal(err)
	}
	unitB := e.units["B"].ID
	if _, err := e.svc.UpdateCase(e.ctx, e.actor(uLeaderP), kn, cases.CasePatch{Version: c.Version, UnitID: &unitB}); err != nil {
		t.Fatal(err)
	}
	body = get(newPageClientAs(t, srv, uLeaderP), "/reports?form=03-GQKN&period=2026-Q1", 200)
	at := strings.Index(body, `<div class="alert" role="alert" id="checks">`)
	if at < 0 {
		t.Fatalf("03/GQKN after the move: no failed check shown")
	}
	alert := body[at:]
	alert = alert[:strings.Index(alert, "</div>")]
	if !strings.Contains(alert, `<a href="#row-B">UBND huyện B</a>: <code>c2 &lt;= c1</code> — vế trái 1, vế phải 0`) {
		t.Errorf("the failed check, where: %s", alert)
	}

	// English.
	leader.get("/lang?to=en&back=/")
	body = get(leader, "/reports?form=03-GQKN&period=2026-Q1", 200)
	if !strings.Contains(body, "Statistics and reports") || !strings.Contains(body, "Download the Excel workbook") || strings.Contains(body, "⟦") {
		t.Errorf("English page:\n%s", body)
	}
	// The charts follow the page's language: titles, labels, descriptions.
	for _, want := range []string{">Petitions received per month (15/12/2025 – 14/03/2026)</title>", ">03/2026<",
		">Cases received by kind and status (15/12/2025 – 14/03/2026)</title>", ">Complaint<", ">Denunciation<",
		"Results: justified, unjustified, partly justified", ">Complaints (decisions)<", "Overdue cases by unit"} {
		if !strings.Contains(body, want) {
			t.Errorf("the English charts: no %q", want)
		}
	}
	for _, vi := range []string{"Số đơn tiếp nhận", "Tháng 03/2026", "Vụ việc tiếp nhận theo loại", "Kết quả giải quyết", "quá hạn theo đơn vị", "(quyết định)"} {
		if strings.Contains(body, vi) {
			t.Errorf("the English page's charts say %q", vi)
		}
	}

	for _, b := range bodies {
		if strings.Contains(b, "⟦") {
			t.Errorf("a message key is missing: %s", b[strings.Index(b, "⟦"):][:60])
		}
		if s := secretIn(b); s != "" {
			t.Errorf("the denouncer (%q) is on a statistics page", s)
		}
	}
}
