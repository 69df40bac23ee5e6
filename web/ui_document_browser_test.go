package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserDocumentViewer opens the document viewer in a real headless
// Chromium with a search term, as a handler: the page image loads, the matched
// words are boxed over it, axe-core finds no WCAG 2.1 A or AA violation, and a
// screenshot goes to the artifacts folder.
func TestBrowserDocumentViewer(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	d := viewerDocument(e, codes["complaint"])
	srv := e.pageServer()

	b := newBrowserSession(t, "document-", 60*time.Second, 1280, 900)
	ctx := b.Ctx

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), uHandler),
		chromedp.SendKeys(chromedp.CSS("#password"), "mật-khẩu-thử-nghiệm\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")),
		chromedp.Navigate(srv.URL+"/documents/"+d.ID+"?q="+url.QueryEscape("kinh gui huyen")),
		chromedp.WaitVisible(chromedp.CSS("figure.page-fig rect.hl"))); err != nil {
		t.Fatalf("open the viewer: %v", err)
	}
	// The page image has loaded (its natural width is the stored page's) and the
	// SVG layer lies over it.
	const probe = `(() => { const img = document.querySelector("figure.page-fig img");
		const svg = document.querySelector("figure.page-fig svg").getBoundingClientRect();
		const r = img.getBoundingClientRect();
		return {loaded: img.complete ? img.naturalWidth : 0, boxes: document.querySelectorAll("rect.hl").length,
			over: Math.abs(svg.left - r.left) < 2 && Math.abs(svg.width - r.width) < 2 && Math.abs(svg.height - r.height) < 2}; })()`
	type probed struct {
		Loaded int
		Boxes  int
		Over   bool
	}
	var got probed
	deadline := time.Now().Add(20 * time.Second)
	for {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[probed](probe))
		if err != nil {
			t.Fatal(err)
		}
		got = v
		if got.Loaded > 0 || time.Now().After(deadline) {
			break
		}
		if err := chromedp.Do(ctx, chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	if got.Loaded != 600 || got.Boxes != 3 || !got.Over {
		t.Errorf("viewer in the browser: image width %d, %d boxes, layer over the image %t; want 600, 3, true", got.Loaded, got.Boxes, got.Over)
	}
	b.Axe("viewer")
	png := b.Shot("viewer")
	if !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("the screenshot is not a PNG")
	}
}
