package auth_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"kntc/auth"
	"kntc/internal/errs"
)

func TestSubtreeAndScope(t *testing.T) {
	units := []auth.Unit{
		{ID: 1, Code: "TINH"},
		{ID: 2, Code: "STNMT", ParentID: 1},
		{ID: 3, Code: "HT", ParentID: 1},
		{ID: 4, Code: "HT-LTT", ParentID: 3},
		{ID: 5, Code: "HT-LTB", ParentID: 3},
	}
	tests := []struct {
		name string
		root int64
		want []int64
	}{
		{"province", 1, []int64{1, 2, 3, 4, 5}},
		{"district", 3, []int64{3, 4, 5}},
		{"commune", 4, []int64{4}},
		{"unknown", 99, []int64{99}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := auth.Subtree(units, tt.root)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("Subtree(%d) = %v, want %v", tt.root, got, tt.want)
			}
		})
	}
	sc := auth.Scope{Codes: []string{"HT", "HT-LTT"}}
	if !sc.Allows("HT-LTT") || sc.Allows("STNMT") || sc.Allows("") {
		t.Fatal("a district scope allows the wrong units")
	}
	if !(auth.Scope{All: true}).Allows("BAT-KY") {
		t.Fatal("a province-wide scope refuses a unit")
	}
	if (auth.Scope{Codes: []string{}}).Allows("TINH") {
		t.Fatal("an empty scope allows something")
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name string
		unit auth.Unit
		ok   bool
	}{
		{"good", auth.Unit{Code: "STNMT", Name: "Sở Tài nguyên và Môi trường", Level: auth.LevelDepartment}, true},
		{"diacritics in code", auth.Unit{Code: "SỞ", Name: "x", Level: auth.LevelDepartment}, false},
		{"no name", auth.Unit{Code: "X", Name: "  ", Level: auth.LevelCommune}, false},
		{"bad level", auth.Unit{Code: "X", Name: "x", Level: "thôn"}, false},
		{"long code", auth.Unit{Code: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", Name: "x", Level: auth.LevelCommune}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.ValidateUnit(&tt.unit)
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, errs.ErrInvalid)) {
				t.Fatalf("ValidateUnit: %v, want ok=%v", err, tt.ok)
			}
		})
	}
	for _, name := range []string{"lan.nguyen", "van_thu-2"} {
		if err := auth.ValidateUsername(name); err != nil {
			t.Errorf("%q refused: %v", name, err)
		}
	}
	for _, name := range []string{"ab", "Lan", "lan nguyen", "lân"} {
		if err := auth.ValidateUsername(name); !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("%q accepted", name)
		}
	}
	hash, err := auth.HashPassword("mật khẩu đủ dài")
	if err != nil || !auth.CheckPassword(hash, "mật khẩu đủ dài") || auth.CheckPassword(hash, "mật khẩu khác") {
		t.Fatalf("argon2id round trip: %v", err)
	}
	// The same password typed in NFD (as some keyboards send it) matches.
	if !auth.CheckPassword(hash, "mật khẩu đủ dài") {
		t.Fatal("an NFD spelling of the password does not match")
	}
	if _, err := auth.HashPassword("ngắn"); !errors.Is(err, errs.ErrInvalid) {
		t.Fatal("a short password was accepted")
	}
}

func TestPasswordOfRealCharacters(t *testing.T) {
	tests := []struct {
		name     string
		password string
		ok       bool
	}{
		{"ten letters", "mậtkhẩuđủ1", true},
		{"spaces inside count", "mật khẩu đủ", true},
		{"ten spaces", "          ", false},
		{"tabs and spaces", "\t \t \t \t \t ", false},
		{"short with spaces around", "   ngắn quá   ", false},
		{"NUL inside", "mật-khẩu\x00đủ-dài", false},
		{"line break inside", "mật-khẩu\nđủ-dài", false},
		{"C1 control", "mật-khẩu\u0085đủ-dài", false},
		{"invalid UTF-8", "mật-khẩu-\xff-đủ-dài", false},
		{"ten characters in NFD", "mật-khẩu-đ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := auth.HashPassword(tt.password)
			if tt.ok && err != nil {
				t.Fatalf("HashPassword(%q): %v", tt.password, err)
			}
			if !tt.ok && !errors.Is(err, errs.ErrInvalid) {
				t.Fatalf("HashPassword(%q) = %v, want ErrInvalid", tt.password, err)
			}
		})
	}
}

func TestUnitNameChecked(t *testing.T) {
	for _, name := range []string{"Sở\u202e Tài nguyên", "Sở\x00Tài nguyên", "\u200b", strings.Repeat("Sở ", 100)} {
		u := auth.Unit{Code: "STNMT", Name: name, Level: auth.LevelDepartment}
		err := auth.ValidateUnit(&u)
		if !errors.Is(err, errs.ErrInvalid) || !strings.Contains(err.Error(), "tên đơn vị") {
			t.Errorf("unit name %q: %v, want a problem naming the field", name, err)
		}
	}
	u := auth.Unit{Code: "STNMT", Name: " Sở Tài nguyên\u200b và Môi trường ", Level: auth.LevelDepartment}
	if err := auth.ValidateUnit(&u); err != nil || u.Name != "Sở Tài nguyên và Môi trường" {
		t.Fatalf("ValidateUnit: %v, name %q", err, u.Name)
	}
}
