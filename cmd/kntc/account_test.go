package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// kntcIn runs kntc commands on data directory dir and returns their output
// (standard output, then standard error and the error).
func kntcIn(t *testing.T, dir string) func(stdin string, args ...string) (string, error) {
	return func(stdin string, args ...string) (string, error) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append(args, "--data-dir", dir), envFunc(nil), strings.NewReader(stdin), &stdout, &stderr)
		if err != nil {
			stderr.WriteString(err.Error())
		}
		return stdout.String() + stderr.String(), err
	}
}

// TestAccountCommandsOnNewDataDir: on a new data directory, adding a unit under
// the root or a user makes the root unit as serve would; users are listed with
// their IDs, disabled, enabled and given another role, unit and scope; the last
// active administrator stays; duplicates are answered in words.
func TestAccountCommandsOnNewDataDir(t *testing.T) {
	dir := t.TempDir()
	kntc := kntcIn(t, dir)
	steps := []struct {
		name, stdin string
		args        []string
		want        string
		fails       bool
	}{
		{"unit under the root of a new directory", "", []string{"unit", "add", "--code", "STNMT", "--name", "Sở Tài nguyên và Môi trường", "--level", "department", "--parent", "TINH"}, "Đã tạo đơn vị gốc (root unit created): TINH", false},
		{"duplicate unit", "", []string{"unit", "add", "--code", "STNMT", "--name", "Trùng", "--level", "department", "--parent", "TINH"}, "mã đơn vị STNMT đã có (the unit code STNMT is taken)", true},
		{"user", "mật-khẩu-đủ-dài-rồi\n", []string{"user", "add", "--username", "thu.tran", "--full-name", "Trần Thị Thu", "--role", "handler", "--unit", "STNMT", "--password-stdin"}, "thu.tran", false},
		{"duplicate user", "mật-khẩu-đủ-dài-rồi\n", []string{"user", "add", "--username", "thu.tran", "--role", "clerk", "--unit", "STNMT", "--password-stdin"}, "tên đăng nhập thu.tran đã có (the username thu.tran is taken)", true},
		{"administrator", "mật-khẩu-đủ-dài-rồi\n", []string{"user", "add", "--username", "quan.tri", "--role", "administrator", "--unit", "TINH", "--password-stdin"}, "quan.tri", false},
		{"disable", "", []string{"user", "disable", "thu.tran"}, "Đã khoá tài khoản (user disabled): thu.tran", false},
		{"list shows disabled", "", []string{"user", "list"}, "khoá (disabled)", false},
		{"enable", "", []string{"user", "enable", "thu.tran"}, "Đã mở lại tài khoản (user enabled): thu.tran", false},
		{"set-role", "", []string{"user", "set-role", "thu.tran", "leader", "--unit", "TINH"}, "vai trò (role) leader, đơn vị (unit) TINH, phạm vi (scope) TINH", false},
		{"set-role scope", "", []string{"user", "set-role", "thu.tran", "leader", "--scope", "STNMT"}, "phạm vi (scope) STNMT", false},
		{"bad role", "", []string{"user", "set-role", "thu.tran", "vua"}, "vai trò", true},
		{"unknown unit", "", []string{"user", "set-role", "thu.tran", "leader", "--unit", "KHONG"}, "KHONG", true},
		{"unknown user", "", []string{"user", "disable", "khong.co"}, "khong.co", true},
		{"last administrator", "", []string{"user", "disable", "quan.tri"}, "quản trị viên cuối cùng", true},
		{"last administrator demoted", "", []string{"user", "set-role", "quan.tri", "clerk"}, "last active administrator", true},
		{"no username", "", []string{"user", "disable"}, "USERNAME", true},
	}
	for _, st := range steps {
		out, err := kntc(st.stdin, st.args...)
		if (err != nil) != st.fails {
			t.Fatalf("%s: err %v, output:\n%s", st.name, err, out)
		}
		if !strings.Contains(out, st.want) {
			t.Fatalf("%s: output lacks %q:\n%s", st.name, st.want, out)
		}
		if strings.Contains(strings.ToUpper(out), "UNIQUE") {
			t.Fatalf("%s: the database's own text reached the user:\n%s", st.name, out)
		}
	}
	out, err := kntc("", "user", "list")
	must(t, err)
	// A table: the header, then one row a user with its ID first.
	if !regexp.MustCompile(`(?m)^ID\s+TÊN ĐĂNG NHẬP \(USERNAME\)`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^1\s+thu\.tran\s+Trần Thị Thu\s+leader\s+TINH\s+STNMT\s+hoạt động \(active\)$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^2\s+quan\.tri\s+.*administrator\s+TINH\s+TINH\s+hoạt động`).MatchString(out) {
		t.Fatalf("user list:\n%s", out)
	}
	out, err = kntc("", "unit", "list")
	must(t, err)
	if !regexp.MustCompile(`(?m)^TINH\s+Ủy ban nhân dân tỉnh\s+province\s+1$`).MatchString(out) || !strings.Contains(out, "  STNMT") {
		t.Fatalf("unit list:\n%s", out)
	}
	// user add alone also makes the root on a new directory.
	dir2 := t.TempDir()
	out, err = kntcIn(t, dir2)("mật-khẩu-đủ-dài-rồi\n", "user", "add", "--username", "dau.tien", "--role", "administrator", "--unit", "TINH", "--password-stdin")
	if err != nil || !strings.Contains(out, "root unit created") {
		t.Fatalf("user add on a new directory: %v\n%s", err, out)
	}
}

// TestReadingCommandsNeedADatabase: a command that only reads, run where there is
// no database, says so and fails, and leaves no database (or directory) behind.
func TestReadingCommandsNeedADatabase(t *testing.T) {
	for _, args := range [][]string{{"unit", "list"}, {"user", "list"}, {"verify"}, {"reindex", "--check"}, {"reindex"}, {"audit", "anchors"}, {"search", "đất"}} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			empty := t.TempDir()
			missing := filepath.Join(t.TempDir(), "khong-co")
			for _, dir := range []string{empty, missing} {
				out, err := kntcIn(t, dir)("", args...)
				if err == nil || exitCode(err) == 0 {
					t.Fatalf("kntc %s in %s succeeded:\n%s", strings.Join(args, " "), dir, out)
				}
				want := "không có cơ sở dữ liệu kntc trong " + dir
				if args[0] == "search" {
					want = "không có chỉ mục tìm kiếm kntc trong " + dir
				}
				if !strings.Contains(out, want) || !strings.Contains(out, "--data-dir") {
					t.Fatalf("kntc %s: output lacks %q:\n%s", strings.Join(args, " "), want, out)
				}
				if _, err := os.Stat(filepath.Join(dir, "kntc.db")); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("kntc %s left a database: %v", strings.Join(args, " "), err)
				}
			}
			if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("kntc %s made the data directory", strings.Join(args, " "))
			}
		})
	}
}
