package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/web"
)

// portalWorld opens a complaint (its petitioner named openly) with a published
// decision, and a denunciation whose denouncer is
// sealed, with a conclusion naming the denouncer (confidential, yet marked
// published); it returns the codes, PINs, the decision and that conclusion.
func portalWorld(e *env) (kn, knPIN, tc, tcPIN string, published, named ingest.Document) {
	e.t.Helper()
	lp := e.actor(uLeaderP)
	c, pin, err := e.svc.CreateCase(e.ctx, lp, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourceInPerson,
		ReceivedOn: date("2026-03-02"), Subject: "Khiếu nại của bà " + denouncer2.Name + " về bồi thường", UnitID: e.units["A"].ID,
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: denouncer2}}})
	if err != nil {
		e.t.Fatal(err)
	}
	d, p2, err := e.svc.CreateCase(e.ctx, lp, cases.NewCase{Kind: cases.KindDenunciation, Source: cases.SourceOnline,
		ReceivedOn: date("2026-03-03"), Subject: "Tố cáo cán bộ địa chính", UnitID: e.units["A"].ID,
		Parties: []cases.Party{{Role: cases.RolePetitioner, Person: denouncer}}})
	if err != nil {
		e.t.Fatal(err)
	}
	published = e.document(docSpec{unit: "A", caseCode: c.Code, kind: "quyet_dinh_giai_quyet_khieu_nai", number: "12/QĐ-UBND", date: "2026-03-09",
		pages: []string{"QUYẾT ĐỊNH giải quyết khiếu nại"}, filename: "qd-" + denouncer.Name + ".pdf"})
	published.Published = true
	if err := e.db.LinkDocument(e.ctx, &published, cases.Event{}, cases.Record{Username: "test", Action: cases.ActionUpdate, Object: "document:" + published.ID}); err != nil {
		e.t.Fatal(err)
	}
	// Its public copy, posted (the portal serves only public copies); its id is
	// the document's, for the tests' addresses.
	e.publicCopy(published, "QUYẾT ĐỊNH giải quyết khiếu nại")
	// The denunciation's conclusion names its denouncer: the case system marks
	// it confidential; even marked published by mistake, the portal never has it.
	named = e.document(docSpec{unit: "A", caseCode: d.Code, kind: "ket_luan_noi_dung_to_cao", number: "3/KL-UBND", finish: true,
		pages: []string{"KẾT LUẬN nội dung tố cáo của bà " + denouncer.Name + ", CCCD " + denouncer.IDNumber}})
	if !named.Confidential {
		e.t.Fatalf("a conclusion naming the denouncer is not confidential: %+v", named)
	}
	named.Published = true
	if err := e.db.LinkDocument(e.ctx, &named, cases.Event{}, cases.Record{Username: "test", Action: cases.ActionUpdate, Object: "document:" + named.ID}); err != nil {
		e.t.Fatal(err)
	}
	return c.Code, pin, d.Code, p2, published, named
}

// publicCopy posts a public copy of d (as cases.Service.Publish would, without
// building one: the bytes are a stand-in), under d's id.
func (e *env) publicCopy(d ingest.Document, text string) cases.Publication {
	e.t.Helper()
	body := []byte("%PDF-1.7 public copy of " + d.ID + "\n")
	sum := sha256.Sum256(body)
	p := cases.Publication{ID: d.ID, CaseCode: d.CaseCode, CaseKind: cases.KindComplaint, UnitCode: d.UnitCode, UnitName: "UBND huyện " + d.UnitCode,
		DocumentID: d.ID, Kind: d.Kind, Number: d.Meta.Number, Date: d.Meta.Date, Year: 2026, SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(body)), Pages: 1, Text: text, PublishedAt: testNow, MinUntil: testNow.AddDate(0, 0, cases.MinPostingDays)}
	p.Key = cases.PublicKey(p.SHA256)
	if _, err := e.blobs.Put(e.ctx, p.Key, bytes.NewReader(body), p.Size, p.SHA256); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.CreatePublication(e.ctx, &p, cases.Record{Username: "test", Action: cases.ActionPublish, Object: "case:" + d.CaseCode}); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// portalPost sends the lookup form from a browser on the same site, from addr
