package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPortalBrowser: on a phone-sized viewport (390×844, mobile), a citizen opens the portal, types the code and PIN and sees the case;
// axe-core (run by DevTools, not by the page) finds no WCAG 2.1 A/AA violation
// on the form, the result and the wrong-PIN answer; each is screenshotted.
func TestPortalBrowser(t *testing.T) {
	e := newEnv(t)
	kn, knPIN, _, _, _, _ := portalWorld(e)
	srv := e.pageServer()

	b := newBrowserSession(t, "portal-", 60*time.Second, 390, 844)
	ctx := b.Ctx

	do := b.Do
	page := b.Page
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
