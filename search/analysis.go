package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"kntc/internal/viet"
)

// The Vietnamese analysis chain. One pass splits a page into words and computes, for
// each, its exact form (NFC, lower case, canonical tone placement: hòa and hoà are
// one term) and its folded form (no diacritics, đ → d). Three fields are built from
// that one pass: the exact words, the folded words and the folded syllable bigrams.
//
// Unlike bleve's to_lower filter, which lowercases the token bytes in place (and so
// the input they point into), nothing here writes to the input: every term is a new
// byte slice and the stored page text stays what the document says.

// Names under which the analyzers are registered with bleve; the index mapping
// refers to them, so they must not change without a schema version change.
const (
	analyzerExact  = "kntc_vi_exact"
	analyzerFolded = "kntc_vi_folded"
	analyzerBigram = "kntc_vi_bigram"
)

// maxWordBytes drops longer "words" (OCR noise, encoded blobs) from the index.
const maxWordBytes = 64

// word is one word of a text with its two index forms.
type word struct {
	start, end int    // byte offsets in the original text
	exact      string // NFC, lower case, canonical tone placement
	folded     string // exact without diacritics, đ → d
}

// hasDiacritics reports whether the word carries any tone or vowel mark or đ.
func (w word) hasDiacritics() bool { return w.exact != w.folded }

// isWordRune reports whether r belongs to a word: letters, digits and combining
// marks. Everything else (spaces, punctuation, symbols) separates words.
func isWordRune(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	case 0xC0 <= r && r <= 0x24F: // Latin-1 letters, Latin Extended-A and -B (đ, ơ, ư)
		return r != 0xD7 && r != 0xF7 // × and ÷
	case 0x1EA0 <= r && r <= 0x1EF9: // the precomposed Vietnamese letters
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// nextWord returns the byte range of the first word of text at or after i, or
// start == len(text) when there is none.
func nextWord(text string, i int) (start, end int) {
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if isWordRune(r) {
			break
		}
		i += n
	}
	j := i
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if !isWordRune(r) {
			break
		}
		j += n
	}
	return i, j
}

// words splits text into words with their index forms.
func words(text string) []word {
	ws := make([]word, 0, len(text)/5)
	for i, j := nextWord(text, 0); i < len(text); i, j = nextWord(text, j) {
		if j-i <= maxWordBytes {
			exact, folded := forms(text[i:j])
			ws = append(ws, word{start: i, end: j, exact: exact, folded: folded})
		}
	}
	return ws
}

// formCache remembers the forms of words already seen: a Vietnamese text is made of
// a few thousand distinct syllables, so most words of a page hit the cache.
var formCache = struct {
	sync.RWMutex
	m map[string][2]string
}{m: make(map[string][2]string)}

// formCacheMax bounds the cache; OCR noise makes the set of words unbounded.
const formCacheMax = 200_000

// forms returns the exact and folded index forms of one word.
func forms(raw string) (exact, folded string) {
	if isASCIILower(raw) {
		return raw, raw
	}
	formCache.RLock()
	f, ok := formCache.m[raw]
	formCache.RUnlock()
	if ok {
		return f[0], f[1]
	}
	exact = viet.CanonicalTones(strings.ToLower(viet.NFC(raw)))
	exact = viet.SingleD(exact)
	folded = viet.Fold(exact)
	formCache.Lock()
	if len(formCache.m) >= formCacheMax {
		clear(formCache.m)
	}
	// Copy the key: raw points into a whole page that the cache must not retain.
	formCache.m[strings.Clone(raw)] = [2]string{exact, folded}
	formCache.Unlock()
	return exact, folded
}

