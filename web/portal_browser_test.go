package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPortalBrowser: on a phone-sized viewport (390×844, mobile), a citizen opens the portal, types the code and PIN and sees the case;
// axe-core (run by DevTools, not by the page) finds no WCAG 2.1 A/AA violation
// on the form, the result and the wrong-PIN answer; each is screenshotted.
func TestPortalBrowser(t *testing.T) {
	chromium, axePath := browserTools(t)
	axeJS, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	dir := artifactsDir(t)
	e := newEnv(t)
	kn, knPIN, _, _, _, _ := portalWorld(e)
	srv := e.pageServer()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(390, 844), chromedp.Flag("lang", "vi-VN"))
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
	shot := 0
	page := func(name, wantH1 string) {
		t.Helper()
		do(name, chromedp.WaitVisible(chromedp.CSS("h1")))
		h1, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
		if err != nil || !strings.Contains(h1, wantH1) {
			t.Errorf("%s: heading %q (%v), want %q", name, h1, err, wantH1)
		}
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
		shot++
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("portal-%02d-%s.png", shot, name)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The portal has no script at all (TestPortalLookup checks its HTML): the
	// form is submitted by the browser itself; DevTools runs axe-core.
	do("open the portal on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
		chromedp.Navigate(srv.URL+"/cong-dan/"))
	page("form", "Tra cứu hồ sơ")
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth")); err != nil || w > 390 {
		t.Errorf("the form is %d px wide on a 390 px phone (%v)", w, err)
	}
	do("look up", chromedp.SendKeys(chromedp.CSS("#code"), kn), chromedp.SendKeys(chromedp.CSS("#pin"), knPIN),
		chromedp.Submit(chromedp.CSS("form.lookup")), chromedp.WaitVisible(chromedp.CSS("ol.timeline")))
	page("result", "Kết quả tra cứu")
	do("again", chromedp.Click(chromedp.CSS(`main a[href="/cong-dan/"]`)), chromedp.WaitVisible(chromedp.CSS("#code")))
	do("wrong PIN", chromedp.SendKeys(chromedp.CSS("#code"), kn), chromedp.SendKeys(chromedp.CSS("#pin"), "99999999x"),
		chromedp.Submit(chromedp.CSS("form.lookup")), chromedp.WaitVisible(chromedp.CSS(".error")))
	page("not-found", "Tra cứu hồ sơ")
}
