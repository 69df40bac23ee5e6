package tonelm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/viet"
)

// Token ids the model reserves: a sentence boundary, a word that is not a known
// Vietnamese syllable (an abbreviation, a foreign or rare word), a number.
const (
	idBoundary uint32 = iota
	idUnknown
	idNumber
	firstSyllable
)

var reserved = []string{"<s>", "<unk>", "<num>"}

// kind is what a word is to the model.
type kind uint8

const (
	kindNone     kind = iota // punctuation only: a boundary
	kindSyllable             // letters spelling a Vietnamese syllable
	kindNumber               // has digits
	kindOther                // anything else with letters
)

// token is a word as the model sees it.
type token struct {
	kind kind
	// key is the syllable in lower case, NFC, tone placed by ocr.CanonicalTones.
	key string
	// pre, core, post: the word's leading punctuation, letters, trailing
	// punctuation; core is the syllable as written.
	pre, core, post string
	// breakBefore, breakAfter: punctuation ends the sentence or clause there.
	breakBefore, breakAfter bool
	// stop: post ends a sentence (. : ; ! ?), so the next word may start with a
	// capital without being a name.
	stop bool
}

// tokenize splits a word (no spaces) into a token.
func tokenize(w string) token {
	start := strings.IndexFunc(w, isWordRune)
	if start < 0 {
		return token{kind: kindNone, pre: w, breakBefore: true, breakAfter: true}
	}
	end := strings.LastIndexFunc(w, isWordRune)
	_, size := utf8.DecodeRuneInString(w[end:])
	end += size
	t := token{pre: w[:start], core: w[start:end], post: w[end:]}
	t.breakBefore = strings.ContainsAny(t.pre, `("'“‘[«-–—…`)
	t.breakAfter = strings.ContainsAny(t.post, `.,;:!?)"'”’]»-–—…`)
	t.stop = strings.ContainsAny(t.post, ".:;!?")
	letters, digits, other := 0, 0, 0
	for _, r := range t.core {
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			letters++
		case unicode.IsDigit(r):
			digits++
		default:
			other++
		}
	}
	switch {
	case digits > 0:
		t.kind = kindNumber
	case other > 0:
		t.kind = kindOther
	default:
		t.core = norm.NFC.String(t.core)
		t.key = viet.CanonicalTones(strings.ToLower(t.core))
		if viet.IsSyllable(t.key) {
			t.kind = kindSyllable
		} else {
			t.kind = kindOther
		}
	}
	return t
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// Combining marks of Vietnamese (NFD): the five tones, and the vowel marks of ă
// (breve), â ê ô (circumflex), ơ ư (horn).
const (
	toneGrave = '\u0300'
	toneAcute = '\u0301'
	toneTilde = '\u0303'
	toneHook  = '\u0309'
	toneDot   = '\u0323'
	markCirc  = '\u0302'
	markBreve = '\u0306'
	markHorn  = '\u031b'
)

// toneIndex numbers a tone mark 1–5; 0 for no tone mark.
func toneIndex(r rune) int {
	switch r {
	case toneGrave:
		return 1
	case toneAcute:
		return 2
	case toneTilde:
		return 3
	case toneHook:
		return 4
	case toneDot:
		return 5
	}
	return 0
}

var toneMarks = []rune{0, toneGrave, toneAcute, toneTilde, toneHook, toneDot}

// markIndex numbers a vowel mark 1–3; 0 for none.
func markIndex(r rune) int {
	switch r {
	case markCirc:
		return 1
	case markBreve:
		return 2
	case markHorn:
		return 3
	}
	return 0
}

// letter is one letter of a syllable: its base (a, e, o, u, …, đ), its vowel mark
// and its tone mark (indexes as above).
type letter struct {
	base       rune
	mark, tone int
}

// letters splits a lower-case NFC syllable into letters.
func letters(s string) []letter {
	var out []letter
	for _, r := range norm.NFD.String(s) {
		switch {
		case toneIndex(r) > 0 && len(out) > 0:
			out[len(out)-1].tone = toneIndex(r)
		case markIndex(r) > 0 && len(out) > 0:
			out[len(out)-1].mark = markIndex(r)
		default:
			out = append(out, letter{base: r})
		}
	}
	return out
}

// skeleton is a lower-case syllable without tone and vowel marks (đ kept): the
// syllables OCR can confuse with each other share it.
func skeleton(s string) string { return skeletonOf(letters(s)) }

func skeletonOf(ls []letter) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteRune(l.base)
	}
	return b.String()
}

// tone returns the syllable's tone (0–5) and the index of the letter that carries
// it (-1 when none).
func tone(ls []letter) (int, int) {
	for i, l := range ls {
		if l.tone > 0 {
			return l.tone, i
		}
	}
	return 0, -1
}

// spell writes letters back as NFC.
func spell(ls []letter) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteRune(l.base)
		if l.mark > 0 {
			b.WriteRune([]rune{0, markCirc, markBreve, markHorn}[l.mark])
		}
		if l.tone > 0 {
			b.WriteRune(toneMarks[l.tone])
		}
	}
	return norm.NFC.String(b.String())
}

// restyle writes the syllable key (canonical tone placement) the way written is
// written: the tone on the letter written carries its tone (hoà or hòa), letter
// case letter by letter. key and written share their skeleton.
func restyle(key, written string) string {
	kl := letters(key)
	wl := letters(strings.ToLower(written))
	if len(kl) != len(wl) {
		return key
	}
	if t, _ := tone(kl); t > 0 {
		if _, at := tone(wl); at >= 0 && at != toneAt(kl) {
			moved := make([]letter, len(kl))
			copy(moved, kl)
			moved[toneAt(kl)].tone = 0
			moved[at].tone = t
			kl = moved
		}
	}
	out := []rune(spell(kl))
	wr := []rune(norm.NFC.String(written))
	if len(out) != len(wr) {
		return string(out)
	}
	for i, r := range wr {
		if unicode.IsUpper(r) {
			out[i] = unicode.ToUpper(out[i])
		}
	}
	return string(out)
}

func toneAt(ls []letter) int {
	_, at := tone(ls)
	return at
}

// Tokens returns the model's view of a line of text: token ids with boundaries
// (idBoundary) where punctuation ends a clause, at the start and at the end. ids
// maps known syllables; others become idUnknown.
func tokens(line string, id func(key string) uint32) []uint32 {
	out := []uint32{idBoundary}
	for _, w := range strings.Fields(line) {
		t := tokenize(w)
		if t.breakBefore && out[len(out)-1] != idBoundary {
			out = append(out, idBoundary)
		}
		switch t.kind {
		case kindSyllable:
			out = append(out, id(t.key))
		case kindNumber:
			out = append(out, idNumber)
		case kindOther:
			out = append(out, idUnknown)
		}
		if t.breakAfter && out[len(out)-1] != idBoundary {
			out = append(out, idBoundary)
		}
	}
	if out[len(out)-1] != idBoundary {
		out = append(out, idBoundary)
	}
	return out
}
