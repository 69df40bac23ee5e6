package viet_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/viet"
)

// The -update flag rewrites the golden files. Other test files of the package may
// declare the same flag, so it is declared only when nobody else has.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

func viUpdating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

func TestCanonicalTones(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"oa open old style", "hòa", "hoà"},
		{"oa open new style", "hoà", "hoà"},
		{"uy open old style", "thúy", "thuý"},
		{"uy open new style", "thuý", "thuý"},
		{"oe open old style", "khỏe", "khoẻ"},
		{"oe open new style", "khoẻ", "khoẻ"},
		{"qu then y", "qúy", "quý"},
		{"qu then y kept", "quý", "quý"},
		{"qu then y closed", "quỳnh", "quỳnh"},
		{"qu then a", "qủa", "quả"},
		{"gi then a", "gía", "giá"},
		{"two tones", "gịữ", "gịữ"}, // not a syllable: unchanged
		{"gi alone", "gì", "gì"},
		{"gi then final", "gìn", "gìn"},
		{"ươ takes ơ", "ngừơi", "người"},
		{"uô takes ô", "mùôn", "muồn"},
		{"closed oa", "hòang", "hoàng"},
		{"closed uy", "hủynh", "huỷnh"},
		{"first vowel without glide", "muà", "mùa"},
		{"oi", "goí", "gói"},
		{"oai", "khóai", "khoái"},
		{"oeo", "ngọeo", "ngoẹo"},
		{"uyu", "khủyu", "khuỷu"},
		{"ươu", "rựơu", "rượu"},
		{"upper case", "HÒA", "HOÀ"},
		{"title case", "Thúy", "Thuý"},
		{"upper Đ", "ĐỨC", "ĐỨC"},
		{"sentence", "Xã Hòa Thành, huyện Hòa Thuận: hòa giải thành.", "Xã Hoà Thành, huyện Hoà Thuận: hoà giải thành."},
		{"foreign word", "café résumé Pokémon", "café résumé Pokémon"},
		{"decomposed input", norm.NFD.String("hòa"), "hoà"},
		{"no tone", "hoa", "hoa"},
		{"numbers and symbols", "Số: 47/2015/QĐ-UBND", "Số: 47/2015/QĐ-UBND"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := viet.CanonicalTones(tt.in)
			if got != tt.want {
				t.Errorf("CanonicalTones(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := viet.CanonicalTones(got); again != got {
				t.Errorf("not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"tones and vowel marks", "Quyết định giải quyết khiếu nại", "Quyet dinh giai quyet khieu nai"},
		{"đ and Đ", "Đơn đề nghị", "Don de nghi"},
		{"eth look-alike from OCR", "QÐ-UBND", "QD-UBND"},
		{"ư ơ ă â ê ô", "ưa ơi ăn ân ên ôn", "ua oi an an en on"},
		{"upper case", "HÒA THÀNH", "HOA THANH"},
		{"decomposed input", norm.NFD.String("khiếu nại"), "khieu nai"},
		{"other Latin", "café naïve", "cafe naive"},
		{"no decomposition", "ø ł", "ø ł"},
		{"ascii", "UBND tỉnh", "UBND tinh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := viet.Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestVietnameseGolden runs the three functions over testdata/vietnamese.txt and
// compares with testdata/vietnamese.golden (go test -run Golden -update rewrites it).
func TestVietnameseGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "vietnamese.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	out.WriteString("# input | NFC when different | CanonicalTones | Fold\n")
	for line := range strings.Lines(string(in)) {
		line = strings.TrimRight(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		nfc := viet.NFC(line)
		fmt.Fprintf(&out, "in:    %s\n", line)
		if nfc != line {
			fmt.Fprintf(&out, "nfc:   %s\n", nfc)
		}
		fmt.Fprintf(&out, "tones: %s\nfold:  %s\n\n", viet.CanonicalTones(line), viet.Fold(line))
	}
	golden := filepath.Join("testdata", "vietnamese.golden")
	if viUpdating() {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("output differs from %s; run go test -run Golden -update and review the diff\n%s", golden, viFirstDiff(out.String(), string(want)))
	}
}

func viFirstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %q\n want %q", i+1, gl, wl)
		}
	}
	return ""
}

func FuzzVietnamese(f *testing.F) {
	for _, s := range []string{"hòa", "Thuý", "qúy", "gìn giữ", "NGỪƠI", norm.NFD.String("khiếu nại"),
		"a\u0301\u0323", "Đ\u0301", "\u0301hoa", "x\xffy", "ǅ", "ﬁ", "ᄀ\u1161", "ক\u09cb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := viet.CanonicalTones(s)
		fold := viet.Fold(s)
		n := viet.NFC(s)
		for name, v := range map[string]string{"NFC": n, "CanonicalTones": c, "Fold": fold} {
			if !norm.NFC.IsNormalString(v) {
				t.Errorf("%s(%q) = %q is not NFC", name, s, v)
			}
		}
		if again := viet.CanonicalTones(c); again != c {
			t.Errorf("CanonicalTones not idempotent on %q: %q then %q", s, c, again)
		}
		if fc := viet.Fold(c); fc != fold {
			t.Errorf("Fold(CanonicalTones(%q)) = %q, Fold = %q", s, fc, fold)
		}
		if ff := viet.Fold(fold); ff != fold {
			t.Errorf("Fold not idempotent on %q: %q then %q", s, fold, ff)
		}
	})
}

func BenchmarkCanonicalTones(b *testing.B) {
	s := "Quyết định về việc giải quyết khiếu nại của bà Nguyễn Thị Thuý, xã Hòa Thành"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		viet.CanonicalTones(s)
	}
}

func BenchmarkFold(b *testing.B) {
	s := "Quyết định về việc giải quyết khiếu nại của bà Nguyễn Thị Thuý, xã Hòa Thành"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		viet.Fold(s)
	}
}

func BenchmarkIsSyllable(b *testing.B) {
	ws := strings.Fields("quyết định về việc giải quyết khiếu nại của bà Nguyễn Thị Thuý xã Hòa Thành qxz")
	for b.Loop() {
		for _, w := range ws {
			viet.IsSyllable(w)
		}
	}
}
