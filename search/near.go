package search

import (
	"slices"

	bquery "github.com/blevesearch/bleve/v2/search/query"
)

// Words typed next to each other. Most people type several words without quotes
// and without diacritics ("dong nguoi" for "đông người"): every word is then a
// clause of its own, found anywhere on the page, and tf-idf alone ranks a page
// where "đóng" and "người" stand apart, many times, above one that says "đoàn đông
// người" once. A page where the words stand together, in the order typed, is what
// the user means almost always, so each pair of adjacent word clauses also asks,
// optionally, for its folded bigram: the pages having it rank above those that
// have the words apart. The bigram field already exists for phrases, so this costs
// nothing at indexing time and one term per pair at query time.
//
// Diacritics still come first: the bigrams are added within each tier (see
// Index.Search), never across, so "đông người" ranks every page with the exact
// words above pages with only their folded forms, and within each tier the pages
// with the words together first.

// nearBoost weighs a bigram against the words. A bigram is rarer than its words,
// so its idf is already higher; the boost makes one occurrence of the pair in a
// long page outweigh several occurrences of the words apart in a short one.
// TestUnaccentedPhrases (40 administrative phrases) passes from a boost of 4 up;
// 8 leaves a factor of two.
const nearBoost = 8

// nearQueries returns the optional bigram queries of the adjacent word clauses of
// a parsed query, in the order typed: "quyet dinh giai quyet" gives "quyet dinh",
// "dinh giai" and "giai quyet". A prefix or a quoted phrase breaks the chain (a
// phrase requires its bigrams already). ParseQuery drops repeated clauses, so a
// repeated word may pair with its new neighbour; the pair only ranks, never
// filters, so that costs at worst an ordering nobody asked for.
func nearQueries(clauses []Clause) []bquery.Query {
	var qs []bquery.Query
	var pairs []string
	for i := 1; i < len(clauses); i++ {
		a, b := clauses[i-1], clauses[i]
		if a.Kind != ClauseWord || b.Kind != ClauseWord {
			continue
		}
		bg := bigram(queryWord(a.Words[0]).folded, queryWord(b.Words[0]).folded)
		if slices.Contains(pairs, bg) {
			continue
		}
		pairs = append(pairs, bg)
		qs = append(qs, termQuery(fieldBigram, bg, nearBoost))
	}
	return qs
}
