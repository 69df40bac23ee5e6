package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kntc/cases"
	"kntc/internal/testenv"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
)

// cliRunner returns a function running one kntc command on the data directory
// dir with env, its stdin given; a failing command fails the test with its output.
func cliRunner(t *testing.T, dir string, env map[string]string) func(stdin string, args ...string) {
	return func(stdin string, args ...string) {
		t.Helper()
		var out bytes.Buffer
		if err := run(t.Context(), append(args, "--data-dir", dir), envFunc(env), strings.NewReader(stdin), &out, &out); err != nil {
			t.Fatalf("kntc %s: %v\n%s", strings.Join(args, " "), err, &out)
		}
	}
}

func envFunc(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// server is a running `kntc serve`.
type server struct {
	url    string
	stdout *testenv.Buffer
	stderr *testenv.Buffer
	stop   func() error
}

// startServe runs `kntc serve --addr 127.0.0.1:0` in-process and waits until it
// prints its URL and /healthz answers 200.
func startServe(t testing.TB, env map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &testenv.Buffer{}, stderr: &testenv.Buffer{}}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), envFunc(env), strings.NewReader(""), s.stdout, s.stderr)
	}()
	var once sync.Once
	var stopErr error
	s.stop = func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() { _ = s.stop() })
	urlRE := regexp.MustCompile(`running at\) (http://\S+)`)
	for {
		if m := urlRE.FindStringSubmatch(s.stdout.String()); m != nil {
			s.url = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited before listening: %v\nstdout:\n%s\nstderr:\n%s", err, s.stdout, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	for {
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *server) do(t testing.TB, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, out
}

const adminPassword = "mật khẩu quản trị thử"

// metricsToken is the /metrics token of the servers exerciseServer checks.
const metricsToken = "mã-đo-lường-thử"

// exerciseServer is what every shape of deployment must do alike.
func exerciseServer(t *testing.T, s *server) {
	code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": adminPassword})
	if code != http.StatusOK || body["token"] == "" {
		t.Fatalf("login: %d %v", code, body)
	}
	token := body["token"].(string)
	code, body = s.do(t, "GET", "/api/v1/me", token, nil)
	if code != http.StatusOK || body["username"] != "admin" || body["role"] != "administrator" {
		t.Fatalf("me: %d %v", code, body)
	}
	if code, _ := s.do(t, "GET", "/api/v1/me", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("me without a token: %d, want 401", code)
	}
	if code, _ := s.do(t, "GET", "/api/v1/me", token+"x", nil); code != http.StatusUnauthorized {
		t.Fatalf("me with a wrong token: %d, want 401", code)
	}
	code, body = s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": "sai"})
	if code != http.StatusUnauthorized || !strings.Contains(body["error"].(string), "mật khẩu") {
		t.Fatalf("wrong password: %d %v", code, body)
	}
	if code, _ := s.do(t, "POST", "/api/v1/logout", token, nil); code != http.StatusNoContent {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := s.do(t, "GET", "/api/v1/me", token, nil); code != http.StatusUnauthorized {
		t.Fatalf("me after logout: %d, want 401", code)
	}
	if code, _ := s.do(t, "GET", "/metrics", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("/metrics without its token: %d, want 401", code)
	}
	req, _ := http.NewRequest("GET", s.url+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`kntc_http_requests_total{code="200",method="POST",route="/api/v1/login"}`, "go_goroutines"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, _ := s.do(t, "GET", "/khong-co", "", nil); code != http.StatusNotFound {
		t.Fatalf("unknown path: %d, want 404", code)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
	if !strings.Contains(s.stderr.String(), "kntc stopped") {
		t.Fatalf("no shutdown log line:\n%s", s.stderr)
	}
	if strings.Contains(s.stderr.String(), adminPassword) {
		t.Fatalf("the admin password reached the log")
	}
}

func TestServeEmbedded(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword, "KNTC_METRICS_TOKEN": metricsToken}, "--data-dir", dir)
	for _, sub := range []string{"kntc.db", "objects", "hotfolder", "spool", "quarantine"} {
		if _, err := os.Stat(filepath.Join(dir, sub)); err != nil {
			t.Errorf("data dir: %v", err)
		}
	}
	if !strings.Contains(s.stdout.String(), "KNTC_ADMIN_PASSWORD") {
		t.Errorf("stdout does not say how to log in:\n%s", s.stdout)
	}
	exerciseServer(t, s)
}

// testSealKey is the sealing key of the tests on PostgreSQL: a shared database
// refuses to start without a configured one.
const testSealKey = "5ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea15ea1"

func TestServePostgresAndS3(t *testing.T) {
	s3 := testenv.RequireS3(t)
	dbURL := testenv.PostgresDatabase(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	env := map[string]string{
		"KNTC_ADMIN_PASSWORD": adminPassword,
		"KNTC_METRICS_TOKEN":  metricsToken,
		"KNTC_DATABASE_URL":   dbURL,
		"KNTC_SEAL_KEY":       testSealKey, // a shared database needs one
		"KNTC_S3_ENDPOINT":    s3.Endpoint,
		"KNTC_S3_ACCESS_KEY":  s3.AccessKey,
		"KNTC_S3_SECRET_KEY":  s3.SecretKey,
		"KNTC_S3_BUCKET":      "kntc-serve-" + hex.EncodeToString(b),
	}
	s := startServe(t, env, "--data-dir", t.TempDir())
	if !strings.Contains(s.stderr.String(), `"database":"postgres"`) {
		t.Fatalf("serve did not use PostgreSQL:\n%s", s.stderr)
	}
	exerciseServer(t, s)
}

func TestServeGeneratesAdminPasswordOnce(t *testing.T) {
	dir := t.TempDir()
	s := startServe(t, nil, "--data-dir", dir)
	m := regexp.MustCompile(`\(password\) (\S+)`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("no generated password printed:\n%s", s.stdout)
	}
	code, _ := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": m[1]})
	if code != http.StatusOK {
		t.Fatalf("login with the printed password: %d", code)
	}
	if strings.Contains(s.stderr.String(), m[1]) {
		t.Fatalf("the generated password reached the log")
	}
	must(t, s.stop())
	s2 := startServe(t, nil, "--data-dir", dir)
	if strings.Contains(s2.stdout.String(), "(password)") {
		t.Fatalf("second start printed a password again:\n%s", s2.stdout)
	}
}

func TestLoginRateLimited(t *testing.T) {
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword}, "--data-dir", t.TempDir(), "--login-limit", "3")
	for i := range 3 {
		if code, _ := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": "sai"}); code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, code)
		}
	}
	code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": adminPassword})
	if code != http.StatusTooManyRequests {
		t.Fatalf("fourth attempt within a minute: %d %v, want 429", code, body)
	}
}

func TestServeRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "kntc.db"))
	must(t, err)
	_, err = db.Migrate(t.Context())
	must(t, err)
	_, err = db.SQL().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 'x')`)
	must(t, err)
	db.Close()
	var stdout, stderr bytes.Buffer
	err = run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir}, envFunc(nil), nil, &stdout, &stderr)
	if !errors.Is(err, sqldb.ErrSchemaTooNew) {
		t.Fatalf("serve on a newer schema: %v, want ErrSchemaTooNew", err)
	}
}

// TestServeSharedDatabaseNeedsSealKey: on PostgreSQL, serve refuses to start
// without KNTC_SEAL_KEY rather than make a key in its own data directory that the
// other servers of the database would not have.
func TestServeSharedDatabaseNeedsSealKey(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword, "KNTC_DATABASE_URL": testenv.PostgresDatabase(t)}
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir}, envFunc(env), nil, &stdout, &stderr)
	if !errors.Is(err, cases.ErrSharedNeedsSealKey) {
		t.Fatalf("serve on a shared database without a sealing key: %v, want ErrSharedNeedsSealKey", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "seal.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a sealing key was made in the data directory: %v", err)
	}
}

func TestConfigReportsEveryProblem(t *testing.T) {
	env := map[string]string{"KNTC_TOKEN_TTL": "mãi mãi", "KNTC_LOGIN_LIMIT": "0", "KNTC_LOG_LEVEL": "ồn"}
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"serve", "--addr", "khong-co-cong", "--database-url", "mysql://x", "--s3-endpoint", "minio:9000"}, envFunc(env), nil, &stdout, &stderr)
	if err == nil {
		t.Fatal("serve accepted a broken configuration")
	}
	for _, want := range []string{"KNTC_TOKEN_TTL", "login-limit", "log-level", "addr", "database-url", "s3-access-key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not report %s:\n%v", want, err)
		}
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "admin-password")
	must(t, os.WriteFile(path, []byte(adminPassword+"\n"), 0o600))
	s := startServe(t, map[string]string{"KNTC_ADMIN_PASSWORD_FILE": path}, "--data-dir", t.TempDir())
	if code, _ := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "admin", "password": adminPassword}); code != http.StatusOK {
		t.Fatalf("login with the password from KNTC_ADMIN_PASSWORD_FILE: %d", code)
	}
}

func TestHelp(t *testing.T) {
	cmds := [][]string{{"serve"}, {"unit", "add"}, {"unit", "list"}, {"user", "add"}, {"user", "list"}, {"user", "passwd"}, {"user", "disable"}, {"user", "enable"}, {"user", "set-role"}, {"version"}, {"ingest"}, {"reindex"}, {"search"}, {"holiday", "list"}, {"holiday", "add"}, {"document", "retract"}, {"document", "purge"}, {"document", "retracted"}}
	for _, c := range cmds {
		t.Run(strings.Join(c, "_"), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), append(c, "--help"), envFunc(map[string]string{"KNTC_S3_SECRET_KEY": "bi-mat"}), nil, &stdout, &stderr)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("--help returned %v", err)
			}
			out := stdout.String()
			if !strings.Contains(out, "Usage: kntc "+strings.Join(c, " ")) || stderr.Len() != 0 {
				t.Fatalf("no usage line on standard output:\n%s\nstderr:\n%s", out, stderr.String())
			}
			if exitCode(err) != 0 {
				t.Errorf("exit code %d for --help, want 0", exitCode(err))
			}
			if strings.Contains(out, "bi-mat") {
				t.Fatalf("--help printed a secret from the environment")
			}
			// Flags as the README writes them, the server's settings only for serve
			// (and the pipeline's for the commands that process documents), the
			// summary in Vietnamese too.
			if strings.Contains(out, "\n  -") && !strings.Contains(out, "\n  --") || strings.Contains(out, "\n  -data-dir") {
				t.Errorf("flags not written as --flag:\n%s", out)
			}
			if c[0] != "version" && !strings.Contains(out, "--data-dir") {
				t.Errorf("--data-dir not listed:\n%s", out)
			}
			if server := strings.Contains(out, "--admin-password") || strings.Contains(out, "--login-limit"); server != (c[0] == "serve") {
				t.Errorf("server settings listed: %v:\n%s", server, out)
			}
			if c[0] == "user" && strings.Count(out, "\n") > 45 {
				t.Errorf("%s --help is %d lines", strings.Join(c, " "), strings.Count(out, "\n"))
			}
			if vi := commandHelpVI[strings.Join(c, " ")]; vi == "" || !strings.Contains(out, vi) {
				t.Errorf("no Vietnamese summary:\n%s", out)
			}
		})
	}
	var stdout bytes.Buffer
	must(t, run(t.Context(), []string{"--help"}, envFunc(nil), nil, &stdout, io.Discard))
	for _, c := range commands() {
		if !strings.Contains(stdout.String(), c.name) {
			t.Errorf("kntc --help does not list %s", c.name)
		}
	}
	if err := run(t.Context(), []string{"bay"}, envFunc(nil), nil, io.Discard, io.Discard); !errors.Is(err, errUsage) {
		t.Errorf("unknown command: %v", err)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		stdout.Reset()
		if err := run(t.Context(), args, envFunc(nil), nil, &stdout, io.Discard); err != nil || !strings.HasPrefix(stdout.String(), "kntc ") {
			t.Errorf("kntc %s: %v %q", args[0], err, stdout.String())
		}
	}
}

func TestUnitAndUserCommands(t *testing.T) {
	dir := t.TempDir()
	kntc := func(stdin string, args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append(args, "--data-dir", dir), envFunc(nil), strings.NewReader(stdin), &stdout, &stderr)
		if err != nil {
			stderr.WriteString(err.Error())
		}
		return stdout.String() + stderr.String(), err
	}
	steps := []struct {
		name  string
		stdin string
		args  []string
		want  string
		fails bool
	}{
		{"root", "", []string{"unit", "add", "--code", "TINH", "--name", "Ủy ban nhân dân tỉnh Tây Ninh", "--level", "province"}, "TINH", false},
		{"department", "", []string{"unit", "add", "--code", "STNMT", "--name", "Sở Tài nguyên và Môi trường", "--level", "department", "--parent", "TINH"}, "STNMT", false},
		{"missing parent", "", []string{"unit", "add", "--code", "X", "--name", "X", "--level", "commune", "--parent", "KHONG"}, "KHONG", true},
		{"user with password", "mật-khẩu-chuyên-viên\n", []string{"user", "add", "--username", "lan.nguyen", "--full-name", "Nguyễn Thị Lan", "--role", "handler", "--unit", "STNMT", "--password-stdin"}, "lan.nguyen", false},
		{"user generated password", "", []string{"user", "add", "--username", "van.thu", "--role", "clerk", "--unit", "STNMT", "--scope", "TINH"}, "Mật khẩu (password): ", false},
		{"duplicate user", "mật-khẩu-chuyên-viên\n", []string{"user", "add", "--username", "lan.nguyen", "--role", "handler", "--unit", "STNMT", "--password-stdin"}, "", true},
		{"bad role", "", []string{"user", "add", "--username", "ai.do", "--role", "vua", "--unit", "STNMT"}, "", true},
		{"unit list", "", []string{"unit", "list"}, "  STNMT", false},
		{"user list", "", []string{"user", "list"}, "Nguyễn Thị Lan", false},
		{"passwd", "mật-khẩu-mới-toanh\n", []string{"user", "passwd", "lan.nguyen", "--password-stdin"}, "lan.nguyen", false},
	}
	for _, st := range steps {
		out, err := kntc(st.stdin, st.args...)
		if (err != nil) != st.fails {
			t.Fatalf("%s: err %v, output:\n%s", st.name, err, out)
		}
		if !strings.Contains(out, st.want) {
			t.Fatalf("%s: output lacks %q:\n%s", st.name, st.want, out)
		}
	}
	s := startServe(t, nil, "--data-dir", dir)
	code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": "lan.nguyen", "password": "mật-khẩu-mới-toanh"})
	if code != http.StatusOK {
		t.Fatalf("login with the password set by `kntc user passwd`: %d %v", code, body)
	}
	// A password set again ends the sessions opened with the old one.
	token, _ := body["token"].(string)
	if code, _ := s.get(t, token, "/api/v1/cases"); code != http.StatusOK {
		t.Fatalf("the new session: %d", code)
	}
	if out, err := kntc("          \n", "user", "passwd", "lan.nguyen", "--password-stdin"); err == nil {
		t.Fatalf("a password of ten spaces was accepted:\n%s", out)
	}
	if out, err := kntc("mật-khẩu-thứ-ba-rồi\n", "user", "passwd", "lan.nguyen", "--password-stdin"); err != nil {
		t.Fatalf("passwd: %v\n%s", err, out)
	}
	if code, _ := s.get(t, token, "/api/v1/cases"); code != http.StatusUnauthorized {
		t.Fatalf("a token from before the password change: %d, want 401", code)
	}
	if !strings.Contains(s.stdout.String(), "kntc user add") {
		t.Errorf("with users already present, serve should not bootstrap an admin:\n%s", s.stdout)
	}
}

func TestReadmeListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	must(t, err)
	for _, v := range configVars(&Config{}) {
		if !strings.Contains(string(readme), "`"+v.env+"`") {
			t.Errorf("README.md does not document `%s`", v.env)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
