package search

import (
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"kntc/internal/viet"
)

// Weights of matched words when choosing snippets: exact before folded before fuzzy.
const (
	weightExact  = 3.0
	weightFolded = 1.0
	weightFuzzy  = 0.3
)

// Snippets.
const (
	maxSnippets      = 3
	snippetBytes     = 240 // about 100 Vietnamese letters
	snippetLeadBytes = 80  // context before the first match of a snippet
)

// matcher finds, in a page text, the words a query matched, so that snippets show
// them. It follows the query's rules: exact and folded words, prefixes, phrases
// over adjacent words, one wrong letter with typo tolerance.
type matcher struct {
	clauses []mclause
	fuzzy   bool
}

type mclause struct {
	kind  ClauseKind
	words []word
	typed string // a prefix as typed, lower case
}

func newMatcher(cs []Clause, fuzzy bool) matcher {
	m := matcher{fuzzy: fuzzy}
	for _, c := range cs {
		mc := mclause{kind: c.Kind}
		for _, raw := range c.Words {
			mc.words = append(mc.words, queryWord(raw))
		}
		if c.Kind == ClausePrefix {
			mc.typed = viet.SingleD(strings.ToLower(c.Words[0]))
		}
		m.clauses = append(m.clauses, mc)
	}
	return m
}

// span is a matched stretch of the text and how well it matched.
type span struct {
	start, end int
	weight     float64
}

// hlWord is a word of a page being highlighted. Its folded form is computed for
// every word, cheaply; the exact form only for the few whose folded form matches.
type hlWord struct {
	start, end int
	folded     string
}

// exact returns the exact index form of w in text.
func (w hlWord) exact(text string) string {
	e, _ := forms(text[w.start:w.end])
	return e
}

// hlWords splits text into words with their folded forms.
func hlWords(text string) []hlWord {
	ws := make([]hlWord, 0, len(text)/5)
	ends := make([]int, 0, len(text)/5) // of each folded form in buf
	buf := make([]byte, 0, len(text))
	for i, j := nextWord(text, 0); i < len(text); i, j = nextWord(text, j) {
		raw := text[i:j]
		from := len(buf)
		var ok bool
		if buf, ok = appendQuickFold(buf, raw); !ok {
			buf = buf[:from]
			_, f := forms(raw)
			buf = append(buf, f...)
		}
		ws = append(ws, hlWord{start: i, end: j})
		ends = append(ends, len(buf))
	}
	// One string for all folded forms, sliced, instead of one per word.
	all, from := string(buf), 0
	for k := range ws {
		ws[k].folded = all[from:ends[k]]
		from = ends[k]
	}
	return ws
}

// quickFold maps the letters that fold to one ASCII letter (the Vietnamese
// alphabet, Latin-1 and Latin Extended letters) to it; 0 means "not known here".
var quickFold [0x1F00]byte

func init() {
	for r := rune(0); r < rune(len(quickFold)); r++ {
		if !isWordRune(r) {
			continue
		}
		if f := viet.Fold(strings.ToLower(string(r))); len(f) == 1 && f[0] < utf8.RuneSelf {
			quickFold[r] = f[0]
		}
	}
}

// appendQuickFold appends the folded form of word to buf, or reports false when a
// rune of word is not in quickFold (combining marks, other scripts).
func appendQuickFold(buf []byte, word string) ([]byte, bool) {
	for _, r := range word {
		if r >= rune(len(quickFold)) || quickFold[r] == 0 {
			return buf, false
		}
		buf = append(buf, quickFold[r])
	}
	return buf, true
}

// wordWeight is how well text word t matches query word w: 0 not at all.
func (m matcher) wordWeight(text string, t hlWord, w word) float64 {
	switch {
	case t.folded == w.folded:
		if w.hasDiacritics() && t.exact(text) == w.exact {
			return weightExact
		}
		return weightFolded
	case m.fuzzy && utf8.RuneCountInString(w.folded) >= minFuzzyRunes && withinOneEdit(t.folded, w.folded):
		return weightFuzzy
	}
	return 0
}

