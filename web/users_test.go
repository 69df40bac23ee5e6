package web_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"kntc/auth"
	"kntc/cases"
)

type userOut struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	FullName    string `json:"full_name"`
	Role        string `json:"role"`
	UnitID      int64  `json:"unit_id"`
	Unit        string `json:"unit"`
	ScopeUnitID int64  `json:"scope_unit_id"`
	Scope       string `json:"scope"`
	Disabled    bool   `json:"disabled"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

type unitOut struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Level    string `json:"level"`
	ParentID int64  `json:"parent_id"`
	Parent   string `json:"parent"`
	Depth    int    `json:"depth"`
}

// TestAccountsForAdministratorsOnly: every account and unit endpoint answers 403
// to every role but the administrator's, and 401 without a token.
func TestAccountsForAdministratorsOnly(t *testing.T) {
	e := newEnv(t)
	calls := []call{
		{method: "GET", path: "/api/v1/users"},
		{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "moi.day", "role": "clerk", "unit": "A", "password": "mật-khẩu-đủ-dài"}},
		{method: "GET", path: "/api/v1/users/" + uClerk},
		{method: "PATCH", path: "/api/v1/users/" + uClerk, body: map[string]any{"disabled": true}},
		{method: "POST", path: "/api/v1/users/" + uClerk + "/password", body: map[string]any{}},
		{method: "GET", path: "/api/v1/units"},
		{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "C", "name": "Huyện C", "level": "district", "parent": "P"}},
		{method: "GET", path: "/api/v1/units/A"},
		{method: "PATCH", path: "/api/v1/units/A", body: map[string]any{"name": "Huyện A mới"}},
	}
	for _, c := range calls {
		for _, u := range []string{uClerk, uHandler, uLeader, uInspector, uLeaderP} {
			if code, body := e.do(u, c); code != http.StatusForbidden {
				t.Errorf("%s %s as %s: %d %s, want 403", c.method, c.path, u, code, body)
			}
		}
		if code, _ := e.do("", c); code != http.StatusUnauthorized {
			t.Errorf("%s %s without a token: %d, want 401", c.method, c.path, code)
		}
	}
	// Nothing the refused requests asked for happened.
	if u, _ := e.db.UserByUsername(e.ctx, uClerk); u.Disabled {
		t.Fatal("a refused request disabled the clerk")
	}
	e.get(uClerk, "/api/v1/me", 200)
	for _, c := range calls {
		if code, body := e.do(uAdmin, c); code >= 400 {
			t.Errorf("%s %s as the administrator: %d %s", c.method, c.path, code, body)
		}
	}
}

// TestUserAdministration: list with ids and unit codes, create, duplicate,
// disable and enable, role, unit and scope, password reset; each change audited
// under the administrator.
func TestUserAdministration(t *testing.T) {
	e := newEnv(t)
	list := decode[struct{ Users []userOut }](t, e.get(uAdmin, "/api/v1/users", 200)).Users
	byName := map[string]userOut{}
	for _, u := range list {
		byName[u.Username] = u
	}
	if h := byName[uHandlerB]; h.ID != e.users[uHandlerB].ID || h.Unit != "B" || h.UnitID != e.units["B"].ID ||
		h.Scope != "B" || h.Role != "handler" || h.Disabled || h.CreatedAt == "" || h.UpdatedAt == "" {
		t.Fatalf("listed %+v", h)
	}
	if strings.Contains(string(e.get(uAdmin, "/api/v1/users", 200)), "argon2") {
		t.Fatal("the list holds password hashes")
	}

	body := e.must(uAdmin, call{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "thu.tran",
		"full_name": "Trần Thị Thu", "role": "clerk", "unit": "A", "password": "mật-khẩu-đủ-dài"}}, 201)
	thu := decode[userOut](t, body)
	if thu.ID == 0 || thu.Unit != "A" || thu.Scope != "A" {
		t.Fatalf("created %+v", thu)
	}
	code, body := e.do(uAdmin, call{method: "POST", path: "/api/v1/users", body: map[string]any{"username": "thu.tran",
		"role": "clerk", "unit": "A", "password": "mật-khẩu-đủ-dài"}})
	if msg := decode[errorOut](t, body).Error; code != 409 || msg != "tên đăng nhập thu.tran đã có (the username thu.tran is taken)" {
		t.Fatalf("duplicate username: %d %q", code, msg)
	}

	// Disabling revokes the user's tokens; enabling does not bring them back.
	clerk := e.users[uClerk]
	e.get(uClerk, "/api/v1/me", 200)
	got := decode[userOut](t, e.must(uAdmin, call{method: "PATCH", path: "/api/v1/users/" + uClerk, body: map[string]any{"disabled": true}}, 200))
	if !got.Disabled {
		t.Fatalf("disabled: %+v", got)
	}
	e.get(uClerk, "/api/v1/me", 401)
	e.must(uAdmin, call{method: "PATCH", path: fmt.Sprintf("/api/v1/users/%d", clerk.ID), body: map[string]any{"disabled": false}}, 200)
	e.get(uClerk, "/api/v1/me", 401)
	e.must("", call{method: "POST", path: "/api/v1/login", body: map[string]any{"username": uClerk, "password": "mật-khẩu-thử-nghiệm"}}, 200)

	// Role, unit and scope by code; a scope that was the unit follows it.
	got = decode[userOut](t, e.must(uAdmin, call{method: "PATCH", path: "/api/v1/users/thu.tran",
		body: map[string]any{"role": "handler", "unit": "B"}}, 200))
	if got.Role != "handler" || got.Unit != "B" || got.Scope != "B" {
		t.Fatalf("moved %+v", got)
	}
	got = decode[userOut](t, e.must(uAdmin, call{method: "PATCH", path: "/api/v1/users/thu.tran",
		body: map[string]any{"scope": "P", "full_name": "Trần Thị Thu Hà"}}, 200))
	if got.Scope != "P" || got.Unit != "B" || got.FullName != "Trần Thị Thu Hà" {
		t.Fatalf("scope widened %+v", got)
	}
	for _, bad := range []map[string]any{{"role": "vua"}, {"unit": "KHONG"}, {"scope": "KHONG"}} {
		if code, body := e.do(uAdmin, call{method: "PATCH", path: "/api/v1/users/thu.tran", body: bad}); code != 422 {
			t.Errorf("PATCH %v: %d %s, want 422", bad, code, body)
		}
	}
	e.must(uAdmin, call{method: "PATCH", path: "/api/v1/users/khong.co", body: map[string]any{"disabled": true}}, 404)

	// The last active administrator can be neither disabled nor demoted.
	for _, change := range []map[string]any{{"disabled": true}, {"role": "leader"}} {
		code, body := e.do(uAdmin, call{method: "PATCH", path: "/api/v1/users/" + uAdmin, body: change})
		if msg := decode[errorOut](t, body).Error; code != 409 || !strings.Contains(msg, "quản trị viên cuối cùng") || !strings.Contains(msg, "last active administrator") {
			t.Errorf("PATCH %v of the last administrator: %d %s, want 409 with the reason", change, code, body)
		}
	}
	e.get(uAdmin, "/api/v1/me", 200)
	// With a second administrator, the first may step down.
	e.must(uAdmin, call{method: "PATCH", path: "/api/v1/users/thu.tran", body: map[string]any{"role": "administrator"}}, 200)
	e.must(uAdmin, call{method: "PATCH", path: "/api/v1/users/" + uAdmin, body: map[string]any{"role": "leader"}}, 200)
	e.get(uAdmin, "/api/v1/users", 403) // a leader now, at once
	if err := e.accounts.SetPassword(e.ctx, e.users[uAdmin].ID, "mật-khẩu-đủ-dài"); err != nil {
		t.Fatal(err)
	}

	// Password reset: generated and shown once when none is given; tokens revoked.
	tok := decode[struct{ Token string }](t, e.must("", call{method: "POST", path: "/api/v1/login",
		body: map[string]any{"username": "thu.tran", "password": "mật-khẩu-đủ-dài"}}, 200)).Token
	e.users["thu.tran"] = &testUser{token: tok}
	e.get("thu.tran", "/api/v1/users", 200)
	reset := decode[struct {
		User     userOut
		Password string
	}](t, e.must("thu.tran", call{method: "POST", path: fmt.Sprintf("/api/v1/users/%d/password", e.users[uHandler].ID)}, 200))
	if reset.User.Username != uHandler || len(reset.Password) < auth.MinPasswordLength {
		t.Fatalf("reset %+v", reset)
	}
	e.get(uHandler, "/api/v1/me", 401)
	e.must("", call{method: "POST", path: "/api/v1/login", body: map[string]any{"username": uHandler, "password": reset.Password}}, 200)
	body = e.must("thu.tran", call{method: "POST", path: "/api/v1/users/" + uHandler + "/password", body: map[string]any{"password": "mật-khẩu-chọn-sẵn"}}, 200)
	if strings.Contains(string(body), "mật-khẩu-chọn-sẵn") || strings.Contains(string(body), `"password"`) {
		t.Fatalf("a given password was echoed: %s", body)
	}
	e.must("thu.tran", call{method: "POST", path: "/api/v1/users/" + uHandler + "/password", body: map[string]any{"password": "ngắn"}}, 422)
	e.must("", call{method: "POST", path: "/api/v1/login", body: map[string]any{"username": uHandler, "password": "mật-khẩu-chọn-sẵn"}}, 200)

	// Every change is in the audit trail under who made it.
	adminID := e.users[uAdmin].ID
	byAdmin := e.auditOf(adminID)
	for _, want := range []struct{ action, object string }{
		{cases.ActionCreate, fmt.Sprintf("user:%d", thu.ID)},
		{cases.ActionUpdate, fmt.Sprintf("user:%d", clerk.ID)},
		{cases.ActionUpdate, fmt.Sprintf("user:%d", thu.ID)},
		{cases.ActionUpdate, fmt.Sprintf("user:%d", adminID)},
	} {
		if count(byAdmin, want.action, want.object) == 0 {
			t.Errorf("no audit entry %s %s by the administrator", want.action, want.object)
		}
	}
	if n := count(byAdmin, cases.ActionUpdate, fmt.Sprintf("user:%d", clerk.ID)); n != 2 {
		t.Errorf("%d audit entries for disabling and enabling the clerk, want 2", n)
	}
	byThu := e.auditOf(thu.ID)
	if n := count(byThu, cases.ActionUpdate, fmt.Sprintf("user:%d", e.users[uHandler].ID)); n != 2 {
		t.Errorf("%d audit entries for the two password resets, want 2", n)
	}
	for _, en := range append(byAdmin, byThu...) {
		if strings.Contains(en.Detail, "argon2") || strings.Contains(en.Detail, reset.Password) {
			t.Errorf("audit entry %d holds a password: %q", en.Seq, en.Detail)
		}
	}
}

// TestUnitAdministration: the tree with parents, a unit added and renamed,
// duplicates and unknown parents refused in words; audited.
func TestUnitAdministration(t *testing.T) {
	e := newEnv(t)
	body := e.must(uAdmin, call{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "A-X1",
		"name": "Xã Một", "level": "commune", "parent": "A"}}, 201)
	x1 := decode[unitOut](t, body)
	if x1.ParentID != e.units["A"].ID || x1.Parent != "A" || x1.Depth != 2 {
		t.Fatalf("created %+v", x1)
	}
	units := decode[struct{ Units []unitOut }](t, e.get(uAdmin, "/api/v1/units", 200)).Units
	var order []string
	for _, u := range units {
		order = append(order, fmt.Sprintf("%s<%s:%d", u.Code, u.Parent, u.Depth))
	}
	// Depth first: each unit after its parent (children in any order).
	got := strings.Join(order, " ")
	if len(units) != 4 || units[0].Code != "P" || units[0].Parent != "" || !strings.Contains(got, "A<P:1 A-X1<A:2") || !strings.Contains(got, "B<P:1") {
		t.Fatalf("tree %s", got)
	}
	code, body := e.do(uAdmin, call{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "A-X1",
		"name": "Trùng", "level": "commune", "parent": "A"}})
	if msg := decode[errorOut](t, body).Error; code != 409 || msg != "mã đơn vị A-X1 đã có (the unit code A-X1 is taken)" {
		t.Fatalf("duplicate code: %d %q", code, msg)
	}
	if code, body := e.do(uAdmin, call{method: "POST", path: "/api/v1/units", body: map[string]any{"code": "Z",
		"name": "Mồ côi", "level": "commune", "parent": "KHONG"}}); code != 422 || !strings.Contains(string(body), "KHONG") {
		t.Fatalf("unknown parent: %d %s", code, body)
	}
	renamed := decode[unitOut](t, e.must(uAdmin, call{method: "PATCH", path: "/api/v1/units/A-X1", body: map[string]any{"name": "Xã Một Mới"}}, 200))
	if renamed.Name != "Xã Một Mới" || renamed.Code != "A-X1" || renamed.Parent != "A" {
		t.Fatalf("renamed %+v", renamed)
	}
	e.must(uAdmin, call{method: "PATCH", path: fmt.Sprintf("/api/v1/units/%d", x1.ID), body: map[string]any{"name": " "}}, 422)
	e.must(uAdmin, call{method: "PATCH", path: "/api/v1/units/KHONG", body: map[string]any{"name": "x"}}, 404)
	if u := decode[unitOut](t, e.get(uAdmin, fmt.Sprintf("/api/v1/units/%d", x1.ID), 200)); u.Name != "Xã Một Mới" {
		t.Fatalf("read back %+v", u)
	}
	byAdmin := e.auditOf(e.users[uAdmin].ID)
	if count(byAdmin, cases.ActionCreate, "unit:A-X1") != 1 || count(byAdmin, cases.ActionUpdate, "unit:A-X1") != 1 {
		t.Fatalf("unit creation and renaming not audited once each: %+v", byAdmin)
	}
}

// TestUsernamesNameUsers: wherever the API names a user by id it also takes the
// username: a case's handler, a grant, the handler filters.
func TestUsernamesNameUsers(t *testing.T) {
	e := newEnv(t)
	type caseH struct {
		Code      string `json:"code"`
		HandlerID int64  `json:"handler_id"`
		Version   int    `json:"version"`
	}
	body := e.must(uLeader, call{method: "POST", path: "/api/v1/cases", body: map[string]any{
		"kind": "khieu_nai", "source": "truc_tiep", "received_on": "2026-03-02", "handler": uHandler,
		"subject": "Khiếu nại quyết định thu hồi đất của UBND xã",
	}}, 201)
	c := decode[caseH](t, body)
	if c.HandlerID != e.users[uHandler].ID {
		t.Fatalf("handler by username: %d, want %d", c.HandlerID, e.users[uHandler].ID)
	}
	for _, bad := range []map[string]any{{"handler": "khong.co"}, {"handler": uHandler, "handler_id": e.users[uGranted].ID}} {
		req := map[string]any{"kind": "khieu_nai", "source": "truc_tiep", "received_on": "2026-03-02", "subject": "Khiếu nại"}
		for k, v := range bad {
			req[k] = v
		}
		if code, body := e.do(uLeader, call{method: "POST", path: "/api/v1/cases", body: req}); code != 422 {
			t.Errorf("POST /cases with %v: %d %s, want 422", bad, code, body)
		}
	}
	c = decode[caseH](t, e.must(uLeader, call{method: "PATCH", path: "/api/v1/cases/" + c.Code,
		body: map[string]any{"version": c.Version, "handler": uGranted}}, 200))
	if c.HandlerID != e.users[uGranted].ID {
		t.Fatalf("PATCH handler by username: %d, want %d", c.HandlerID, e.users[uGranted].ID)
	}
	e.must(uLeader, call{method: "PATCH", path: "/api/v1/cases/" + c.Code, body: map[string]any{"version": c.Version, "handler": "khong.co"}}, 422)

	// The filters.
	for _, path := range []string{"/api/v1/cases?handler=" + uGranted, fmt.Sprintf("/api/v1/cases?handler=%d", e.users[uGranted].ID)} {
		got := decode[struct{ Cases []caseH }](t, e.get(uLeader, path, 200)).Cases
		if len(got) != 1 || got[0].Code != c.Code {
			t.Errorf("%s: %+v, want %s", path, got, c.Code)
		}
	}
	if got := decode[struct{ Cases []caseH }](t, e.get(uLeader, "/api/v1/cases?handler="+uHandler, 200)).Cases; len(got) != 0 {
		t.Errorf("cases of %s: %+v, want none", uHandler, got)
	}
	e.get(uLeader, "/api/v1/cases?handler=khong.co", 422)
	dl := decode[struct {
		DueSoon []caseH `json:"due_soon"`
	}](t, e.get(uLeader, "/api/v1/deadlines?handler="+uGranted, 200))
	if len(dl.DueSoon) != 1 || dl.DueSoon[0].Code != c.Code {
		t.Errorf("deadlines of %s: %+v", uGranted, dl)
	}
	e.get(uLeader, "/api/v1/deadlines?handler=khong.co", 422)

	// Grants by username, revoked by username in the path.
	grant := decode[struct {
		UserID int64 `json:"user_id"`
	}](t, e.must(uLeader, call{method: "POST", path: "/api/v1/cases/" + c.Code + "/grants", body: map[string]any{"user": uGrantee}}, 201))
	if grant.UserID != e.users[uGrantee].ID {
		t.Fatalf("grant by username: user %d, want %d", grant.UserID, e.users[uGrantee].ID)
	}
	if codes, err := e.db.GrantedCodes(e.ctx, e.users[uGrantee].ID); err != nil || !slices.Contains(codes, c.Code) {
		t.Fatalf("grant by username not stored: %v %v", codes, err)
	}
	e.must(uLeader, call{method: "POST", path: "/api/v1/cases/" + c.Code + "/grants", body: map[string]any{"user": "khong.co"}}, 422)
	e.must(uLeader, call{method: "POST", path: "/api/v1/cases/" + c.Code + "/grants", body: map[string]any{}}, 422)
	e.must(uLeader, call{method: "DELETE", path: "/api/v1/cases/" + c.Code + "/grants/" + uGrantee}, 204)
	if codes, err := e.db.GrantedCodes(e.ctx, e.users[uGrantee].ID); err != nil || slices.Contains(codes, c.Code) {
		t.Fatalf("grant revoked by username still stored: %v %v", codes, err)
	}
	e.must(uLeader, call{method: "DELETE", path: "/api/v1/cases/" + c.Code + "/grants/khong.co"}, 404)
}
