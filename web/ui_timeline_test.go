package web_test

import (
	"strconv"
	"strings"
	"testing"

	"kntc/cases"
)

// TestPagesTimelineWords: the case page tells its timeline in words from the
// catalogue — the statuses, who was given the case, how a document came in, the
// party added, the grant and its revocation, by whom — never in
// the case system's shorthand (user and unit IDs, route codes, party role codes,
// field names); a note typed with a step is shown as typed. The English switch
// words the same events in English.
func TestPagesTimelineWords(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e) // opened with parties, handler assigned, a letter and a quyết định thụ lý scanned in
	code := codes["complaint"]
	leader := e.actor(uLeader)
	c, err := e.svc.Case(e.ctx, leader, code)
	if err != nil {
		t.Fatal(err)
	}
	moved := false
	for _, to := range cases.NextSteps(c) {
		if _, err := e.svc.Transition(e.ctx, leader, code, c.Version, cases.Transition{To: to, Note: "Đã mời hai bên đến làm việc"}); err == nil {
			moved = true
			break
		}
	}
	if !moved {
		t.Fatalf("no step for the leader from %s", c.Status)
	}
	if _, err := e.svc.AddParty(e.ctx, leader, code, cases.Party{Role: cases.RoleRepresentative, Person: cases.Person{Name: "Lê Thị Đại Diện"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Grant(e.ctx, leader, code, e.users[uGrantee].ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Revoke(e.ctx, leader, code, e.users[uGrantee].ID); err != nil {
		t.Fatal(err)
	}
	srv := e.pageServer()
	cl := newPageClientAs(t, srv, uLeader)
	timeline := func() string {
		t.Helper()
		st, body, _ := cl.get("/cases/" + code)
		i := strings.Index(body, `<ol class="timeline">`)
		if st != 200 || i < 0 {
			t.Fatalf("the case page: %d\n%s", st, body)
		}
		return body[i : i+strings.Index(body[i:], "</ol>")]
	}
	vi := timeline()
	for _, want := range []string{
		"Mở hồ sơ</strong>: hồ sơ ở bước",
		"Phân công</strong>: giao cho cán bộ " + uHandler, // the handler's full name (the tests' accounts are named by their usernames)
		"Cập nhật</strong>: sửa cán bộ xử lý",
		"Thêm tài liệu</strong>: quét vào thư mục của hồ sơ",
		"theo văn bản 15/QĐ-UBND",
		"— Đã mời hai bên đến làm việc",
		"thêm Người đại diện Lê Thị Đại Diện",
		"cấp quyền xem thông tin được bảo vệ cho " + uGrantee,
		"thu hồi quyền xem thông tin được bảo vệ của " + uGrantee,
		"bởi hệ thống", "bởi " + uLeader, `href="/documents/`,
	} {
		if !strings.Contains(vi, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, vi)
		}
	}
	for _, shorthand := range []string{"cán bộ " + strconv.FormatInt(e.users[uHandler].ID, 10) + "<", "representative", "folder", "— handler", "người dùng " + strconv.FormatInt(e.users[uGrantee].ID, 10), "⟦"} {
		if strings.Contains(vi, shorthand) {
			t.Errorf("the timeline shows the shorthand %q:\n%s", shorthand, vi)
		}
	}

	if st, _, _ := cl.get("/lang?to=en&back=/cases/" + code); st != 303 {
		t.Fatalf("switch to English: %d", st)
	}
	en := timeline()
	for _, want := range []string{"Case opened", "given to " + uHandler, "changed: handler", "scanned into the case&#39;s folder",
		"by document 15/QĐ-UBND", "added: Representative Lê Thị Đại Diện",
		uGrantee + " may see the protected identities", uGrantee + " may no longer see", "by the system"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English timeline lacks %q:\n%s", want, en)
		}
	}
	for _, vietnamese := range []string{"cán bộ", "cấp quyền", "thêm ", "Mở hồ sơ", "hệ thống"} {
		if strings.Contains(en, vietnamese) {
			t.Errorf("the English timeline says %q:\n%s", vietnamese, en)
		}
	}
}
