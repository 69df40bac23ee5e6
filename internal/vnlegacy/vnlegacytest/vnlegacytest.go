// Package vnlegacytest writes Unicode Vietnamese in the legacy encodings TCVN3
// and VNI (read as Latin-1, as office files and PDFs hold them), for tests that
// need legacy text: the inverse of vnlegacy's conversions.
package vnlegacytest

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/vnlegacy"
)

// ToTCVN3 writes s as TCVN3 read as Latin-1, the inverse of FromTCVN3 built from
// it: capitals with tone marks, which TCVN3 lacks, are written lower case.
func ToTCVN3(s string) string {
	inv := tcvn3Inverse()
	return strings.Map(func(r rune) rune {
		if c, ok := inv[r]; ok {
			return c
		}
		if c, ok := inv[unicode.ToLower(r)]; ok {
			return c
		}
		return r
	}, norm.NFC.String(s))
}

var tcvn3Inverse = sync.OnceValue(func() map[rune]rune {
	inv := map[rune]rune{}
	for r := rune(0xA1); r <= 0xFF; r++ {
		if u := []rune(vnlegacy.FromTCVN3(string(r))); len(u) == 1 && u[0] != r {
			inv[u[0]] = r
		}
	}
	return inv
})

// ToVNI writes s as VNI read as Latin-1, from the VNI layout: the base letter,
// then one character for its marks; ơ ư đ and i, ỵ with marks have their own.
func ToVNI(s string) string {
	tone := map[rune]int{'\u0301': 0, '\u0300': 1, '\u0309': 2, '\u0303': 3, '\u0323': 4}
	const (
		plain  = "ùøûõï"
		hat    = "áàåãä"
		breve  = "éèúüë"
		iTones = "íìæóò"
	)
	pick := func(set string, i int, upper bool) string {
		r := []rune(set)[i]
		if upper {
			r = unicode.ToUpper(r)
		}
		return string(r)
	}
	var b strings.Builder
	for _, c := range norm.NFC.String(s) {
		d := []rune(norm.NFD.String(string(c)))
		base, upper := unicode.ToLower(d[0]), unicode.IsUpper(d[0])
		var hatMark, breveMark, horn bool
		t := -1
		for _, m := range d[1:] {
			switch m {
			case '\u0302':
				hatMark = true
			case '\u0306':
				breveMark = true
			case '\u031B':
				horn = true
			default:
				t = tone[m]
			}
		}
		switch {
		case c == 'đ':
			b.WriteString("ñ")
		case c == 'Đ':
			b.WriteString("Ñ")
		case len(d) == 1:
			b.WriteRune(c)
		case base == 'i' && t >= 0:
			b.WriteString(pick(iTones, t, upper))
		case base == 'y' && t == 4:
			b.WriteString(pick("î", 0, upper))
		default:
			baseOut := string(d[0])
			if horn {
				baseOut = pick(map[rune]string{'o': "ô", 'u': "ö"}[base], 0, upper)
			}
			b.WriteString(baseOut)
			switch {
			case hatMark && t >= 0:
				b.WriteString(pick(hat, t, upper))
			case hatMark:
				b.WriteString(pick("â", 0, upper))
			case breveMark && t >= 0:
				b.WriteString(pick(breve, t, upper))
			case breveMark:
				b.WriteString(pick("ê", 0, upper))
			case t >= 0:
				b.WriteString(pick(plain, t, upper))
			}
		}
	}
	return b.String()
}
