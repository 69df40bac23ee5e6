package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kntc/internal/browsertest"
	"kntc/ocr/ocrtest"
)

// The denouncer the portal's browser test plants (its own, not the publication
// tests'): a citizen who writes in online and must never be found on the
// public side.
const (
	portalName    = "Quách Thị Kín Tiếng"
	portalCCCD    = "072190654321"
	portalPhone   = "0905 246 813"
	portalAddress = "số 14 đường Trưng Nữ Vương, phường Hiệp Ninh"
)

var portalIdentity = identity{words: []string{"quach thi kin tieng", "kin tieng", "trung nu vuong"},
	numbers: []string{portalCCCD, "0905246813", "84905246813"}}

// TestPortalEndToEnd is the citizens' portal's end-to-end test, every step
// through the pages in Chromium against `kntc serve` with its real pipeline
// (Tesseract, PDF/A, the index, the redaction):
//   - a citizen, on a phone-sized window, sends an online denunciation with a
//     scanned letter naming her, and gets the receipt with a code and a PIN;
//   - a clerk finds the letter in the petition register (her name sealed) and
//     accepts it (thụ lý): the case opens with the letter's scan in it;
//   - the acceptance decision and later the conclusion, which names the
//     denouncer with her CCCD and phone, are scanned into the case's hot folder;
//   - a leader grants himself the case, opens the conclusion and publishes it
//     with the proposed redactions, the denouncer's among them;
//   - the citizen looks the case up with her code and PIN on the phone and
//     downloads the public copy: pdftotext of it holds neither her name (with or
//     without diacritics) nor her ID or phone number, and the image under each
//     redaction is black; no portal page she sees holds any of it either.
//
// axe-core finds no WCAG 2.1 A/AA violation on any page visited; each step is
// screenshotted into the artifacts folder (KNTC_TEST_ARTIFACTS).
func TestPortalEndToEnd(t *testing.T) {
	browsertest.Tools(t) // skip (or fail under CI) before starting a server
	needPoppler(t)
	dir := t.TempDir()
	env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}
	s := startServe(t, env, "--data-dir", dir, "--stable-delay", "1s")
	kntc := cliRunner(t, dir, env)
	const unitName = "Ủy ban nhân dân thị xã Hòa Thành"
	kntc("", "unit", "add", "--code", "HT", "--name", unitName, "--level", "district", "--parent", "TINH")
	const pw = "mật-khẩu-cổng-thử"
	for _, u := range []struct{ name, full, role string }{
		{"van.thu", "Trần Thị Sổ", "clerk"},
		{"lanh.dao", "Lê Văn Duyệt", "leader"},
	} {
		kntc(pw+"\n", "user", "add", "--username", u.name, "--full-name", u.full, "--role", u.role, "--unit", "HT", "--password-stdin")
	}
	// The API only watches what the pipeline does (waits on conditions), as the
	// leader: every step a person takes goes through the pages.
	code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "lanh.dao", "password": pw})
	if code != http.StatusOK {
		t.Fatalf("login: %d %v", code, body)
	}
	watch := client{t, s, str(body, "token")}
	// leaks checks the page shown holds nothing of the denouncer.
	leaks := func(b *browsertest.Session, what string) {
		t.Helper()
		if l := portalIdentity.leak(browsertest.Eval[string](b, "document.documentElement.outerHTML")); l != "" {
			t.Errorf("%s shows %q of the denouncer", what, l)
		}
	}
	scans := t.TempDir()

	// 1. The citizen, on a phone: the online form, a denunciation with her
	// scanned letter.
	letter, _, err := ocrtest.Render("ĐƠN TỐ CÁO\nKính gửi: Chủ tịch Ủy ban nhân dân thị xã Hòa Thành\n"+
		"Tôi là "+portalName+", CCCD số "+portalCCCD+", điện thoại "+portalPhone+".\n"+
		"Tôi tố cáo ông Hồ Văn Thu thu phí chợ Long Hoa cao hơn mức niêm yết.", ocrtest.Options{HeightMM: 100})
	must(t, err)
	letterPath := filepath.Join(scans, "don-to-cao.png")
	must(t, os.WriteFile(letterPath, ocrtest.PNG(letter), 0o644))
	const subject = "Tố cáo việc thu phí chợ Long Hoa sai quy định"
	citizen := browsertest.New(t, "portal-1-citizen-", 5*time.Minute, 390, 844)
	citizen.Do("open the online form", chromedp.Navigate(s.url+"/cong-dan/nop-don"), chromedp.WaitVisible(chromedp.CSS("#kind-to_cao")))
	citizen.Page("petition-form", "Nộp đơn trực tuyến")
	unitID := browsertest.Eval[string](citizen, `[...document.querySelectorAll("#unit option")].find(o => o.text.includes("Hòa Thành")).value`)
	citizen.Do("fill the form in", chromedp.Click(chromedp.CSS("#kind-to_cao")), chromedp.SetValue(chromedp.CSS("#unit"), unitID),
		chromedp.SendKeys(chromedp.CSS("#name"), portalName), chromedp.SendKeys(chromedp.CSS("#address"), portalAddress),
		chromedp.SendKeys(chromedp.CSS("#phone"), portalPhone), chromedp.SendKeys(chromedp.CSS("#id_number"), portalCCCD),
		chromedp.SendKeys(chromedp.CSS("#subject"), subject),
		chromedp.SendKeys(chromedp.CSS("#content"), "Ông Hồ Văn Thu, cán bộ Ban quản lý chợ, thu phí cao hơn mức niêm yết từ tháng 5."),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{letterPath}))
	citizen.Shot("petition-filled")
	citizen.Do("send it", chromedp.Click(chromedp.CSS("form.petition button[type=submit]")), chromedp.WaitVisible(chromedp.CSS("#h-codes")))
	citizen.Page("petition-receipt", "Đã tiếp nhận đơn")
	leaks(citizen, "the receipt")
	onlineCode := strings.TrimSpace(citizen.Text("#h-codes + dl dd:nth-of-type(1)"))
	pin := strings.TrimSpace(citizen.Text("#h-codes + dl dd:nth-of-type(2)"))
	if onlineCode == "" || len(pin) < 6 {
		t.Fatalf("the receipt's code %q and PIN %q", onlineCode, pin)
	}

	// The letter's scan through the pipeline; the letter in the register.
	var letterID string
	waitFor(t, "the citizen's scan to be stored", func() bool {
		for _, d := range s.documents(t, watch.token) {
			if d.Status == "stored" {
				letterID = d.ID
				return true
			}
		}
		return false
	})
	var petitionID int64
	for _, p := range watch.call("GET", "/api/v1/petitions", nil, http.StatusOK)["petitions"].([]any) {
		if m := p.(map[string]any); m["source"] == "truc_tuyen" {
			petitionID = int64(num(m["id"]))
		}
	}
	if petitionID == 0 {
		t.Fatal("the online letter is not in the register")
	}

	// 2. The clerk finds it in the register and accepts it: a case opens.
	clerk := browsertest.New(t, "portal-2-clerk-", 5*time.Minute, 1280, 900)
	clerk.Do("sign in with the keyboard", chromedp.Navigate(s.url+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.KeyEvent("van.thu\t"), chromedp.KeyEvent(pw+"\r"), chromedp.WaitVisible(chromedp.CSS(".tiles")))
	clerk.Do("open the register", chromedp.Click(chromedp.CSS(`nav a[href="/petitions"]`)), chromedp.WaitVisible(chromedp.CSS("#petitions")))
	clerk.Page("register", "Sổ tiếp nhận đơn")
	row := `#petitions tr[data-id="` + strconv.FormatInt(petitionID, 10) + `"]`
	if text := clerk.Text(row); !strings.Contains(text, subject) || !strings.Contains(text, "Trực tuyến") || !strings.Contains(text, "Được bảo mật") {
		t.Errorf("the register's row of the online letter: %q", text)
	}
	leaks(clerk, "the register")
	clerk.Do("open the letter", chromedp.Click(chromedp.CSS(row+" td a")), chromedp.WaitVisible(chromedp.CSS("#open-case")))
	clerk.Page("letter", "Đơn số "+strconv.FormatInt(petitionID, 10))
	if text := clerk.Text("#h-docs + *"); !strings.Contains(text, "1 tài liệu được bảo mật") {
		t.Errorf("the letter's documents as the clerk sees them: %q", text)
	}
	leaks(clerk, "the letter's page")
	clerk.Do("accept it", chromedp.Click(chromedp.CSS("#open-case button")), chromedp.WaitVisible(chromedp.CSS("#pin")))
	clerk.Page("case-receipt", "Phiếu hẹn")
	caseCode := browsertest.Eval[string](clerk, `document.querySelector("a[href^='/cases/']:not([href='/cases/new'])").getAttribute("href").split("/")[2]`)
	if c := watch.call("GET", "/api/v1/cases/"+caseCode, nil, http.StatusOK); c["kind"] != "to_cao" || c["source"] != "truc_tuyen" {
		t.Fatalf("the case opened from the letter: %v", c)
	}
	// The letter's scan went into the case (the case page shows it to the
	// leader once granted, below).

	// 3. The leader grants himself the case (a denunciation: its documents are
	// confidential); the acceptance decision, then the conclusion naming her,
	// are scanned in.
	leader := browsertest.New(t, "portal-3-leader-", 5*time.Minute, 1280, 900)
	leader.Do("sign in", chromedp.Navigate(s.url+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), "lanh.dao"), chromedp.SendKeys(chromedp.CSS("#password"), pw+"\r"),
		chromedp.WaitVisible(chromedp.CSS(".tiles")), chromedp.Navigate(s.url+"/cases/"+caseCode), chromedp.WaitVisible(chromedp.CSS("#h-parties")))
	leader.Do("open the grant form", chromedp.Click(chromedp.CSS(`a[href="/cases/`+caseCode+`/grant"]`)), chromedp.WaitVisible(chromedp.CSS("#f-user")))
	leader.Do("grant with the keyboard", chromedp.Focus(chromedp.CSS("#f-user")), chromedp.KeyEvent("lanh.dao\r"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/documents/`+letterID+`"]`)))
	leader.Page("case-granted", caseCode)
	scanIn := func(name string, d ocrtest.Decision) (string, int, int) {
		t.Helper()
		img, _, err := ocrtest.RenderDecision(d)
		must(t, err)
		drop := filepath.Join(dir, "hotfolder", "HT", caseCode, name)
		must(t, os.MkdirAll(filepath.Dir(drop), 0o755))
		must(t, os.WriteFile(drop, ocrtest.PNG(img), 0o644))
		var id string
		waitFor(t, name+" to be stored in the case", func() bool {
			for _, d := range s.documents(t, watch.token) {
				if d.Status == "stored" && d.ID != letterID && d.Case == caseCode && strings.Contains(d.Filename, name) {
					id = d.ID
					return true
				}
			}
			return false
		})
		return id, img.Bounds().Dx(), img.Bounds().Dy()
	}
	// Both dated today: a decision is never older than the letter it answers.
	vn := time.FixedZone("ICT", 7*3600)
	today := time.Now().In(vn)
	dated := fmt.Sprintf("Hòa Thành, ngày %02d tháng %d năm %d", today.Day(), today.Month(), today.Year())
	left := []string{"ỦY BAN NHÂN DÂN", "THỊ XÃ HÒA THÀNH"}
	motto := []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}
	acceptID, _, _ := scanIn("thu-ly.png", ocrtest.Decision{
		Left: append(left, "Số: 41/QĐ-UBND"), Right: append(motto, dated),
		Centre: []string{"QUYẾT ĐỊNH", "Về việc thụ lý tố cáo"},
		Body:   []string{"Thụ lý tố cáo đối với ông Hồ Văn Thu, cán bộ Ban quản lý chợ Long Hoa, về việc thu phí sai quy định."},
	})
	concID, w, h := scanIn("ket-luan.png", ocrtest.Decision{
		Left: append(left, "Số: 57/KL-UBND"), Right: append(motto, dated),
		Centre: []string{"KẾT LUẬN", "Nội dung tố cáo đối với ông Hồ Văn Thu"},
		Body: []string{"Theo đơn gửi qua cổng thông tin, bà " + portalName + ", CCCD số " + portalCCCD + ", điện thoại " + portalPhone +
			", tố cáo ông Hồ Văn Thu thu phí chợ cao hơn mức niêm yết.",
			"Kết luận: nội dung tố cáo là đúng. Ban quản lý chợ hoàn trả khoản thu vượt cho các hộ kinh doanh."},
	})
	for id, kind := range map[string]string{acceptID: "quyet_dinh_thu_ly", concID: "ket_luan_noi_dung_to_cao"} {
		if d := watch.call("GET", "/api/v1/documents/"+id, nil, http.StatusOK); d["kind"] != kind {
			t.Logf("document %s read as %v, corrected to %s", id, d["kind"], kind)
			watch.call("PATCH", "/api/v1/documents/"+id, map[string]any{"kind": kind}, http.StatusOK)
		}
	}

	// 4. The leader opens the conclusion and publishes it with the proposed
	// redactions.
	leader.Do("see the scans in the case", chromedp.Navigate(s.url+"/cases/"+caseCode),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/documents/`+concID+`"]`)))
	leader.Page("case-documents", caseCode)
	for _, id := range []string{letterID, acceptID} {
		if n := browsertest.Eval[int](leader, `document.querySelectorAll('a[href="/documents/`+id+`"]').length`); n == 0 {
			t.Errorf("document %s is not on the case page", id)
		}
	}
	leader.Do("open the conclusion", chromedp.Click(chromedp.CSS(`a[href="/documents/`+concID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/documents/`+concID+`/publish"]`)))
	leader.Page("conclusion", "")
	leader.Do("open the publish page", chromedp.Click(chromedp.CSS(`a[href="/documents/`+concID+`/publish"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/documents/`+concID+`/publish"] button[type=submit]`)))
	leader.Page("publish-proposal", "Công khai văn bản")
	if n := browsertest.Eval[int](leader, `document.querySelectorAll("fieldset.page-text input[type=checkbox][disabled]:checked").length`); n == 0 {
		t.Fatal("the publish page proposes no denouncer's rectangle")
	}
	// What the page proposed is what is burned in: every rectangle kept.
	prop := watch.call("GET", "/api/v1/documents/"+concID+"/redaction", nil, http.StatusOK)
	rects := redactRects(prop["rects"].([]any))
	if n := browsertest.Eval[int](leader, `document.querySelectorAll("fieldset.page-text input[type=checkbox]:checked").length`); n != len(rects) {
		t.Errorf("the page keeps %d rectangles, the proposal has %d", n, len(rects))
	}
	leader.Do("publish", chromedp.Click(chromedp.CSS(`form[action="/documents/`+concID+`/publish"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#h-live")))
	if notice := leader.Text(".notice"); !strings.Contains(notice, "được đăng lên cổng") {
		t.Errorf("after publishing: %q", notice)
	}
	leader.Page("published", "Công khai văn bản")

	// 5. The citizen, on her phone: code and PIN, the case, the public copy.
	citizen.Do("open the lookup", chromedp.Navigate(s.url+"/cong-dan/"), chromedp.WaitVisible(chromedp.CSS("#code")))
	citizen.Page("lookup", "Tra cứu hồ sơ")
	citizen.Do("look the case up", chromedp.SendKeys(chromedp.CSS("#code"), onlineCode), chromedp.SendKeys(chromedp.CSS("#pin"), pin+"\r"),
		chromedp.WaitVisible(chromedp.CSS("ul.docs a")))
	citizen.Page("lookup-result", "Kết quả tra cứu")
	leaks(citizen, "the lookup's result")
	b64, err := chromedp.Run(citizen.Ctx, chromedp.Evaluate[string](`fetch(document.querySelector("ul.docs a").href)
		.then(r => r.ok ? r.arrayBuffer() : Promise.reject(new Error("HTTP " + r.status)))
		.then(b => { const u = new Uint8Array(b); let s = ""; for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode(...u.subarray(i, i + 8192)); return btoa(s); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("download the public copy: %v", err)
	}
	pdf, err := base64.StdEncoding.DecodeString(b64)
	must(t, err)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("the download is not a PDF: %.40q", pdf)
	}
	checkPublicCopy(t, "portal-public.pdf", pdf, [][2]int{{w, h}}, rects, portalIdentity.leak, "ket luan")
	if l := portalIdentity.leak(s.stderr.String()); l != "" {
		t.Errorf("the server's log holds %q", l)
	}
}
