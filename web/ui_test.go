package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"kntc/cases"
	"kntc/web"
)

// pageClient is a browser without JavaScript: a cookie jar on a real HTTP server
// in front of the env's handler. It does not follow redirects, so tests see them.
type pageClient struct {
	t    testing.TB
	srv  *httptest.Server
	http *http.Client
	csrf string // the form token of the last page read
}

// pageServer starts the env's handler on a local HTTP server.
func (e *env) pageServer() *httptest.Server {
	e.t.Helper()
	srv := httptest.NewServer(e.server)
	e.t.Cleanup(srv.Close)
	return srv
}

func newPageClient(t testing.TB, srv *httptest.Server) *pageClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &pageClient{t: t, srv: srv, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// do sends a request and returns the status, the body and the answer.
func (c *pageClient) do(req *http.Request) (int, string, *http.Response) {
	c.t.Helper()
	req.Header.Set("Accept", "text/html")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	body := string(b)
	if m := csrfField.FindStringSubmatch(body); m != nil {
		c.csrf = m[1]
	}
	if strings.Contains(body, "⟦") {
		c.t.Errorf("%s %s: a message key is missing from the catalogue: %s", req.Method, req.URL.Path, body[strings.Index(body, "⟦"):][:60])
	}
	return res.StatusCode, body, res
}

func (c *pageClient) get(path string) (int, string, *http.Response) {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form; the form token of the last page read is added unless the
// form has its own "csrf" (set it to "" to send none).
func (c *pageClient) post(path string, form url.Values) (int, string, *http.Response) {
	c.t.Helper()
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	req, err := http.NewRequest("POST", c.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// login signs in through the login page and checks it lands on the dashboard.
func (c *pageClient) login(user string) {
	c.t.Helper()
	c.get("/login")
	code, body, res := c.post("/login", url.Values{"username": {user}, "password": {"mật-khẩu-thử-nghiệm"}})
	if code != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		c.t.Fatalf("login as %s: %d %s\n%s", user, code, res.Header.Get("Location"), body)
	}
}

// TestPagesSignIn: the login page signs in with a server-side session cookie
// (HttpOnly, SameSite=Lax), refuses a form without its token (403), a wrong
// password (the form back, the name kept), and logout revokes the session on the
// server: the old cookie no longer opens a page.
func TestPagesSignIn(t *testing.T) {
	e := newEnv(t)
	c := newPageClient(t, e.pageServer())
	code, body, res := c.get("/")
	if code != 200 || !strings.Contains(body, `action="/login"`) || !strings.Contains(body, "khiếu nại, tố cáo") {
		t.Fatalf("GET / signed out: %d\n%s", code, body)
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("page CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "onclick") {
		t.Errorf("a page holds an inline script or style:\n%s", body)
	}
	if code, _, _ := c.post("/login", url.Values{"csrf": {""}, "username": {uClerk}, "password": {"mật-khẩu-thử-nghiệm"}}); code != 403 {
		t.Errorf("login without the form token: %d, want 403", code)
	}
	code, body, _ = c.post("/login", url.Values{"username": {"Clerk.A"}, "password": {"sai-mật-khẩu-rồi"}})
	if code != 401 || !strings.Contains(body, "không đúng") || !strings.Contains(body, `value="clerk.a"`) {
		t.Errorf("wrong password: %d\n%s", code, body)
	}
	c.login(uClerk)
	var session *http.Cookie
	for _, ck := range c.http.Jar.Cookies(mustURL(t, c.srv.URL)) {
		if ck.Name == "kntc_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie after login")
	}
	code, body, _ = c.get("/")
	if code != 200 || !strings.Contains(body, "Tổng quan") || !strings.Contains(body, "clerk.a") {
		t.Fatalf("dashboard after login: %d\n%s", code, body)
	}
	if code, _, _ := c.post("/logout", url.Values{"csrf": {""}}); code != 403 {
		t.Errorf("logout without the form token: %d, want 403", code)
	}
	if code, _, res := c.post("/logout", url.Values{}); code != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("logout: %d %s", code, res.Header.Get("Location"))
	}
	// The old cookie, replayed, is dead on the server.
	replay := newPageClient(t, c.srv)
	replay.http.Jar.SetCookies(mustURL(t, c.srv.URL), []*http.Cookie{{Name: "kntc_session", Value: session.Value}})
	if code, body, _ := replay.get("/cases"); code != 303 {
		t.Errorf("a page with the cookie of a logged-out session: %d\n%s", code, body)
	}
}

// TestPagesSessionCookie: the session cookie is HttpOnly and SameSite=Lax, and
// Secure when kntc is reached over https.
func TestPagesSessionCookie(t *testing.T) {
	e := newEnv(t)
	c := newPageClient(t, e.pageServer())
	c.get("/login")
	_, _, res := c.post("/login", url.Values{"username": {uClerk}, "password": {"mật-khẩu-thử-nghiệm"}})
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == "kntc_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
				t.Errorf("session cookie over http: HttpOnly %v SameSite %v Secure %v", ck.HttpOnly, ck.SameSite, ck.Secure)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie set")
	}
	// Reached over https (native TLS or an https base URL: Config.HSTS), the
	// cookie is Secure too.
	tls := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{HSTS: true}, web.Deps{
		Accounts: e.accounts, Cases: e.svc, Documents: e.db, Blobs: e.blobs, Search: e.index, Registry: prometheus.NewRegistry()})
	rec := httptest.NewRecorder()
	tls.ServeHTTP(rec, httptest.NewRequest("GET", "/login", nil))
	token := ""
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "kntc_login" {
			token = ck.Value
		}
	}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(url.Values{"csrf": {token}, "username": {uClerk}, "password": {"mật-khẩu-thử-nghiệm"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "kntc_login", Value: token})
	rec = httptest.NewRecorder()
	tls.ServeHTTP(rec, req)
	found = false
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "kntc_session" {
			found = true
			if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie over https: Secure %v HttpOnly %v SameSite %v", ck.Secure, ck.HttpOnly, ck.SameSite)
			}
		}
	}
	if rec.Code != 303 || !found {
		t.Errorf("login over https: %d, session cookie %v", rec.Code, found)
	}
}

