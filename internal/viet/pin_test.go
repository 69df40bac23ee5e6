package viet_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/viet"
)

// TestHelpersPinned pins what every helper returns for the cases the callers rely
// on: both tone placements, decomposed input, upper case, đ/Đ and the eth. The
// values are those of the helpers before they moved out of ocr, search and cases.
func TestHelpersPinned(t *testing.T) {
	tests := []struct {
		name                                 string
		in, nfc, tones, fold, key, foldWords string
	}{
		{"old-style hòa", "hòa", "hòa", "hoà", "hoa", "hoa", "hoa"},
		{"new-style hoà", "hoà", "hoà", "hoà", "hoa", "hoa", "hoa"},
		{"old-style thủy", "thủy", "thủy", "thuỷ", "thuy", "thuy", "thuy"},
		{"new-style thuỷ", "thuỷ", "thuỷ", "thuỷ", "thuy", "thuy", "thuy"},
		{"NFD input", norm.NFD.String("Thủy Hòa"), "Thủy Hòa", "Thuỷ Hoà", "Thuy Hoa", "thuy hoa", "thuy hoa"},
		{"upper case", "HÒA THỦY", "HÒA THỦY", "HOÀ THUỶ", "HOA THUY", "hoa thuy", "hoa thuy"},
		{"đ and Đ", "Đơn đề nghị", "Đơn đề nghị", "Đơn đề nghị", "Don de nghi", "don de nghi", "don de nghi"},
		{"upper Đ with tone", "ĐÌNH", "ĐÌNH", "ĐÌNH", "DINH", "dinh", "dinh"},
		{"eth from OCR", "QÐ-UBND ð", "QÐ-UBND ð", "QÐ-UBND ð", "QD-UBND d", "qd-ubnd d", "qd ubnd d"},
		{"punctuation", "Khỏe, khoẻ!", "Khỏe, khoẻ!", "Khoẻ, khoẻ!", "Khoe, khoe!", "khoe, khoe!", "khoe khoe"},
		{"spaces", "Người  nước\tngoài", "Người  nước\tngoài", "Người  nước\tngoài", "Nguoi  nuoc\tngoai", "nguoi nuoc ngoai", "nguoi nuoc ngoai"},
		{"foreign and digits", "café 12/2015", "café 12/2015", "café 12/2015", "cafe 12/2015", "cafe 12/2015", "cafe 12 2015"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct{ fn, got, want string }{
				{"NFC", viet.NFC(tt.in), tt.nfc},
				{"CanonicalTones", viet.CanonicalTones(tt.in), tt.tones},
				{"Fold", viet.Fold(tt.in), tt.fold},
				{"FoldKey", viet.FoldKey(tt.in), tt.key},
				{"FoldWords", viet.FoldWords(tt.in), tt.foldWords},
			} {
				if c.got != c.want {
					t.Errorf("%s(%q) = %q, want %q", c.fn, tt.in, c.got, c.want)
				}
			}
		})
	}
}

func TestSyllablesAndTones(t *testing.T) {
	tests := []struct {
		name, in     string
		syllable     bool
		withoutTones string
	}{
		{"old-style hòa", "hòa", true, "hoa"},
		{"new-style hoà", "hoà", true, "hoa"},
		{"old-style thủy", "thủy", true, "thuy"},
		{"new-style thuỷ", "thuỷ", true, "thuy"},
		{"NFD input is not checked", norm.NFD.String("thủy"), false, "thuy"},
		{"upper case", "HÒA", true, "HOA"},
		{"Đ keeps its bar", "Đức", true, "Đưc"},
		{"đ and ươ", "đường", true, "đương"},
		{"qu", "quý", true, "quy"},
		{"gi before a final", "gìn", true, "gin"},
		{"old-style ươ", "ngừơi", true, "ngươi"},
		{"telex leftover", "hoaf", false, "hoaf"},
		{"no vowel", "xyz", false, "xyz"},
		{"two đ", "ĐĐ", false, "ĐĐ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := viet.IsSyllable(tt.in); got != tt.syllable {
				t.Errorf("IsSyllable(%q) = %v, want %v", tt.in, got, tt.syllable)
			}
			if got := viet.WithoutTones(tt.in); got != tt.withoutTones {
				t.Errorf("WithoutTones(%q) = %q, want %q", tt.in, got, tt.withoutTones)
			}
		})
	}
}

// TestSingleD: the eth becomes Đ, and a doubled Đ (OCR's "QĐÐ") one letter;
// words with one Đ are left as they are.
func TestSingleD(t *testing.T) {
	for in, want := range map[string]string{
		"355/2015/QĐÐ-UBND": "355/2015/QĐ-UBND",
		"QĐĐ-UBND đđã":      "QĐ-UBND đã",
		"ĐÐđ":               "Đ",
		"Đơn đề nghị":       "Đơn đề nghị",
		"QÐ-UBND":           "QĐ-UBND",
		"":                  "",
	} {
		if got := viet.SingleD(in); got != want {
			t.Errorf("SingleD(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReplaceEth(t *testing.T) {
	if got, want := viet.ReplaceEth("QÐ-UBND ð Đđ"), "QĐ-UBND đ Đđ"; got != want {
		t.Errorf("ReplaceEth = %q, want %q", got, want)
	}
}
