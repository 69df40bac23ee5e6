// Package vnlegacy recognises Vietnamese text typed in the pre-Unicode font
// encodings still found in older office files and PDFs, TCVN3 (ABC, the .VnTime
// fonts) and VNI (VNI-Times), and converts it to Unicode NFC. Tools that do not
// know these encodings read their bytes as Latin-1 (Windows-1252), which is how
// the text reaches kntc: "QuyÕt ®Þnh" (TCVN3) or "Quyeát ñònh" (VNI) for
// "Quyết định".
//
// Detection never changes genuine Unicode Vietnamese: a word holding any letter
// only Unicode has (ă, đ, ơ, ư and the precomposed letters with tones, U+1EA0–
// U+1EF9) is left alone, with the Unicode-looking words next to it, and an
// encoding is chosen only when converting makes clearly more words spell
// Vietnamese syllables than it breaks.
//
// The tables are written from the published definitions: TCVN 5712:1993, the
// VN3 repertoire the ABC fonts use (lower-case letters with marks, and Ă Â Ê Ô Ơ
// Ư Đ), and the VNI font layout (a base letter followed by a mark character).
package vnlegacy

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/viet"
)

// Encoding is a text encoding this package recognises.
type Encoding int

// Encodings.
const (
	Unicode Encoding = iota // not a legacy encoding: leave the text as it is
	TCVN3                   // TCVN 5712:1993 VN3 (ABC), fonts .VnTime, .VnArial…
	VNI                     // VNI Windows, fonts VNI-Times, VNI-Helve…
)

func (e Encoding) String() string {
	switch e {
	case TCVN3:
		return "TCVN3"
	case VNI:
		return "VNI"
	}
	return "Unicode"
}

// tcvn3 maps the TCVN3 (VN3) code points, read as Latin-1, to Unicode.
var tcvn3 = map[rune]rune{
	0xA1: 'Ă', 0xA2: 'Â', 0xA3: 'Ê', 0xA4: 'Ô', 0xA5: 'Ơ', 0xA6: 'Ư', 0xA7: 'Đ',
	0xA8: 'ă', 0xA9: 'â', 0xAA: 'ê', 0xAB: 'ô', 0xAC: 'ơ', 0xAD: 'ư', 0xAE: 'đ',
	0xB5: 'à', 0xB6: 'ả', 0xB7: 'ã', 0xB8: 'á', 0xB9: 'ạ',
	0xBB: 'ằ', 0xBC: 'ẳ', 0xBD: 'ẵ', 0xBE: 'ắ', 0xC6: 'ặ',
	0xC7: 'ầ', 0xC8: 'ẩ', 0xC9: 'ẫ', 0xCA: 'ấ', 0xCB: 'ậ',
	0xCC: 'è', 0xCE: 'ẻ', 0xCF: 'ẽ', 0xD0: 'é', 0xD1: 'ẹ',
	0xD2: 'ề', 0xD3: 'ể', 0xD4: 'ễ', 0xD5: 'ế', 0xD6: 'ệ',
	0xD7: 'ì', 0xD8: 'ỉ', 0xDC: 'ĩ', 0xDD: 'í', 0xDE: 'ị',
	0xDF: 'ò', 0xE1: 'ỏ', 0xE2: 'õ', 0xE3: 'ó', 0xE4: 'ọ',
	0xE5: 'ồ', 0xE6: 'ổ', 0xE7: 'ỗ', 0xE8: 'ố', 0xE9: 'ộ',
	0xEA: 'ờ', 0xEB: 'ở', 0xEC: 'ỡ', 0xED: 'ớ', 0xEE: 'ợ',
	0xEF: 'ù', 0xF1: 'ủ', 0xF2: 'ũ', 0xF3: 'ú', 0xF4: 'ụ',
	0xF5: 'ừ', 0xF6: 'ử', 0xF7: 'ữ', 0xF8: 'ứ', 0xF9: 'ự',
	0xFA: 'ỳ', 0xFB: 'ỷ', 0xFC: 'ỹ', 0xFD: 'ý', 0xFE: 'ỵ',
}

