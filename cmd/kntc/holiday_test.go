package main

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// TestHolidayCommands: the command line keeps the working-day calendar, seeded
// with 2026, and each change is audited under "cli".
func TestHolidayCommands(t *testing.T) {
	dir := t.TempDir()
	kntc := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append(args, "--data-dir", dir), envFunc(nil), strings.NewReader(""), &stdout, &stderr)
		if err != nil {
			stderr.WriteString(err.Error())
		}
		return stdout.String() + stderr.String(), err
	}
	steps := []struct {
		name  string
		args  []string
		want  string
		fails bool
	}{
		{"seeded Tết 2026", []string{"holiday", "list", "--year", "2026"}, "2026-02-17  Thứ Ba", false},
		{"add a make-up Saturday", []string{"holiday", "add", "--working", "2026-03-07", "Làm bù"}, "2026-03-07 Làm bù", false},
		{"listed", []string{"holiday", "list", "--year", "2026"}, "làm bù (working)", false},
		{"a make-up weekday is refused", []string{"holiday", "add", "--working", "2026-03-05", "Làm bù"}, "thứ Bảy, Chủ nhật", true},
		{"a bad date", []string{"holiday", "add", "05/03/2026", "Nghỉ"}, "YYYY-MM-DD", true},
		{"no name", []string{"holiday", "add", "2026-03-06"}, "DATE NAME", true},
		{"remove", []string{"holiday", "remove", "2026-03-07"}, "2026-03-07", false},
		{"remove again", []string{"holiday", "remove", "2026-03-07"}, "", true},
		{"gone", []string{"holiday", "list", "--year", "2026"}, "Giỗ Tổ Hùng Vương", false},
	}
	for _, st := range steps {
		out, err := kntc(st.args...)
		if (err != nil) != st.fails {
			t.Fatalf("%s: err %v, output:\n%s", st.name, err, out)
		}
		if !strings.Contains(out, st.want) {
			t.Fatalf("%s: output lacks %q:\n%s", st.name, st.want, out)
		}
		if st.name == "gone" && strings.Contains(out, "2026-03-07") {
			t.Fatalf("the removed day is still listed:\n%s", out)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "kntc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE username = 'cli' AND object = 'holiday:2026-03-07'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("audit entries of the command line's changes: %d, %v; want 2 (create, delete)", n, err)
	}
}
