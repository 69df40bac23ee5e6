package search

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	bquery "github.com/blevesearch/bleve/v2/search/query"

	"kntc/internal/errs"
	"kntc/internal/viet"
)

// Query is one search. The zero value finds nothing: a user's scope must be given
// (Units or AllUnits).
type Query struct {
	// Text is what the user typed; see ParseQuery. Empty finds every page the
	// filters and the scope allow, newest first.
	Text string

	// Filters. Empty lists and zero values do not filter; several values of one
	// list are alternatives.
	Kinds    []string  // document kinds (quyet_dinh_thu_ly, …)
	Issuers  []string  // issuing bodies, as the issuer facet names them (IssuerName; any spelling)
	Statuses []string  // document statuses
	Case     string    // case code
	From, To time.Time // document date (header date, else creation day), inclusive

	// Access control, applied inside the query so that forbidden documents count
	// nowhere: not in hits, Total or Facets.
	Units    []string // unit codes in the user's scope; empty means no unit
	AllUnits bool     // every unit: administrators and province-wide leaders
	// GrantedCases are the codes of the cases whose confidential documents the user
	// is granted: a confidential page is found only when its case is listed (and
	// never with PublicOnly). Only its metadata is indexed, never its text (see
	// Entry), so even then it is found by filters, not by words.
	GrantedCases []string
	PublicOnly   bool // public portal: published, never confidential, documents only

	Sort   string // "relevance" (the default) or "date" (newest first)
	Offset int    // hits to skip, at most MaxOffset
	// Limit is the number of hits: 0 means DefaultLimit, more than MaxLimit means
	// MaxLimit, and a negative limit asks for Total and Facets only.
	Limit int
	Fuzzy bool // tolerate one wrong letter in words of 6 letters or more (OCR errors)
	// Facets asks for the counts per kind, issuer, year, unit, case and status.
	Facets bool
	// FacetNames, when not empty, narrows Facets to these facets (names as in
	// Result.Facets; others are ignored): a facet costs an intersection per value,
	// and one with many values (the case facet) a look at every matching page, so
	// a page that shows three of them counts only those.
	FacetNames []string
}

// Limits of a query.
const (
	DefaultLimit = 20
	MaxLimit     = 100
	MaxOffset    = 10_000
	// MaxClauses is the number of words, prefixes and phrases of a query that are
	// used; the rest is ignored.
	MaxClauses = 16
	// MaxPhraseWords is the number of words of a phrase that are used.
	MaxPhraseWords = 16
	// maxQueryBytes bounds the text ParseQuery reads.
	maxQueryBytes = 1024
	// minPrefixRunes: shorter prefixes would expand to too many terms and are
	// searched as words.
	minPrefixRunes = 2
	// minFuzzyRunes: shorter words are not searched with typo tolerance.
	minFuzzyRunes = 6
)

// ClauseKind says what a clause of a parsed query matches.
type ClauseKind int

// Kinds of clauses.
const (
	ClauseWord   ClauseKind = iota // one word
	ClausePrefix                   // words starting with Words[0] (typed as khiếu*)
	ClausePhrase                   // the words in this order, adjacent (typed in quotes)
)

// Clause is one part of a parsed query. Every clause must match a page.
type Clause struct {
	Kind  ClauseKind
	Words []string // as typed (NFC); one for ClauseWord and ClausePrefix
}

// quote reports whether r opens or closes a phrase: the ASCII quote and the
// typographic quotes word processors and phone keyboards produce.
func quote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '«', '»':
		return true
	}
	return false
}