func isASCIILower(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// bigram joins two words into the term of the bigram field.
func bigram(a, b string) string { return a + " " + b }

// stream builds a token stream from terms written into one buffer, with one
// allocation for the tokens and one for the bytes instead of two per token.
type stream struct {
	buf  []byte
	toks []analysis.Token
	ends []int // end of each token's term in buf
}

func newStream(n, bytes int) *stream {
	return &stream{buf: make([]byte, 0, bytes), toks: make([]analysis.Token, 0, n), ends: make([]int, 0, n)}
}

// add appends a token whose term is the concatenation of parts.
func (s *stream) add(start, end, pos int, typ analysis.TokenType, parts ...string) {
	for _, p := range parts {
		s.buf = append(s.buf, p...)
	}
	s.ends = append(s.ends, len(s.buf))
	s.toks = append(s.toks, analysis.Token{Start: start, End: end, Position: pos, Type: typ})
}

// tokens returns the stream; the terms are set only now because buf may have moved
// while it grew.
func (s *stream) tokens() analysis.TokenStream {
	ts := make(analysis.TokenStream, len(s.toks))
	from := 0
	for i := range s.toks {
		s.toks[i].Term = s.buf[from:s.ends[i]:s.ends[i]]
		from = s.ends[i]
		ts[i] = &s.toks[i]
	}
	return ts
}

// exactStream is the token stream of the exact field.
func exactStream(ws []word) analysis.TokenStream {
	n := 0
	for _, w := range ws {
		n += len(w.exact)
	}
	s := newStream(len(ws), n)
	for i, w := range ws {
		s.add(w.start, w.end, i+1, analysis.AlphaNumeric, w.exact)
	}
	return s.tokens()
}

// foldedStream is the token stream of the folded field.
func foldedStream(ws []word) analysis.TokenStream {
	n := 0
	for _, w := range ws {
		n += len(w.folded)
	}
	s := newStream(len(ws), n)
	for i, w := range ws {
		s.add(w.start, w.end, i+1, analysis.AlphaNumeric, w.folded)
	}
	return s.tokens()
}

// bigramStream is the token stream of the bigram field: each pair of adjacent
// words, without diacritics, at the position of the first. A two-word phrase is
// then one term, and the n-1 pairs of a longer phrase select the pages having it.
// Pairs are folded only: exact pairs would nearly double the field, the costliest
// of the index, while the exact words of a phrase are checked on the exact field.
func bigramStream(ws []word) analysis.TokenStream {
	if len(ws) < 2 {
		return nil
	}
	n := 0
	for _, w := range ws {
		n += 2*len(w.folded) + 1
	}
	s := newStream(len(ws)-1, n)
	for i := 1; i < len(ws); i++ {
		a, b := ws[i-1], ws[i]
		s.add(a.start, b.end, i, analysis.Shingle, a.folded, " ", b.folded)
	}
	return s.tokens()
}

// analyzer adapts a stream builder to bleve's Analyzer for the registry: it
// analyses the input it is given. Indexing uses pageAnalyzer instead, which shares
// one pass over the text between the three fields.
type analyzer func([]word) analysis.TokenStream

// Analyze implements analysis.Analyzer.
func (a analyzer) Analyze(input []byte) analysis.TokenStream { return a(words(string(input))) }

func init() {
	for name, build := range map[string]analyzer{analyzerExact: exactStream, analyzerFolded: foldedStream, analyzerBigram: bigramStream} {
		err := registry.RegisterAnalyzer(name, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
			return build, nil
		})
		if err != nil {
			panic(err)
		}
	}
}

// pageWords splits one page once, on first use, for the three fields that index it.
// bleve analyses the fields of a document one after another in one of its analysis
// workers, so the split runs there, in parallel across documents.
type pageWords struct {
	text string
	once sync.Once
	ws   []word
}

func (p *pageWords) get() []word {
	p.once.Do(func() { p.ws = words(p.text) })
	return p.ws
}

// pageAnalyzer is the analyzer of one field of one page.
type pageAnalyzer struct {
	page  *pageWords
	build func([]word) analysis.TokenStream
}

// Analyze implements analysis.Analyzer; the input is the page text pageWords holds.
func (a pageAnalyzer) Analyze([]byte) analysis.TokenStream { return a.build(a.page.get()) }
