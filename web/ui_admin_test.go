package web_test

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
)

// signIn reports whether user signs in with password through the API's service.
func (e *env) signIn(user, password string) bool {
	_, _, err := e.accounts.StartSession(e.ctx, user, password)
	return err == nil
}

// TestPagesAdminUsers: an administrator creates an account (bad input comes back
// with each problem next to its field and the input kept), changes its role and
// scope, resets its password (a generated one shown once) and disables it, all
// through auth.Service; the unit tree lists every unit. Nobody else reaches these
// pages (403), and a form without its token is refused (403).
func TestPagesAdminUsers(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uAdmin)

	_, body, _ := c.get("/")
	for _, nav := range []string{`href="/admin/users"`, `href="/admin/units"`, `href="/admin/ingest"`, `href="/admin/audit"`} {
		if !strings.Contains(body, nav) {
			t.Errorf("the administrator's menu lacks %s", nav)
		}
	}
	code, body, _ := c.get("/admin/units")
	if code != 200 || !strings.Contains(body, "UBND huyện B") || !strings.Contains(body, "depth-1") {
		t.Fatalf("unit tree: %d\n%s", code, body)
	}
	if code, body, _ = c.get("/admin/users"); code != 200 || !strings.Contains(body, uHandlerB) {
		t.Fatalf("user list: %d", code)
	}

	bad := url.Values{"username": {"Bad Name!"}, "full_name": {"Nguyễn Thị Hoa"}, "role": {"clerk"}, "unit": {""},
		"scope": {"ZZ"}, "password": {"ngắn"}, "confirm": {"khác"}}
	code, body, _ = c.post("/admin/users", bad)
	if code != http.StatusUnprocessableEntity {
		t.Fatalf("bad account: %d", code)
	}
	for _, field := range []string{"unit", "scope", "confirm"} {
		if !strings.Contains(body, `id="u-`+field+`-error"`) {
			t.Errorf("no problem shown next to %s", field)
		}
	}
	if !strings.Contains(body, `value="Nguyễn Thị Hoa"`) || strings.Contains(body, "ngắn") {
		t.Error("the typed name is not kept, or the password came back")
	}
	bad.Set("unit", "A")
	bad.Set("scope", "")
	bad.Set("confirm", "ngắn")
	code, body, _ = c.post("/admin/users", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="u-username-error"`) || !strings.Contains(body, `id="u-password-error"`) {
		t.Fatalf("bad username and password: %d, problems next to username and password wanted\n%s", code, body)
	}

	const pw = "mật-khẩu-mới-đủ-dài"
	code, _, res := c.post("/admin/users", url.Values{"username": {"hoa.nt"}, "full_name": {"Nguyễn Thị Hoa"}, "role": {"clerk"},
		"unit": {"A"}, "scope": {""}, "password": {pw}, "confirm": {pw}})
	if code != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/users?created=hoa.nt") {
		t.Fatalf("create: %d %s", code, res.Header.Get("Location"))
	}
	u, err := e.accounts.UserByRef(e.ctx, "hoa.nt")
	if err != nil || u.Role != auth.RoleClerk || u.UnitID != e.units["A"].ID || u.ScopeUnitID != e.units["A"].ID || !e.signIn("hoa.nt", pw) {
		t.Fatalf("created account %+v, %v", u, err)
	}

	if code, _, _ = c.get("/admin/users/hoa.nt"); code != 200 {
		t.Fatalf("account page: %d", code)
	}
	code, _, _ = c.post("/admin/users/hoa.nt", url.Values{"action": {"save"}, "full_name": {"Nguyễn Thị Hoa"}, "role": {"handler"}, "unit": {"A"}, "scope": {"P"}})
	if u, _ = e.accounts.UserByRef(e.ctx, "hoa.nt"); code != 303 || u.Role != auth.RoleHandler || u.ScopeUnitID != e.units["P"].ID {
		t.Fatalf("change role and scope: %d, %+v", code, u)
	}
	code, body, _ = c.post("/admin/users/hoa.nt", url.Values{"action": {"save"}, "full_name": {"x"}, "role": {"king"}, "unit": {"A"}, "scope": {""}})
	if code != 422 || !strings.Contains(body, `id="e-role-error"`) {
		t.Errorf("an unknown role: %d, want 422 with the problem next to the role", code)
	}

	c.get("/admin/users/hoa.nt")
	code, body, _ = c.post("/admin/users/hoa.nt/password", url.Values{"password": {""}, "confirm": {""}})
	m := regexp.MustCompile(`class="secret-once">([^<]+)<`).FindStringSubmatch(body)
	if code != 200 || m == nil {
		t.Fatalf("reset password: %d, no generated password shown", code)
	}
	if e.signIn("hoa.nt", pw) || !e.signIn("hoa.nt", m[1]) {
		t.Error("after the reset the old password still works or the new one does not")
	}

	code, _, _ = c.post("/admin/users/hoa.nt", url.Values{"action": {"disable"}})
	if u, _ = e.accounts.UserByRef(e.ctx, "hoa.nt"); code != 303 || !u.Disabled || e.signIn("hoa.nt", m[1]) {
		t.Fatalf("disable: %d, disabled %v", code, u.Disabled)
	}
	if _, body, _ = c.get("/admin/users/" + uAdmin); strings.Contains(body, `value="disable"`) {
		t.Error("an administrator is offered to disable their own account")
	}
	code, body, _ = c.post("/admin/users/"+uAdmin, url.Values{"action": {"disable"}})
	if code != 422 || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, `<option value="administrator" selected>`) {
		t.Errorf("disabling the last administrator: %d, want 422 with the reason and the account's form", code)
	}

	if code, _, _ = c.post("/admin/users", url.Values{"csrf": {""}, "username": {"x.y"}}); code != 403 {
		t.Errorf("a form without its token: %d, want 403", code)
	}
	for _, user := range []string{uClerk, uLeaderP, uInspector} {
		o := newPageClientAs(t, srv, user)
		_, body, _ := o.get("/")
		if strings.Contains(body, `href="/admin/users"`) || strings.Contains(body, `href="/admin/ingest"`) {
			t.Errorf("%s is shown the administration menu", user)
		}
		for _, p := range []string{"/admin/users", "/admin/units", "/admin/users/" + uClerk, "/admin/ingest"} {
			if code, _, _ := o.get(p); code != 403 {
				t.Errorf("%s GET %s: %d, want 403", user, p, code)
			}
		}
		if code, _, _ := o.post("/admin/users/"+uClerk, url.Values{"action": {"disable"}}); code != 403 {
			t.Errorf("%s disables an account: %d, want 403", user, code)
		}
	}
	if u, _ = e.accounts.UserByRef(e.ctx, uClerk); u.Disabled {
		t.Error("a non-administrator disabled an account")
	}
}

// TestPagesAdminAudit: the audit page filters by actor, action, date range and
// case, pages 25 entries at a time, and its verify button runs the chain check
// of `kntc verify`; a bad filter is shown next to its field; a role without
// audit.read gets 403.
func TestPagesAdminAudit(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	var codes []string
	for i := range 20 {
		cs, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeaderP), cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại số " + string(rune('A'+i)), UnitID: e.units["A"].ID})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, cs.Code)
	}
	all, err := e.db.AuditEntries(e.ctx, cases.AuditFilter{Object: "case:" + codes[3], Limit: 100})
	if err != nil || len(all) == 0 {
		t.Fatalf("no audit entry of %s: %v", codes[3], err)
	}
	c := newPageClientAs(t, srv, uInspector)
	code, body, _ := c.get("/admin/audit?case=" + strings.ToLower(codes[3]))
	if code != 200 || !strings.Contains(body, "case:"+codes[3]) || strings.Contains(body, "case:"+codes[4]) {
		t.Fatalf("case filter: %d\n%s", code, body)
	}
	code, body, _ = c.get("/admin/audit?user=" + uLeaderP + "&action=" + all[0].Action)
	if code != 200 || strings.Count(body, "<code>"+all[0].Action+"</code>") < 20 {
		t.Errorf("actor and action filter: %d, want at least 20 %s entries", code, all[0].Action)
	}
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	if _, body, _ = c.get("/admin/audit?from=" + today.Format("02/01/2006") + "&to=" + today.Format("02/01/2006") + "&case=" + codes[3]); !strings.Contains(body, "case:"+codes[3]) {
		t.Error("today's entries are not within today")
	}
	if _, body, _ = c.get("/admin/audit?from=" + today.AddDate(0, 0, 1).Format("2006-01-02")); strings.Contains(body, "case:") {
		t.Error("entries from tomorrow on are listed")
	}
	code, body, _ = c.get("/admin/audit?from=32/13/2026&user=nobody.here")
	if code != 422 || !strings.Contains(body, `id="a-from-error"`) || !strings.Contains(body, `id="a-user-error"`) {
		t.Errorf("bad filters: %d, want 422 with problems next to from and user", code)
	}

	code, body, _ = c.get("/admin/audit")
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	if code != 200 || next == nil || strings.Count(body, "<tr>") != 26 {
		t.Fatalf("first page: %d, %d rows, next %v", code, strings.Count(body, "<tr>")-1, next)
	}
	if code, body2, _ := c.get(strings.ReplaceAll(next[1], "&amp;", "&")); code != 200 || body2 == body || !strings.Contains(body2, "rel=\"next\"") && strings.Count(body2, "<tr>") > 26 {
		t.Errorf("second page: %d", code)
	}

	code, body, _ = c.post("/admin/audit/verify", url.Values{})
	if code != 200 || !strings.Contains(body, "KHÔNG nguyên vẹn") || !strings.Contains(body, "no signed anchor") {
		t.Errorf("verify without an anchor: %d, want the problem the check reports", code)
	}
	e.anchor()
	code, body, _ = c.post("/admin/audit/verify?case="+codes[3], url.Values{})
	if code != 200 || !strings.Contains(body, "Nhật ký nguyên vẹn") || !strings.Contains(body, "case:"+codes[3]) {
		t.Errorf("verify: %d\n%s", code, body)
	}
	if code, _, _ = c.post("/admin/audit/verify", url.Values{"csrf": {""}}); code != 403 {
		t.Errorf("verify without the form token: %d, want 403", code)
	}
	h := newPageClientAs(t, srv, uHandler)
	if _, body, _ = h.get("/"); strings.Contains(body, `href="/admin/audit"`) {
		t.Error("a handler is shown the audit trail in the menu")
	}
	if code, _, _ = h.get("/admin/audit"); code != 403 {
		t.Errorf("a handler's audit page: %d, want 403", code)
	}
	if code, _, _ = h.post("/admin/audit/verify", url.Values{}); code != 403 {
		t.Errorf("a handler's verify: %d, want 403", code)
	}
}

// quarantineFile puts a file of unit into the env's quarantine, with its
// document recorded as quarantined, as the pipeline does.
func quarantineFile(e *env, name, unit string) ingest.Document {
	e.t.Helper()
	src := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(src, []byte("%PDF-1.4 "+name), 0o600); err != nil {
		e.t.Fatal(err)
	}
	d := ingest.Document{Status: ingest.StatusQuarantined, SHA256: strings.Repeat("ab", 32), Filename: name, UnitCode: unit,
		Error: "Tệp PDF bị hỏng (broken PDF)"}
	if err := e.db.CreateDocument(e.ctx, &d); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.quarantine.Put(d, src, errors.New("Tệp PDF bị hỏng (broken PDF)")); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// TestPagesIngestMonitor: the ingestion page shows what is processing, each
// quarantined file with its reason in Vietnamese, and the hot folder; retry
// claims the file again (routed as its document was) and keeps it under
// retried/, discard keeps it under discarded/ — nothing is lost — and both are
// audited. Only administrators act; a form without its token is refused.
func TestPagesIngestMonitor(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	retried := quarantineFile(e, "don-khieu-nai.pdf", "B")
	quarantineFile(e, "trang-trang.pdf", "B")
	day := time.Now().Format("2006-01-02")
	if err := os.WriteFile(filepath.Join(e.hot, "waiting.pdf"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}

	clerk := newPageClientAs(t, srv, uClerk)
	clerk.get("/")
	for _, p := range []string{"/admin/ingest/retry", "/admin/ingest/discard"} {
		if code, _, _ := clerk.post(p, url.Values{"name": {day + "/trang-trang.pdf"}}); code != 403 {
			t.Errorf("a clerk POST %s: %d, want 403", p, code)
		}
	}

	c := newPageClientAs(t, srv, uAdmin)
	code, body, _ := c.get("/admin/ingest")
	for _, want := range []string{"don-khieu-nai.pdf", "Tệp PDF bị hỏng (broken PDF)", e.hot, "Thử lại", "Loại bỏ"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("ingestion page: %d, lacks %q", code, want)
		}
	}
	if code, _, _ = c.post("/admin/ingest/retry", url.Values{"csrf": {""}, "name": {day + "/don-khieu-nai.pdf"}}); code != 403 {
		t.Errorf("retry without the form token: %d, want 403", code)
	}
	for _, bad := range []string{"../../etc/passwd", day + "/nothing.pdf", "retried/" + day + "/x.pdf", ""} {
		if code, _, _ = c.post("/admin/ingest/discard", url.Values{"name": {bad}}); code != 404 {
			t.Errorf("discard %q: %d, want 404", bad, code)
		}
	}

	code, _, res := c.post("/admin/ingest/retry", url.Values{"name": {day + "/don-khieu-nai.pdf"}})
	if code != 303 || res.Header.Get("Location") != "/admin/ingest?done=retried" {
		t.Fatalf("retry: %d %s", code, res.Header.Get("Location"))
	}
	docs, _, err := e.db.Documents(e.ctx, ingest.DocumentFilter{Status: ingest.StatusReceived})
	if err != nil || len(docs) != 1 || docs[0].Filename != "don-khieu-nai.pdf" || docs[0].UnitCode != retried.UnitCode {
		t.Fatalf("the retried file was not claimed again as its document was: %+v, %v", docs, err)
	}
	c.get("/admin/ingest")
	if code, _, _ = c.post("/admin/ingest/discard", url.Values{"name": {day + "/trang-trang.pdf"}}); code != 303 {
		t.Fatalf("discard: %d", code)
	}
	for _, p := range []string{"retried/" + day + "/don-khieu-nai.pdf", "retried/" + day + "/don-khieu-nai.pdf.error.txt",
		"discarded/" + day + "/trang-trang.pdf", "discarded/" + day + "/trang-trang.pdf.error.txt"} {
		if _, err := os.Stat(filepath.Join(e.quarantine.Dir, p)); err != nil {
			t.Errorf("not kept: %s: %v", p, err)
		}
	}
	if _, body, _ = c.get("/admin/ingest"); strings.Contains(body, "trang-trang.pdf") || !strings.Contains(body, "Không có tệp nào bị cách ly") {
		t.Error("a handled file is still listed")
	}
	var acts []string
	for _, a := range e.auditOf(e.users[uAdmin].ID) {
		if strings.HasPrefix(a.Object, "quarantine:") {
			acts = append(acts, a.Action+" "+a.Object)
		}
	}
	want := []string{ingest.ActionQuarantineRetry + " quarantine:" + day + "/don-khieu-nai.pdf", ingest.ActionQuarantineDiscard + " quarantine:" + day + "/trang-trang.pdf"}
	if strings.Join(acts, "|") != strings.Join(want, "|") {
		t.Errorf("audited %v, want %v", acts, want)
	}
}

// TestPagesAdminUnits: an administrator adds a unit under a parent and renames
// it through auth.Service (the API's checks); bad input comes back with each
// problem next to its field and the input kept; a taken code is said next to
// the code; each change is in the audit trail under the administrator, as the
// API's are. Nobody else reaches these pages (403).
func TestPagesAdminUnits(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uAdmin)

	code, body, _ := c.get("/admin/units")
	if code != 200 || !strings.Contains(body, `action="/admin/units"`) || !strings.Contains(body, `href="/admin/units/A"`) {
		t.Fatalf("unit tree with its form: %d\n%s", code, body)
	}
	for _, tc := range []struct {
		name   string
		form   url.Values
		fields []string
	}{
		{"everything wrong", url.Values{"code": {"xã lạ!"}, "name": {""}, "level": {"galaxy"}, "parent": {""}}, []string{"code", "name", "level", "parent"}},
		{"no such parent", url.Values{"code": {"LH"}, "name": {"UBND phường Long Hoa"}, "level": {"commune"}, "parent": {"ZZ"}}, []string{"parent"}},
		{"a taken code", url.Values{"code": {"B"}, "name": {"UBND phường Long Hoa"}, "level": {"commune"}, "parent": {"A"}}, []string{"code"}},
		{"overlong", url.Values{"code": {strings.Repeat("X", 500)}, "name": {strings.Repeat("dài ", 300)}, "level": {"commune"}, "parent": {"A"}}, []string{"code", "name"}},
	} {
		code, body, _ := c.post("/admin/units", tc.form)
		if code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", tc.name, code)
			continue
		}
		for _, f := range tc.fields {
			if !strings.Contains(body, `id="n-`+f+`-error"`) {
				t.Errorf("%s: no problem next to %s", tc.name, f)
			}
		}
		if n := strings.Count(body, `class="field-error"`); n != len(tc.fields) {
			t.Errorf("%s: %d problems shown, want %d", tc.name, n, len(tc.fields))
		}
	}
	if _, body, _ := c.post("/admin/units", url.Values{"code": {"LH"}, "name": {"UBND phường Long Hoa"}, "level": {"commune"}, "parent": {"ZZ"}}); !strings.Contains(body, `value="UBND phường Long Hoa"`) {
		t.Error("the typed name is not kept")
	}

	// NFD input is stored NFC.
	code, _, res := c.post("/admin/units", url.Values{"code": {"LH"}, "name": {"UBND phu\u031bo\u031b\u0300ng Long Hoa"}, "level": {"commune"}, "parent": {"A"}})
	if code != http.StatusSeeOther || res.Header.Get("Location") != "/admin/units?created=LH" {
		t.Fatalf("create: %d %s", code, res.Header.Get("Location"))
	}
	lh, err := e.accounts.Store.UnitByCode(e.ctx, "LH")
	if err != nil || lh.Name != "UBND phường Long Hoa" || lh.ParentID != e.units["A"].ID || lh.Level != auth.LevelCommune {
		t.Fatalf("the unit made: %+v %v", lh, err)
	}
	if _, body, _ := c.get("/admin/units?created=LH"); !strings.Contains(body, "Đã thêm đơn vị LH.") || !strings.Contains(body, "depth-2") {
		t.Errorf("after creating: no notice, or LH not under A")
	}

	code, body, _ = c.get("/admin/units/LH")
	if code != 200 || !strings.Contains(body, `action="/admin/units/LH"`) || !strings.Contains(body, `value="UBND phường Long Hoa"`) {
		t.Fatalf("the unit's page: %d\n%s", code, body)
	}
	if code, body, _ := c.post("/admin/units/LH", url.Values{"name": {""}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="r-name-error"`) {
		t.Errorf("rename to nothing: %d", code)
	}
	code, _, res = c.post("/admin/units/LH", url.Values{"name": {"UBND phường Long Hoa (mới)"}})
	if code != http.StatusSeeOther || res.Header.Get("Location") != "/admin/units?renamed=LH" {
		t.Fatalf("rename: %d %s", code, res.Header.Get("Location"))
	}
	if u, _ := e.accounts.Store.UnitByCode(e.ctx, "LH"); u.Name != "UBND phường Long Hoa (mới)" {
		t.Errorf("renamed to %q", u.Name)
	}
	if code, _, _ := c.get("/admin/units/NOPE"); code != http.StatusNotFound {
		t.Errorf("no such unit: %d, want 404", code)
	}
	audit := e.auditOf(e.users[uAdmin].ID)
	if count(audit, cases.ActionCreate, "unit:LH") != 1 || count(audit, cases.ActionUpdate, "unit:LH") != 1 {
		t.Errorf("the administrator's audit entries: %+v", audit)
	}

	for _, user := range []string{uClerk, uLeader, uLeaderP} {
		o := newPageClientAs(t, srv, user)
		if code, _, _ := o.get("/admin/units/A"); code != http.StatusForbidden {
			t.Errorf("%s GET the unit page: %d, want 403", user, code)
		}
		if code, _, _ := o.post("/admin/units", url.Values{"code": {"X1"}, "name": {"X"}, "level": {"commune"}, "parent": {"A"}}); code != http.StatusForbidden {
			t.Errorf("%s POST a unit: %d, want 403", user, code)
		}
	}
	if _, err := e.accounts.Store.UnitByCode(e.ctx, "X1"); err == nil {
		t.Error("a non-administrator added a unit")
	}
}