// ParseQuery splits what a user typed into clauses: "quoted words" are a phrase, a
// word followed by * is a prefix (at least two letters), every other word is a word.
// Everything that is not a letter, digit or quote separates words: +, -, :, (, ), ^
// and ~ have no special meaning. An unclosed quote runs to the end. Only the first
// 1,024 bytes, MaxClauses clauses and MaxPhraseWords words of a phrase are used;
// repeated clauses are dropped.
func ParseQuery(s string) []Clause {
	if len(s) > maxQueryBytes {
		s = s[:maxQueryBytes] // a rune cut in two becomes a separator below
	}
	s = viet.NFC(strings.ToValidUTF8(s, " "))
	var (
		out      []Clause
		seen     = map[string]bool{}
		inPhrase bool
		phrase   []string
	)
	add := func(c Clause) {
		if len(out) >= MaxClauses {
			return
		}
		key := fmt.Sprint(c.Kind, c.Words)
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, c)
	}
	endPhrase := func() {
		switch len(phrase) {
		case 0:
		case 1:
			add(Clause{Kind: ClauseWord, Words: phrase})
		default:
			add(Clause{Kind: ClausePhrase, Words: phrase})
		}
		phrase = nil
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case quote(r):
			if inPhrase {
				endPhrase()
			}
			inPhrase = !inPhrase
			i += n
			continue
		case !isWordRune(r):
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r, n = utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r) {
				break
			}
			j += n
		}
		w := s[i:j]
		i = j
		switch {
		case inPhrase:
			if len(phrase) < MaxPhraseWords {
				phrase = append(phrase, w)
			}
		case i < len(s) && s[i] == '*' && utf8.RuneCountInString(w) >= minPrefixRunes:
			add(Clause{Kind: ClausePrefix, Words: []string{w}})
		default:
			add(Clause{Kind: ClauseWord, Words: []string{w}})
		}
	}
	if inPhrase {
		endPhrase()
	}
	return out
}