// tcvn3Table is tcvn3 as an array, for speed; 0 where the code point is not
// TCVN3's.
var tcvn3Table = func() (t [256]rune) {
	for c, u := range tcvn3 {
		t[c] = u
	}
	return t
}()

// fromTCVN3 is the Unicode letter of a TCVN3 code point, or r itself.
func fromTCVN3(r rune) rune {
	if r < 256 && tcvn3Table[r] != 0 {
		return tcvn3Table[r]
	}
	return r
}

// tcvn3Symbol reports whether r is a Latin-1 symbol (not a letter) that TCVN3 uses
// for a letter.
func tcvn3Symbol(r rune) bool {
	return r < 256 && tcvn3Table[r] != 0 && !unicode.IsLetter(r)
}

// FromTCVN3 converts text known to be TCVN3 (read as Latin-1) to Unicode NFC. The
// ABC fonts have no capitals with tone marks: headings are set in the "H" fonts
// (.VnTimeH), which draw the lower-case codes as capitals, so a word or a line
// whose plain letters are all capitals, two or more ("QUYÕT"), is given in
// capitals ("QUYẾT").
func FromTCVN3(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for line := range strings.Lines(s) {
		line = hyphenU(line)
		loud := capitals(line) >= 2 // a heading set in an H font throughout
		forWords(line, func(w string, isWord bool) {
			if !isWord {
				b.WriteString(w)
				return
			}
			conv := strings.Map(fromTCVN3, w)
			if loud || capitals(w) >= 2 {
				conv = strings.ToUpper(conv)
			}
			b.WriteString(conv)
		})
	}
	return norm.NFC.String(b.String())
}

// hyphenU puts back the ư of TCVN3 text read as a hyphen. TCVN3's ư is byte 0xAD,
// the soft hyphen of Latin-1, which a PDF font without its own Unicode table
// names "hyphen": pdftotext then gives "L-u" for "Lưu" and "ng-êi" for "người".
// A hyphen within a word is taken for ư when the word then spells a syllable; a
// hyphen between words or parts ("Q§-UBND", "Tù do - H¹nh phóc") stays.
func hyphenU(line string) string {
	if !strings.Contains(line, "-") {
		return line
	}
	var b strings.Builder
	for i := 0; i < len(line); {
		j := i
		for j < len(line) {
			r, n := utf8.DecodeRuneInString(line[j:])
			if r != '-' && !isLegacyRune(r) {
				break
			}
			j += n
		}
		if j == i {
			_, n := utf8.DecodeRuneInString(line[i:])
			b.WriteString(line[i : i+n])
			i += n
			continue
		}
		tok := line[i:j]
		if strings.Contains(tok, "-") && strings.ContainsFunc(tok, isLegacyRune) {
			alt := strings.ReplaceAll(tok, "-", "\u00ad")
			if viet.IsSyllable(norm.NFC.String(strings.Map(fromTCVN3, alt))) {
				tok = alt
			}
		}
		b.WriteString(tok)
		i = j
	}
	return b.String()
}

// capitals returns the number of ASCII capitals in s when it has no ASCII
// lower-case letter, else 0. One capital is not enough to tell a heading from a
// word that starts a sentence ("Tù" is "Tự", not "TỰ").
func capitals(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z':
			return 0
		case 'A' <= c && c <= 'Z':
			n++
		}
	}
	return n
}

