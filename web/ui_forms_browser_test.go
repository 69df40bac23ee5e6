package web_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
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
	chromium, axePath := browserTools(t)
	axeJS, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	dir := artifactsDir(t)
	e := newEnv(t)
	srv := e.pageServer()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "vi-VN"))
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	check := func(name string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](string(axeJS)+";0")); err != nil {
			t.Fatalf("%s: load axe-core: %v", name, err)
		}
		run := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})` +
			`.then(r => ({violations: r.violations, passes: r.passes.length}))`
		res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](run, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: axe-core: %v", name, err)
		}
		if res.Passes < 10 {
			t.Errorf("%s: axe-core checked only %d rules", name, res.Passes)
		}
		for _, v := range res.Violations {
			b, _ := json.Marshal(v.Nodes)
			t.Errorf("%s: WCAG violation %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, b)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "forms-"+name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

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
