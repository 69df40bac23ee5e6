package vnlegacy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/testenv"
	"kntc/internal/vnlegacy"
	"kntc/internal/vnlegacy/vnlegacytest"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name, in, want string
		enc            vnlegacy.Encoding
	}{
		{"TCVN3", "QuyÕt ®Þnh", "Quyết định", vnlegacy.TCVN3},
		{"TCVN3 motto", "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc",
			"Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc", vnlegacy.TCVN3},
		{"TCVN3 heading in an H font", "QUYÕT ®ÞNH vÒ viÖc gi¶i quyÕt khiÕu n¹i",
			"QUYẾT ĐỊNH về việc giải quyết khiếu nại", vnlegacy.TCVN3},
		{"VNI", "Quyeát ñònh", "Quyết định", vnlegacy.VNI},
		{"VNI motto", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc",
			"Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc", vnlegacy.VNI},
		{"VNI capitals", "QUYEÁT ÑÒNH giaûi quyeát khieáu naïi laàn ñaàu", "QUYẾT ĐỊNH giải quyết khiếu nại lần đầu", vnlegacy.VNI},
		{"VNI horn letters", "Ngöôøi daân ñaõ ñöôïc höôùng daãn", "Người dân đã được hướng dẫn", vnlegacy.VNI},
		{"mixed: a Unicode line is kept", "ỦY BAN NHÂN DÂN\nQuyÕt ®Þnh vÒ viÖc thô lý ®¬n khiÕu n¹i",
			"ỦY BAN NHÂN DÂN\nQuyết định về việc thụ lý đơn khiếu nại", vnlegacy.TCVN3},
		// Unicode Vietnamese with only Latin-1 letters on a line: TCVN3 would turn
		// "tháng" into "thỏng" and VNI "có" into "cĩ"; the line must stay.
		{"Unicode, Latin-1 letters only", "Tây Ninh, ngày 5 tháng 3\nBà Lê có đơn", "Tây Ninh, ngày 5 tháng 3\nBà Lê có đơn", vnlegacy.Unicode},
		{"Unicode, short", "có và là", "có và là", vnlegacy.Unicode},
		{"Unicode", "Quyết định giải quyết khiếu nại lần đầu", "Quyết định giải quyết khiếu nại lần đầu", vnlegacy.Unicode},
		{"Unicode decomposed", norm.NFD.String("Quyết định"), "Quyết định", vnlegacy.Unicode},
		{"English", "The committee resolved the complaint.", "The committee resolved the complaint.", vnlegacy.Unicode},
		{"French", "Le café de la résidence était fermé à côté.", "Le café de la résidence était fermé à côté.", vnlegacy.Unicode},
		{"without diacritics", "Don khieu nai cua ba Lan", "Don khieu nai cua ba Lan", vnlegacy.Unicode},
		{"empty", "", "", vnlegacy.Unicode},
		{"one TCVN3 word is too little evidence", "®Þnh", "®Þnh", vnlegacy.Unicode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc := vnlegacy.Convert(tt.in)
			if got != tt.want || enc != tt.enc {
				t.Errorf("Convert(%q) = %q, %v; want %q, %v", tt.in, got, enc, tt.want, tt.enc)
			}
			if d := vnlegacy.Detect(tt.in); d != tt.enc {
				t.Errorf("Detect(%q) = %v, want %v", tt.in, d, tt.enc)
			}
		})
	}
}

// TestSamples measures the detector on the sample texts: as they are (Unicode) it
// must change nothing, and written in TCVN3 or VNI it must give them back.
func TestSamples(t *testing.T) {
	dir := testenv.RequireSamples(t)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(paths) == 0 {
		t.Fatalf("no sample texts in %s", dir)
	}
	var files, lines, tcvnLines, tcvnOK, vniOK int
	for _, f := range paths {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := norm.NFC.String(string(b))
		if got, enc := vnlegacy.Convert(text); got != text || enc != vnlegacy.Unicode {
			t.Errorf("%s: Unicode text detected as %v and changed", filepath.Base(f), enc)
		}
		// A whole text: its encoding decided on all of it, every line converted.
		if got, enc := vnlegacy.Convert(vnlegacytest.ToVNI(text)); got != text || enc != vnlegacy.VNI {
			t.Errorf("%s in VNI: detected as %v, text back %v", filepath.Base(f), enc, got == text)
		}
		want := vnlegacy.FromTCVN3(vnlegacytest.ToTCVN3(text)) // capitals with tone marks become small
		if got, enc := vnlegacy.Convert(vnlegacytest.ToTCVN3(text)); got != want || enc != vnlegacy.TCVN3 {
			t.Errorf("%s in TCVN3: detected as %v, text back %v", filepath.Base(f), enc, got == want)
		}
		files++
		for line := range strings.Lines(text) {
			line = strings.TrimSpace(line)
			if len(strings.Fields(line)) < 4 {
				continue // headings and numbers: too little to tell an encoding by
			}
			lines++
			if got, enc := vnlegacy.Convert(line); got != line || enc != vnlegacy.Unicode {
				t.Errorf("%s: Unicode line changed (%v): %q → %q", filepath.Base(f), enc, line, got)
			}
			if got, _ := vnlegacy.Convert(vnlegacytest.ToVNI(line)); got == line {
				vniOK++
			}
			// TCVN3 has no capitals with tone marks: lines with one cannot come back.
			tcvn := vnlegacytest.ToTCVN3(line)
			if vnlegacy.FromTCVN3(tcvn) != line {
				continue
			}
			tcvnLines++
			if got, _ := vnlegacy.Convert(tcvn); got == line {
				tcvnOK++
			}
		}
	}
	t.Logf("%d sample texts unchanged as Unicode and back whole from VNI and TCVN3; line by line, "+
		"%d lines of 4 words or more unchanged, %d/%d back from VNI, %d/%d back from TCVN3",
		files, lines, vniOK, lines, tcvnOK, tcvnLines)
	// Alone, a line is converted only with clear evidence, so a few short ones
	// whose words are mostly ASCII stay as they are; nearly all must come back.
	if vniOK*100 < lines*97 || tcvnOK*100 < tcvnLines*97 {
		t.Errorf("too few lines converted back: VNI %d/%d, TCVN3 %d/%d", vniOK, lines, tcvnOK, tcvnLines)
	}
}

// FuzzConvert checks on any text that Convert returns valid UTF-8 in NFC and
// never changes a line holding a letter only Unicode has.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{"QuyÕt ®Þnh", "Quyeát ñònh", "ỦY BAN\nQuyÕt ®Þnh vÒ viÖc", "có và là", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := vnlegacy.Convert(s)
		if !utf8.ValidString(got) && utf8.ValidString(s) {
			t.Fatalf("Convert(%q) = %q: not UTF-8", s, got)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Fatalf("Convert(%q) = %q: not NFC", s, got)
		}
		if strings.Count(s, "\n") == 0 && strings.ContainsAny(s, "ăđơưạếộ") && got != norm.NFC.String(s) {
			t.Fatalf("Convert(%q) = %q changed a Unicode line", s, got)
		}
	})
}
