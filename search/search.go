package search

import (
	"context"
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	bquery "github.com/blevesearch/bleve/v2/search/query"

	"kntc/ingest"
	"kntc/ocr"
)

// Result is the answer to a Query.
type Result struct {
	Total int   // pages matching, within the user's scope
	Hits  []Hit // the requested window of them, best (or newest) first
	// Facets, when asked for, maps kind, issuer, year, unit, case and status to the
	// most frequent values among all matching pages (at most FacetSize each), most
	// frequent first.
	Facets map[string][]FacetCount
	Took   time.Duration
}

// Hit is one matching page.
type Hit struct {
	DocumentID string
	Page       int
	// Score is the relevance within the hit's tier (see Index.Search); 0 when
	// sorted by date or without query text.
	Score float64
	// Highlights are up to three snippets of the page's stored text, HTML-escaped,
	// with the matching words in <mark>…</mark>; the start of the page when no word
	// is highlighted (a query without text).
	Highlights []string
}

// FacetCount is one value of a facet and the number of matching pages having it.
type FacetCount struct {
	Term  string
	Count int
}

// FacetSize is the number of values returned per facet.
const FacetSize = 30

// facetFields are the facets of Result.Facets, by their names there.
var facetFields = []string{fieldKind, fieldIssuer, fieldYear, fieldUnit, fieldCase, fieldStatus}

// Search runs q. Access control (q.Units, q.AllUnits, q.GrantedCases, q.PublicOnly)
// is part of every bleve query it runs, so pages the user may not see count
// nowhere. It returns an error wrapping ingest.ErrInvalid for a bad Sort, Offset or
// date.
//
// Ranked by relevance, results come in two tiers: the pages that match the words
// as typed (diacritics kept, either tone placement) come before the pages that
// match only without diacritics or, with Fuzzy, with one wrong letter; within a
// tier, by tf-idf. A query typed without diacritics has a single tier. The top
// hits are collected first without highlighting; only then is the stored text of
// those few pages read and the snippets cut from it.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	if q.Offset < 0 || q.Offset > MaxOffset {
		return Result{}, fmt.Errorf("search: offset %d is outside 0–%d: %w", q.Offset, MaxOffset, ingest.ErrInvalid)
	}
	byDate := false
	switch q.Sort {
	case "", "relevance":
	case "date":
		byDate = true
	default:
		return Result{}, fmt.Errorf("search: unknown sort %q (relevance or date): %w", q.Sort, ingest.ErrInvalid)
	}
	limit := q.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	case limit < 0:
		limit = 0
	}
	clauses := ParseQuery(q.Text)
	p, err := build(q, clauses, ix.docFreq(ctx))
	if err != nil {
		return Result{}, err
	}
	out := Result{}
	if q.Facets {
		out.Facets = make(map[string][]FacetCount, len(facetFields))
		for _, f := range facetFields {
			out.Facets[f] = []FacetCount{}
		}
	}
	if p.none {
		out.Took = time.Since(start)
		return out, nil
	}

	// run runs one bleve search: size hits from from, scored or not, with the
	// stored text of the hits and the facets when asked.
	run := func(bq bquery.Query, from, size int, scored, facets bool) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(bq, size, from, false)
		if !scored {
			// Scores that nobody reads cost time; the conjunction runs unscored.
			req.Score = "none"
			if size > 0 {
				// Newest first; a document's pages in order.
				req.SortBy([]string{"-" + fieldDate, fieldDoc, fieldPage})
			}
		}
		if size > 0 {
			req.Fields = []string{fieldText}
		}
		if facets {
			for _, f := range facetFields {
				// Each shard returns its most frequent values; asking for more than
				// are shown makes the merged counts exact for the values shown but
				// for rare ties.
				req.AddFacet(f, bleve.NewFacetRequest(f, 4*FacetSize))
			}
		}
		res, err := ix.all.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("search %q: %w", q.Text, err)
		}
		return res, nil
	}

	var hits search.DocumentMatchCollection
	var all *bleve.SearchResult // the whole result: Total and Facets
	switch {
	case !p.text || byDate || limit == 0 || p.tierA == nil:
		// One pass: no ranking, or a single tier.
		all, err = run(p.query(p.tierB, nil), q.Offset, limit, p.text && !byDate && limit > 0, q.Facets)
		if err != nil {
			return Result{}, err
		}
		hits = all.Hits
	default:
		// Tier A for the hits, tier B counted for Total and Facets, and the pages
		// only tier B finds when tier A has too few.
		a, err := run(p.query(p.tierA, nil), q.Offset, limit, true, false)
		if err != nil {
			return Result{}, err
		}
		hits = a.Hits
		all, err = run(p.query(p.tierB, nil), 0, 0, false, q.Facets)
		if err != nil {
			return Result{}, err
		}
		countA := int(a.Total)
		if len(hits) < limit && int(all.Total) > countA {
			from := max(0, q.Offset-countA)
			rest, err := run(p.query(p.tierB, p.tierA), from, limit-len(hits), true, false)
			if err != nil {
				return Result{}, err
			}
			hits = append(hits, rest.Hits...)
		}
	}

	out.Total = int(all.Total)
	m := newMatcher(clauses, q.Fuzzy)
	for _, h := range hits {
		docID, page, ok := splitPageID(h.ID)
		if !ok {
			// Only pages match: every query requires a page field. Guard anyway.
			continue
		}
		text, _ := h.Fields[fieldText].(string)
		out.Hits = append(out.Hits, Hit{DocumentID: docID, Page: page, Score: h.Score, Highlights: m.snippets(text)})
	}
	if q.Facets {
		for _, f := range facetFields {
			fr, ok := all.Facets[f]
			if !ok || fr.Terms == nil {
				continue
			}
			counts := make([]FacetCount, 0, fr.Terms.Len())
			for _, t := range fr.Terms.Terms() {
				counts = append(counts, FacetCount{Term: t.Term, Count: t.Count})
			}
			slices.SortStableFunc(counts, func(a, b FacetCount) int {
				if a.Count != b.Count {
					return b.Count - a.Count
				}
				return strings.Compare(a.Term, b.Term)
			})
			out.Facets[f] = counts[:min(len(counts), FacetSize)]
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// docFreq returns a function estimating how many pages have a term: the sum over
// the shards of the term's postings. The counts may include deleted pages until
// segments merge (zapx#445), so they only choose which term drives a query and are
// never shown; an error counts as "many".
func (ix *Index) docFreq(ctx context.Context) func(field, term string) uint64 {
	return func(field, term string) uint64 {
		var n uint64
		for _, s := range ix.shards {
			c, err := termCount(ctx, s, field, term)
			if err != nil {
				return math.MaxUint64
			}
			n += c
		}
		return n
	}
}

func termCount(ctx context.Context, s bleve.Index, field, term string) (uint64, error) {
	adv, err := s.Advanced()
	if err != nil {
		return 0, err
	}
	r, err := adv.Reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, err
	}
	defer tfr.Close()
	return tfr.Count(), nil
}

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
			mc.typed = strings.ReplaceAll(strings.ToLower(c.Words[0]), "ð", "đ")
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
		if f := ocr.Fold(strings.ToLower(string(r))); len(f) == 1 && f[0] < utf8.RuneSelf {
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
