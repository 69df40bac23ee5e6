package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kntc/cases"
)

// TestBrowser drives a real headless Chromium (one for the whole test) through
// the staff pages: sign in with the keyboard, the dashboard, the case list, a
// case, a workflow step, a search from the keyboard, and, as a user of another unit, the 404 page. On every
// page axe-core must find no WCAG 2.1 A or AA violation; each step is
// screenshotted into the artifacts folder.
func TestBrowser(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	// A visit in district A: the statistics page's 01/TCD has numbers to drill into.
	if _, err := e.svc.RecordReception(e.ctx, e.actor(uClerk), cases.Reception{UnitID: e.units["A"].ID, Kind: cases.KindComplaint,
		Visitors: []cases.Person{{Name: "Phạm Văn Hỏi"}}, GroupSize: 6, Content: "Đoàn công dân hỏi về bồi thường", Outcome: cases.OutcomeAnswered}); err != nil {
		t.Fatal(err)
	}
	srv := e.pageServer()

	b := newBrowserSession(t, "", 90*time.Second, 1280, 900)
	ctx := b.Ctx

	page := b.Page
	do := b.Do

	do("open the login page", chromedp.Navigate(srv.URL+"/"))
	page("login", "Đăng nhập")
	// Keyboard only: the username field has the focus, Tab to the password,
	// Enter submits.
	do("sign in with the keyboard",
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.KeyEvent("handler.a\t"),
		chromedp.KeyEvent("mật-khẩu-thử-nghiệm\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")))
	page("dashboard", "Tổng quan")

	do("open the case list", chromedp.Click(chromedp.CSS(`nav a[href="/cases"]`)), chromedp.WaitVisible(chromedp.CSS("table.list")))
	page("cases", "Danh sách hồ sơ")

	code := codes["complaint"]
	do("open a case", chromedp.Click(chromedp.CSS(`a[href="/cases/`+code+`"]`)), chromedp.WaitVisible(chromedp.CSS("#h-steps")))
	page("case", code)

	do("take a step", chromedp.Click(chromedp.CSS(`form.step button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".notice")))
	if err != nil || !strings.Contains(notice, "Đã chuyển hồ sơ sang") {
		t.Errorf("after the step: %q %v", notice, err)
	}
	page("case-after-step", code)

	// The "/" key jumps to the search box (app.js); words without diacritics.
	do("jump to the search box", chromedp.KeyEvent("/"))
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.activeElement.id")); err != nil || focused != "q-top" {
		t.Errorf(`after "/": focus on %q (%v), want the search box`, focused, err)
	}
	// DevTools types the key's character apart from its keydown, which the page
	// cancels: a person's browser leaves the box empty.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.getElementById("q-top").value = ""`)); err != nil {
		t.Fatal(err)
	}
	do("search without diacritics", chromedp.KeyEvent("kinh gui huyen\r"),
		chromedp.WaitVisible(chromedp.CSS("article.hit mark")))
	page("search", "Tìm kiếm")

	do("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#username")))
	do("sign in as another unit's handler",
		chromedp.SendKeys(chromedp.CSS("#username"), "handler.b"),
		chromedp.SendKeys(chromedp.CSS("#password"), "mật-khẩu-thử-nghiệm\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")),
		chromedp.Navigate(srv.URL+"/cases/"+code))
	page("not-found", "Không tìm thấy")

	do("switch to English", chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS("h1")))
	page("english-not-found", "Not found")

	// A leader's statistics: the form as a table, then what one number counts.
	do("sign in as the unit's leader",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "leader.a"),
		chromedp.SendKeys(chromedp.CSS("#password"), "mật-khẩu-thử-nghiệm\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")))
	do("open the statistics", chromedp.Click(chromedp.CSS(`nav a[href="/reports"]`)), chromedp.WaitVisible(chromedp.CSS("table.report")))
	page("report", "Statistics")
	do("open what a number counts", chromedp.Click(chromedp.CSS(`table.report tbody td a`)), chromedp.WaitVisible(chromedp.CSS("table.list")))
	page("report-cell", "01/TCD")
}
