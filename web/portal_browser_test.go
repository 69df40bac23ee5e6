package web_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kntc/cases"
	"kntc/internal/browsertest"
)

// TestPortalBrowser: on a phone-sized viewport (390×844, mobile), a citizen opens the portal, types the code and PIN and sees the case;
// sends a denunciation with an attached scan (and first a form with problems),
// gets the receipt and looks the petition up with its code and PIN; reads and
// searches the answered questions and asks one; reads the reception schedule.
// axe-core (run by DevTools, not by the page) finds no WCAG 2.1 A/AA violation
// on any of these pages; each is screenshotted.
func TestPortalBrowser(t *testing.T) {
	e := newEnv(t)
	kn, knPIN, _, _, _, _ := portalWorld(e)
	srv := e.pageServer()

	b := newBrowserSession(t, "portal-", 240*time.Second, 390, 844)
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
	do("published decisions", chromedp.Navigate(srv.URL+"/cong-dan/cong-khai?q=quyet+dinh"), chromedp.WaitVisible(chromedp.CSS("ul.docs")))
	page("published", "Văn bản công khai")

	portalFormsBrowser(t, e, b, srv.URL)
}

// portalFormsBrowser is the forms' part of TestPortalBrowser (one Chromium per
// test process).
func portalFormsBrowser(t *testing.T, e *env, b *browsertest.Session, srv string) {
	ctx, do, page := b.Ctx, b.Do, b.Page
	if _, err := e.svc.Ask(e.ctx, cases.Question{Topic: cases.TopicLand, Text: "Thời hiệu khiếu nại quyết định thu hồi đất là bao lâu?"}); err != nil {
		t.Fatal(err)
	}
	qs, _, err := e.svc.Questions(e.ctx, e.actor(uClerk), cases.QuestionFilter{})
	if err != nil || len(qs) != 1 {
		t.Fatal(qs, err)
	}
	if _, err := e.svc.AnswerQuestion(e.ctx, e.actor(uClerk), qs[0].ID, "90 ngày kể từ ngày nhận được quyết định (Luật Khiếu nại 2011, Điều 9).", true); err != nil {
		t.Fatal(err)
	}
	for _, d := range []cases.ReceptionDay{
		{UnitID: e.units["A"].ID, Kind: cases.ScheduleRegular, Weekdays: []time.Weekday{time.Monday, time.Thursday}, Hours: "07:30 – 11:00", Place: "Trụ sở tiếp công dân huyện A"},
		{UnitID: e.units["A"].ID, Kind: cases.ScheduleLeader, Leader: "Chủ tịch UBND huyện A", MonthDay: 20, Hours: "Cả ngày", Place: "Phòng tiếp công dân"},
	} {
		if _, err := e.svc.PutReceptionDay(e.ctx, e.actor(uLeader), d); err != nil {
			t.Fatal(err)
		}
	}
	scan := filepath.Join(t.TempDir(), "don-to-cao.pdf")
	if err := os.WriteFile(scan, testPDF, 0o600); err != nil {
		t.Fatal(err)
	}
	unit := strconv.FormatInt(e.units["A"].ID, 10)

	do("open the petition form", chromedp.Navigate(srv+"/cong-dan/nop-don"))
	page("petition-form", "Nộp đơn trực tuyến")
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth")); err != nil || w > 390 {
		t.Errorf("the petition form is %d px wide on a 390 px phone (%v)", w, err)
	}
	do("send it without a name", chromedp.Click(chromedp.CSS("#kind-khieu_nai")), chromedp.SetValue(chromedp.CSS("#unit"), unit),
		chromedp.SendKeys(chromedp.CSS("#content"), "Khiếu nại quyết định thu hồi đất."),
		chromedp.Submit(chromedp.CSS("form.petition")), chromedp.WaitVisible(chromedp.CSS(".field-error")))
	page("petition-problems", "Nộp đơn trực tuyến")
	do("send a denunciation with a scan", chromedp.Navigate(srv+"/cong-dan/nop-don"), chromedp.WaitVisible(chromedp.CSS("#kind-to_cao")),
		chromedp.Click(chromedp.CSS("#kind-to_cao")), chromedp.SetValue(chromedp.CSS("#unit"), unit),
		chromedp.SendKeys(chromedp.CSS("#name"), "Phạm Văn Trung Thực"), chromedp.SendKeys(chromedp.CSS("#address"), "ấp Bình Hòa"),
		chromedp.SendKeys(chromedp.CSS("#content"), "Tố cáo cán bộ địa chính xã nhận tiền."),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{scan}),
		chromedp.Submit(chromedp.CSS("form.petition")), chromedp.WaitVisible(chromedp.CSS("dd.code")))
	page("petition-receipt", "Đã tiếp nhận đơn")
	codes, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("dd.code")].map(e => e.textContent)`))
	if err != nil || len(codes) != 2 || !cases.ValidOnlineCode(codes[0]) {
		t.Fatalf("receipt codes %v (%v)", codes, err)
	}
	do("look the petition up", chromedp.Navigate(srv+"/cong-dan/"), chromedp.WaitVisible(chromedp.CSS("#code")),
		chromedp.SendKeys(chromedp.CSS("#code"), codes[0]), chromedp.SendKeys(chromedp.CSS("#pin"), codes[1]),
		chromedp.Submit(chromedp.CSS("form.lookup")), chromedp.WaitVisible(chromedp.CSS("ol.timeline")))
	page("petition-lookup", "Kết quả tra cứu")

	do("questions", chromedp.Navigate(srv+"/cong-dan/hoi-dap"))
	page("questions", "Hỏi – đáp")
	do("search without diacritics", chromedp.SendKeys(chromedp.CSS("#q"), "thu hoi dat"), chromedp.Submit(chromedp.CSS("form.search")),
		chromedp.WaitVisible(chromedp.CSS("article.card")))
	page("questions-search", "Hỏi – đáp")
	if text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"))); err != nil || !strings.Contains(text, "90 ngày") {
		t.Errorf("the search found nothing: %v", err)
	}
	do("ask", chromedp.SetValue(chromedp.CSS("#topic"), "khac"), chromedp.SendKeys(chromedp.CSS("#question"), "Ngày nào lãnh đạo tiếp dân?"),
		chromedp.Submit(chromedp.CSS(`form[action="/cong-dan/hoi-dap"][method="post"]`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	page("questions-sent", "Hỏi – đáp")

	do("schedule", chromedp.Navigate(srv+"/cong-dan/lich-tiep"))
	page("schedule", "Lịch tiếp công dân")
}
