// Package textin cleans and checks the text people type into kntc: names,
// subjects, addresses, notes. Every field is NFC-normalised; zero-width characters
// are dropped (so a subject of only U+200B is empty); control characters and the
// bidirectional overrides that can make a name read differently on screen than it
// is stored are refused; lengths are counted in characters. It imports only the
// standard library and x/text, so that auth and cases can both use it.
package textin

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"kntc/internal/errs"
	"kntc/internal/viet"
)

// Field describes one text field: its names in messages and its limits.
type Field struct {
	Key      string // the name the client writes it under ("subject"), for errs.Problem.Field
	Name     string // Vietnamese name, used in messages: "tên đương sự"
	English  string // English name, in brackets: "party name"
	Max      int    // at most this many characters; 0 means no limit
	Required bool
	// Multiline keeps line breaks and tabs (a summary, a note); a single-line field
	// turns them into spaces. A multi-line field also drops bidirectional controls
	// (text pasted from elsewhere may carry them) where a single-line one refuses
	// them: a name is where an override would mislead.
	Multiline bool
	// Allowed, when set, is the only characters the field may hold (besides
	// nothing), described by AllowedText in messages.
	Allowed     func(r rune) bool
	AllowedText string // "chữ số và chữ cái không dấu (digits and ASCII letters)"
}

// Clean returns s normalised, and what is wrong with it ("" when nothing is): a
// message naming the field, Vietnamese first with English in brackets.
func (f Field) Clean(s string) (string, string) {
	var b strings.Builder
	b.Grow(len(s))
	var control, bidi, invalid bool
	for i, r := range s {
		switch {
		case r == utf8.RuneError && isBadByte(s, i):
			invalid = true
		case ZeroWidth(r):
			// dropped: invisible, and a field of nothing else is empty
		case Bidi(r):
			if !f.Multiline {
				bidi = true
			}
		case r == '\r':
			if f.Multiline {
				if !strings.HasPrefix(s[i+1:], "\n") {
					b.WriteByte('\n') // a lone CR (old Mac text) is a line break
				}
			} else {
				b.WriteByte(' ')
			}
		case r == '\n' || r == '\t':
			if f.Multiline {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case Control(r):
			control = true
		default:
			b.WriteRune(r)
		}
	}
	// Normalised after the filtering: a dropped character between a letter and
	// its combining mark would otherwise leave them uncomposed.
	out := strings.TrimSpace(viet.NFC(b.String()))
	switch {
	case invalid:
		return out, f.problem("không phải văn bản UTF-8 hợp lệ", "not valid UTF-8 text")
	case control:
		return out, f.problem("chứa ký tự điều khiển", "contains control characters")
	case bidi:
		return out, f.problem("chứa ký tự đảo hướng chữ", "contains bidirectional control characters")
	case out == "" && f.Required:
		return out, f.problem("bắt buộc", "is required")
	case f.Max > 0 && utf8.RuneCountInString(out) > f.Max:
		return out, f.problem(fmt.Sprintf("tối đa %d ký tự", f.Max), fmt.Sprintf("at most %d characters", f.Max))
	}
	if f.Allowed != nil {
		for _, r := range out {
			if !f.Allowed(r) {
				return out, f.problem("chỉ gồm "+f.AllowedText, "only "+englishOf(f.AllowedText))
			}
		}
	}
	return out, ""
}

func (f Field) problem(vi, en string) string {
	return fmt.Sprintf("%s %s (%s %s)", f.Name, vi, f.English, en)
}

// englishOf returns the bracketed English of a "tiếng Việt (English)" text, or
// the whole text when it has none.
func englishOf(s string) string {
	i := strings.LastIndex(s, "(")
	if i < 0 || !strings.HasSuffix(s, ")") {
		return s
	}
	return s[i+1 : len(s)-1]
}

func isBadByte(s string, i int) bool {
	r, n := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && n <= 1
}

// Control reports whether r is a C0 or C1 control character or DEL (tab, line
// feed and carriage return included: callers decide about those).
func Control(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

// Bidi reports whether r is a bidirectional formatting character: the embeddings
// and overrides U+202A–U+202E, the isolates U+2066–U+2069, the marks U+200E,
// U+200F and U+061C.
func Bidi(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// ZeroWidth reports whether r is an invisible zero-width character: U+200B–U+200D,
// the word joiner U+2060 and the byte-order mark U+FEFF.
func ZeroWidth(r rune) bool { return r >= 0x200b && r <= 0x200d || r == 0x2060 || r == 0xfeff }

// Check cleans *s as field f in place, recording its problem in p under f.Key.
func (f Field) Check(p *errs.Problems, s *string) {
	v, prob := f.Clean(*s)
	*s = v
	if prob != "" {
		p.Add(f.Key, prob)
	}
}

// Strip is the lenient cleaning of a field whose checks are made elsewhere: NFC,
// without zero-width, bidirectional and control characters (line breaks and tabs
// kept), trimmed.
func Strip(s string) string {
	s = strings.Map(func(r rune) rune {
		if ZeroWidth(r) || Bidi(r) || Control(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(viet.NFC(s))
}
