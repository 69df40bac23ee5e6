package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserForms opens a case through the form in a real Chromium with the
// keyboard alone (a first try without a subject shows the problem next to the
// field), and ends on the citizen's receipt; axe-core finds no WCAG 2.1 A/AA
// violation on the empty form, the form with its problem and the receipt, each
// screenshotted.
func TestBrowserForms(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	b := newBrowserSession(t, "forms-", 60*time.Second, 1280, 900)
	ctx := b.Ctx
	do := b.Do
	check := func(name string) { b.Axe(name); b.Shot(name) }

	do("sign in with the keyboard", chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.KeyEvent("clerk.a\t"),
		chromedp.KeyEvent("mật-khẩu-thử-nghiệm\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")),
		chromedp.Navigate(srv.URL+"/cases/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-subject")))
	check("open-case")
	// Keyboard only: from the subject, Tab through the summary to the name, and
	// Enter submits, first without a subject.
	do("send the form without a subject", chromedp.Focus(chromedp.CSS("#f-summary")),
		chromedp.KeyEvent("Đơn gửi qua bưu điện"),
		chromedp.KeyEvent("\t"),
		chromedp.KeyEvent("Nguyễn Văn An\r"),
		chromedp.WaitVisible(chromedp.CSS("#f-subject-error")))
	if kept, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#f-parties\\[0\\]\\.name"))); err != nil || kept != "Nguyễn Văn An" {
		t.Errorf("the name typed was not kept: %q %v", kept, err)
	}
	check("open-case-problem")
	do("type the subject and send", chromedp.Focus(chromedp.CSS("#f-subject")),
		chromedp.KeyEvent("Khiếu nại quyết định thu hồi đất\r"),
		chromedp.WaitVisible(chromedp.CSS("#pin")))
	pin, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#pin")))
	if err != nil || len(strings.TrimSpace(pin)) < 6 {
		t.Errorf("the receipt's PIN: %q %v", pin, err)
	}
	check("receipt")
}
