// Package viet owns the Vietnamese text helpers every part of kntc shares: NFC,
// the canonical tone placement, folding without diacritics, tone stripping and
// syllable checks. The stored text keeps what the document says; the search index,
// queries, header parsing and case look-ups use CanonicalTones and Fold so that the
// two accepted tone placements (hòa/hoà, thúy/thuý) and typing without diacritics
// find the same words. It imports nothing from kntc.
package viet

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode Normalization Form C, the form every kntc text is kept in
// (TCVN 6909:2001 is Unicode; scanners, OCR and old fonts also produce decomposed
// sequences such as "a" + U+0301).
func NFC(s string) string {
	return norm.NFC.String(s)
}

// CanonicalTones returns s (in NFC) with the tone mark of every Vietnamese syllable
// placed by the "new style" rule (kiểu mới), the placement on the main vowel:
//
//   - a vowel with a modifier (ă â ê ô ơ ư) takes the tone; of ươ, the ơ:
//     người, nước, thuở, khuyến;
//   - otherwise, in a syllable that ends in a consonant, the last vowel: hoàng, huỳnh;
//   - otherwise the first vowel after a glide o (before a, e) or u (before y):
//     hoà, khoẻ, thuý, khoái; and the first vowel when there is no glide: mùa, gói;
//   - qu and gi are consonants when a vowel follows: quý, quả, giá, giữ, but gì, gìn.
//
// Letter case is kept letter by letter (HÒA → HOÀ, Thúy → Thuý). Words that are not
// one Vietnamese syllable with exactly one tone mark (foreign words, numbers, two
// tone marks, a tone on a consonant) are returned unchanged. The result is NFC and
// CanonicalTones is idempotent.
func CanonicalTones(s string) string {
	s = NFC(s)
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		j := wordEnd(s, i)
		if j == i {
			_, w := utf8.DecodeRuneInString(s[i:])
			j = i + w
			if changed {
				b.WriteString(s[i:j])
			}
			i = j
			continue
		}
		word := s[i:j]
		if c, ok := canonicalWord(word); ok && c != word {
			if !changed {
				b.Grow(len(s))
				b.WriteString(s[:i])
				changed = true
			}
			b.WriteString(c)
		} else if changed {
			b.WriteString(word)
		}
		i = j
	}
	if !changed {
		return s
	}
	out := b.String()
	if !norm.NFC.IsNormalString(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// Fold returns s (in NFC) without diacritics: tone marks and vowel marks removed
// (ế → e, ư → u), đ → d and Đ → D. The eth Ð/ð (U+00D0, U+00F0), which OCR and old
// fonts put in place of Đ/đ, folds to D/d as well. Other combining marks of the
// Combining Diacritical Marks block are removed from any letter (é → e); letters
// without a decomposition (ø, ł) are kept. Fold(CanonicalTones(s)) == Fold(s).
func Fold(s string) string {
	if isASCII(s) {
		return s
	}
	s = NFC(s)
	var b strings.Builder
	b.Grow(len(s))
	slow := false
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
			continue
		}
		if l, ok := letters[r]; ok {
			c := l.base
			if l.upper {
				c = unicode.ToUpper(c)
			}
			b.WriteRune(c)
			continue
		}
		switch r {
		case 'đ', 'ð':
			b.WriteByte('d')
			continue
		case 'Đ', 'Ð':
			b.WriteByte('D')
			continue
		}
		// Anything else goes through the general decomposition below.
		slow = true
		b.WriteRune(r)
	}
	out := b.String()
	if !slow {
		return out
	}
	var f strings.Builder
	f.Grow(len(out))
	for _, r := range norm.NFD.String(out) {
		if r >= 0x0300 && r <= 0x036F {
			continue
		}
		f.WriteRune(r)
	}
	return norm.NFC.String(f.String())
}

// isASCII reports whether s has only ASCII bytes; such text is NFC and has nothing
// to canonicalise or fold.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// wordEnd returns the end of the word that starts at s[i:], or i when s[i:] does not
// start with a letter. A word is a letter followed by letters and combining marks.
func wordEnd(s string, i int) int {
	r, w := utf8.DecodeRuneInString(s[i:])
	if !unicode.IsLetter(r) {
		return i
	}
	j := i + w
	for j < len(s) {
		r, w = utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) && !unicode.Is(unicode.M, r) {
			break
		}
		j += w
	}
	return j
}

