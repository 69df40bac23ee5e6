package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kntc/internal/browsertest"
	"kntc/ocr/ocrtest"
)

// TestMain stops the one Chromium the browser tests of this binary share.
func TestMain(m *testing.M) {
	code := m.Run()
	browsertest.Stop()
	os.Exit(code)
}

// TestStaffPagesEndToEnd is the staff app's end-to-end test in a real Chromium
// against `kntc serve` with its real pipeline (Tesseract, PDF/A, the index):
//   - a clerk signs in with the keyboard alone, opens the triage inbox, drops a
//     Vietnamese scan into the unit's hot folder and sees it arrive without a
//     reload (triage.js), with the case its text names suggested; links it with
//     one click; uploads a file into the case; issues a new PIN and gets the
//     printable receipt (phiếu hẹn);
//   - a handler opens the case, takes a workflow step, searches without
//     diacritics from the keyboard and sees the hit boxed on the page image, from
//     the OCR's word boxes;
//   - a leader grants himself a denunciation's protected identity, reveals it,
//     and the reveal is in the audit trail;
//   - a user of another unit gets the 404 page for the case.
//
// axe-core finds no WCAG 2.1 A/AA violation on any page; every step is
// screenshotted into the artifacts folder (KNTC_TEST_ARTIFACTS).
//
// With KNTC_README_SCREENSHOTS=$PWD/docs/screenshots it also writes the README's
// pictures of the main pages (the window as a person first sees it, small
// paletted PNGs), the administration's unit tree among them.
func TestStaffPagesEndToEnd(t *testing.T) {
	browsertest.Tools(t) // skip (or fail under CI) before starting a server
	readmeDir := os.Getenv("KNTC_README_SCREENSHOTS")
	readme := func(b *browsertest.Session, name string, scrollTo string) {
		t.Helper()
		if readmeDir == "" {
			return
		}
		if scrollTo != "" {
			b.Do("scroll to "+scrollTo, chromedp.ScrollIntoView(chromedp.CSS(scrollTo)))
		}
		b.Readme(readmeDir, name)
	}
	dir := t.TempDir()
	env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}
	s := startServe(t, env, "--data-dir", dir, "--stable-delay", "1s")
	kntc := cliRunner(t, dir, env)
	kntc("", "unit", "add", "--code", "HT", "--name", "Ủy ban nhân dân thị xã Hòa Thành", "--level", "district", "--parent", "TINH")
	kntc("", "unit", "add", "--code", "GD", "--name", "Ủy ban nhân dân huyện Gò Dầu", "--level", "district", "--parent", "TINH")
	const pw = "mật-khẩu-thử-nghiệm"
	for _, u := range []struct{ name, full, role, unit string }{
		{"van.thu", "Trần Thị Thư", "clerk", "HT"},
		{"chuyen.vien", "Nguyễn Văn Xử", "handler", "HT"},
		{"lanh.dao", "Lê Văn Lãnh", "leader", "HT"},
		{"chuyen.vien.gd", "Phạm Văn Khác", "handler", "GD"},
	} {
		kntc(pw+"\n", "user", "add", "--username", u.name, "--full-name", u.full, "--role", u.role, "--unit", u.unit, "--password-stdin")
	}
	login := func(user string) client {
		code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": user, "password": pw})
		if code != http.StatusOK {
			t.Fatalf("login %s: %d %v", user, code, body)
		}
		return client{t, s, str(body, "token")}
	}
	clerkAPI, leaderAPI := login("van.thu"), login("lanh.dao")
	kn := str(clerkAPI.call("POST", "/api/v1/cases", map[string]any{
		"kind": "khieu_nai", "source": "buu_chinh", "received_on": time.Now().Format(time.DateOnly),
		"subject": "Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất tại phường Long Hoa",
		"parties": []map[string]any{{"role": "petitioner", "name": "Nguyễn Thị Hoà", "address": "phường Long Hoa"}},
	}, http.StatusCreated), "code")
	const denouncerName = "Đặng Thị Kín Đáo"
	tc := str(leaderAPI.call("POST", "/api/v1/cases", map[string]any{
		"kind": "to_cao", "source": "buu_chinh", "subject": "Tố cáo cán bộ địa chính phường thu tiền sai quy định",
		"parties": []map[string]any{{"role": "petitioner", "name": denouncerName, "phone": "0987000111"}},
	}, http.StatusCreated), "code")

	// The clerk, keyboard only: the username field has the focus, Tab moves to
	// the password, Enter signs in.
	clerk := browsertest.New(t, "e2e-1-clerk-", 8*time.Minute, 1280, 900)
	clerk.Do("open the login page", chromedp.Navigate(s.url+"/"))
	clerk.Page("login", "Đăng nhập")
	clerk.Do("sign in with the keyboard", chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.KeyEvent("van.thu\t"), chromedp.KeyEvent(pw+"\r"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	clerk.Page("dashboard", "Tổng quan")
	clerk.Do("open the inbox from the dashboard", chromedp.Click(chromedp.CSS(`a.tile-link[href="/triage"]`)),
		chromedp.WaitVisible(chromedp.CSS("#triage-list")))
	clerk.Page("triage-empty", "Tài liệu chờ phân loại")
	// A mark on the window: a reload would wipe it.
	browsertest.Eval[any](clerk, `window.kntcNoReload = 42`)

	// A real scan, dropped into the unit's hot folder: OCR, header, index.
	img, _, err := ocrtest.Render("ĐƠN KHIẾU NẠI\nKính gửi: Chủ tịch Ủy ban nhân dân thị xã Hòa Thành\n"+
		"Tôi bổ sung hồ sơ "+kn+" về việc cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình tôi.", ocrtest.Options{HeightMM: 90})
	must(t, err)
	must(t, os.MkdirAll(filepath.Join(dir, "hotfolder", "HT"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "hotfolder", "HT", "don-bo-sung.png"), ocrtest.PNG(img), 0o644))
	arrived := `#triage-list li[data-id]`
	clerk.Do("see the scan arrive without a reload", chromedp.WaitVisible(chromedp.CSS(arrived)))
	if mark := browsertest.Eval[int](clerk, `window.kntcNoReload || 0`); mark != 42 {
		t.Errorf("the inbox was reloaded (mark %d)", mark)
	}
	docID := browsertest.Eval[string](clerk, `document.querySelector("#triage-list li[data-id]").dataset.id`)
	suggest := `#doc-` + docID + ` button[name=case][value="` + kn + `"]`
	clerk.Do("see the case suggested", chromedp.WaitVisible(chromedp.CSS(suggest)))
	clerk.Page("triage-arrival", "Tài liệu chờ phân loại")
	readme(clerk, "triage", "")
	clerk.Do("link it with one click", chromedp.Click(chromedp.CSS(suggest)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if notice := clerk.Text(".notice"); !strings.Contains(notice, "Đã gắn 1 tài liệu vào hồ sơ "+kn) {
		t.Errorf("after linking: %q", notice)
	}
	clerk.Page("triage-linked", "Tài liệu chờ phân loại")

	// Upload into the case: a typed PDF, through the same spool and pipeline.
	upload := filepath.Join(t.TempDir(), "bien-ban-tiep-dan.pdf")
	must(t, os.WriteFile(upload, ocrtest.TextPDF("BIEN BAN tiep cong dan ngay hom nay", "Ho so "+kn), 0o644))
	clerk.Do("open the case", chromedp.Navigate(s.url+"/cases/"+kn), chromedp.WaitVisible(chromedp.CSS("#h-actions")))
	clerk.Do("open the upload form", chromedp.Click(chromedp.CSS(`a[href="/cases/`+kn+`/upload"]`)), chromedp.WaitVisible(chromedp.CSS("#f-file")))
	clerk.Page("upload", "Tải tài liệu vào hồ sơ")
	clerk.Do("upload a file", chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{upload}),
		chromedp.Submit(chromedp.CSS("#f-file")), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if notice := clerk.Text(".notice"); !strings.Contains(notice, "Đã nhận tệp") {
		t.Errorf("after the upload: %q", notice)
	}
	clerk.Page("case-uploaded", kn)
	// A new PIN for the citizen, on the printable receipt (phiếu hẹn).
	clerk.Do("issue a new PIN", chromedp.Click(chromedp.CSS(`form[action="/cases/`+kn+`/pin"] button`)), chromedp.WaitVisible(chromedp.CSS("#pin")))
	if pin := strings.TrimSpace(clerk.Text("#pin")); len(pin) < 6 {
		t.Errorf("the receipt's PIN: %q", pin)
	}
	clerk.Axe("receipt")
	clerk.Shot("receipt")
	// The upload went through the pipeline into the case.
	waitFor(t, "the uploaded file to join the case", func() bool {
		docs := clerkAPI.call("GET", "/api/v1/cases/"+kn+"/documents", nil, http.StatusOK)
		return strings.Count(fmt.Sprint(docs), "stored") >= 2
	})

	// The handler: open the case, take a step, search without diacritics.
	handler := browsertest.New(t, "e2e-2-handler-", 8*time.Minute, 1280, 900)
	handler.Do("sign in", chromedp.Navigate(s.url+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "chuyen.vien"), chromedp.SendKeys(chromedp.CSS("#password"), pw+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")))
	readme(handler, "dashboard", "")
	handler.Do("open the case list", chromedp.Click(chromedp.CSS(`nav a[href="/cases"]`)), chromedp.WaitVisible(chromedp.CSS("table.list")))
	readme(handler, "cases", "")
	handler.Do("open the case", chromedp.Click(chromedp.CSS(`a[href="/cases/`+kn+`"]`)), chromedp.WaitVisible(chromedp.CSS("#h-steps")))
	handler.Page("case", kn)
	readme(handler, "case", "")
	handler.Do("take a step", chromedp.Click(chromedp.CSS(`form.step button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if notice := handler.Text(".notice"); !strings.Contains(notice, "Đã chuyển hồ sơ sang") {
		t.Errorf("after the step: %q", notice)
	}
	handler.Page("case-step", kn)
	// Keyboard only: "/" jumps to the search box, Enter searches.
	handler.Do("jump to the search box", chromedp.KeyEvent("/"))
	if focused := browsertest.Eval[string](handler, "document.activeElement.id"); focused != "q-top" {
		t.Errorf(`after "/": focus on %q, want the search box`, focused)
	}
	// DevTools types the key's character apart from its keydown, which the page
	// cancels: a person's browser leaves the box empty.
	browsertest.Eval[any](handler, `document.getElementById("q-top").value = ""`)
	handler.Do("search without diacritics", chromedp.KeyEvent("giay chung nhan quyen su dung dat\r"),
		chromedp.WaitVisible(chromedp.CSS("article.hit mark")))
	handler.Page("search", "Tìm kiếm")
	readme(handler, "search", "")
	handler.Do("open the hit", chromedp.Click(chromedp.CSS(`article.hit a[href^="/documents/`+docID+`?q="]`)),
		chromedp.WaitVisible(chromedp.CSS("figure.page-fig rect.hl")))
	// The page image has loaded, with a box over each word of the hit.
	const probe = `(() => { const img = document.querySelector("figure.page-fig img");
		const loaded = img.complete ? img.naturalWidth : 0;
		return loaded > 0 ? {loaded, boxes: document.querySelectorAll("figure.page-fig rect.hl").length} : null; })()`
	type probed struct{ Loaded, Boxes int }
	got, err := chromedp.Run(handler.Ctx, chromedp.Poll[probed](probe, chromedp.WithPollingTimeout(time.Minute)))
	if err != nil || got.Boxes < 3 {
		t.Errorf("the hit on the page image: image width %d, %d boxes (%v); want the page and a box per word", got.Loaded, got.Boxes, err)
	}
	handler.Page("viewer-highlight", "")
	readme(handler, "viewer", "figure.page-fig")

	// The leader: grant himself the denunciation's protected identity, reveal it.
	leader := browsertest.New(t, "e2e-3-leader-", 8*time.Minute, 1280, 900)
	leader.Do("sign in", chromedp.Navigate(s.url+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "lanh.dao"), chromedp.SendKeys(chromedp.CSS("#password"), pw+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")), chromedp.Navigate(s.url+"/cases/"+tc), chromedp.WaitVisible(chromedp.CSS("#h-parties")))
	if text := leader.Text("#h-parties + *"); strings.Contains(text, denouncerName) {
		t.Fatalf("the denouncer is shown before any grant: %q", text)
	}
	leader.Page("case-masked", tc)
	leader.Do("open the grant form", chromedp.Click(chromedp.CSS(`a[href="/cases/`+tc+`/grant"]`)), chromedp.WaitVisible(chromedp.CSS("#f-user")))
	leader.Page("grant", "Cấp quyền")
	leader.Do("grant with the keyboard", chromedp.Focus(chromedp.CSS("#f-user")), chromedp.KeyEvent("lanh.dao\r"),
		chromedp.WaitVisible(chromedp.CSS(".notice")))
	leader.Do("reveal", chromedp.Click(chromedp.CSS(`form.reveal button`)), chromedp.WaitVisible(chromedp.CSS(`a[href="/cases/`+tc+`"].btn`)))
	if text := leader.Text("#h-parties + *"); !strings.Contains(text, denouncerName) {
		t.Errorf("the revealed parties: %q", text)
	}
	leader.Page("case-revealed", tc)
	// The audit trail, as its readers (here the administrator) see it.
	code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": adminPassword})
	if code != http.StatusOK {
		t.Fatalf("login admin: %d %v", code, body)
	}
	admin := client{t, s, str(body, "token")}
	audit := admin.call("GET", "/api/v1/audit?object="+url.QueryEscape("case:"+tc), nil, http.StatusOK)
	if !strings.Contains(fmt.Sprint(audit), "secret_read") {
		t.Errorf("the reveal is not in the audit trail: %v", audit)
	}

	// A user of another unit: the ordinary 404 page.
	other := browsertest.New(t, "e2e-4-other-unit-", 8*time.Minute, 1280, 900)
	other.Do("sign in", chromedp.Navigate(s.url+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "chuyen.vien.gd"), chromedp.SendKeys(chromedp.CSS("#password"), pw+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")), chromedp.Navigate(s.url+"/cases/"+kn))
	other.Page("not-found", "Không tìm thấy")

	if readmeDir != "" {
		admin := browsertest.New(t, "e2e-5-admin-", 8*time.Minute, 1280, 900)
		admin.Do("sign in", chromedp.Navigate(s.url+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
			chromedp.SendKeys(chromedp.CSS("#username"), "admin"), chromedp.SendKeys(chromedp.CSS("#password"), adminPassword+"\r"),
			chromedp.WaitVisible(chromedp.CSS(`nav a[href="/admin/units"]`)), chromedp.Navigate(s.url+"/admin/units"), chromedp.WaitVisible(chromedp.CSS("#n-code")))
		admin.Page("units", "Cây đơn vị")
		readme(admin, "admin", "")
	}
}
