package web_test

import (
	"strings"
	"testing"
	"time"

	"kntc/cases"
	"kntc/ingest"
)

// TestPagesDashboardFigures: the dashboard counts the documents of the user's
// scope stored and quarantined in the last 24 hours (an older one is left out,
// another unit's too), the pages per minute of the last hour, and lists the
// recent activity on the handler's own cases only, newest first, each event in
// the words of the case timeline (not the case system's notes and codes).
func TestPagesDashboardFigures(t *testing.T) {
	e := newEnv(t)
	open := func(unit, handler, subject string) cases.Case {
		c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			ReceivedOn: date("2026-03-02"), Subject: subject, UnitID: e.units[unit].ID, HandlerID: e.users[handler].ID})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	mine := open("A", uHandler, "Khiếu nại quyết định thu hồi đất")
	others := open("A", uGranted, "Khiếu nại về bồi thường")
	far := open("B", uHandlerB, "Khiếu nại ở huyện B")
	if _, err := e.svc.Transition(e.ctx, e.actor(uHandler), mine.Code, mine.Version, cases.Transition{To: "phan_loai"}); err != nil {
		t.Fatal(err)
	}
	pages := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, "Trang "+string(rune('1'+i))+" của đơn khiếu nại")
		}
		return out
	}
	e.document(docSpec{unit: "A", caseCode: mine.Code, kind: "don_khieu_nai", pages: pages(3), finish: true})
	e.document(docSpec{unit: "A", caseCode: mine.Code, kind: "bien_ban_lam_viec", pages: pages(3), finish: true})
	old := e.document(docSpec{unit: "A", caseCode: mine.Code, kind: "cong_van", pages: pages(2), finish: true})
	e.document(docSpec{unit: "B", caseCode: far.Code, kind: "cong_van", pages: pages(5), finish: true})
	bad := e.document(docSpec{unit: "A", caseCode: mine.Code, kind: "cong_van", pages: pages(1), finish: true})
	bad.Status, bad.Error = ingest.StatusQuarantined, "tệp hỏng"
	if err := e.db.UpdateDocument(e.ctx, &bad); err != nil {
		t.Fatal(err)
	}
	// A document stored two days ago counts in neither figure.
	if _, err := e.db.SQL().ExecContext(e.ctx, "UPDATE documents SET updated_at = ? WHERE id = ?",
		time.Now().UTC().Add(-48*time.Hour), old.ID); err != nil {
		t.Fatal(err)
	}
	c := newPageClient(t, e.pageServer())
	c.login(uHandler)
	code, body, _ := c.get("/")
	if code != 200 {
		t.Fatalf("dashboard: %d\n%s", code, body)
	}
	for _, want := range []string{
		`<span class="tile-n">2</span><span class="tile-l">Tài liệu xử lý xong trong 24 giờ qua</span>`,
		`<span class="tile-n">1</span><span class="tile-l">Tài liệu bị cách ly trong 24 giờ qua</span>`,
		`<span class="tile-n">0,1</span><span class="tile-l">Trang mỗi phút (trung bình 1 giờ qua)</span>`,
		"Hoạt động gần đây trên hồ sơ của tôi",
		`<a href="/cases/` + mine.Code + `">` + mine.Code + `</a> <strong>Chuyển bước</strong>: từ Tiếp nhận sang Phân loại`,
		`<a href="/cases/` + mine.Code + `">` + mine.Code + `</a> <strong>Thêm tài liệu</strong>: quét vào thư mục của hồ sơ`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q\n%s", want, body)
		}
	}
	activity := body[strings.Index(body, `id="h-activity"`):]
	if strings.Contains(activity, others.Code) || strings.Contains(activity, far.Code) {
		t.Errorf("a handler's recent activity shows another handler's case:\n%s", activity)
	}
	// The link events' notes are route codes ("folder"): worded above, never shown.
	for _, raw := range []string{"— folder", "— cover", "— manual", "— pending", "document_linked"} {
		if strings.Contains(activity, raw) {
			t.Errorf("recent activity shows the case system's code %q:\n%s", raw, activity)
		}
	}
	// Newest first: the documents linked after the step come before it.
	if i, j := strings.Index(activity, "Thêm tài liệu"), strings.Index(activity, "Chuyển bước"); i < 0 || j < 0 || i > j {
		t.Errorf("recent activity not newest first (link at %d, step at %d):\n%s", i, j, activity)
	}
	// A leader of the unit sees the activity of every case of the unit, not another unit's.
	l := newPageClient(t, c.srv)
	l.login(uLeader)
	_, body, _ = l.get("/")
	activity = body[strings.Index(body, `id="h-activity"`):]
	if !strings.Contains(activity, mine.Code) || !strings.Contains(activity, others.Code) || strings.Contains(activity, far.Code) {
		t.Errorf("a leader's recent activity is not the unit's cases:\n%s", activity)
	}
}

// TestPagesDashboardDeadlinesCapped: the dashboard counts every overdue case of
// the handler but lists only the first ten, earliest deadline first, with a link
// to the case list of them all.
func TestPagesDashboardDeadlinesCapped(t *testing.T) {
	e := newEnv(t)
	var codes []string
	for i := range 12 {
		c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			ReceivedOn: date("2026-01-05").AddDate(0, 0, i), Subject: "Khiếu nại quá hạn", UnitID: e.units["A"].ID, HandlerID: e.users[uHandler].ID})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, c.Code)
	}
	c := newPageClient(t, e.pageServer())
	c.login(uHandler)
	code, body, _ := c.get("/")
	if code != 200 || !strings.Contains(body, `<span class="tile-n">12</span><span class="tile-l">Hồ sơ quá hạn</span>`) ||
		!strings.Contains(body, `<a href="/cases?mine=1&amp;overdue=1">Xem cả 12 hồ sơ quá hạn</a>`) {
		t.Fatalf("dashboard with 12 overdue cases: %d\n%s", code, body)
	}
	deadlines := body[strings.Index(body, `id="h-deadlines"`):strings.Index(body, `id="h-recent"`)]
	for i, code := range codes {
		if shown := strings.Contains(deadlines, code); shown != (i < 10) {
			t.Errorf("case %d (%s) shown among the deadlines: %v", i, code, shown)
		}
	}
}