// (through the trusted proxy) when not "".
func portalPost(t *testing.T, srv string, addr, code, pin string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest("POST", srv+"/cong-dan/tra-cuu", strings.NewReader(url.Values{"code": {code}, "pin": {pin}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) (int, string, http.Header) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	body := string(raw)
	if s := secretIn(body); s != "" {
		t.Errorf("%s %s: the answer holds %q", req.Method, req.URL.Path, s)
	}
	if strings.Contains(body, "⟦") {
		t.Errorf("%s %s: a message key is missing: %s", req.Method, req.URL.Path, body[strings.Index(body, "⟦"):][:40])
	}
	return res.StatusCode, body, res.Header
}

// TestPortalLookup: code and PIN give the case's status in plain words, its
// timeline and its published documents only (downloadable, named after the
// case); a wrong code and a wrong PIN get the same answer byte for byte; the
// pages are plain HTML forms (no script), under the staff pages' CSP, with their
// own cache policy; a cross-site POST is refused; no answer names anyone.
func TestPortalLookup(t *testing.T) {
	e := newEnv(t)
	kn, knPIN, tc, tcPIN, published, named := portalWorld(e)
	srv := e.pageServer()
	hidden := e.document(docSpec{unit: "A", caseCode: kn, kind: "khac", pages: []string{"BÁO CÁO xác minh"}})

	code, home, h := send(t, mustReq(t, "GET", srv.URL+"/cong-dan/"))
	if code != 200 || !strings.Contains(home, `<form class="lookup" method="post" action="/cong-dan/tra-cuu">`) {
		t.Fatalf("home: %d\n%s", code, home)
	}
	if strings.Contains(home, "<script") || h.Get("Cache-Control") != "public, max-age=300" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") || strings.Contains(h.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Errorf("home: a script, or headers %v", h)
	}

	code, body, h := portalPost(t, srv.URL, "", strings.ToLower(kn), " "+knPIN+" ")
	if code != 200 {
		t.Fatalf("lookup: %d\n%s", code, body)
	}
	for _, want := range []string{"Hồ sơ " + kn, "Khiếu nại", "Đơn đã được tiếp nhận và đang chờ phân loại.", "Ngày tiếp nhận đơn", "02/03/2026",
		"Hạn xem xét, thụ lý", "Chưa có", "/cong-dan/van-ban/" + published.ID, "số 12/QĐ-UBND", "ngày 09/03/2026"} {
		if !strings.Contains(body, want) {
			t.Errorf("lookup page lacks %q", want)
		}
	}
	if strings.Contains(body, hidden.ID) || strings.Contains(body, "<script") || h.Get("Cache-Control") != "no-store" {
		t.Errorf("lookup page lists an unpublished document, has a script or is cached: %v", h)
	}

	// A burst of lookups waits its turn for the PIN check (at most a few at
	// once) and every one is answered.
	var wg sync.WaitGroup
	codes := make([]int, 12)
	for i := range codes {
		wg.Go(func() {
			res, err := http.PostForm(srv.URL+"/cong-dan/tra-cuu", url.Values{"code": {kn}, "pin": {knPIN}})
			if err == nil {
				codes[i] = res.StatusCode
				res.Body.Close()
			}
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 {
			t.Errorf("concurrent lookup %d: %d", i, c)
		}
	}

	code, pdf, h := send(t, mustReq(t, "GET", srv.URL+"/cong-dan/van-ban/"+published.ID))
	if code != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF") ||
		!strings.Contains(h.Get("Content-Disposition"), kn) || h.Get("ETag") == "" {
		t.Errorf("download: %d %v", code, h)
	}
	req := mustReq(t, "GET", srv.URL+"/cong-dan/van-ban/"+published.ID)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	if code, _, _ := send(t, req); code != http.StatusNotModified {
		t.Errorf("revalidation: %d", code)
	}
	for _, id := range []string{hidden.ID, named.ID, "nope"} {
		if code, _, _ := send(t, mustReq(t, "GET", srv.URL+"/cong-dan/van-ban/"+id)); code != 404 {
			t.Errorf("document %s: %d, want 404", id, code)
		}
	}

	// The denunciation: its status, nothing of its sealed denouncer (send checks).
	code, body, _ = portalPost(t, srv.URL, "", tc, tcPIN)
	if code != 200 || !strings.Contains(body, "Tố cáo") || !strings.Contains(body, "Chưa có văn bản nào") || strings.Contains(body, named.ID) {
		t.Errorf("denunciation lookup: %d\n%s", code, body)
	}

	// Wrong code, wrong PIN, malformed code: one answer.
	wrongPIN := "00000000"
	if wrongPIN == knPIN {
		wrongPIN = "11111111"
	}
	c1, b1, _ := portalPost(t, srv.URL, "", kn, wrongPIN)
	c2, b2, _ := portalPost(t, srv.URL, "", "KN-2026-999999", knPIN)
	c3, b3, _ := portalPost(t, srv.URL, "", "xyz", knPIN)
	if c1 != 404 || c2 != c1 || c3 != c1 || b1 != b2 || b1 != b3 || !strings.Contains(b1, "Không tìm thấy hồ sơ") {
		t.Errorf("wrong PIN %d, wrong code %d, bad code %d; bodies equal: %v %v", c1, c2, c3, b1 == b2, b1 == b3)
	}
	if code, body, _ := portalPost(t, srv.URL, "", "", ""); code != 422 || !strings.Contains(body, "Vui lòng nhập") {
		t.Errorf("empty form: %d", code)
	}

	// The portal's own addresses: without the slash, the form's GET, unknown
	// pages and methods stay in the portal.
	for _, c := range []struct {
		method, path string
		want         int
		text         string
	}{
		{"GET", "/cong-dan", 200, "Tra cứu hồ sơ"},
		{"GET", "/cong-dan/tra-cuu", 303, ""},
		{"GET", "/cong-dan/khong-co", 404, "Không có trang này"},
		{"PUT", "/cong-dan/tra-cuu", 405, "không nhận kiểu yêu cầu"},
	} {
		req := mustReq(t, c.method, srv.URL+c.path)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.want || !strings.Contains(string(b), c.text) {
			t.Errorf("%s %s: %d, want %d with %q", c.method, c.path, res.StatusCode, c.want, c.text)
		}
	}

	// A cross-site POST (another site's form) is refused before any lookup.
	req = mustReq(t, "POST", srv.URL+"/cong-dan/tra-cuu")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if code, _, _ := send(t, req); code != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", code)
	}
	if s := secretIn(e.logs.String()); s != "" {
		t.Errorf("the logs hold %q", s)
	}
}

func mustReq(t *testing.T, method, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestPortalLockout: with a limit of 2, an address is locked out of a code after
// 2 wrong tries (even with the right PIN then) while other addresses are not;
// an address is locked out of every code after 6; a code is locked out for new
// addresses after 20 from ten addresses, but not for the address that already
// found it. Every lockout is in the audit trail.
func TestPortalLockout(t *testing.T) {
	e := newEnvWith(t, webConfig(2))
	kn, knPIN, _, _, _, _ := portalWorld(e)
	srv := e.pageServer()
	wrong := "00000000"
	if wrong == knPIN {
		wrong = "11111111"
	}
	if code, _, _ := portalPost(t, srv.URL, "198.51.100.9", kn, knPIN); code != 200 {
		t.Fatalf("the citizen's own lookup: %d", code)
	}

	for range 2 {
		if code, _, _ := portalPost(t, srv.URL, "203.0.113.1", kn, wrong); code != 404 {
			t.Fatalf("wrong PIN: %d", code)
		}
	}
	code, body, h := portalPost(t, srv.URL, "203.0.113.1", kn, knPIN)
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" || !strings.Contains(body, "sai quá nhiều lần") {
		t.Errorf("third try from the same address: %d %v", code, h)
	}
	if code, _, _ := portalPost(t, srv.URL, "203.0.113.2", kn, knPIN); code != 200 {
		t.Errorf("another address: %d", code)
	}

	// IPv6 addresses count by /64: a client rotating within its line is one.
	for _, a := range []string{"2001:db8:1:2::1", "2001:db8:1:2::2"} {
		portalPost(t, srv.URL, a, kn, wrong)
	}
	if code, _, _ := portalPost(t, srv.URL, "2001:db8:1:2::3", kn, knPIN); code != http.StatusTooManyRequests {
		t.Errorf("a third address of the same /64: %d", code)
	}

	// One address guessing many codes.
	for i := range 6 {
		portalPost(t, srv.URL, "203.0.113.3", fmt.Sprintf("KN-2026-00010%d", i), wrong)
	}
	if code, _, _ := portalPost(t, srv.URL, "203.0.113.3", kn, knPIN); code != http.StatusTooManyRequests {
		t.Errorf("an address past its limit over all codes: %d", code)
	}

	// Ten addresses on one code (two already did 2).
	for i := 3; i <= 10; i++ {
		for range 2 {
			portalPost(t, srv.URL, fmt.Sprintf("192.0.2.%d", i), kn, wrong)
		}
	}
	if code, _, _ := portalPost(t, srv.URL, "203.0.113.50", kn, knPIN); code != http.StatusTooManyRequests {
		t.Errorf("a new address on a locked code: %d", code)
	}
	if code, _, _ := portalPost(t, srv.URL, "198.51.100.9", kn, knPIN); code != 200 {
		t.Errorf("the citizen who found the case before, on a locked code: %d", code)
	}

	entries, err := e.db.AuditEntries(e.ctx, cases.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, en := range entries {
		if en.Action == cases.ActionPortalLockout {
			got[strings.Fields(en.Detail)[0]] = true
			if en.Username != "cong_dan" {
				t.Errorf("lockout entry by %q", en.Username)
			}
			if secretIn(en.Detail) != "" {
				t.Errorf("lockout entry holds a secret: %s", en.Detail)
			}
		}
	}
	for _, scope := range []string{"scope=code_address", "scope=address", "scope=code"} {
		if !got[scope] {
			t.Errorf("no audited lockout %s: %v", scope, got)
		}
	}
	// The PIN key (the verifiers' pepper) is in no log line and no audit entry.
	c, err := e.db.CaseByCode(e.ctx, kn)
	if err != nil || !strings.HasPrefix(c.PINHash, "$kntc-pin-hmac$v=1$k="+testPINKey.ID()+"$") {
		t.Fatalf("the case's verifier %q, %v: want the keyed one", c.PINHash, err)
	}
	pepper := hex.EncodeToString(testPINKey)
	b64 := base64.StdEncoding.EncodeToString(testPINKey)
	for _, en := range entries {
		if strings.Contains(strings.ToLower(en.Detail), pepper[:16]) || strings.Contains(en.Detail, b64[:16]) || strings.Contains(en.Detail, knPIN) {
			t.Errorf("audit entry holds the PIN key or the PIN: %s", en.Detail)
		}
	}
	if logs := e.logs.String(); strings.Contains(strings.ToLower(logs), pepper[:16]) || strings.Contains(logs, b64[:16]) || strings.Contains(logs, knPIN) {
		t.Errorf("the logs hold the PIN key or the PIN:\n%s", logs)
	}
}

// webConfig is a server behind a proxy on the loopback (so that X-Forwarded-For
// names the client) with a portal limit.
func webConfig(limit int) web.Config {
	return web.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}, PortalLimit: limit}
}

// FuzzPortalLookup: no input of the lookup form gets a 500 or a page without its
// heading; only the portal's answers (200, 404, 422, 429) come back.
func FuzzPortalLookup(f *testing.F) {
	for _, seed := range [][2]string{{"KN-2026-000001", "12345678"}, {"", ""}, {"kn-2026-000001 ", "x"},
		{"TC-2026-000001\x00", "\u0301"}, {strings.Repeat("K", 100), "1"}, {"<script>", "'\""}} {
		f.Add(seed[0], seed[1])
	}
	e := newEnv(f)
	portalWorld(e)
	f.Fuzz(func(t *testing.T, code, pin string) {
		req := httptest.NewRequest("POST", "/cong-dan/tra-cuu", strings.NewReader(url.Values{"code": {code}, "pin": {pin}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		e.server.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 404, 422, 429:
		default:
			t.Fatalf("code %q pin %q: %d", code, pin, rec.Code)
		}
		if !strings.Contains(rec.Body.String(), "<h1>") || strings.Contains(rec.Body.String(), "<script>") {
			t.Fatalf("code %q pin %q: %s", code, pin, rec.Body.String())
		}
	})
}