// Tones, in the order of toneMarks.
const (
	toneNone = iota
	toneGrave
	toneAcute
	toneHook
	toneTilde
	toneDot
	toneCount
)

// toneMarks are the combining marks of the five tones: huyền, sắc, hỏi, ngã, nặng.
var toneMarks = [toneCount]rune{0, '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'}

// vowels are the twelve Vietnamese vowel letters (with their vowel marks, without
// tone); their index is the first dimension of composed.
const vowels = "aăâeêioôơuưy"

const vowelCount = 12 // utf8.RuneCountInString(vowels), checked in init

// letter is one Vietnamese letter split into its parts.
type letter struct {
	vowel rune // the lower-case vowel letter without tone (ă, ơ, …); 0 for a consonant
	vi    int  // index of vowel in vowels
	base  rune // the letter without any mark, in its case (A for Ắ); đ for đ and Đ
	tone  int
	upper bool
}

var (
	// letters maps every precomposed Vietnamese letter (vowels in every tone, the
	// consonants, both cases) to its parts. Letters not in it make a word
	// non-Vietnamese for CanonicalTones.
	letters = map[rune]letter{}
	// composed[v][tone][upper] is the precomposed letter for vowel index v.
	composed [vowelCount][toneCount][2]rune
)

func init() {
	for vi, v := range []rune(vowels) {
		base := []rune(norm.NFD.String(string(v)))[0]
		for t := range toneCount {
			s := string(v)
			if t != toneNone {
				s += string(toneMarks[t])
			}
			c := []rune(norm.NFC.String(s))
			if len(c) != 1 {
				panic("viet: no precomposed letter for " + s)
			}
			lo, up := c[0], unicode.ToUpper(c[0])
			composed[vi][t] = [2]rune{lo, up}
			letters[lo] = letter{vowel: v, vi: vi, base: base, tone: t}
			letters[up] = letter{vowel: v, vi: vi, base: unicode.ToUpper(base), tone: t, upper: true}
		}
	}
	if len(letters) != 2*vowelCount*toneCount {
		panic("viet: vowelCount does not match vowels")
	}
	// đ and Đ are not here: Fold maps them (and the eth look-alikes) itself.
	for _, c := range "bcdghklmnpqrstvx" {
		letters[c] = letter{base: c}
		letters[unicode.ToUpper(c)] = letter{base: unicode.ToUpper(c), upper: true}
	}
}

// initials are the Vietnamese initial consonants, longest first within each
// starting letter so the first match is the longest.
var initials = []string{"ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x"}

// finals are the consonants a syllable may end with.
var finals = map[string]bool{"": true, "c": true, "ch": true, "m": true, "n": true,
	"ng": true, "nh": true, "p": true, "t": true}

// nuclei are the vowel groups of Vietnamese syllables (after qu and gi).
var nuclei = map[string]bool{
	"a": true, "ă": true, "â": true, "e": true, "ê": true, "i": true, "o": true,
	"ô": true, "ơ": true, "u": true, "ư": true, "y": true,
	"ai": true, "ao": true, "au": true, "ay": true, "âu": true, "ây": true, "eo": true,
	"êu": true, "ia": true, "iê": true, "iu": true, "oa": true, "oă": true, "oe": true,
	"oi": true, "ôi": true, "ơi": true, "oo": true, "ua": true, "uâ": true, "uê": true,
	"ui": true, "uô": true, "uơ": true, "uy": true, "ưa": true, "ưi": true, "ưu": true,
	"ươ": true, "yê": true,
	"iêu": true, "oai": true, "oay": true, "oeo": true, "uây": true, "uôi": true,
	"uya": true, "uyê": true, "uyu": true, "ươi": true, "ươu": true, "yêu": true,
}

