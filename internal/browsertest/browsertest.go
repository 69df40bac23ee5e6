// Package browsertest runs the browser tests' Chromium: ONE headless browser per
// test binary, started by the first test that asks for it and stopped by Stop
// (the package's TestMain), and for each test a new tab in a browser context of
// its own, so cookies and storage never pass from one test to the next. On every
// page it checks axe-core's WCAG 2.1 A/AA verdict, and it screenshots each step
// into the test artifacts folder. Starting Chromium once instead of once per test
// is what keeps the browser tests cheap under -race in CI.
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color/palette"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kntc/internal/testenv"
)

// Tools finds Debian's Chromium and axe-core (the npm package), which
// deploy/test.sh installs: KNTC_CHROMIUM or chromium on the PATH, KNTC_AXE_JS or
// the copy in the test cache. Missing, the test says so in one line (and fails
// under CI).
func Tools(t testing.TB) (chromium, axe string) {
	t.Helper()
	chromium = os.Getenv("KNTC_CHROMIUM")
	if chromium == "" {
		for _, name := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium = p
				break
			}
		}
	}
	if chromium == "" {
		testenv.Missing(t, "Chromium", "no chromium on the PATH and no KNTC_CHROMIUM")
	}
	axe = os.Getenv("KNTC_AXE_JS")
	if axe == "" {
		cache := os.Getenv("KNTC_CACHE_DIR")
		if cache == "" {
			if dir, err := os.UserCacheDir(); err == nil {
				cache = filepath.Join(dir, "kntc")
			}
		}
		matches, _ := filepath.Glob(filepath.Join(cache, "axe-core-*", "node_modules", "axe-core", "axe.min.js"))
		if len(matches) > 0 {
			axe = matches[len(matches)-1]
		}
	}
	if axe == "" {
		testenv.Missing(t, "axe-core", "no KNTC_AXE_JS and no axe-core in the test cache")
	}
	return chromium, axe
}

// ArtifactsDir is where the screenshots go: KNTC_TEST_ARTIFACTS, or a new
// temporary directory that is kept and named in the log.
func ArtifactsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("KNTC_TEST_ARTIFACTS")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "kntc-browser-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// shared is the test binary's one browser.
var shared struct {
	once   sync.Once
	ctx    context.Context // has the browser; tests open tabs under it
	stop   func()
	axeJS  string
	err    error
	closed bool
	mu     sync.Mutex
}

// browser starts the binary's Chromium the first time it is asked.
func browser(chromium, axePath string) (context.Context, string, error) {
	shared.once.Do(func() {
		axeJS, err := os.ReadFile(axePath)
		if err != nil {
			shared.err = err
			return
		}
		shared.axeJS = string(axeJS)
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
			chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "vi-VN"))
		actx, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, stopBrowser := chromedp.NewContext(actx)
		shared.ctx, shared.stop = bctx, func() { stopBrowser(); stopAlloc() }
		// The first run starts the browser with its first tab; every test then
		// opens tabs beside it.
		if err := chromedp.Do(bctx); err != nil {
			shared.stop()
			shared.err = fmt.Errorf("start %s: %w", chromium, err)
		}
	})
	return shared.ctx, shared.axeJS, shared.err
}

// Stop ends the shared browser, if one was started; TestMain calls it after
// the tests ran. (Should a binary end without it, the kernel stops Chromium
// with its parent: chromedp starts it with Pdeathsig.)
func Stop() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.stop != nil && !shared.closed {
		shared.stop()
		shared.closed = true
	}
}

// Session is one test's tab: Do runs actions and stops the test on an error;
// Page checks the page shown (its heading and axe-core's WCAG 2.1 A/AA verdict)
// and screenshots it into the artifacts folder.
type Session struct {
	T      *testing.T
	Ctx    context.Context
	Dir    string // the artifacts folder
	axeJS  string
	prefix string // of the screenshots' names
	shots  int
}

