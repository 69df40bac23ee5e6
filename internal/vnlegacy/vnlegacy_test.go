package vnlegacy_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
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
		// TCVN3's ư (0xAD) read as a hyphen, as pdftotext gives it from a font
		// without a Unicode table; a hyphen between parts stays.
		{"TCVN3 ư read as a hyphen", "«ng Tr-¬ng V¨n L-u, ng-êi khiÕu n¹i sè 12/Q§-UBND",
			"ông Trương Văn Lưu, người khiếu nại số 12/QĐ-UBND", vnlegacy.TCVN3},
		{"VNI", "Quyeát ñònh", "Quyết định", vnlegacy.VNI},
		{"VNI motto", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc",
			"Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc", vnlegacy.VNI},
		{"VNI capitals", "QUYEÁT ÑÒNH giaûi quyeát khieáu naïi laàn ñaàu", "QUYẾT ĐỊNH giải quyết khiếu nại lần đầu", vnlegacy.VNI},
		{"VNI horn letters", "Ngöôøi daân ñaõ ñöôïc höôùng daãn", "Người dân đã được hướng dẫn", vnlegacy.VNI},
		{"mixed: a Unicode line is kept", "ỦY BAN NHÂN DÂN\nQuyÕt ®Þnh vÒ viÖc thô lý ®¬n khiÕu n¹i",
			"ỦY BAN NHÂN DÂN\nQuyết định về việc thụ lý đơn khiếu nại", vnlegacy.TCVN3},
		// Unicode Vietnamese with only Latin-1 letters on a line: TCVN3 would turn
		// "tháng" into "thỏng" and VNI "có" into "cĩ"; the line must stay.
		// A line joining a Unicode run and a legacy one, as a PDF's text layer
		// gives it: the legacy part is converted, the Unicode part kept, including
		// its words without a Unicode-only letter ("tháng", "có").
		{"mixed in a line: Unicode, then TCVN3", "Căn cứ Luật Khiếu nại ngµy 11 th¸ng 11 n¨m 2011 cña Quèc héi",
			"Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011 của Quốc hội", vnlegacy.TCVN3},
		{"mixed in a line: VNI, then Unicode", "Nhöõng ngöôøi ñöôïc môøi tháng 3 năm 2024 tại trụ sở",
			"Những người được mời tháng 3 năm 2024 tại trụ sở", vnlegacy.VNI},
		{"mixed in a line: Unicode words next to TCVN3 kept", "xÐt ®¬n khiÕu n¹i cña «ng Hïng, bà Lê có đơn ngày 5 tháng 3",
			"xét đơn khiếu nại của ông Hùng, bà Lê có đơn ngày 5 tháng 3", vnlegacy.TCVN3},
		// A line whose own encoding is clear is converted in it.
		{"a VNI line in a TCVN3 text", "QuyÕt ®Þnh vÒ viÖc thô lý ®¬n khiÕu n¹i lÇn ®Çu cña «ng NguyÔn V¨n Hïng\nNhöõng ngöôøi ñöôïc môøi",
			"Quyết định về việc thụ lý đơn khiếu nại lần đầu của ông Nguyễn Văn Hùng\nNhững người được mời", vnlegacy.TCVN3},
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
	mixedLines(t, paths)
	// Alone, a line is converted only with clear evidence, so a few short ones
	// whose words are mostly ASCII stay as they are; nearly all must come back.
	if vniOK*100 < lines*97 || tcvnOK*100 < tcvnLines*97 {
		t.Errorf("too few lines converted back: VNI %d/%d, TCVN3 %d/%d", vniOK, lines, tcvnOK, tcvnLines)
	}
}

// mixedLines measures text whose lines join a Unicode run and a legacy one, as a
// PDF's text layer gives them: in each sample text, every line of 8 words or
// more has the first half of its words in Unicode and the second in TCVN3 (or
// the first in VNI and the second in Unicode), and the text is converted whole,
// as a page is. A Unicode half holding a Unicode-only letter must never change
// (one without is Unicode only by its font, which a text layer does not give);
// nearly all lines must come back whole.
func mixedLines(t *testing.T, paths []string) {
	var n, tcvnN, tcvnOK, vniOK, plain int
	for _, f := range paths {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		type mixed struct{ uni, want string }
		var tcvnIn, vniIn []string
		var tcvnWant, vniWant []mixed
		for line := range strings.Lines(norm.NFC.String(string(b))) {
			words := strings.Fields(line)
			if len(words) < 8 {
				continue
			}
			half := len(words) / 2
			first, second := strings.Join(words[:half], " "), strings.Join(words[half:], " ")
			n++
			// TCVN3 has no capitals with tone marks: only halves it can write.
			if legacy := vnlegacytest.ToTCVN3(second); vnlegacy.FromTCVN3(legacy) == second {
				tcvnIn = append(tcvnIn, first+" "+legacy)
				tcvnWant = append(tcvnWant, mixed{first, first + " " + second})
			}
			vniIn = append(vniIn, vnlegacytest.ToVNI(first)+" "+second)
			vniWant = append(vniWant, mixed{second, first + " " + second})
		}
		check := func(in []string, want []mixed, prefix bool) (ok int) {
			got, _ := vnlegacy.Convert(strings.Join(in, "\n"))
			for i, g := range strings.Split(got, "\n") {
				w := want[i]
				if g == w.want {
					ok++
				}
				kept := prefix && strings.HasPrefix(g, w.uni+" ") || !prefix && strings.HasSuffix(g, " "+w.uni)
				switch {
				case kept:
				case strings.ContainsFunc(w.uni, vnlegacy.UnicodeOnly):
					t.Errorf("%s: Unicode half changed: %q → %q", filepath.Base(f), w.uni, g)
				default:
					plain++
				}
			}
			return ok
		}
		tcvnN += len(tcvnIn)
		tcvnOK += check(tcvnIn, tcvnWant, true)
		vniOK += check(vniIn, vniWant, false)
	}
	t.Logf("%d lines of 8 words or more, half Unicode and half legacy, a text at a time: back whole %d/%d with TCVN3, %d/%d with VNI; "+
		"Unicode halves with a Unicode-only letter never changed, %d without one changed",
		n, tcvnOK, tcvnN, vniOK, n, plain)
	if tcvnOK*100 < tcvnN*85 || vniOK*100 < n*80 {
		t.Errorf("too few mixed lines back: TCVN3 %d/%d, VNI %d/%d", tcvnOK, tcvnN, vniOK, n)
	}
}

// uniWords are the words of s (runs of letters, marks and Latin-1 symbols) that
// hold a letter only Unicode has.
func uniWords(s string) []string {
	var ws []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !(r > 0xA0 && r <= 0xFF || unicode.IsLetter(r) || unicode.IsMark(r)) }) {
		if strings.ContainsFunc(w, func(r rune) bool {
			return strings.ContainsRune("ăĂđĐĩĨũŨơƠưƯ", r) || 0x1EA0 <= r && r <= 0x1EF9 || 0x0300 <= r && r <= 0x0323
		}) {
			ws = append(ws, w)
		}
	}
	return ws
}

// FuzzConvert checks on any text that Convert returns valid UTF-8 in NFC and
// never changes a word holding a letter only Unicode has.
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
		// Every word holding a Unicode-only letter is still there, in order.
		out := uniWords(got)
		for _, w := range uniWords(norm.NFC.String(s)) {
			i := slices.Index(out, w)
			if i < 0 {
				t.Fatalf("Convert(%q) = %q changed the Unicode word %q", s, got, w)
			}
			out = out[i+1:]
		}
	})
}