// VNI writes a letter with marks as its base letter followed by one character
// for the marks; ơ, ư, đ and the i and ỵ letters have characters of their own.
// Read as Latin-1, the mark characters are Latin-1 letters, in a lower-case form
// after lower-case letters and an upper-case one after capitals.
var (
	vniLetters = map[rune]string{
		'ô': "ơ", 'ö': "ư", 'ñ': "đ", 'í': "í", 'ì': "ì", 'æ': "ỉ", 'ó': "ĩ", 'ò': "ị", 'î': "ỵ",
		'Ô': "Ơ", 'Ö': "Ư", 'Ñ': "Đ", 'Í': "Í", 'Ì': "Ì", 'Æ': "Ỉ", 'Ó': "Ĩ", 'Ò': "Ị", 'Î': "Ỵ",
	}
	// vniTones are the tone marks, on any vowel.
	vniTones = map[rune]string{
		'ù': "\u0301", 'ø': "\u0300", 'û': "\u0309", 'õ': "\u0303", 'ï': "\u0323",
		'Ù': "\u0301", 'Ø': "\u0300", 'Û': "\u0309", 'Õ': "\u0303", 'Ï': "\u0323",
	}
	// vniHats are the circumflex with or without a tone, on a, e and o.
	vniHats = map[rune]string{
		'â': "\u0302", 'á': "\u0302\u0301", 'à': "\u0302\u0300", 'å': "\u0302\u0309", 'ã': "\u0302\u0303", 'ä': "\u0302\u0323",
		'Â': "\u0302", 'Á': "\u0302\u0301", 'À': "\u0302\u0300", 'Å': "\u0302\u0309", 'Ã': "\u0302\u0303", 'Ä': "\u0302\u0323",
	}
	// vniBreves are the breve with or without a tone, on a.
	vniBreves = map[rune]string{
		'ê': "\u0306", 'é': "\u0306\u0301", 'è': "\u0306\u0300", 'ú': "\u0306\u0309", 'ü': "\u0306\u0303", 'ë': "\u0306\u0323",
		'Ê': "\u0306", 'É': "\u0306\u0301", 'È': "\u0306\u0300", 'Ú': "\u0306\u0309", 'Ü': "\u0306\u0303", 'Ë': "\u0306\u0323",
	}
)

// FromVNI converts text known to be VNI (read as Latin-1) to Unicode NFC.
func FromVNI(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	var prev rune // the base letter just written, or 0
	for _, r := range s {
		base := prev
		prev = 0
		if base != 0 {
			if m, ok := vniTones[r]; ok {
				b.WriteString(m)
				continue
			}
			switch unicode.ToLower(base) {
			case 'a':
				if m, ok := vniHats[r]; ok {
					b.WriteString(m)
					continue
				}
				if m, ok := vniBreves[r]; ok {
					b.WriteString(m)
					continue
				}
			case 'e', 'o':
				if m, ok := vniHats[r]; ok {
					b.WriteString(m)
					continue
				}
			}
		}
		if l, ok := vniLetters[r]; ok {
			b.WriteString(l)
			if strings.Contains("ơưƠƯ", l) {
				prev, _ = utf8.DecodeRuneInString(l) // ơ and ư take a tone mark after them
			}
			continue
		}
		b.WriteRune(r)
		if strings.ContainsRune("aeouyAEOUY", r) {
			prev = r
		}
	}
	return norm.NFC.String(b.String())
}

// isLegacyRune reports whether r can be part of a word in legacy text read as
// Latin-1: letters, and the Latin-1 symbols TCVN3 uses for letters (® for đ,
// ¸ for á, × for ì, ÷ for ữ…).
func isLegacyRune(r rune) bool {
	return r > 0xA0 && r <= 0xFF || unicode.IsLetter(r)
}

// UnicodeOnly reports whether r is a Vietnamese letter (or combining mark) that no
// legacy text read as Latin-1 contains: ă, đ, ĩ, ũ, ơ, ư and the letters of
// U+1EA0–U+1EF9.
func UnicodeOnly(r rune) bool { return unicodeOnly(r) }

func unicodeOnly(r rune) bool {
	switch r {
	case 'ă', 'Ă', 'đ', 'Đ', 'ĩ', 'Ĩ', 'ũ', 'Ũ', 'ơ', 'Ơ', 'ư', 'Ư':
		return true
	}
	return 0x1EA0 <= r && r <= 0x1EF9 || 0x0300 <= r && r <= 0x0323
}

// forWords calls fn with the words of s (isWord) and what lies between them, in
// order, so that joining every piece gives s back.
func forWords(s string, fn func(piece string, isWord bool)) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		in := isLegacyRune(r)
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if isLegacyRune(r) != in {
				break
			}
			j += n
		}
		fn(s[i:j], in)
		i = j
	}
}