func termQuery(field, term string, boost float64) *bquery.TermQuery {
	q := bquery.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func prefixQuery(field, prefix string, boost float64) *bquery.PrefixQuery {
	q := bquery.NewPrefixQuery(prefix)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func anyOf(qs ...bquery.Query) bquery.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return bquery.NewDisjunctionQuery(qs)
}

// filterTerms matches any of values in field. Its boost is 0: filters select pages
// and must not change their order.
func filterTerms(field string, values []string) bquery.Query {
	qs := make([]bquery.Query, len(values))
	for i, v := range values {
		qs[i] = termQuery(field, keyword(v), 0)
	}
	return anyOf(qs...)
}

// Ranking in tiers. A query typed with diacritics is run as typed first (tier A:
// exact words, canonical tone placement) and then without diacritics (tier B: the
// folded words, and one wrong letter when typo tolerance is on). Every page of tier
// A ranks above the pages only tier B finds: bán finds pages with "bán" first, then
// pages with "ban", "bạn" or "bàn". Within a tier, pages rank by tf-idf. Running the
// tiers apart is also what keeps common words fast: each word is one term in each
// pass instead of a disjunction of exact, folded and fuzzy terms, and tier B is
// only counted (and faceted) unless tier A runs out of hits for the page asked.

// plan is a Query turned into bleve queries.
type plan struct {
	none    bool           // the user's scope is empty: nothing matches
	text    bool           // there are text clauses to rank by
	tierA   []bquery.Query // text clauses as typed; nil when the same as tierB
	tierB   []bquery.Query // text clauses without diacritics (and with typo tolerance)
	filters []bquery.Query // filters and access control, all required
	mustNot bquery.Query   // access control: confidential pages, or nil
	// near are the bigrams of the words typed next to each other (see nearQueries):
	// optional, they only raise the pages having the words together, in order.
	near []bquery.Query
}

// query combines text clauses with the filters and access control into one
// conjunction; exclude, when given, is a tier whose pages are left out.
func (p plan) query(text []bquery.Query, exclude []bquery.Query) bquery.Query {
	return p.combine(text, exclude, nil)
}

// ranked is query with the bigrams of near added as optional clauses, for the
// passes whose order is read; a pass only counted or sorted by date does not pay
// for them.
func (p plan) ranked(text []bquery.Query, exclude []bquery.Query) bquery.Query {
	return p.combine(text, exclude, p.near)
}

func (p plan) combine(text, exclude, should []bquery.Query) bquery.Query {
	must := slices.Concat(text, p.filters)
	if len(text) == 0 {
		// A page record, never a document record, whatever the filters.
		must = append(must, termQuery(fieldType, typePage, 0))
	}
	var q bquery.Query = bquery.NewConjunctionQuery(must)
	var not []bquery.Query
	if p.mustNot != nil {
		not = append(not, p.mustNot)
	}
	if len(exclude) > 0 {
		not = append(not, bquery.NewConjunctionQuery(exclude))
	}
	if len(not) == 0 && len(should) == 0 {
		return q
	}
	// One boolean query: the optional clauses are scored beside the required ones
	// rather than around them.
	b := bquery.NewBooleanQuery(nil, should, not)
	b.Must = q
	return b
}

// build turns q and its parsed clauses into a plan. df estimates the number of
// pages having a term, to choose what drives a phrase.
func build(q Query, clauses []Clause, df func(field, term string) uint64) (plan, error) {
	if !q.AllUnits && len(q.Units) == 0 {
		return plan{none: true}, nil
	}
	var p plan
	differ := false
	for _, c := range clauses {
		var a, b bquery.Query
		switch c.Kind {
		case ClauseWord:
			a, b = wordQueries(queryWord(c.Words[0]), q.Fuzzy)
		case ClausePrefix:
			a, b = prefixQueries(c.Words[0])
		case ClausePhrase:
			ws := make([]word, len(c.Words))
			for i, raw := range c.Words {
				ws[i] = queryWord(raw)
			}
			a, b = phraseQueries(ws, df)
		default:
			return plan{}, errs.Errorf(errs.Invalid, "search: unknown clause kind %d", c.Kind)
		}
		p.tierA = append(p.tierA, a)
		p.tierB = append(p.tierB, b)
		differ = differ || a != b
	}
	p.text = len(p.tierB) > 0
	p.near = nearQueries(clauses)
	if !differ {
		p.tierA = nil
	}

	// Access control.
	if !q.AllUnits {
		p.filters = append(p.filters, filterTerms(fieldUnit, q.Units))
	}
	// Confidential pages are few: excluding them costs less than requiring
	// confidential:false of nearly every page. Every page has the field.
	confidential := termQuery(fieldConfidential, "true", 0)
	if granted := grantedCases(q.GrantedCases); len(granted) == 0 || q.PublicOnly {
		p.mustNot = confidential
	} else {
		// Confidential pages of every other case.
		p.mustNot = bquery.NewBooleanQuery([]bquery.Query{confidential}, nil, []bquery.Query{filterTerms(fieldCase, granted)})
	}
	if q.PublicOnly {
		p.filters = append(p.filters, termQuery(fieldPublished, "true", 0))
	}
	// Filters.
	for _, f := range []struct {
		field  string
		values []string
	}{{fieldKind, q.Kinds}, {fieldIssuer, issuerNames(q.Issuers)}, {fieldStatus, q.Statuses}} {
		if len(f.values) > 0 {
			p.filters = append(p.filters, filterTerms(f.field, f.values))
		}
	}
	if q.Case != "" {
		p.filters = append(p.filters, termQuery(fieldCase, keyword(q.Case), 0))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		for _, t := range []time.Time{q.From, q.To} {
			if !t.IsZero() && (t.Year() < minYear || t.Year() > maxYear) {
				return plan{}, errs.Errorf(errs.Invalid, "search: date %s is outside %d–%d", t.Format(time.DateOnly), minYear, maxYear)
			}
		}
		p.filters = append(p.filters, dateFilter(q.From, q.To))
	}
	return p, nil
}

// dateFilter matches the pages dated from from to to, inclusive (either may be
// zero: unbounded).
func dateFilter(from, to time.Time) bquery.Query {
	if years := wholeYears(from, to); years != nil {
		// The year facet's terms: one term a year instead of the dozens of
		// prefix-coded terms of a range of days.
		return filterTerms(fieldYear, years)
	}
	var lo, hi *float64
	if !from.IsZero() {
		lo = new(float64(days(from)))
	}
	if !to.IsZero() {
		hi = new(float64(days(to)))
	}
	inclusive := true
	r := bquery.NewNumericRangeInclusiveQuery(lo, hi, &inclusive, &inclusive)
	r.SetField(fieldDate)
	r.SetBoost(0)
	return r
}

// wholeYears returns the years from's to to's when the range is whole years
// (the 1st of January to the 31st of December, as the search page's year filter
// asks), at most ten, else nil. A page is dated in those years exactly when its
// date is in the range: the year is indexed from the same date (addEntry).
func wholeYears(from, to time.Time) []string {
	if from.IsZero() || to.IsZero() || from.Month() != time.January || from.Day() != 1 ||
		to.Month() != time.December || to.Day() != 31 || to.Year() < from.Year() || to.Year()-from.Year() >= 10 {
		return nil
	}
	var out []string
	for y := from.Year(); y <= to.Year(); y++ {
		out = append(out, strconv.Itoa(y))
	}
	return out
}

// grantedCases returns the case codes of a grant as indexed, without empty codes:
// a confidential page that is in no case is found by nobody.
func grantedCases(codes []string) []string {
	var out []string
	for _, c := range codes {
		if k := keyword(c); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// wordQueries returns the tiers of one word: exact (when typed with diacritics) and
// folded, with one wrong letter allowed in tier B for long words when fuzzy.
func wordQueries(w word, fuzzy bool) (a, b bquery.Query) {
	b = termQuery(fieldFolded, w.folded, 1)
	if fuzzy && utf8.RuneCountInString(w.folded) >= minFuzzyRunes {
		f := bquery.NewFuzzyQuery(w.folded)
		f.SetField(fieldFolded)
		f.SetFuzziness(1)
		b = f // the fuzzy query includes the word itself
		a = termQuery(fieldFolded, w.folded, 1)
	} else {
		a = b
	}
	if w.hasDiacritics() {
		a = termQuery(fieldText, w.exact, 1)
	}
	return a, b
}

// prefixQueries returns the tiers of a prefix. Tier A tries the prefix in canonical
// tone placement and as typed, because moving a tone changes what a prefix
// continues to: hoà* must find hoàng, whose canonical form keeps the tone on a.
func prefixQueries(raw string) (a, b bquery.Query) {
	w := queryWord(raw)
	b = prefixQuery(fieldFolded, w.folded, 1)
	if !w.hasDiacritics() {
		return b, b
	}
	a = prefixQuery(fieldText, w.exact, 1)
	if typed := viet.SingleD(strings.ToLower(viet.NFC(raw))); typed != w.exact {
		a = anyOf(a, prefixQuery(fieldText, typed, 1))
	}
	return a, b
}

// phraseQueries returns the tiers of a phrase: every pair of adjacent words must be
// on the page as a (folded) bigram, so a two-word phrase is one term however common
// its words are. For more words the pairs are required anywhere on the page, not
// necessarily chained: the bigram field keeps no positions (positions would cost four
// times the disk and a quarter of the indexing speed). The order within each pair is
// always respected, and pages having every pair but never all in a row are rare.
// Typed with diacritics, tier A also requires the exact words.
//
// Only the rarest pair (by df) is scored: a page with the phrase has every pair about
// as often as the phrase, so one pair ranks as well as all of them. The other pairs
// and the exact words only filter, unscored, as one bitmap intersection; that is what
// keeps a phrase of common words fast.
func phraseQueries(ws []word, df func(field, term string) uint64) (a, b bquery.Query) {
	var pairs []string
	for i := 1; i < len(ws); i++ {
		if bg := bigram(ws[i-1].folded, ws[i].folded); !slices.Contains(pairs, bg) {
			pairs = append(pairs, bg)
		}
	}
	rarest := slices.MinFunc(pairs, func(x, y string) int {
		return cmp.Compare(df(fieldBigram, x), df(fieldBigram, y))
	})
	var others, exact []bquery.Query
	for _, bg := range pairs {
		if bg != rarest {
			others = append(others, termQuery(fieldBigram, bg, 1))
		}
	}
	for _, w := range ws {
		if w.hasDiacritics() {
			exact = append(exact, termQuery(fieldText, w.exact, 1))
		}
	}
	filtered := func(filters []bquery.Query) bquery.Query {
		if len(filters) == 0 {
			return termQuery(fieldBigram, rarest, 1)
		}
		f := bquery.NewBooleanQuery(nil, nil, nil)
		f.Must = termQuery(fieldBigram, rarest, 1)
		f.Filter = bquery.NewConjunctionQuery(filters)
		return f
	}
	b = filtered(others)
	if len(exact) == 0 {
		return b, b
	}
	return filtered(slices.Concat(others, exact)), b
}

// queryWord computes the index forms of a word typed in a query.
func queryWord(raw string) word {
	e, f := forms(raw)
	return word{exact: e, folded: f}
}

// issuerNames is the issuer filter's values as the index holds them.
func issuerNames(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, IssuerName(s))
	}
	return out
}