// canonicalWord returns word with its tone mark moved to the canonical vowel, and
// whether word is a Vietnamese syllable with exactly one tone mark.
func canonicalWord(word string) (string, bool) {
	var buf [12]letter
	ls := buf[:0]
	toneAt, tone := -1, toneNone
	for _, r := range word {
		l, ok := letters[r]
		if !ok {
			switch r {
			case 'đ':
				l = letter{base: 'đ'}
			case 'Đ':
				l = letter{base: 'đ', upper: true}
			default:
				return word, false
			}
		}
		if l.tone != toneNone {
			if toneAt >= 0 {
				return word, false
			}
			toneAt, tone = len(ls), l.tone
		}
		ls = append(ls, l)
	}
	if toneAt < 0 || len(ls) > 8 {
		return word, false
	}
	// Lower-case letters without tone, for parsing.
	key := make([]rune, len(ls))
	for i, l := range ls {
		switch {
		case l.vowel != 0:
			key[i] = l.vowel
		default:
			key[i] = unicode.ToLower(l.base)
		}
	}
	start, end, ok := syllableParts(key)
	if !ok {
		return word, false
	}
	nucleus := string(key[start:end])

	target := -1
	for i := start; i < end; i++ {
		if l := ls[i]; l.vowel != unicode.ToLower(l.base) {
			target = i // a vowel mark: the last one (ơ of ươ)
		}
	}
	if target < 0 {
		switch {
		case end < len(key):
			target = end - 1
		case len(nucleus) > 1 && (strings.HasPrefix(nucleus, "oa") || strings.HasPrefix(nucleus, "oe") || strings.HasPrefix(nucleus, "uy")):
			target = start + 1
		default:
			target = start
		}
	}
	if target == toneAt {
		return word, true
	}
	ls[toneAt].tone = toneNone
	ls[target].tone = tone
	var b strings.Builder
	b.Grow(len(word) + 2)
	for _, l := range ls {
		b.WriteRune(l.rune())
	}
	return b.String(), true
}

// rune composes l back into one precomposed letter.
func (l letter) rune() rune {
	up := 0
	if l.upper {
		up = 1
	}
	if l.vowel == 0 {
		if l.base == 'đ' && l.upper {
			return 'Đ'
		}
		return l.base
	}
	return composed[l.vi][l.tone][up]
}

// WithoutTones returns s (in NFC) without its tone marks, keeping the vowel marks
// (ă â ê ô ơ ư), đ and the letter case: "Nhần" → "Nhân".
func WithoutTones(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !isToneMark(r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// isToneMark reports whether r is one of the five combining tone marks (NFD).
func isToneMark(r rune) bool {
	for _, m := range toneMarks[1:] {
		if r == m {
			return true
		}
	}
	return false
}

// ethReplacer is ReplaceEth's.
var ethReplacer = strings.NewReplacer("Ð", "Đ", "ð", "đ")

// ReplaceEth returns s with the eth Ð/ð (U+00D0, U+00F0), which OCR and old fonts put
// in place of Đ/đ, replaced by Đ/đ.
func ReplaceEth(s string) string { return ethReplacer.Replace(s) }

// SingleD returns s with the eth replaced (ReplaceEth) and every run of Đ/đ made
// one letter: no Vietnamese word or document code has two, and Tesseract now and
// then reads the Đ of a code twice ("QĐÐ-UBND" for "QĐ-UBND"), which would keep a
// search for the document's number from finding it.
func SingleD(s string) string {
	s = ReplaceEth(s)
	double, prev := false, false
	for _, r := range s {
		d := r == 'Đ' || r == 'đ'
		if d && prev {
			double = true
			break
		}
		prev = d
	}
	if !double {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prev = false
	for _, r := range s {
		d := r == 'Đ' || r == 'đ'
		if !d || !prev {
			b.WriteRune(r)
		}
		prev = d
	}
	return b.String()
}

// FoldKey returns s folded and in lower case, with single spaces: the form in which
// names, subjects and texts are compared.
func FoldKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(Fold(s))), " ")
}

// FoldWords returns s folded and in lower case, with every run of characters other
// than ASCII letters and digits replaced by one space: the words of s, as typed
// without diacritics.
func FoldWords(s string) string {
	f := strings.ToLower(Fold(s))
	return strings.Join(strings.FieldsFunc(f, func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}), " ")
}
