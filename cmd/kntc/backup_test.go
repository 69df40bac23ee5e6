package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
)

const (
	testAuditKey  = "a0d17a0d17a0d17a0d17a0d17a0d17a0d17a0d17a0d17a0d17a0d17a0d17a0d1"
	testBackupKey = "bacc0bacc0bacc0bacc0bacc0bacc0bacc0bacc0bacc0bacc0bacc0bacc0bacc"
)

// kntcCmd runs one kntc command in-process and returns its standard output; it
// fails the test unless the command succeeds.
func kntcCmd(t *testing.T, env map[string]string, dir string, args ...string) string {
	t.Helper()
	out, err := kntcTry(t, env, dir, args...)
	if err != nil {
		t.Fatalf("kntc %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func kntcTry(t *testing.T, env map[string]string, dir string, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), append(args, "--data-dir", dir), envFunc(env), strings.NewReader(""), &stdout, &stderr)
	return stdout.String() + stderr.String(), err
}

// objectSums is every object of the configured store with its SHA-256.
func objectSums(t *testing.T, env map[string]string, dir string) map[string]string {
	t.Helper()
	fs := newFlagSet("test", "", "", io.Discard)
	cfg, err := parseConfig(fs, envFunc(env), []string{"--data-dir", dir})
	must(t, err)
	st, err := openStores(t.Context(), cfg, false, cfg.Logger(io.Discard))
	must(t, err)
	defer st.Close()
	sums := map[string]string{}
	must(t, st.blobs.List(t.Context(), "", func(b ingest.BlobInfo) error {
		rc, err := st.blobs.Get(t.Context(), b.Key, 0, -1)
		if err != nil {
			return err
		}
		defer rc.Close()
		h := sha256.New()
		_, err = io.Copy(h, rc)
		sums[b.Key] = hex.EncodeToString(h.Sum(nil))
		return err
	}))
	return sums
}

// drillState is what must survive a backup and restore unchanged.
type drillState struct {
	objects map[string]string
	verify  string
	search  string
	cases   map[string]string // case code -> JSON as its leader sees it, parties included
	audit   string            // the audit trail as the administrator reads it
}

func (a drillState) compare(t *testing.T, b drillState) {
	t.Helper()
	if len(a.objects) == 0 || !maps.Equal(a.objects, b.objects) {
		t.Errorf("objects differ after restore: %d before, %d after", len(a.objects), len(b.objects))
		for k, v := range a.objects {
			if b.objects[k] != v {
				t.Errorf("  %s: %s → %q", k, v, b.objects[k])
			}
		}
	}
	if a.verify != b.verify {
		t.Errorf("kntc verify before:\n%s\nafter:\n%s", a.verify, b.verify)
	}
	if a.search != b.search || !strings.Contains(a.search, "2 trang (pages) khớp") {
		t.Errorf("search before:\n%s\nafter:\n%s", a.search, b.search)
	}
	if !strings.Contains(fmt.Sprint(a.cases), "Kín Tiếng") {
		t.Errorf("the sealed denouncer is not among the parties: %v", a.cases)
	}
	if a.audit != b.audit || !strings.Contains(a.audit, "TC-") {
		t.Errorf("audit trail before:\n%s\nafter:\n%s", a.audit, b.audit)
	}
	if !maps.Equal(a.cases, b.cases) {
		t.Errorf("cases before:\n%v\nafter:\n%v", a.cases, b.cases)
	}
}

// capture reads the drill state of a stopped server's data, then starts it to read
// the audit trail and the cases as the leader sees them (the sealed parties
// opened). Reading sealed parties is audited, so the drill captures the source
// right after its backup and the restored copy right after the restore: both
// start from the state backed up.
func capture(t *testing.T, env map[string]string, dir string, codes []string) drillState {
	t.Helper()
	st := drillState{objects: objectSums(t, env, dir)}
	st.verify = kntcCmd(t, env, dir, "verify", "--objects")
	// The answer without its first line's timing.
	st.search = regexp.MustCompile(`, [0-9.]+[µm]?s\n`).ReplaceAllString(kntcCmd(t, env, dir, "search", "bien ban kiem tra"), "\n")
	s := startServe(t, env, "--data-dir", dir)
	// The audit trail first: reading sealed parties adds to it.
	admin := loginAs(t, s, "admin", adminPassword)
	b, _ := json.Marshal(admin.call("GET", "/api/v1/audit?limit=1000", nil, http.StatusOK))
	st.audit = string(b)
	leader := loginAs(t, s, "lanh.dao", "mật-khẩu-lãnh-đạo")
	st.cases = map[string]string{}
	for _, code := range codes {
		c := leader.call("GET", "/api/v1/cases/"+code, nil, http.StatusOK)
		delete(c, "pin_url") // links carry the server's address
		p := leader.call("GET", "/api/v1/cases/"+code+"/parties", nil, http.StatusOK)
		b, _ := json.Marshal([]any{c, p})
		st.cases[code] = string(b)
	}
	must(t, s.stop())
	return st
}

func loginAs(t *testing.T, s *server, user, pw string) client {
	t.Helper()
	code, body := s.do(t, "POST", "/api/v1/login", "", map[string]string{"username": user, "password": pw})
	if code != http.StatusOK {
		t.Fatalf("login %s: %d %v", user, code, body)
	}
	return client{t, s, str(body, "token")}
}

// populate makes the drill's data: a unit, a leader, a complaint and a denunciation
// whose denouncer's name and phone are sealed, and documents (born-digital PDFs, no
// OCR needed) in the complaint's case.
func populate(t *testing.T, env map[string]string, dir string) []string {
	t.Helper()
	s := startServe(t, env, "--data-dir", dir)
	kntcCmd(t, env, dir, "unit", "add", "--code", "HT", "--name", "Ủy ban nhân dân thị xã Hòa Thành", "--level", "district", "--parent", "TINH")
	var stdout, stderr bytes.Buffer
	must(t, run(t.Context(), []string{"user", "add", "--username", "lanh.dao", "--full-name", "Lê Văn Lãnh", "--role", "leader", "--unit", "HT", "--password-stdin", "--data-dir", dir},
		envFunc(env), strings.NewReader("mật-khẩu-lãnh-đạo\n"), &stdout, &stderr))
	leader := loginAs(t, s, "lanh.dao", "mật-khẩu-lãnh-đạo")
	kn := leader.call("POST", "/api/v1/cases", map[string]any{"kind": "khieu_nai", "source": "buu_chinh",
		"subject": "Khiếu nại quyết định thu hồi đất của hộ bà Nguyễn Thị Hoà",
		"parties": []map[string]any{{"role": "petitioner", "name": "Nguyễn Thị Hoà", "address": "phường Long Hoa"}}}, http.StatusCreated)
	tc := leader.call("POST", "/api/v1/cases", map[string]any{"kind": "to_cao", "source": "buu_chinh",
		"subject": "Tố cáo cán bộ địa chính phường thu tiền sai quy định",
		"parties": []map[string]any{{"role": "petitioner", "name": "Đặng Thị Kín Tiếng", "phone": "0915 246 813"}}}, http.StatusCreated)
	leader.call("POST", "/api/v1/cases/"+str(tc, "code")+"/grants", map[string]any{"user_id": userID(t, leader, "lanh.dao")}, http.StatusCreated)
	c := leader.call("GET", "/api/v1/cases/"+str(tc, "code")+"/parties", nil, http.StatusOK)
	if b, _ := json.Marshal(c); !strings.Contains(string(b), "Kín Tiếng") {
		t.Fatalf("the leader does not see the sealed denouncer: %s", b)
	}
	must(t, s.stop())

	docs := t.TempDir()
	for i, lines := range [][]string{
		{"BIEN BAN KIEM TRA HIEN TRANG DAT", "So 12/BB-UBND"},
		{"BAO CAO KET QUA XAC MINH", "Noi dung khieu nai", "bien ban kiem tra kem theo"},
		{"GIAY MOI", "Moi ba Nguyen Thi Hoa den lam viec"},
		{"UY BAN NHAN DAN", "THI XA HOA THANH", "So: 21/QD-UBND", "QUYET DINH", "Ve viec giai quyet khieu nai lan dau", "CHU TICH UY BAN NHAN DAN THI XA HOA THANH"},
	} {
		must(t, os.WriteFile(filepath.Join(docs, "tai-lieu-"+string(rune('a'+i))+".pdf"), ocrtest.TextPDF(lines...), 0o644))
	}
	kntcCmd(t, env, dir, "ingest", "--case", str(kn, "code"), docs)
	kntcCmd(t, env, dir, "reindex")
	// The decision decided the complaint: its archive copy is kept write-once.
	if out := kntcCmd(t, env, dir, "verify"); !strings.Contains(out, "1 checked, 0 changed") {
		t.Errorf("the decision's archive copy is not write-once:\n%s", out)
	}
	return []string{str(kn, "code"), str(tc, "code")}
}

// TestRestoreDrill is issue 15's drill on both deployments: data made, backed up,
// everything wiped, restored into empty stores; then every object is byte-identical,
// every case (sealed parties opening with the key), the audit trail and the search
// answers are the same, and kntc verify is clean.
func TestRestoreDrill(t *testing.T) {
	t.Run("sqlite_disk", func(t *testing.T) {
		dir := t.TempDir()
		env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword, "KNTC_SEAL_KEY": testSealKey, "KNTC_AUDIT_KEY": testAuditKey,
			"KNTC_BACKUP_KEY": testBackupKey}
		codes := populate(t, env, dir)
		target := filepath.Join(t.TempDir(), "backups")
		out := kntcCmd(t, env, dir, "backup", "--to", target)
		if !strings.Contains(out, "Đã sao lưu") {
			t.Fatalf("backup output: %s", out)
		}
		// Incremental: nothing changed, nothing uploaded but the database.
		if out := kntcCmd(t, env, dir, "backup", "--to", target); !strings.Contains(out, "mới (new) 0 đối tượng") {
			t.Fatalf("second backup uploaded objects: %s", out)
		}
		before := capture(t, env, dir, codes)
		if out := kntcCmd(t, env, dir, "backup", "verify", "--from", target); !strings.Contains(out, "Nguyên vẹn (intact)") {
			t.Fatalf("backup verify: %s", out)
		}
		damagedTargetRefused(t, env, dir, target)

		// Restoring over the live data is refused.
		if out, err := kntcTry(t, env, dir, "restore", "--from", target); err == nil || !strings.Contains(out+err.Error(), "không trống") {
			t.Fatalf("restore over existing data: %v %s", err, out)
		}
		must(t, os.RemoveAll(dir))
		out = kntcCmd(t, env, dir, "restore", "--from", target)
		if !strings.Contains(out, "Đã khôi phục") || !strings.Contains(out, "nguyên vẹn") {
			t.Fatalf("restore output: %s", out)
		}
		before.compare(t, capture(t, env, dir, codes))

		// The server shows the newest backup in the target on /metrics.
		menv := maps.Clone(env)
		menv["KNTC_BACKUP_TO"], menv["KNTC_METRICS_TOKEN"] = target, "do-luong"
		s := startServe(t, menv, "--data-dir", dir)
		code, body := s.get(t, "do-luong", "/metrics")
		m := regexp.MustCompile(`(?m)^kntc_backup_last_success_timestamp_seconds (\S+)$`).FindStringSubmatch(string(body))
		if code != http.StatusOK || m == nil || m[1] == "0" || !strings.Contains(string(body), "kntc_scrub_damaged_total 0") {
			t.Errorf("/metrics: %d, last backup %v", code, m)
		}
	})
	t.Run("postgres_minio", func(t *testing.T) {
		s3 := testenv.RequireS3(t)
		bucket := func(what string) string {
			b := make([]byte, 4)
			_, _ = rand.Read(b)
			return "kntc-" + what + "-" + hex.EncodeToString(b)
		}
		env := map[string]string{"KNTC_ADMIN_PASSWORD": adminPassword, "KNTC_SEAL_KEY": testSealKey, "KNTC_AUDIT_KEY": testAuditKey,
			"KNTC_BACKUP_KEY": testBackupKey, "KNTC_DATABASE_URL": testenv.PostgresDatabase(t),
			"KNTC_S3_ENDPOINT": s3.Endpoint, "KNTC_S3_ACCESS_KEY": s3.AccessKey, "KNTC_S3_SECRET_KEY": s3.SecretKey, "KNTC_S3_BUCKET": bucket("src"),
			"KNTC_BACKUP_S3_ACCESS_KEY": s3.AccessKey, "KNTC_BACKUP_S3_SECRET_KEY": s3.SecretKey}
		dir := t.TempDir()
		codes := populate(t, env, dir)
		target := "s3://" + s3.Endpoint + "/" + bucket("bak")
		kntcCmd(t, env, dir, "backup", "--to", target)
		before := capture(t, env, dir, codes)
		if out := kntcCmd(t, env, dir, "backup", "verify", "--from", target); !strings.Contains(out, "Nguyên vẹn (intact)") {
			t.Fatalf("backup verify: %s", out)
		}
		// Everything wiped: a new, empty database and bucket, a new data directory.
		env2 := maps.Clone(env)
		env2["KNTC_DATABASE_URL"], env2["KNTC_S3_BUCKET"] = testenv.PostgresDatabase(t), bucket("dst")
		dir2 := t.TempDir()
		out := kntcCmd(t, env2, dir2, "restore", "--from", target)
		if !strings.Contains(out, "Đã khôi phục") || !strings.Contains(out, "nguyên vẹn") {
			t.Fatalf("restore output: %s", out)
		}
		before.compare(t, capture(t, env2, dir2, codes))
		// A second restore into the now full database and bucket is refused.
		if out, err := kntcTry(t, env2, dir2, "restore", "--from", target); err == nil || !strings.Contains(out+err.Error(), "không trống") {
			t.Fatalf("restore over restored data: %v %s", err, out)
		}
	})
}

// damagedTargetRefused: a wrong key is refused with the target untouched; a copy of
// the target with one byte flipped fails verify and restore, each naming the file,
// and the failed restore leaves its empty data directory empty.
func damagedTargetRefused(t *testing.T, env map[string]string, dataDir, target string) {
	t.Helper()
	wrong := maps.Clone(env)
	wrong["KNTC_BACKUP_KEY"] = strings.Repeat("0f", 32)
	listing := func(dir string) []string {
		var files []string
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				info, _ := d.Info()
				files = append(files, p+" "+info.ModTime().String())
			}
			return nil
		})
		return files
	}
	before := listing(target)
	empty := t.TempDir()
	for _, args := range [][]string{{"backup", "--to", target}, {"backup", "verify", "--from", target}, {"restore", "--from", target}} {
		dir := empty
		if args[0] == "backup" && args[1] == "--to" {
			dir = dataDir
		}
		out, err := kntcTry(t, wrong, dir, args...)
		if err == nil || !strings.Contains(out+err.Error(), "sai khóa sao lưu (wrong backup key)") {
			t.Errorf("kntc %s with a wrong key: %v %s", strings.Join(args, " "), err, out)
		}
	}
	if !slices.Equal(before, listing(target)) {
		t.Error("the target changed under a wrong key")
	}

	bad := t.TempDir()
	must(t, os.CopyFS(bad, os.DirFS(target)))
	var victim string
	_ = filepath.WalkDir(filepath.Join(bad, "data"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && victim == "" {
			victim = p
		}
		return nil
	})
	data, err := os.ReadFile(victim)
	must(t, err)
	data[len(data)-5] ^= 0x20
	must(t, os.WriteFile(victim, data, 0o600))
	rel, _ := filepath.Rel(bad, victim)
	rel = filepath.ToSlash(rel)
	out, err := kntcTry(t, env, empty, "backup", "verify", "--from", bad)
	if err == nil || !strings.Contains(out, rel) {
		t.Errorf("verify of a damaged backup: %v, output does not name %s:\n%s", err, rel, out)
	}
	out, err = kntcTry(t, env, empty, "restore", "--from", bad)
	if err == nil || !strings.Contains(out+err.Error(), rel) {
		t.Errorf("restore from a damaged backup: %v, does not name %s:\n%s", err, rel, out)
	}
	if _, err := os.Stat(filepath.Join(empty, "kntc.db")); err == nil {
		t.Error("a failed restore left a database")
	}
	if n := len(objectsIn(filepath.Join(empty, "objects"))); n != 0 {
		t.Errorf("a failed restore left %d objects", n)
	}
}

