package vnlegacy

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// ByFont returns the encoding a font's name announces: TCVN3 for the ABC fonts
// (.VnTime, .VnArialH…), VNI for the VNI fonts (VNI-Times, VNI-Helve…), Unicode
// otherwise. It accepts the names office files give (".VnTime") and those PDFs
// give (a subset prefix "ABCDEF+", no dot, ",Bold" or "-Italic" after it), and
// reports whether the font is an "H" font, whose small letters are drawn as
// capitals.
func ByFont(name string) (e Encoding, capitals bool) {
	name = strings.TrimSpace(name)
	if i := strings.IndexByte(name, '+'); i == 6 {
		name = name[i+1:] // PDF subset prefix
	}
	name = strings.TrimPrefix(name, "/")
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(lower, "vni-") || strings.HasPrefix(lower, "vni "):
		return VNI, false
	case strings.HasPrefix(lower, ".vn") || strings.HasPrefix(lower, "vn") && len(name) > 2 && isUpperASCII(name[2]):
		family := strings.TrimPrefix(strings.TrimPrefix(name, "."), "Vn")
		family = strings.TrimPrefix(family, "vn")
		if i := strings.IndexAny(family, ",-"); i >= 0 {
			family = family[:i] // style: ",Bold", "-BoldItalic"
		}
		family = strings.TrimSpace(family)
		return TCVN3, len(family) > 1 && family[len(family)-1] == 'H'
	}
	return Unicode, false
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }

// ConvertRun converts one run of text set in the named font: by the font when it
// announces a legacy encoding, else by content as Convert does. A document can mix
// encodings run by run (a heading in .VnTimeH above a body in Times New Roman), so
// an office file's text is best converted run by run.
func ConvertRun(font, text string) string {
	switch e, capitals := ByFont(font); e {
	case TCVN3:
		s := FromTCVN3(text)
		if capitals {
			s = norm.NFC.String(strings.ToUpper(s))
		}
		return s
	case VNI:
		return FromVNI(text)
	}
	s, _ := Convert(text)
	return s
}
