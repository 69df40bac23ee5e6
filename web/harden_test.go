package web_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"kntc/ingest"
	"kntc/web"
)

const testPassword = "mật-khẩu-thử-nghiệm"

// uploadLimit is the upload size limit of reconfigured servers.
const uploadLimit = 1 << 20

// reconfigure replaces e's server by one with cfg (and deps changed by change),
// on a fresh spool directory, which it returns.
func (e *env) reconfigure(cfg web.Config, change func(*web.Deps)) string {
	e.t.Helper()
	spool := filepath.Join(e.t.TempDir(), "spool")
	if err := os.MkdirAll(spool, 0o750); err != nil {
		e.t.Fatal(err)
	}
	deps := web.Deps{
		Accounts: e.accounts, Cases: e.svc, Documents: e.db, Blobs: e.blobs, Claim: e.claim, SpoolDir: spool,
		MaxUploadBytes: uploadLimit, Search: e.index, Registry: prometheus.NewRegistry(),
	}
	if change != nil {
		change(&deps)
	}
	logger := slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.server = web.NewServer(logger, cfg, deps)
	return spool
}

// spoolEmpty fails the test when anything is left in the spool directory.
func spoolEmpty(t *testing.T, spool, after string) {
	t.Helper()
	left, err := os.ReadDir(spool)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range left {
		t.Errorf("after %s: %s left in the spool", after, f.Name())
	}
}

// multipartFile is a multipart body with one file field of size bytes; cut leaves
// off the closing boundary.
func multipartFile(t *testing.T, size int, cut bool) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "don-khieu-nai.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(bytes.Repeat([]byte("a"), size)); err != nil {
		t.Fatal(err)
	}
	if !cut {
		if err := mw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes(), mw.FormDataContentType()
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestUploadLimits(t *testing.T) {
	e := newEnv(t)
	spool := e.reconfigure(web.Config{}, nil)
	for _, tc := range []struct {
		name string
		size int
		cut  bool
		// hideLength sends the body without a Content-Length (chunked), so only
		// the streaming check can catch it.
		hideLength bool
		want       int
		wantMsg    string
	}{
		{name: "within the limit", size: 1000, want: http.StatusAccepted},
		{name: "over the limit by Content-Length", size: uploadLimit + 100<<10, want: http.StatusRequestEntityTooLarge, wantMsg: "tối đa 1 MiB (file too large: at most 1048576 bytes)"},
		{name: "over the limit by one byte while streaming", size: uploadLimit + 1, hideLength: true, want: http.StatusRequestEntityTooLarge, wantMsg: "tối đa 1 MiB"},
		{name: "far over the limit while streaming", size: 4 * uploadLimit, hideLength: true, want: http.StatusRequestEntityTooLarge, wantMsg: "tối đa 1 MiB"},
		{name: "exactly the limit", size: uploadLimit, hideLength: true, want: http.StatusAccepted},
		{name: "no closing boundary", size: 5000, cut: true, want: http.StatusUnprocessableEntity, wantMsg: "(the upload is truncated or malformed)"},
		{name: "no closing boundary, no length", size: 5000, cut: true, hideLength: true, want: http.StatusUnprocessableEntity},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, ctype := multipartFile(t, tc.size, tc.cut)
			cr := &countingReader{r: bytes.NewReader(body)}
			req := httptest.NewRequestWithContext(e.ctx, "POST", "/api/v1/documents", cr)
			req.ContentLength = int64(len(body))
			if tc.hideLength {
				req.ContentLength = -1
			}
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Authorization", "Bearer "+e.users[uClerk].token)
			rec := httptest.NewRecorder()
			e.server.ServeHTTP(rec, req)
			if rec.Code != tc.want || !strings.Contains(rec.Body.String(), tc.wantMsg) {
				t.Fatalf("%d %s, want %d with %q", rec.Code, rec.Body, tc.want, tc.wantMsg)
			}
			if tc.want == http.StatusRequestEntityTooLarge && !tc.hideLength && cr.n != 0 {
				t.Errorf("refused by its Content-Length after reading %d bytes of the body", cr.n)
			}
			if tc.size > 2*uploadLimit && cr.n > 2*uploadLimit {
				t.Errorf("refused only after reading the whole body (%d bytes)", cr.n)
			}
			spoolEmpty(t, spool, tc.name)
		})
	}
}

