package web_test

import (
	"bytes"
	"image"
	"image/color/palette"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kntc/internal/testenv"
)

// browserTools finds Debian's Chromium and axe-core (the npm package), which
// deploy/test.sh installs: KNTC_CHROMIUM or chromium on the PATH, KNTC_AXE_JS or
// the copy in the test cache. Missing, the test says so in one line (and fails
// under CI).
func browserTools(t *testing.T) (chromium, axe string) {
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

// artifactsDir is where the screenshots go: KNTC_TEST_ARTIFACTS, or a new
// temporary directory that is kept and named in the log.
func artifactsDir(t *testing.T) string {
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

// readmePages are the steps whose screenshots illustrate the README: with
// KNTC_README_SCREENSHOTS=docs/screenshots the test writes them there (the
// window as a person sees it first, re-encoded small).
var readmePages = []string{"dashboard", "cases", "case", "search"}

// writeSmallPNG writes a screenshot as a paletted PNG (the pages use few
// colours), at most 150 KB.
func writeSmallPNG(t *testing.T, path string, shot []byte) {
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

// TestBrowser drives a real headless Chromium (one for the whole test) through
// the staff pages: sign in with the keyboard, the dashboard, the case list, a
// case, a workflow step, a search from the keyboard, and, as a user of another unit, the 404 page. On every
// page axe-core must find no WCAG 2.1 A or AA violation; each step is
// screenshotted into the artifacts folder.
func TestBrowser(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	srv := e.pageServer()

	b := newBrowserSession(t, "", 90*time.Second, 1280, 900)
	ctx := b.ctx

	// page checks the page now shown (heading, axe-core, screenshot) and, when
	// asked, writes the README's picture of it.
	page := func(name, wantH1 string) {
		t.Helper()
		b.page(name, wantH1)
		if readme := os.Getenv("KNTC_README_SCREENSHOTS"); readme != "" && slices.Contains(readmePages, name) {
			view, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatalf("%s: screenshot: %v", name, err)
			}
			writeSmallPNG(t, filepath.Join(readme, name+".png"), view)
		}
	}
	do := b.do

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
}