// TestPagesAdminInputsStyled: every text-like input of the administration forms
// is styled by the stylesheet the page links, those written without a type
// (a text input by default) included: an input no rule selects renders as the
// browser's bare box, unlike every other field.
func TestPagesAdminInputsStyled(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uAdmin)
	inputTag := regexp.MustCompile(`<input\b[^>]*>`)
	typeAttr := regexp.MustCompile(`\btype="([a-z]+)"`)
	cssLink := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`)
	// Inputs that are no text box: styled apart (check boxes) or not shown.
	boxless := map[string]bool{"hidden": true, "submit": true, "checkbox": true, "radio": true}
	checked := 0
	for _, path := range []string{"/admin/users", "/admin/users/" + uHandlerB, "/admin/units", "/admin/audit"} {
		code, body, _ := c.get(path)
		if code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
		m := cssLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s links no stylesheet", path)
		}
		code, css, _ := c.get(m[1])
		if code != 200 {
			t.Fatalf("%s: %d", m[1], code)
		}
		// The selectors of the rule that styles text inputs.
		i := strings.Index(css, "input[type=text]")
		if i < 0 {
			t.Fatal("the stylesheet styles no text input")
		}
		start := strings.LastIndex(css[:i], "}") + 1
		selectors := map[string]bool{}
		for _, s := range strings.Split(css[start:i+strings.Index(css[i:], "{")], ",") {
			selectors[strings.TrimSpace(s)] = true
		}
		for _, tag := range inputTag.FindAllString(body, -1) {
			want := "input:not([type])"
			if m := typeAttr.FindStringSubmatch(tag); m != nil {
				if boxless[m[1]] {
					continue
				}
				want = "input[type=" + m[1] + "]"
			}
			checked++
			if !selectors[want] {
				t.Errorf("%s: %s is styled by no rule (%s not among %v)", path, tag, want, selectors)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d text inputs found on the administration pages", checked)
	}
}