// speller tells which words spell Vietnamese syllables, remembering its answers:
// a text repeats a few hundred distinct words, and viet.IsSyllable is most of the
// cost of converting one.
type speller map[string]bool

// syllables counts the words of s that spell Vietnamese syllables and the words
// that have a character beyond ASCII, the only ones an encoding changes. The words
// of legacy text read as Latin-1, and of the conversions, are NFC already.
func (sp speller) syllables(s string) (valid, candidates int) {
	forWords(s, func(w string, isWord bool) {
		if !isWord {
			return
		}
		ascii := true
		for i := 0; i < len(w); i++ {
			if w[i] >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		if ascii {
			return
		}
		candidates++
		if sp.syllable(w) {
			valid++
		}
	})
	return valid, candidates
}

// Minimum evidence for an encoding: converting must make at least minGain more
// words Vietnamese syllables, and at least half the words it touches.
const minGain = 2

// Detect returns the legacy encoding of s, or Unicode when s is not clearly in
// one. Words holding a Unicode-only Vietnamese letter are Unicode whatever the
// rest is, and so are the Unicode-looking words next to them (see legacyParts):
// only the rest of a line holding one is looked at.
func Detect(s string) Encoding {
	return speller{}.detect(s)
}

func (sp speller) detect(s string) Encoding {
	var legacy strings.Builder
	for line := range strings.Lines(s) {
		if !strings.ContainsFunc(line, unicodeOnly) {
			legacy.WriteString(line)
			continue
		}
		if !strings.ContainsFunc(line, oddLatin1) {
			continue // Unicode throughout: the quick answer for most lines
		}
		for _, p := range sp.legacyParts(line) {
			if p.legacy {
				legacy.WriteString(p.text)
				legacy.WriteByte('\n')
			}
		}
	}
	s = legacy.String()
	before, candidates := sp.syllables(s)
	if candidates == 0 {
		return Unicode
	}
	best, bestGain := Unicode, 0
	for _, e := range []Encoding{TCVN3, VNI} {
		if e == TCVN3 && !strings.ContainsFunc(s, tcvn3Symbol) {
			// Both encodings make syllables of some words of the other ("Keát" is
			// "Kết" in VNI, "Keỏt" in TCVN3), but VNI uses letters only, while
			// TCVN3 writes à, á, ạ, đ, ă, â, ê, ô, ơ and ư with symbols, and a line of
			// Vietnamese without any of them is rare.
			continue
		}
		after, _ := sp.syllables(e.convert(s))
		if gain := after - before; gain >= minGain && 2*gain >= candidates && gain > bestGain {
			best, bestGain = e, gain
		}
	}
	return best
}

func (e Encoding) convert(s string) string {
	switch e {
	case TCVN3:
		return FromTCVN3(s)
	case VNI:
		return FromVNI(s)
	}
	return s
}

// part is a piece of a line: text that may be legacy, or Unicode to keep.
type part struct {
	text   string
	legacy bool
}

// legacyParts cuts a line holding a Unicode-only letter into the parts that may
// be legacy text and those that are Unicode, in order. A line can join runs of
// both (a Unicode "Căn cứ Luật Khiếu nại" before a TCVN3 "ngµy 11 th¸ng 11"): a
// word with a Unicode-only letter is Unicode, and so are the words next to such a
// word, up to the first one that does not spell a syllable as it is and is not
// plain ASCII ("tháng", "có" and "11" go with "năm"; "ngµy" and "kÕt" do not).
// Legacy words that spell a syllable next to a Unicode word ("mét" for "một")
// are taken for Unicode: a text layer cannot tell them apart.
func (sp speller) legacyParts(line string) []part {
	type piece struct {
		text       string
		word, uni  bool
		unicodeish bool // Unicode-only, or could be Unicode next to a Unicode word
	}
	var ps []piece
	forWords(line, func(w string, isWord bool) {
		p := piece{text: w, word: isWord}
		if isWord {
			p.uni = strings.ContainsFunc(w, unicodeOnly)
			p.unicodeish = p.uni || isASCII(w) || sp.syllable(w) && !innerCapital(w)
		} else {
			p.unicodeish = true
		}
		ps = append(ps, p)
	})
	keep := make([]bool, len(ps)) // Unicode: left as it is
	for i, p := range ps {
		keep[i] = p.uni
	}
	// Spread Unicode from each Unicode-only word over its Unicode-looking
	// neighbours, both ways.
	for i := 1; i < len(ps); i++ {
		if keep[i-1] && ps[i].unicodeish {
			keep[i] = true
		}
	}
	for i := len(ps) - 2; i >= 0; i-- {
		if keep[i+1] && ps[i].unicodeish {
			keep[i] = true
		}
	}
	var parts []part
	for i, p := range ps {
		legacy := !keep[i]
		if n := len(parts); n > 0 && parts[n-1].legacy == legacy {
			parts[n-1].text += p.text
			continue
		}
		parts = append(parts, part{p.text, legacy})
	}
	return parts
}

// innerCapital reports whether a capital beyond ASCII follows a small letter in
// w: TCVN3 writes small letters with capitals of Latin-1 ("kÕt" for "kết"),
// Vietnamese words never have one there.
func innerCapital(w string) bool {
	small := false
	for _, r := range w {
		if small && r >= utf8.RuneSelf && unicode.IsUpper(r) {
			return true
		}
		small = small || unicode.IsLower(r)
	}
	return false
}

// oddLatin1 reports whether r is a Latin-1 character that Unicode Vietnamese does
// not use. A legacy part of a line nearly always has one (TCVN3 writes ®, ¸, µ, Õ…,
// VNI ñ, ø, ï, û…), a line of Unicode seldom: only a line with one is cut into
// parts.
func oddLatin1(r rune) bool {
	return r >= 0xA0 && r <= 0xFF && !strings.ContainsRune("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý", r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// syllable reports whether w spells a Vietnamese syllable, remembering the
// answer.
func (sp speller) syllable(w string) bool {
	ok, seen := sp[w]
	if !seen {
		ok = viet.IsSyllable(w)
		sp[w] = ok
	}
	return ok
}

// Convert returns s in Unicode NFC and the legacy encoding it was found in
// (Unicode when none). A text may mix encodings and Unicode, line by line (a
// heading typed in Unicode above a body in TCVN3) and within a line (a PDF's
// text layer has no fonts to tell its runs apart). The encoding is detected on
// the whole text; then each line without Unicode-only letters, and each legacy
// part of a line with some (legacyParts), is converted: in its own encoding when
// it alone says clearly which, else in the text's. A whole line is converted
// unless that would leave fewer of its words spelling syllables; a part of a
// line only when that makes more of them syllables, so that Unicode words are
// never changed.
func Convert(s string) (string, Encoding) {
	sp := speller{}
	e := sp.detect(s)
	if e == Unicode {
		return norm.NFC.String(s), Unicode
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	convert := func(text string, strict bool) string {
		conv := e.convert(text)
		before, _ := sp.syllables(text)
		after, _ := sp.syllables(conv)
		if after > before {
			return conv
		}
		// Not the text's encoding: perhaps one of its own (a VNI line in TCVN3).
		if own := sp.detect(text); own != Unicode && own != e {
			return own.convert(text)
		}
		if !strict && after == before {
			return conv
		}
		return text
	}
	for line := range strings.Lines(s) {
		if !strings.ContainsFunc(line, unicodeOnly) {
			b.WriteString(convert(line, false))
			continue
		}
		if !strings.ContainsFunc(line, oddLatin1) {
			b.WriteString(line)
			continue
		}
		for _, p := range sp.legacyParts(line) {
			if p.legacy {
				b.WriteString(convert(p.text, true))
			} else {
				b.WriteString(p.text)
			}
		}
	}
	return norm.NFC.String(b.String()), e
}
