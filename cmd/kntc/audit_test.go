package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"kntc/cases"
)

// TestAuditCommands: the embedded default makes DATA/audit.key (0600); account
// changes and `kntc ingest` on the command line are audited under "cli", keyed;
// `kntc audit anchor` writes a signed anchor that `kntc audit anchors` prints and
// `kntc verify` checks; verify with another key, or after an edit, reports it.
func TestAuditCommands(t *testing.T) {
	dir := t.TempDir()
	kntc := func(env map[string]string, stdin string, args ...string) (string, error) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append(args, "--data-dir", dir), envFunc(env), strings.NewReader(stdin), &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	ok := func(stdin string, args ...string) string {
		t.Helper()
		out, err := kntc(nil, stdin, args...)
		if err != nil {
			t.Fatalf("kntc %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}

	keyPath := filepath.Join(dir, "audit.key")
	ok("", "unit", "add", "--code", "TINH", "--name", "Ủy ban nhân dân tỉnh", "--level", "province")
	ok("mật-khẩu-văn-thư\n", "user", "add", "--username", "van.thu", "--role", "clerk", "--unit", "TINH", "--password-stdin")
	ok("mật-khẩu-mới-nhé\n", "user", "passwd", "van.thu", "--password-stdin")
	src := filepath.Join(t.TempDir(), "Đơn của ông Tám.pdf")
	must(t, os.WriteFile(src, []byte("%PDF-1.7 không cần đọc"), 0o644))
	ok("", "ingest", "--wait=false", "--unit", "TINH", src)
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("DATA/audit.key: %v, %v; want a 0600 file", fi, err)
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "kntc.db"))
	must(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT username, action, object, detail, unit, hash_version FROM audit_log ORDER BY seq`)
	must(t, err)
	defer rows.Close()
	var got []string
	for rows.Next() {
		var user, action, object, detail, unit string
		var version int
		must(t, rows.Scan(&user, &action, &object, &detail, &unit, &version))
		if version != cases.AuditV2 || unit != "TINH" || strings.Contains(detail, "Tám") {
			t.Errorf("entry %s %s %s %q: unit %q, version %d", user, action, object, detail, unit, version)
		}
		got = append(got, user+" "+action+" "+strings.SplitN(object, ":", 2)[0])
	}
	must(t, rows.Err())
	if want := "cli create unit|cli create user|cli update user|cli receive document"; strings.Join(got, "|") != want {
		t.Fatalf("audited %q, want %q", strings.Join(got, "|"), want)
	}

	// Not anchored yet: a keyed trail without a signed anchor cannot be shown intact.
	if out, err := kntc(nil, "", "verify"); err == nil || !strings.Contains(out, "no signed anchor") {
		t.Fatalf("verify before any anchor: %v\n%s", err, out)
	}
	if out := ok("", "audit", "anchor"); !strings.Contains(out, "anchored entry 4") {
		t.Fatalf("audit anchor: %s", out)
	}
	out := ok("", "audit", "anchors")
	var a struct {
		Object string `json:"object"`
		Seq    int64  `json:"seq"`
		MAC    string `json:"mac"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &a); err != nil || a.Seq != 4 || a.MAC == "" || a.Object != cases.AnchorObject(4) {
		t.Fatalf("audit anchors: %s (%v)", out, err)
	}
	if out := ok("", "verify"); !strings.Contains(out, "4 entries, intact") || !strings.Contains(out, "good signatures): 1") {
		t.Fatalf("verify: %s", out)
	}

	// Another key: every keyed entry and the anchor are refused.
	other := map[string]string{"KNTC_AUDIT_KEY": strings.Repeat("5e", 32)}
	if out, err := kntc(other, "", "verify"); err == nil || !strings.Contains(out, "audit entry 1 was edited, or keyed with another key") ||
		!strings.Contains(out, "has a wrong signature") {
		t.Fatalf("verify with another key: %v\n%s", err, out)
	}

	// An edit behind the triggers' back.
	_, err = db.Exec(`DROP TRIGGER audit_log_no_update`)
	must(t, err)
	_, err = db.Exec(`UPDATE audit_log SET username = 'ai.do' WHERE seq = 2`)
	must(t, err)
	if out, err := kntc(nil, "", "verify"); err == nil || !strings.Contains(out, "audit entry 2 was edited") || !strings.Contains(out, "BROKEN") {
		t.Fatalf("verify after an edit: %v\n%s", err, out)
	}
}
