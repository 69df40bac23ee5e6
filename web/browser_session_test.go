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

// browserSession is one headless Chromium for a browser test: do runs actions and
// stops the test on an error; page checks the page shown (its heading and
// axe-core's WCAG 2.1 A/AA verdict) and screenshots it into the artifacts folder.
type browserSession struct {
	t      *testing.T
	ctx    context.Context
	axeJS  string
	dir    string
	prefix string // of the screenshots' names
	shots  int
}

// newBrowserSession starts Chromium with a width×height window for at most
// timeout; it is stopped when the test ends.
func newBrowserSession(t *testing.T, prefix string, timeout time.Duration, width, height int) *browserSession {
	t.Helper()
	chromium, axePath := browserTools(t)
	axeJS, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(width, height), chromedp.Flag("lang", "vi-VN"))
	actx, stopAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	ctx, stopBrowser := chromedp.NewContext(actx)
	ctx, stopTimer := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { stopTimer(); stopBrowser(); stopAlloc() })
	return &browserSession{t: t, ctx: ctx, axeJS: string(axeJS), dir: artifactsDir(t), prefix: prefix}
}

func (b *browserSession) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// axe runs axe-core on the page shown; each WCAG 2.1 A or AA violation fails the
// test, and so does a run that checked fewer than ten rules.
func (b *browserSession) axe(name string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](b.axeJS+";0")); err != nil {
		b.t.Fatalf("%s: load axe-core: %v", name, err)
	}
	run := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})` +
		`.then(r => ({violations: r.violations, passes: r.passes.length}))`
	res, err := chromedp.Run(b.ctx, chromedp.Evaluate[axeResult](run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: axe-core: %v", name, err)
	}
	if res.Passes < 10 {
		b.t.Errorf("%s: axe-core checked only %d rules", name, res.Passes)
	}
	for _, v := range res.Violations {
		nodes, _ := json.Marshal(v.Nodes)
		b.t.Errorf("%s: WCAG violation %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, nodes)
	}
}

// shot writes a full-page screenshot of the page shown as PREFIX-NN-name.png and
// returns it.
func (b *browserSession) shot(name string) []byte {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("%s: screenshot: %v", name, err)
	}
	b.shots++
	if err := os.WriteFile(filepath.Join(b.dir, fmt.Sprintf("%s%02d-%s.png", b.prefix, b.shots, name)), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return png
}

// page checks the page now shown: its heading holds wantH1, axe-core's verdict,
// and a screenshot named after the step.
func (b *browserSession) page(name, wantH1 string) {
	b.t.Helper()
	b.do(name, chromedp.WaitVisible(chromedp.CSS("h1")))
	h1, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(h1, wantH1) {
		b.t.Errorf("%s: heading %q (%v), want %q", name, h1, err, wantH1)
	}
	b.axe(name)
	b.shot(name)
}