func TestUploadDiskFull(t *testing.T) {
	e := newEnv(t)
	spool := e.reconfigure(web.Config{}, func(d *web.Deps) {
		d.Claim = func(ctx context.Context, o ingest.Origin) (ingest.Document, error) {
			return ingest.Document{}, fmt.Errorf("claim: %w", &os.PathError{Op: "write", Path: "/srv/kntc/data/spool/0190", Err: syscall.ENOSPC})
		}
	})
	body, ctype := multipartFile(t, 100, false)
	code, resp := e.do(uClerk, call{method: "POST", path: "/api/v1/documents", raw: body, contentType: ctype})
	if code != http.StatusInsufficientStorage || !strings.Contains(string(resp), "hết dung lượng đĩa") || !strings.Contains(string(resp), "(insufficient storage") {
		t.Fatalf("upload on a full disk: %d %s, want 507 saying the disk is full", code, resp)
	}
	if strings.Contains(string(resp), "/srv") {
		t.Errorf("the answer shows a server path: %s", resp)
	}
	spoolEmpty(t, spool, "a full disk")
}

// rawRequest opens a connection to srv and sends head (request line and headers)
// and then partial, the part of the body a slow client manages to send.
func rawRequest(t *testing.T, srv *httptest.Server, head, partial string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, head+"\r\n"+partial); err != nil {
		t.Fatal(err)
	}
	return conn
}

// answer reads the response to the request sent on conn. The client-side
// deadline only keeps a broken server from hanging the test.
func answer(t *testing.T, conn net.Conn) *http.Response {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestSlowBodyCutOff(t *testing.T) {
	e := newEnv(t)
	// A deadline this short cuts off every client that stops sending; the test
	// does not depend on how long anything takes.
	spool := e.reconfigure(web.Config{BodyTimeout: 50 * time.Millisecond}, nil)
	srv := httptest.NewServer(e.server)
	defer srv.Close()

	t.Run("login", func(t *testing.T) {
		conn := rawRequest(t, srv, "POST /api/v1/login HTTP/1.1\r\nHost: kntc\r\nContent-Type: application/json\r\nContent-Length: 100\r\n", `{"username":"clerk.a",`)
		resp := answer(t, conn)
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Fatalf("slow login body: %d, want 408", resp.StatusCode)
		}
	})
	t.Run("upload", func(t *testing.T) {
		body, ctype := multipartFile(t, 100_000, false)
		head := fmt.Sprintf("POST /api/v1/documents HTTP/1.1\r\nHost: kntc\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n", e.users[uClerk].token, ctype, len(body))
		conn := rawRequest(t, srv, head, string(body[:1000]))
		resp := answer(t, conn)
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Fatalf("slow upload: %d, want 408", resp.StatusCode)
		}
		spoolEmpty(t, spool, "a slow upload")
	})
}

// pollUntil sends requests made by mk until one is answered want, and returns it;
// the server under test reaches that state by itself (another client holds a
// slot), the loop only waits for it to happen — as long as a loaded machine
// needs (the held request may reach its slot late), not a fixed short time.
func pollUntil(t *testing.T, mk func() *http.Request, want int) *http.Response {
	t.Helper()
	for range 60000 {
		resp, err := http.DefaultClient.Do(mk())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == want {
			return resp
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never answered %d", want)
	return nil
}

// holdSlot sends the start of a request that holds the only slot (head and the
// partial body on a raw connection) and returns it with probe's 503. A probe
// can take the slot for an instant just as the held request arrives, and the
// held request is then the one refused: it is sent again until it holds.
func holdSlot(t *testing.T, srv *httptest.Server, head, partial string, probe func() *http.Request) (net.Conn, *http.Response) {
	t.Helper()
	var held net.Conn
	one := make([]byte, 1)
	for range 60000 {
		if held == nil {
			held = rawRequest(t, srv, head, partial)
		}
		resp, err := http.DefaultClient.Do(probe())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			return held, resp
		}
		// Has the held request been answered (refused) or closed? A read that
		// times out means it is still waiting for its body: it holds the slot.
		_ = held.SetReadDeadline(time.Now().Add(time.Millisecond))
		if n, err := held.Read(one); n > 0 || (err != nil && !errors.Is(err, os.ErrDeadlineExceeded)) {
			held.Close()
			held = nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("the held request never held the slot")
	return nil, nil
}

func TestBodyCaps(t *testing.T) {
	e := newEnv(t)
	e.reconfigure(web.Config{BodyTimeout: time.Minute, MaxBodies: 1, MaxUploads: 1}, nil)
	srv := httptest.NewServer(e.server)
	defer srv.Close()
	login := func() *http.Request {
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/login", strings.NewReader(`{"username":"clerk.a","password":"`+testPassword+`"}`))
		return req
	}

	// One slow login holds the only body slot: the next request with a body is
	// answered 503 at once, one without a body is served.
	held, resp := holdSlot(t, srv, "POST /api/v1/login HTTP/1.1\r\nHost: kntc\r\nContent-Length: 100\r\n", `{"user`, login)
	if resp.Header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After")
	}
	if r, err := http.Get(srv.URL + "/healthz"); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("a request without a body while the slot is held: %v %v", r, err)
	}
	held.Close()
	pollUntil(t, login, http.StatusOK)

	// One slow upload holds the only upload slot (and the body slot): uploads are
	// refused, until it goes.
	e.reconfigure(web.Config{BodyTimeout: time.Minute, MaxUploads: 1}, nil)
	srv2 := httptest.NewServer(e.server)
	defer srv2.Close()
	body, ctype := multipartFile(t, 1000, false)
	upload := func() *http.Request {
		req, _ := http.NewRequest("POST", srv2.URL+"/api/v1/documents", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "Bearer "+e.users[uClerk].token)
		return req
	}
	head := fmt.Sprintf("POST /api/v1/documents HTTP/1.1\r\nHost: kntc\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n", e.users[uHandler].token, ctype, len(body))
	held, resp = holdSlot(t, srv2, head, string(body[:100]), upload)
	if resp.Header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After")
	}
	held.Close()
	pollUntil(t, upload, http.StatusAccepted)
}