func (m matcher) spans(text string, ws []hlWord) []span {
	var out []span
	for _, c := range m.clauses {
		for i, t := range ws {
			switch c.kind {
			case ClauseWord:
				if wt := m.wordWeight(text, t, c.words[0]); wt > 0 {
					out = append(out, span{t.start, t.end, wt})
				}
			case ClausePrefix:
				w := c.words[0]
				if !strings.HasPrefix(t.folded, w.folded) {
					continue
				}
				wt := weightFolded
				if e := t.exact(text); w.hasDiacritics() && (strings.HasPrefix(e, w.exact) || strings.HasPrefix(e, c.typed)) {
					wt = weightExact
				}
				out = append(out, span{t.start, t.end, wt})
			case ClausePhrase:
				if i+len(c.words) > len(ws) || t.folded != c.words[0].folded {
					continue
				}
				total := 0.0
				for k, w := range c.words {
					t := ws[i+k]
					if t.folded != w.folded {
						total = -1
						break
					}
					if w.hasDiacritics() && t.exact(text) == w.exact {
						total += weightExact
					} else {
						total += weightFolded
					}
				}
				if total > 0 {
					out = append(out, span{t.start, ws[i+len(c.words)-1].end, total})
				}
			}
		}
	}
	return out
}

// snippets cuts up to maxSnippets pieces of text around the best matches.
func (m matcher) snippets(text string) []string {
	if text == "" {
		return nil
	}
	var spans []span
	if len(m.clauses) > 0 {
		spans = m.spans(text, hlWords(text))
	}
	if len(spans) == 0 {
		end := wordEndAfter(text, min(len(text), snippetBytes))
		return []string{render(text, 0, end, nil)}
	}
	// Best matches first; each starts a window unless an earlier window holds it.
	best := slices.Clone(spans)
	slices.SortStableFunc(best, func(a, b span) int {
		if a.weight != b.weight {
			if a.weight > b.weight {
				return -1
			}
			return 1
		}
		return a.start - b.start
	})
	type window struct{ start, end int }
	var wins []window
	for _, s := range best {
		if len(wins) == maxSnippets {
			break
		}
		covered := false
		for _, w := range wins {
			if s.start >= w.start && s.end <= w.end {
				covered = true
				break
			}
		}
		if covered {
			continue
		}
		start := wordStartBefore(text, max(0, s.start-snippetLeadBytes), s.start)
		end := wordEndAfter(text, min(len(text), max(s.end, start+snippetBytes)))
		overlaps := false
		for _, w := range wins {
			if start < w.end && end > w.start {
				overlaps = true
				break
			}
		}
		if !overlaps {
			wins = append(wins, window{start, end})
		}
	}
	slices.SortFunc(wins, func(a, b window) int { return a.start - b.start })
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := make([]string, 0, len(wins))
	for _, w := range wins {
		out = append(out, render(text, w.start, w.end, spans))
	}
	return out
}

// render returns text[start:end] HTML-escaped, white space collapsed, the spans
// inside it marked, and … where it cuts the text.
func render(text string, start, end int, spans []span) string {
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	at := start
	for _, s := range spans {
		if s.start < at || s.end > end {
			continue // outside the window, or overlapping a mark already written
		}
		writeCollapsed(&b, text[at:s.start])
		b.WriteString("<mark>")
		writeCollapsed(&b, text[s.start:s.end])
		b.WriteString("</mark>")
		at = s.end
	}
	writeCollapsed(&b, text[at:end])
	if end < len(text) {
		b.WriteString("…")
	}
	return strings.TrimSpace(b.String())
}

// writeCollapsed writes s HTML-escaped with each run of white space as one space.
func writeCollapsed(b *strings.Builder, s string) {
	space := false
	var piece strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			piece.WriteByte(' ')
			space = false
		}
		piece.WriteRune(r)
	}
	if space {
		piece.WriteByte(' ')
	}
	b.WriteString(html.EscapeString(piece.String()))
}

// wordStartBefore moves i forward to the start of a word, not past limit.
func wordStartBefore(text string, i, limit int) int {
	if i == 0 {
		return 0
	}
	for i < limit {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			return i + n
		}
		i += n
	}
	return limit
}

// wordEndAfter moves i forward to the end of the word it is in.
func wordEndAfter(text string, i int) int {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			return i
		}
		i += n
	}
	return len(text)
}

// withinOneEdit reports whether a and b differ by at most one inserted, deleted or
// replaced rune.
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < len(rb) {
		ra, rb = rb, ra
	}
	if len(ra)-len(rb) > 1 {
		return false
	}
	i := 0
	for i < len(rb) && ra[i] == rb[i] {
		i++
	}
	if len(ra) == len(rb) {
		return string(ra[i+min(1, len(ra)-i):]) == string(rb[i+min(1, len(rb)-i):])
	}
	return string(ra[i+1:]) == string(rb[i:])
}
