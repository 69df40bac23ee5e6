package pages

import (
	"context"
	"errors"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"kntc/internal/vnlegacy"
)

// A text layer mixes encodings run by run when a document set some runs in a
// TCVN3 or VNI font (.VnTime, VNI-Times) and others in a Unicode one. pdftotext
// gives the text without its fonts; pdftohtml -xml gives it in fragments, each
// with its font's name. The words of the fragments in a legacy font are
// converted by their font, and only those: a word a Unicode fragment also has is
// left to the converter by content (vnlegacy.Convert), which never changes
// Unicode words.

// fragment is a piece of a page's text in one font.
type fragment struct {
	font, text string
}

var (
	fontspecRE = regexp.MustCompile(`<fontspec id="([^"]*)"[^>]*? family="([^"]*)"`)
	textRE     = regexp.MustCompile(`(?s)<text [^>]*?font="([^"]*)"[^>]*>(.*?)</text>`)
	tagRE      = regexp.MustCompile(`<[^>]*>`)
)

// fragments reads page num's text fragments and their fonts with pdftohtml.
func (f *File) fragments(ctx context.Context, num int) ([]fragment, error) {
	n := strconv.Itoa(num)
	args := []string{"-xml", "-stdout", "-i", "-q", "-hidden", "-nodrm", "-fontfullname", "-f", n, "-l", n, f.path}
	var b []byte
	err := f.poppler(ctx, num, "pdftohtml", args, func(r io.Reader) error {
		var err error
		b, err = io.ReadAll(io.LimitReader(r, 4*maxTextBytes))
		if err == nil && len(b) == 4*maxTextBytes {
			return errEnough
		}
		return err
	})
	switch {
	case errors.Is(err, ErrCorrupt):
		return nil, nil // pdftotext read it: its text is then converted by content
	case err != nil:
		return nil, err
	}
	return parseFragments(strings.ToValidUTF8(string(b), "")), nil
}

// parseFragments reads pdftohtml's XML: the fonts declared (fontspec), then the
// text elements naming them.
func parseFragments(x string) []fragment {
	fonts := map[string]string{}
	for _, m := range fontspecRE.FindAllStringSubmatch(x, -1) {
		fonts[m[1]] = html.UnescapeString(m[2])
	}
	var frags []fragment
	for _, m := range textRE.FindAllStringSubmatch(x, -1) {
		frags = append(frags, fragment{fonts[m[1]], html.UnescapeString(tagRE.ReplaceAllString(m[2], ""))})
	}
	return frags
}

// legacyByFont converts the words of text (pdftotext's) that frags show set in
// a font named for a legacy encoding, each by its font, and returns the rest as
// it is. A word is matched by its spelling, in order: a word that also comes in
// a Unicode font (or in a legacy-font fragment holding a Unicode-only letter,
// whose font maps its codes to Unicode) is not converted here.
func legacyByFont(text string, frags []fragment) string {
	legacy := map[string][]string{} // word → the fonts of its legacy occurrences, in order
	uni := map[string]bool{}
	for _, fr := range frags {
		e, _ := vnlegacy.ByFont(fr.font)
		isLegacy := e != vnlegacy.Unicode && !strings.ContainsFunc(fr.text, vnlegacy.UnicodeOnly)
		for _, w := range strings.Fields(fr.text) {
			if isLegacy {
				legacy[w] = append(legacy[w], fr.font)
			} else {
				uni[w] = true
			}
		}
	}
	if len(legacy) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + len(text)/4)
	for i := 0; i < len(text); {
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += n
		}
		if j == i { // white space
			_, n := utf8.DecodeRuneInString(text[i:])
			b.WriteString(text[i : i+n])
			i += n
			continue
		}
		w := text[i:j]
		if fonts := legacy[w]; len(fonts) > 0 && !uni[w] {
			legacy[w] = fonts[1:]
			w = vnlegacy.ConvertRun(fonts[0], w)
		}
		b.WriteString(w)
		i = j
	}
	return b.String()
}
