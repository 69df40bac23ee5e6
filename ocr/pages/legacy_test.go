package pages_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/vnlegacy/vnlegacytest"
	"kntc/ocr/pages"
)

// mixedRun is a run of a mixed text layer: its text in Unicode, and the font it is
// shown in.
type mixedRun struct{ font, text string }

// mixedPDF writes a one-page PDF whose lines join runs in three fonts, none
// embedded, as a Word document with .VnTime and VNI-Times runs printed to PDF
// has them: "ABCDEF+.VnTime" and "VNI-Times,Bold" show the run's TCVN3 or VNI
// bytes (WinAnsi: TCVN3's ư, 0xAD, is then named "hyphen"), and Times-Roman
// shows Unicode through glyph names (uni1EBF…) of an encoding of its own.
func mixedPDF(lines [][]mixedRun) []byte {
	codes := map[rune]int{} // Unicode letter → its code in the Unicode font
	var diffs strings.Builder
	var content strings.Builder
	esc := func(b []byte) string {
		var s strings.Builder
		for _, c := range b {
			switch {
			case c == '(' || c == ')' || c == '\\':
				s.WriteString(`\` + string(c))
			case c < 0x20 || c > 0x7E:
				fmt.Fprintf(&s, `\%03o`, c)
			default:
				s.WriteByte(c)
			}
		}
		return s.String()
	}
	fonts := map[string]string{"ABCDEF+.VnTime": "F1", "VNI-Times,Bold": "F2", "Times-Roman": "F3"}
	y := 260
	for _, line := range lines {
		fmt.Fprintf(&content, "BT 1 0 0 1 20 %d Tm ", y)
		for _, r := range line {
			var b []byte
			switch r.font {
			case "ABCDEF+.VnTime":
				for _, c := range vnlegacytest.ToTCVN3(r.text) {
					b = append(b, byte(c))
				}
			case "VNI-Times,Bold":
				for _, c := range vnlegacytest.ToVNI(r.text) {
					b = append(b, byte(c))
				}
			default:
				for _, c := range norm.NFC.String(r.text) {
					if c < 0x80 {
						b = append(b, byte(c))
						continue
					}
					code, ok := codes[c]
					if !ok {
						code = 0x80 + len(codes)
						codes[c] = code
						fmt.Fprintf(&diffs, " %d /uni%04X", code, c)
					}
					b = append(b, byte(code))
				}
			}
			fmt.Fprintf(&content, "/%s 10 Tf (%s) Tj ", fonts[r.font], esc(b))
		}
		content.WriteString("ET\n")
		y -= 20
	}
	return onePagePDF(600, 300, "", "/Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R >>", []byte(content.String()),
		obj("<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+.VnTime /FirstChar 32 /LastChar 255 /Encoding /WinAnsiEncoding >>"),
		obj("<< /Type /Font /Subtype /TrueType /BaseFont /VNI-Times,Bold /FirstChar 32 /LastChar 255 /Encoding /WinAnsiEncoding >>"),
		obj("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /BaseEncoding /WinAnsiEncoding /Differences [%s] >> >>", diffs.String()))
}

// TestMixedTextLayerByFont: a text layer whose lines join Unicode runs with
// TCVN3 and VNI runs comes out in Unicode NFC, both parts: the legacy runs are
// converted by their fonts (TCVN3's ư too, which the text layer gives as a
// hyphen), and the Unicode runs are kept, even those a converter by content could
// not tell from legacy text ("Khái quát chung" is "Khỏi quỏt chung" read as
// TCVN3).
func TestMixedTextLayerByFont(t *testing.T) {
	const (
		vn  = "ABCDEF+.VnTime"
		vni = "VNI-Times,Bold"
		uni = "Times-Roman"
	)
	lines := [][]mixedRun{
		{{uni, "Căn cứ Luật Khiếu nại "}, {vn, "ngày 11 tháng 11 năm 2011 của Quốc hội, xét đơn của ông Trương Văn Lưu"}},
		{{vni, "Những người được mời "}, {uni, "đến trụ sở tháng 3 năm 2024"}},
		{{uni, "Khái quát chung "}, {vn, "về đối tượng kiểm tra, người khiếu nại"}},
		{{uni, "Tây Ninh, ngày 5 tháng 3 "}, {vn, "bản này được gửi đến trưởng thôn"}},
	}
	var want []string
	for _, l := range lines {
		var b strings.Builder
		for _, r := range l {
			b.WriteString(r.text)
		}
		want = append(want, norm.NFC.String(b.String()))
	}
	f := MustOpen(t, mixedPDF(lines), pages.Limits{})
	p := MustPage(t, f, 0)
	if got := strings.Split(p.Text, "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("text:\n%s\nwant:\n%s", p.Text, strings.Join(want, "\n"))
	}
}

// TestTextWordsByFont: the words redaction reads from a typed page (TextWords)
// are converted by their fonts as the page's text is, so that a name typed in
// TCVN3 or VNI beside Unicode runs is found as the name, and the Unicode runs a
// converter by content could take for TCVN3 ("Khái quát chung") stay as they are.
func TestTextWordsByFont(t *testing.T) {
	requirePoppler(t)
	const (
		vn  = "ABCDEF+.VnTime"
		vni = "VNI-Times,Bold"
		uni = "Times-Roman"
	)
	lines := [][]mixedRun{
		{{uni, "Khái quát chung "}, {vn, "về người tố cáo Trương Văn Lưu"}},
		{{vni, "Những người được mời "}, {uni, "đến trụ sở tháng 3 năm 2024"}},
		{{uni, "Người tố cáo: "}, {vn, "bà Nguyễn Thị Hường, thôn Đông"}},
	}
	var want []string
	for _, l := range lines {
		for _, r := range l {
			want = append(want, strings.Fields(norm.NFC.String(r.text))...)
		}
	}
	f := MustOpen(t, mixedPDF(lines), pages.Limits{})
	tl, err := f.TextWords(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range tl.Words {
		got = append(got, w.Text)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("words:\n%q\nwant:\n%q", got, want)
	}
}
