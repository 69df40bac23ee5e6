package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserTriage: as a clerk in a real Chromium, open the triage inbox, see a
// document that arrives meanwhile come in without a reload (triage.js's poll),
// and link it to its suggested case with one click. axe-core finds no WCAG 2.1
// A/AA violation on the inbox before and after the arrival; every step is
// screenshotted into the artifacts folder.
func TestBrowserTriage(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	srv := e.pageServer()

	b := newBrowserSession(t, "triage-", 60*time.Second, 1280, 900)
	ctx := b.Ctx

	do := b.Do
	page := b.Page

	do("sign in as a clerk", chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), uClerk),
		chromedp.SendKeys(chromedp.CSS("#password"), "mật-khẩu-thử-nghiệm\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")))
	do("open the inbox from the dashboard's count", chromedp.Click(chromedp.CSS(`a.tile-link[href="/triage"]`)),
		chromedp.WaitVisible(chromedp.CSS("#triage-list")))
	page("inbox", "Tài liệu chờ phân loại")

	// A mark on the window: a reload would wipe it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`window.kntcNoReload = 42`)); err != nil {
		t.Fatal(err)
	}
	code := codes["complaint"]
	d := triageDoc(e, "A", "41/UBND-TD", "V/v chuyển đơn mới đến", "Kèm theo hồ sơ "+code+".")
	// triage.js polls every few seconds; the new row must come within a generous bound.
	wait, stop := context.WithTimeout(ctx, 30*time.Second)
	err := chromedp.Do(wait, chromedp.WaitVisible(chromedp.CSS("#doc-"+d.ID)))
	stop()
	if err != nil {
		t.Fatalf("the new document did not appear without a reload: %v", err)
	}
	if mark, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.kntcNoReload || 0`)); err != nil || mark != 42 {
		t.Errorf("the page was reloaded (mark %d, %v)", mark, err)
	}
	if text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#doc-"+d.ID))); err != nil ||
		!strings.Contains(text, "41/UBND-TD") || !strings.Contains(text, "Tài liệu ghi mã hồ sơ "+code) {
		t.Errorf("the arrived row: %q %v", text, err)
	}
	page("inbox-arrival", "Tài liệu chờ phân loại")

	do("link it with one click", chromedp.Click(chromedp.CSS(`#doc-`+d.ID+` button[name=case][value="`+code+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	notice, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".notice")))
	if err != nil || !strings.Contains(notice, "Đã gắn 1 tài liệu vào hồ sơ "+code) {
		t.Errorf("after linking: %q %v", notice, err)
	}
	if got, err := e.db.Document(e.ctx, d.ID); err != nil || got.CaseCode != code {
		t.Errorf("the document after the click: case %q (%v)", got.CaseCode, err)
	}
	page("inbox-linked", "Tài liệu chờ phân loại")
}