// New opens a tab of the shared Chromium, in a browser context of its own, with
// a width×height viewport, for at most timeout; the tab closes when the test
// ends.
func New(t *testing.T, prefix string, timeout time.Duration, width, height int) *Session {
	t.Helper()
	chromium, axePath := Tools(t)
	bctx, axeJS, err := browser(chromium, axePath)
	if err != nil {
		t.Fatalf("the tests' Chromium: %v", err)
	}
	ctx, closeTab := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	ctx, stopTimer := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { stopTimer(); closeTab() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return &Session{T: t, Ctx: ctx, axeJS: axeJS, Dir: ArtifactsDir(t), prefix: prefix}
}

// Do runs actions in the tab; an error stops the test, saying what was done.
func (b *Session) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.T.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		b.T.Fatalf("%s: %v", what, err)
	}
}

// Eval evaluates a JavaScript expression in the page and returns its value.
func Eval[T any](b *Session, js string) T {
	b.T.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.T.Fatalf("evaluate %.60q: %v", js, err)
	}
	return v
}

// Text returns the text of the first element sel matches.
func (b *Session) Text(sel string) string {
	b.T.Helper()
	s, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.T.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// axeViolation is one rule axe-core found broken on a page.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []struct {
		Target []any
	}
}

// axeResult is what axe.run found, as the test asks it back.
type axeResult struct {
	Violations []axeViolation
	Passes     int
}

// Axe runs axe-core on the page shown; each WCAG 2.1 A or AA violation fails the
// test, and so does a run that checked fewer than ten rules.
func (b *Session) Axe(name string) {
	b.T.Helper()
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[any](b.axeJS+";0")); err != nil {
		b.T.Fatalf("%s: load axe-core: %v", name, err)
	}
	run := `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})` +
		`.then(r => ({violations: r.violations, passes: r.passes.length}))`
	res, err := chromedp.Run(b.Ctx, chromedp.Evaluate[axeResult](run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.T.Fatalf("%s: axe-core: %v", name, err)
	}
	if res.Passes < 10 {
		b.T.Errorf("%s: axe-core checked only %d rules", name, res.Passes)
	}
	for _, v := range res.Violations {
		nodes, _ := json.Marshal(v.Nodes)
		b.T.Errorf("%s: WCAG violation %s (%s): %s at %s", name, v.ID, v.Impact, v.Help, nodes)
	}
}

// Shot writes a full-page screenshot of the page shown as PREFIX-NN-name.png
// and returns it.
func (b *Session) Shot(name string) []byte {
	b.T.Helper()
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.T.Fatalf("%s: screenshot: %v", name, err)
	}
	b.shots++
	if err := os.WriteFile(filepath.Join(b.Dir, fmt.Sprintf("%s%02d-%s.png", b.prefix, b.shots, name)), png, 0o644); err != nil {
		b.T.Fatal(err)
	}
	return png
}

// Page checks the page now shown: its heading holds wantH1, axe-core's verdict,
// and a screenshot named after the step.
func (b *Session) Page(name, wantH1 string) {
	b.T.Helper()
	b.Do(name, chromedp.WaitVisible(chromedp.CSS("h1")))
	h1, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS("h1")))
	if err != nil || !strings.Contains(h1, wantH1) {
		b.T.Errorf("%s: heading %q (%v), want %q", name, h1, err, wantH1)
	}
	b.Axe(name)
	b.Shot(name)
}

// Readme writes the window as a person first sees it into dir/name.png, small
// (see WriteSmallPNG): the README's pictures of the pages.
func (b *Session) Readme(dir, name string) {
	b.T.Helper()
	view, err := chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.T.Fatalf("%s: screenshot: %v", name, err)
	}
	WriteSmallPNG(b.T, filepath.Join(dir, name+".png"), view)
}

// WriteSmallPNG writes a screenshot as a paletted PNG (the pages use few
// colours), at most 150 KB.
func WriteSmallPNG(t testing.TB, path string, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	pal := image.NewPaletted(img.Bounds(), palette.WebSafe)
	draw.Draw(pal, pal.Rect, img, img.Bounds().Min, draw.Src)
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, pal); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 150_000 {
		t.Errorf("%s: %d bytes, over 150 KB", path, b.Len())
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