// TestPagesCrossOrigin: a state-changing request a browser marks as cross-site
// is refused (403) even with a valid form token.
func TestPagesCrossOrigin(t *testing.T) {
	e := newEnv(t)
	c := newPageClient(t, e.pageServer())
	c.login(uHandler)
	c.get("/")
	req, _ := http.NewRequest("POST", c.srv.URL+"/logout", strings.NewReader(url.Values{"csrf": {c.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if code, _, _ := c.do(req); code != 403 {
		t.Errorf("cross-site POST with a valid token: %d, want 403", code)
	}
	if code, _, _ := c.get("/password"); code != 200 {
		t.Errorf("still signed in after the refused logout: %d", code)
	}
}

// TestPagesLoginLimit: the login page and the API share one limiter: failures
// through the API lock the page out for that address too (429).
func TestPagesLoginLimit(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	for range 10 {
		res, err := http.Post(srv.URL+"/api/v1/login", "application/json", strings.NewReader(`{"username":"clerk.a","password":"sai-mật-khẩu-rồi"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	c := newPageClient(t, srv)
	c.get("/login")
	code, body, res := c.post("/login", url.Values{"username": {uClerk}, "password": {"mật-khẩu-thử-nghiệm"}})
	if code != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(body, "quá nhiều lần") {
		t.Errorf("page login after 10 API failures: %d %q\n%s", code, res.Header.Get("Retry-After"), body)
	}
}

// TestPagesChangePassword: the current password is checked, problems come back
// next to their fields, and a change signs out every other session but keeps
// this browser signed in.
func TestPagesChangePassword(t *testing.T) {
	e := newEnv(t)
	srv := e.pageServer()
	c, other := newPageClient(t, srv), newPageClient(t, srv)
	c.login(uHandler)
	other.login(uHandler)
	c.get("/password")
	code, body, _ := c.post("/password", url.Values{"current": {"không-đúng-đâu"}, "new": {"mật-khẩu-mới-dài"}, "confirm": {"mật-khẩu-mới-dài"}})
	if code != 422 || !strings.Contains(body, "Mật khẩu hiện tại không đúng") {
		t.Errorf("wrong current password: %d\n%s", code, body)
	}
	code, body, _ = c.post("/password", url.Values{"current": {"mật-khẩu-thử-nghiệm"}, "new": {"ngắn"}, "confirm": {"ngắn"}})
	if code != 422 || !strings.Contains(body, "ít nhất 10 ký tự") {
		t.Errorf("short new password: %d\n%s", code, body)
	}
	code, _, res := c.post("/password", url.Values{"current": {"mật-khẩu-thử-nghiệm"}, "new": {"mật-khẩu-mới-dài"}, "confirm": {"mật-khẩu-mới-dài"}})
	if code != 303 {
		t.Fatalf("change password: %d", code)
	}
	if code, body, _ := c.get(res.Header.Get("Location")); code != 200 || !strings.Contains(body, "Đã đổi mật khẩu") {
		t.Errorf("after the change: %d\n%s", code, body)
	}
	if code, _, _ := other.get("/password"); code != 303 {
		t.Errorf("the other session after a password change: %d, want 303 to the login page", code)
	}
}

// TestPagesCases: the case list filters and pages, the case page shows the next
// steps (a refused one with its legal reason), a step is taken through the
// form, and a case of another unit is the ordinary 404 page.
func TestPagesCases(t *testing.T) {
	e := newEnv(t)
	open := func(subject string, kind cases.Kind) cases.Case {
		c, _, err := e.svc.CreateCase(e.ctx, e.actor(uLeader), cases.NewCase{Kind: kind, Source: cases.SourcePost,
			ReceivedOn: date("2026-03-02"), Subject: subject, UnitID: e.units["A"].ID, HandlerID: e.users[uHandler].ID,
			Parties: []cases.Party{{Role: cases.RolePetitioner, Person: denouncer}}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	kn := open("Khiếu nại quyết định thu hồi đất", cases.KindComplaint)
	tc := open("Tố cáo cán bộ địa chính xã", cases.KindDenunciation)
	c := newPageClient(t, e.pageServer())
	c.login(uHandler)
	code, body, _ := c.get("/cases?kind=to_cao")
	if code != 200 || !strings.Contains(body, tc.Code) || strings.Contains(body, kn.Code) {
		t.Errorf("list of denunciations: %d\n%s", code, body)
	}
	code, body, _ = c.get("/cases?status=nonsense&page=-4&sort=x")
	if code != 200 || !strings.Contains(body, "bỏ qua") || !strings.Contains(body, kn.Code) {
		t.Errorf("list with bad filters: %d\n%s", code, body)
	}
	code, body, _ = c.get("/cases/" + tc.Code)
	if code != 200 || !strings.Contains(body, "Thông tin được bảo vệ") || secretIn(body) != "" {
		t.Errorf("denunciation page, protected petitioner: %d (leaks %q)\n%s", code, secretIn(body), body)
	}
	if !strings.Contains(body, "02/03/2026") || !strings.Contains(body, "Chuyển sang: Phân loại") {
		t.Errorf("case page without its date dd/mm/yyyy or its next step:\n%s", body)
	}
	code, body, res := c.post("/cases/"+tc.Code+"/step", url.Values{"to": {"phan_loai"}, "version": {"1"}})
	if code != 303 {
		t.Fatalf("take a step: %d\n%s", code, body)
	}
	if _, body, _ := c.get(res.Header.Get("Location")); !strings.Contains(body, "Đã chuyển hồ sơ sang Phân loại") {
		t.Errorf("after the step:\n%s", body)
	}
	code, body, _ = c.post("/cases/"+tc.Code+"/step", url.Values{"to": {"xu_ly_don"}, "version": {"1"}})
	if code != 409 || !strings.Contains(body, "người khác cập nhật") {
		t.Errorf("a step on a stale version: %d\n%s", code, body)
	}
	c.post("/cases/"+tc.Code+"/step", url.Values{"to": {"xu_ly_don"}, "version": {"2"}})
	c.post("/cases/"+tc.Code+"/step", url.Values{"to": {"thu_ly"}, "version": {"3"}})
	c.post("/cases/"+tc.Code+"/step", url.Values{"to": {"xac_minh"}, "version": {"4"}})
	_, body, _ = c.get("/cases/" + tc.Code)
	if !strings.Contains(body, "tố cáo không có bước đối thoại") {
		t.Errorf("a denunciation in verification does not show why it has no dialogue:\n%s", body)
	}
	code, body, _ = c.post("/cases/"+tc.Code+"/step", url.Values{"to": {"doi_thoai"}, "version": {"5"}})
	if code != 422 || !strings.Contains(body, "tố cáo không có bước đối thoại") {
		t.Errorf("a refused step posted anyway: %d\n%s", code, body)
	}
	other := newPageClient(t, c.srv)
	other.login(uHandlerB)
	code, body, _ = other.get("/cases/" + tc.Code)
	if code != 404 || !strings.Contains(body, "Không tìm thấy") {
		t.Errorf("a case of another unit: %d, want the 404 page\n%s", code, body)
	}
	if code, _, _ := other.post("/cases/"+tc.Code+"/step", url.Values{"to": {"ket_luan"}, "version": {"5"}}); code != 404 {
		t.Errorf("a step on a case of another unit: %d, want 404", code)
	}
}

// TestPagesEnglish: the language switch sets a cookie and the pages come in
// English, every string from the catalogue.
func TestPagesEnglish(t *testing.T) {
	e := newEnv(t)
	c := newPageClient(t, e.pageServer())
	code, _, res := c.get("/lang?to=en&back=/login")
	if code != 303 || res.Header.Get("Location") != "/login" {
		t.Fatalf("switch: %d %s", code, res.Header.Get("Location"))
	}
	if _, _, res := c.get("/lang?to=en&back=//evil.example/"); res.Header.Get("Location") != "/" {
		t.Errorf("switch back to another site: %s", res.Header.Get("Location"))
	}
	_, body, _ := c.get("/login")
	if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Sign in") {
		t.Errorf("English login page:\n%s", body)
	}
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestPagesSearch: the search page finds words typed without diacritics, marks
// them in the snippet, keeps the query in the URL, offers the kind facet as
// checkboxes, and finds nothing outside the user's scope.
func TestPagesSearch(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	srv := e.pageServer()
	c := newPageClientAs(t, srv, uHandler)
	code, body, _ := c.get("/search?q=" + url.QueryEscape("kinh gui huyen"))
	if code != 200 || !strings.Contains(body, "<mark>") || !strings.Contains(body, codes["complaint"]) ||
		!strings.Contains(body, `name="kind" value="don_khieu_nai"`) || !strings.Contains(body, `value="kinh gui huyen"`) {
		t.Errorf("search without diacritics: %d\n%s", code, body)
	}
	code, body, _ = c.get("/search?q=huyen&kind=quyet_dinh_thu_ly&kind=bogus&year=abc&page=0&sort=x")
	if code != 200 || !strings.Contains(body, "bỏ qua") {
		t.Errorf("search with bad filters: %d\n%s", code, body)
	}
	other := newPageClientAs(t, srv, uHandlerB)
	if _, body, _ := other.get("/search?q=" + url.QueryEscape("kinh gui huyen")); strings.Contains(body, codes["complaint"]) || strings.Contains(body, "<mark>") {
		t.Errorf("a handler of B finds a document of A:\n%s", body)
	}
	admin := newPageClientAs(t, srv, uAdmin)
	if code, _, _ := admin.get("/search?q=huyen"); code != 403 {
		t.Errorf("an administrator's search: %d, want 403", code)
	}
}

// TestPagesBadInput: whatever a form or a query holds — decomposed letters,
// control characters, a megabyte, another unit's case, a missing field — the
// pages answer a page or a refusal, never a server error, and a decomposed
// letter arrives composed (NFC).
func TestPagesBadInput(t *testing.T) {
	e := newEnv(t)
	codes := pageWorld(e)
	c := newPageClientAs(t, e.pageServer(), uLeader)
	nfd := "Tra\u0302\u0300n Va\u0306n Bi\u0300nh" // Trần Văn Bình, decomposed
	code, body, _ := c.get("/cases?q=" + url.QueryEscape(nfd))
	if code != 200 || !strings.Contains(body, `value="Trần Văn Bình"`) {
		t.Errorf("an NFD query: %d, want it back in NFC\n%s", code, body)
	}
	bad := []string{nfd, "a\x00b\x1b[31m", strings.Repeat("ẫ", 5000), "\u202Eevil", "-1", "99999999999999999999", "'; DROP TABLE cases;--", ""}
	paths := []string{"/cases", "/search", "/cases/" + codes["complaint"], "/cases/KN-2026-999999", "/cases/" + strings.Repeat("x", 300)}
	for _, v := range bad {
		for _, p := range paths {
			q := url.Values{"q": {v}, "status": {v}, "kind": {v}, "unit": {v}, "page": {v}, "sort": {v}, "year": {v}, "issuer": {v}, "reveal": {v}}
			if code, body, _ := c.get(p + "?" + q.Encode()); code >= 500 || code != 200 && code != 404 {
				t.Errorf("GET %s with %q: %d\n%s", p, v, code, body)
			}
		}
		c.get("/cases/" + codes["complaint"])
		for _, p := range []string{"/cases/" + codes["complaint"] + "/step", "/cases/" + codes["other"] + "/step", "/password", "/login"} {
			form := url.Values{"to": {v}, "result": {v}, "on": {v}, "note": {v}, "version": {v}, "current": {v}, "new": {v}, "confirm": {v}, "next": {v}}
			if code, body, _ := c.post(p, form); code >= 500 {
				t.Errorf("POST %s with %q: %d\n%s", p, v, code, body)
			}
		}
	}
	big := url.Values{"note": {strings.Repeat("x", 2<<20)}}
	if code, _, _ := c.post("/cases/"+codes["complaint"]+"/step", big); code != 413 {
		t.Errorf("a 2 MiB form: %d, want 413", code)
	}
}
