package web_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kntc/cases"
	"kntc/internal/browsertest"
)

// TestBrowserAdmin: in a real Chromium, an administrator signs in and creates an
// account with the keyboard alone (Tab from field to field, arrow keys in the
// lists, Enter submits); a first try with a short password comes back with the
// problem next to the field; a unit is added the same way; the users page, the
// account, the ingestion monitor, the audit trail, the retracted documents and a
// purge's confirmation step (the purge confirmed with the keyboard), the unit
// tree and a unit's page pass axe-core (WCAG 2.1 A/AA) and are screenshotted.
func TestBrowserAdmin(t *testing.T) {
	e := newEnv(t)
	quarantineFile(e, "don-bi-hong.pdf", "A")
	gone := e.document(docSpec{unit: "A", kind: "cong_van", pages: []string{"CÔNG VĂN\nV/v gửi nhầm"}})
	if _, err := e.svc.Retract(e.ctx, e.actor(uLeader), gone.ID, "Gửi nhầm đơn vị"); err != nil {
		t.Fatal(err)
	}
	srv := e.pageServer()

	b := newBrowserSession(t, "admin-", 3*time.Minute, 1280, 900)
	ctx := b.Ctx

	do := b.Do
	page := b.Page

	do("sign in", chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.KeyEvent(uAdmin+"\t"), chromedp.KeyEvent("mật-khẩu-thử-nghiệm\r"), chromedp.WaitVisible(chromedp.CSS(`nav a[href="/admin/users"]`)))
	do("open the accounts page", chromedp.Click(chromedp.CSS(`nav a[href="/admin/users"]`)), chromedp.WaitVisible(chromedp.CSS("#u-username")))
	page("users", "Tài khoản người dùng")

	// Keyboard only, from the username field: Tab moves on, typing a letter
	// chooses in a list, Enter in a field submits.
	do("type the account", chromedp.Focus(chromedp.CSS("#u-username")),
		chromedp.KeyEvent("tran.van.nam\t"),
		chromedp.KeyEvent("Trần Văn Nam\t"),
		chromedp.KeyEvent("C\t"), // type-ahead in the role list: Chuyên viên xử lý
		chromedp.KeyEvent("A\t"), // in the unit list: A · UBND huyện A
		chromedp.KeyEvent("\t"),
		chromedp.KeyEvent("ngan\t"),
		chromedp.KeyEvent("ngan\r"))
	do("see the problem", chromedp.WaitVisible(chromedp.CSS(".field-error")))
	if probs, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".field-error")].map(e => e.id).join(" ")`)); err != nil || probs != "u-password-error" {
		t.Fatalf("problems shown: %q (%v), want only the password's", probs, err)
	}
	page("users-problem", "Tài khoản người dùng")
	// The form came back with what was typed; only the passwords again.
	do("type the passwords again", chromedp.Focus(chromedp.CSS("#u-password")),
		chromedp.KeyEvent("mật-khẩu-đủ-dài-lắm\t"), chromedp.KeyEvent("mật-khẩu-đủ-dài-lắm\r"))
	do("see the account created", chromedp.WaitVisible(chromedp.CSS(".notice")))
	u, err := e.accounts.UserByRef(e.ctx, "tran.van.nam")
	if err != nil || u.FullName != "Trần Văn Nam" || u.Role != "handler" || u.UnitID != e.units["A"].ID || !e.signIn("tran.van.nam", "mật-khẩu-đủ-dài-lắm") {
		t.Fatalf("the account made with the keyboard: %+v, %v", u, err)
	}

	do("open the account", chromedp.Navigate(srv.URL+"/admin/users/tran.van.nam"), chromedp.WaitVisible(chromedp.CSS("#e-role")))
	page("user", "tran.van.nam")
	do("open the ingestion monitor", chromedp.Navigate(srv.URL+"/admin/ingest"), chromedp.WaitVisible(chromedp.CSS("#h-quar")))
	page("ingest", "Theo dõi tiếp nhận")
	do("open the audit trail", chromedp.Navigate(srv.URL+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS("#h-verify")))
	do("verify the chain", chromedp.Click(chromedp.CSS(`form[action^="/admin/audit/verify"] button`)), chromedp.WaitVisible(chromedp.CSS(".alert, .notice")))
	page("audit", "Nhật ký")
	// The retracted documents, and a purge through its confirmation step.
	do("open the retracted documents", chromedp.Click(chromedp.CSS(`nav a[href="/admin/retractions"]`)), chromedp.WaitVisible(chromedp.CSS("#h-retracted")))
	page("retractions", "Tài liệu đã thu hồi")
	do("open the purge step", chromedp.Click(chromedp.CSS(`a[href="/admin/retractions/`+gone.ID+`/purge"]`)), chromedp.WaitVisible(chromedp.CSS("#h-purge")))
	page("purge", "Xoá hẳn tài liệu")
	do("confirm the purge", chromedp.Focus(chromedp.CSS(`form[action$="/purge"] button`)), chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS(".notice")))
	if list, _, err := e.svc.Retractions(e.ctx, e.actor(uAdmin), cases.RetractionFilter{}); err != nil || len(list) != 1 || list[0].PurgedAt.IsZero() {
		t.Errorf("after the purge in the browser: %+v %v", list, err)
	}
	do("open the unit tree", chromedp.Navigate(srv.URL+"/admin/units"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	page("units", "Cây đơn vị")
	// A unit added with the keyboard: a first try without a name shows the
	// problem next to the field.
	do("type a unit without its name", chromedp.Focus(chromedp.CSS("#n-code")),
		chromedp.KeyEvent("LH\t"),
		chromedp.KeyEvent("X\t"), // type-ahead in the level list: Xã, phường, thị trấn
		chromedp.KeyEvent("A\t"), // in the parent list: A · UBND huyện A
		chromedp.KeyEvent("\r"),  // on the button
		chromedp.WaitVisible(chromedp.CSS("#n-name-error")))
	if probs := browsertest.Eval[string](b, `[...document.querySelectorAll(".field-error")].map(e => e.id).join(" ")`); probs != "n-name-error" {
		t.Fatalf("problems shown: %q, want only the name's", probs)
	}
	page("units-problem", "Cây đơn vị")
	do("type its name", chromedp.Focus(chromedp.CSS("#n-name")), chromedp.KeyEvent("UBND phường Long Hoa\r"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/admin/units/LH"]`)))
	if u, err := e.accounts.Store.UnitByCode(e.ctx, "LH"); err != nil || u.Name != "UBND phường Long Hoa" {
		t.Errorf("the unit made with the keyboard: %+v %v", u, err)
	}
	do("open the unit", chromedp.Click(chromedp.CSS(`a[href="/admin/units/LH"]`)), chromedp.WaitVisible(chromedp.CSS("#r-name")))
	page("unit", "UBND phường Long Hoa")
}