func objectsIn(dir string) []string {
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, string(filepath.Separator)+".") {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// TestBackupSettings: the backup key apart from the other keys and from the data,
// and the schedule and retention read as documented.
func TestBackupSettings(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "backup.key")
	must(t, os.WriteFile(keyFile, []byte(testBackupKey+"\n"), 0o600))
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string // in the error; "" for none
	}{
		{"good", map[string]string{"KNTC_BACKUP_KEY": testBackupKey, "KNTC_BACKUP_TO": "s3://backup.internal:9000/kntc"}, ""},
		{"same as the sealing key", map[string]string{"KNTC_BACKUP_KEY": testSealKey, "KNTC_SEAL_KEY": testSealKey}, "must not be the seal-key"},
		{"same as the audit key", map[string]string{"KNTC_BACKUP_KEY": testAuditKey, "KNTC_AUDIT_KEY": testAuditKey}, "must not be the audit-key"},
		{"key file in the data directory", map[string]string{"KNTC_BACKUP_KEY_FILE": keyFile}, "inside the data directory"},
		{"short key", map[string]string{"KNTC_BACKUP_KEY": "abc"}, "32 byte"},
		{"bad target", map[string]string{"KNTC_BACKUP_TO": "ftp://x/y"}, "backup target"},
		{"bucket missing", map[string]string{"KNTC_BACKUP_TO": "s3://host:9000"}, "s3://HOST:PORT/BUCKET"},
		{"bad schedule", map[string]string{"KNTC_BACKUP_SCHEDULE": "25:00 sun"}, "backup-schedule"},
		{"bad day", map[string]string{"KNTC_BACKUP_SCHEDULE": "02:00 someday"}, "backup-schedule"},
		{"bad retention", map[string]string{"KNTC_BACKUP_KEEP": "daily=x"}, "backup-keep"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFlagSet("test", "", "", io.Discard)
			_, err := parseConfig(fs, envFunc(tc.env), []string{"--data-dir", dir})
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	sc, err := parseSchedule("02:30 sun")
	must(t, err)
	now := time.Date(2026, 12, 5, 3, 0, 0, 0, time.Local) // a Saturday, after 02:30
	if next := sc.next(now); !next.Equal(time.Date(2026, 12, 6, 2, 30, 0, 0, time.Local)) || next.Weekday() != sc.fullDay {
		t.Fatalf("next run %v, want Sunday 6 December 02:30 (the full one)", next)
	}
	if off, _ := parseSchedule("off"); !off.off {
		t.Fatal("off not read")
	}
	for in, want := range map[string]time.Time{
		"2026-12-01":           time.Date(2026, 12, 2, 0, 0, 0, 0, time.Local).Add(-time.Nanosecond), // the whole day
		"2026-12-01 14:00":     time.Date(2026, 12, 1, 14, 0, 0, 0, time.Local),
		"20261201T070000.000Z": time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC), // a backup's name
		"":                     {},
	} {
		if got, err := parseAt(in); err != nil || !got.Equal(want) {
			t.Errorf("--at %q: %v %v, want %v", in, got, err, want)
		}
	}
	if _, err := parseAt("hôm qua"); !errors.Is(err, errUsage) {
		t.Errorf("--at hôm qua: %v", err)
	}
}
