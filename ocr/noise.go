package ocr

import (
	"slices"
	"strings"
	"unicode"

	"kntc/ingest"
	"kntc/internal/viet"
)

// OCR noise: what Tesseract makes of specks, rules, the shadow along a page's edge
// and the show-through of its back — lines of | _ : . — and single stray letters —
// is taken out of the recognised text, so that it neither pollutes search nor
// confuses the header parser.

// IsNoiseLine reports whether a line of OCR tokens (the words of one line) is noise:
// no token has two letters or digits ("| _ :", "ẵ - -", "....", "Ẫ"). A line that
// is a number alone ("2", "- 2 -", a page number) is not noise.
func IsNoiseLine(tokens []string) bool {
	if len(tokens) == 0 {
		return false
	}
	digits := false
	for _, t := range tokens {
		letters, nd := alnumCount(t)
		if letters+nd >= 2 {
			return false
		}
		if nd > 0 {
			digits = true
		}
	}
	if digits {
		// Only a lone number is kept: a digit among stray marks is a speck too.
		for _, t := range tokens {
			if l, _ := alnumCount(t); l > 0 {
				return true
			}
		}
		return false
	}
	return true
}

// RemoveNoiseLines returns text without its noise lines (see IsNoiseLine). Blank
// lines left around a removed line are joined, so paragraphs stay separated by one
// blank line; text without noise comes back unchanged.
func RemoveNoiseLines(text string) string {
	lines := strings.Split(text, "\n")
	out := lines[:0]
	removed := false
	for _, l := range lines {
		if IsNoiseLine(strings.Fields(l)) {
			removed = true
			continue
		}
		out = append(out, l)
	}
	if !removed {
		return text
	}
	// Join blank runs and drop blank lines at the ends.
	kept := out[:0]
	for _, l := range out {
		blank := strings.TrimSpace(l) == ""
		if blank && (len(kept) == 0 || strings.TrimSpace(kept[len(kept)-1]) == "") {
			continue
		}
		kept = append(kept, l)
	}
	for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1]) == "" {
		kept = kept[:len(kept)-1]
	}
	return strings.Join(kept, "\n")
}

// DropNoiseWords returns the words of a page (in reading order, as the engine gives
// them) without noise: the words of noise lines (IsNoiseLine), tokens that are never
// words (a lone ' ` | _ ~) or an apostrophe stuck before a syllable ('Thị), and
// stray marks at either end of a line — a token with no letter or digit, or a single letter — set
// apart from the rest of the line by more than its height, which is where the
// shadow of the page edge and specks in the margin are read. A stray mark next to
// its words ("a )", "- Lưu") is left alone. The result shares no memory with words.
func DropNoiseWords(words []ingest.Word) []ingest.Word {
	out := make([]ingest.Word, 0, len(words))
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && sameLine(words[i], words[j]) {
			j++
		}
		line := words[i:j]
		i = j
		tokens := make([]string, len(line))
		for k, w := range line {
			tokens[k] = w.Text
		}
		if IsNoiseLine(tokens) {
			continue
		}
		// Marks that are never a word of their own, wherever they stand: a lone
		// apostrophe or backquote (read from a diacritic or a speck), a bar, an
		// underscore.
		if slices.ContainsFunc(line, func(w ingest.Word) bool { return neverWord(w.Text) }) {
			line = slices.DeleteFunc(slices.Clone(line), func(w ingest.Word) bool { return neverWord(w.Text) })
			if len(line) == 0 {
				continue
			}
		}
		for k, w := range line {
			if t := trimStrayQuote(w.Text); t != w.Text {
				line = slices.Clone(line)
				line[k].Text = t
			}
		}
		h := lineHeight(line)
		for len(line) > 1 && isStray(line[0].Text) && line[1].X0-line[0].X1 > h {
			line = line[1:]
		}
		for n := len(line); n > 1 && isStray(line[n-1].Text) && line[n-1].X0-line[n-2].X1 > h; n = len(line) {
			line = line[:n-1]
		}
		out = append(out, line...)
	}
	return out
}

// neverWord reports whether an OCR token is made only of marks that are never a
// word: ' ` ‘ ’ | ¦ _ ~.
func neverWord(tok string) bool {
	return tok != "" && strings.Trim(tok, "'`‘’|¦_~") == ""
}

// trimStrayQuote drops an apostrophe or backquote that Tesseract put before a word
// ("'Thị", from a diacritic of the line above or a speck) when the word is a
// Vietnamese syllable and nothing closes the quote.
func trimStrayQuote(tok string) string {
	rest := strings.TrimLeft(tok, "'`")
	if rest == tok || rest == "" || strings.ContainsAny(rest, "'`") {
		return tok
	}
	if word := strings.TrimRight(rest, ".,;:!?)"); viet.IsSyllable(word) {
		return rest
	}
	return tok
}

func sameLine(a, b ingest.Word) bool {
	return a.Block == b.Block && a.Par == b.Par && a.Line == b.Line
}

// lineHeight is the tallest box among the line's words of two or more letters (the
// line's own text), or the tallest of all when it has none.
func lineHeight(line []ingest.Word) int {
	h, any := 0, 0
	for _, w := range line {
		any = max(any, w.Y1-w.Y0)
		if l, d := alnumCount(w.Text); l+d >= 2 {
			h = max(h, w.Y1-w.Y0)
		}
	}
	if h == 0 {
		return any
	}
	return h
}

// isStray reports whether an OCR token looks like a mark rather than a word: no
// letters or digits, or one letter and nothing else of note.
func isStray(tok string) bool {
	letters, digits := alnumCount(tok)
	return digits == 0 && letters <= 1
}

func alnumCount(s string) (letters, digits int) {
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		}
	}
	return letters, digits
}