// login posts a login of user with password from the TCP peer peer, with an
// X-Forwarded-For header when xff is not empty.
func (e *env) login(user, password, peer, xff string) int {
	e.t.Helper()
	req := httptest.NewRequestWithContext(e.ctx, "POST", "/api/v1/login", strings.NewReader(`{"username":"`+user+`","password":"`+password+`"}`))
	req.RemoteAddr = peer + ":40000"
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	rec := httptest.NewRecorder()
	e.server.ServeHTTP(rec, req)
	if rec.Code == http.StatusTooManyRequests && rec.Header().Get("Retry-After") == "" {
		e.t.Errorf("429 without Retry-After")
	}
	return rec.Code
}

func TestLoginLimits(t *testing.T) {
	proxy := netip.MustParsePrefix("10.9.9.0/24")
	cfg := web.Config{LoginLimit: 10, LoginDelayCap: time.Millisecond, TrustedProxies: []netip.Prefix{proxy}}

	t.Run("rotating addresses do not lock the user out", func(t *testing.T) {
		e := newEnv(t)
		e.reconfigure(cfg, nil)
		for i := range 15 {
			if code := e.login(uClerk, "sai", fmt.Sprintf("198.51.100.%d", i+1), ""); code != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d, want 401", i+1, code)
			}
		}
		if code := e.login(uClerk, testPassword, "192.0.2.50", ""); code != http.StatusOK {
			t.Fatalf("the right password from the user's own address: %d, want 200", code)
		}
	})
	t.Run("one address guessing one user is stopped", func(t *testing.T) {
		e := newEnv(t)
		e.reconfigure(cfg, nil)
		for i := range 10 {
			if code := e.login(uClerk, "sai", "198.51.100.7", ""); code != http.StatusUnauthorized {
				t.Fatalf("wrong password %d: %d, want 401", i+1, code)
			}
		}
		if code := e.login(uClerk, testPassword, "198.51.100.7", ""); code != http.StatusTooManyRequests {
			t.Fatalf("11th attempt from the guessing address: %d, want 429", code)
		}
		if code := e.login(uClerk, testPassword, "192.0.2.50", ""); code != http.StatusOK {
			t.Fatalf("the right password from another address: %d, want 200", code)
		}
	})
	t.Run("successful logins never count", func(t *testing.T) {
		e := newEnv(t)
		e.reconfigure(web.Config{LoginLimit: 2}, nil)
		for i := range 30 {
			user := requesters[i%len(requesters)]
			if code := e.login(user, testPassword, "10.9.9.1", fmt.Sprintf("172.16.0.%d", i%5+1)); code != http.StatusOK {
				t.Fatalf("login %d of %s through an untrusted proxy: %d, want 200", i+1, user, code)
			}
		}
	})
	t.Run("a trusted proxy's clients are told apart", func(t *testing.T) {
		e := newEnv(t)
		e.reconfigure(cfg, nil)
		for i := range 30 {
			user := requesters[i%len(requesters)]
			if code := e.login(user, testPassword, "10.9.9.1", fmt.Sprintf("172.16.0.%d", i+1)); code != http.StatusOK {
				t.Fatalf("login %d of %s through the proxy: %d, want 200", i+1, user, code)
			}
		}
		for range 10 {
			e.login(uHandler, "sai", "10.9.9.1", "172.16.1.1")
		}
		if code := e.login(uHandler, testPassword, "10.9.9.1", "172.16.1.1"); code != http.StatusTooManyRequests {
			t.Fatalf("the guessing client behind the proxy: %d, want 429", code)
		}
		// The proxy's own address is not what is limited: a colleague behind it
		// (and one behind a second trusted hop) gets in.
		if code := e.login(uHandler, testPassword, "10.9.9.1", "172.16.1.2"); code != http.StatusOK {
			t.Fatalf("another client behind the proxy: %d, want 200", code)
		}
		for range 10 {
			e.login(uLeader, "sai", "10.9.9.1", "172.16.1.3, 10.9.9.2")
		}
		if code := e.login(uLeader, testPassword, "10.9.9.1", "172.16.1.3"); code != http.StatusTooManyRequests {
			t.Fatalf("the guessing client behind two proxies: %d, want 429", code)
		}
	})
	t.Run("X-Forwarded-For from an untrusted peer is ignored", func(t *testing.T) {
		e := newEnv(t)
		e.reconfigure(cfg, nil)
		for i := range 10 {
			e.login(uClerk, "sai", "203.0.113.7", fmt.Sprintf("172.16.2.%d", i+1))
		}
		if code := e.login(uClerk, testPassword, "203.0.113.7", "172.16.2.99"); code != http.StatusTooManyRequests {
			t.Fatalf("a forged X-Forwarded-For from an untrusted peer: %d, want 429", code)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	for _, hsts := range []bool{false, true} {
		e := newEnv(t)
		e.reconfigure(web.Config{HSTS: hsts}, nil)
		for _, tc := range []struct {
			path string
			want int
		}{{"/healthz", 200}, {"/khong-co", 404}, {"/api/v1/me", 401}} {
			req := httptest.NewRequestWithContext(e.ctx, "GET", tc.path, nil)
			rec := httptest.NewRecorder()
			e.server.ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("GET %s: %d, want %d", tc.path, rec.Code, tc.want)
			}
			h := rec.Header()
			for name, want := range map[string]string{
				"X-Content-Type-Options":  "nosniff",
				"X-Frame-Options":         "DENY",
				"Referrer-Policy":         "no-referrer",
				"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
			} {
				if got := h.Get(name); got != want {
					t.Errorf("GET %s (%d): %s %q, want %q", tc.path, tc.want, name, got, want)
				}
			}
			if got := h.Get("Strict-Transport-Security"); (got != "") != hsts {
				t.Errorf("GET %s with HSTS %v: Strict-Transport-Security %q", tc.path, hsts, got)
			}
		}
	}
}

func TestMetricsAccess(t *testing.T) {
	get := func(e *env, token string) (int, string) {
		req := httptest.NewRequestWithContext(e.ctx, "GET", "/metrics", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		rec := httptest.NewRecorder()
		e.server.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	e := newEnv(t)
	e.reconfigure(web.Config{}, nil)
	for _, token := range []string{"", "anything"} {
		if code, _ := get(e, token); code != http.StatusNotFound {
			t.Errorf("/metrics without a configured token, sent %q: %d, want 404", token, code)
		}
	}
	e.reconfigure(web.Config{MetricsToken: "bí-mật-đo-lường"}, nil)
	for _, token := range []string{"", "sai"} {
		if code, _ := get(e, token); code != http.StatusUnauthorized {
			t.Errorf("/metrics with token %q: %d, want 401", token, code)
		}
	}
	e.get(uClerk, "/api/v1/me", 200)
	if code, body := get(e, "bí-mật-đo-lường"); code != http.StatusOK || !strings.Contains(body, "kntc_http_requests_total") {
		t.Errorf("/metrics with the token: %d %.200s", code, body)
	}
}

func TestHealthzDiskSpace(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	e.reconfigure(web.Config{}, func(d *web.Deps) { d.DiskDirs, d.MinFreeDisk = []string{dir}, 1<<62 })
	code, body := e.do("", call{method: "GET", path: "/healthz"})
	if code != http.StatusServiceUnavailable || !strings.Contains(string(body), "đĩa sắp đầy (disk nearly full)") || !strings.Contains(string(body), dir) {
		t.Fatalf("healthz with less free space than required: %d %s, want 503 naming %s", code, body, dir)
	}
	e.reconfigure(web.Config{}, func(d *web.Deps) { d.DiskDirs, d.MinFreeDisk = []string{dir}, 1 })
	if code, body := e.do("", call{method: "GET", path: "/healthz"}); code != http.StatusOK {
		t.Fatalf("healthz with enough space: %d %s", code, body)
	}
}
