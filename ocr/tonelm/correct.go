package tonelm

import (
	"math"
	"sync"
	"unicode"

	"kntc/ingest"
)

// Corrector restores tone and vowel marks OCR read as their neighbours. Safe for
// concurrent use.
type Corrector struct {
	m  *Model
	ch *channel
	// margin is how much likelier (ln) the best reading of the sentence with a
	// word changed must be than the best reading with the word as read.
	margin float64
}

// DefaultMargin: a word is changed only when the sentence with the change is at
// least e³ (20) times likelier, to the model and the confusion table, than any
// reading of it with the word as read. Set on the benchmark readings and the
// held-back corpus (README, OCR): a margin of 2 fixes a few more tone slips but
// changes right text about once in 15,000 syllables, 3 once in 30,000, 4 once in
// 110,000 with a quarter fewer fixes.
const DefaultMargin = 3.0

// NewCorrector returns a corrector on the model and the confusion counts.
func NewCorrector(m *Model, c *Confusions, margin float64) *Corrector {
	return &Corrector{m: m, ch: c.channel(), margin: margin}
}

// DefaultCorrector is the corrector on the embedded model and confusion table,
// made on first use and shared.
var DefaultCorrector = sync.OnceValues(func() (*Corrector, error) {
	m, err := Default()
	if err != nil {
		return nil, err
	}
	c, err := ParseConfusions(embeddedConfusions)
	if err != nil {
		return nil, err
	}
	return NewCorrector(m, c, DefaultMargin), nil
})

// unknownSyllable is ln P(a syllable | an unknown word): the model gives one
// probability to every word it does not know (abbreviations, numbers written with
// letters, foreign words, syllables seen once in the corpus), which is far more
// than any one of them deserves; a syllable read that the corpus hardly knows is
// likelier a misreading of one it knows well.
const unknownSyllable = -6.0

// Correct corrects words (in reading order) with DefaultCorrector. The embedded
// tables are checked by the package's tests, so they do not fail to load; were
// they to, the words are returned as read.
func Correct(words []ingest.Word) []ingest.Word {
	c, err := DefaultCorrector()
	if err != nil {
		return words
	}
	return c.Correct(words)
}

// state is one spelling a word may have had.
type state struct {
	id  uint32
	key string
	ch  float64 // ln P(read | this spelling), with the confidence band's share
}

// slot is a position of the sentence lattice: a word, or a boundary (word -1).
type slot struct {
	word   int
	read   int // index in states of the spelling as read; -1 for boundaries
	states []state
	// from[k][j] is ln P(states[j] | state k of the slot before).
	from [][]float64
}

// transitions fills the slots' transition scores, computed once for the passes.
func (c *Corrector) transitions(slots []slot) {
	for i := 1; i < len(slots); i++ {
		prev := slots[i-1].states
		slots[i].from = make([][]float64, len(prev))
		for k, p := range prev {
			row := make([]float64, len(slots[i].states))
			for j, st := range slots[i].states {
				row[j] = c.m.logProb(p.id, st.id)
			}
			slots[i].from[k] = row
		}
	}
}

// Correct changes, in place, the words whose tone or vowel marks the model is
// clearly sure were misread, and returns words. A word is only changed to a
// syllable that differs from it in tone and vowel marks alone, in its letter case
// and tone placement; the word count and the boxes stay. Left alone: words
// without any diacritic (written so on purpose), numbers, words with anything but
// letters, words the model does not know the letters of, words capitalised
// inside a sentence (names), words of mixed case.
func (c *Corrector) Correct(words []ingest.Word) []ingest.Word {
	slots := c.lattice(words)
	if len(slots) < 3 {
		return words
	}
	c.withBand(slots, words)
	c.transitions(slots)
	path, _ := c.viterbi(slots, nil)
	// Only the changes the model is clearly sure of, then the best reading with
	// every other word as read.
	alpha, beta := c.forward(slots, nil), c.backward(slots, nil)
	pinned := make([]bool, len(slots))
	change := false
	for i, s := range slots {
		if s.read < 0 || len(s.states) == 1 {
			continue
		}
		best := alpha[i][path[i]] + beta[i][path[i]]
		keep := alpha[i][s.read] + beta[i][s.read]
		if path[i] != s.read && best-keep >= c.margin {
			change = true
		} else {
			pinned[i] = true
		}
	}
	if !change {
		return words
	}
	path, _ = c.viterbi(slots, pinned)
	for i, s := range slots {
		if s.read < 0 || path[i] == s.read {
			continue
		}
		t := tokenize(words[s.word].Text)
		words[s.word].Text = t.pre + restyle(s.states[path[i]].key, t.core) + t.post
	}
	return words
}

// lattice builds the slots of words: boundaries where punctuation ends a clause,
// and for each word the spellings it may have had.
func (c *Corrector) lattice(words []ingest.Word) []slot {
	boundary := slot{word: -1, read: -1, states: []state{{id: idBoundary}}}
	slots := []slot{boundary}
	stop := true
	for i, w := range words {
		t := tokenize(w.Text)
		if i > 0 {
			p := words[i-1]
			if w.Block != p.Block || w.Par != p.Par || w.Line != p.Line {
				stop = true
			}
		}
		if t.breakBefore && slots[len(slots)-1].word >= 0 {
			slots = append(slots, boundary)
		}
		switch t.kind {
		case kindNumber:
			slots = append(slots, slot{word: -1, read: -1, states: []state{{id: idNumber}}})
		case kindOther:
			slots = append(slots, slot{word: -1, read: -1, states: []state{{id: idUnknown}}})
		case kindSyllable:
			slots = append(slots, c.candidates(i, t, stop))
		}
		if t.breakAfter && slots[len(slots)-1].word >= 0 || t.kind == kindNone {
			if slots[len(slots)-1].states[0].id != idBoundary {
				slots = append(slots, boundary)
			}
		}
		stop = t.stop || (t.kind == kindNone && stop)
	}
	if slots[len(slots)-1].states[0].id != idBoundary {
		slots = append(slots, boundary)
	}
	return slots
}

// candidates returns the slot of word i (token t): the spelling read, and when
// the word may be changed, the known syllables of its skeleton.
func (c *Corrector) candidates(i int, t token, sentenceStart bool) slot {
	readID := c.m.id(t.key)
	fixed := slot{word: -1, read: -1, states: []state{{id: readID, key: t.key}}}
	if !changeable(t.core, sentenceStart) {
		return fixed
	}
	readLetters := letters(t.key)
	group := c.m.bySkeleton[skeletonOf(readLetters)]
	if len(group) == 0 || len(group) == 1 && group[0] == readID {
		return fixed
	}
	s := slot{word: i, read: -1}
	if readID == idUnknown {
		s.read = 0
		s.states = append(s.states, state{id: idUnknown, key: t.key, ch: c.ch.logP(readLetters, readLetters) + unknownSyllable})
	}
	self := c.ch.logP(readLetters, readLetters)
	for _, id := range group {
		st := state{id: id, key: c.m.vocab[id], ch: c.ch.logP(c.m.letters[id], readLetters)}
		if id == readID {
			s.read = len(s.states)
		} else if st.ch < self-maxChannelCost {
			continue // two marks misread at once: the model could not outweigh it
		}
		s.states = append(s.states, st)
	}
	if len(s.states) == 1 {
		return fixed
	}
	return s
}

// maxChannelCost bounds the candidates of a word: spellings whose misreading as
// the word read is more than e^14 times less likely than reading it right (two
// marks misread at once, a mark Tesseract was never seen to misread) are not
// considered; no pair of neighbours outweighs that and the margin.
const maxChannelCost = 14.0

// withBand adds the confidence band's error rate to the spellings that are not the
// one read.
func (c *Corrector) withBand(slots []slot, words []ingest.Word) {
	for _, s := range slots {
		if s.read < 0 {
			continue
		}
		conf := words[s.word].Confidence
		if conf <= 0 {
			continue // not known: the mean rate
		}
		for j := range s.states {
			if j != s.read {
				s.states[j].ch += c.ch.band[confBand(conf)]
			}
		}
	}
}

// changeable reports whether a word (its letters as written) may be changed: it
// has a diacritic, and it is in lower case, in capitals, or capitalised at the
// start of a sentence.
func changeable(core string, sentenceStart bool) bool {
	ascii := true
	upper, lower := 0, 0
	firstUpper := false
	for i, r := range []rune(core) {
		if r >= 0x80 {
			ascii = false
		}
		if unicode.IsUpper(r) {
			upper++
			if i == 0 {
				firstUpper = true
			}
		} else if unicode.IsLower(r) {
			lower++
		}
	}
	switch {
	case ascii:
		return false
	case upper == 0:
		return true
	case lower == 0:
		return upper > 1 // a capital alone is an initial
	case upper == 1 && firstUpper:
		return sentenceStart
	}
	return false
}

// forward returns, per slot and state, the best ln score of the sentence up to
// and including it; pinned slots keep the spelling read.
func (c *Corrector) forward(slots []slot, pinned []bool) [][]float64 {
	a := make([][]float64, len(slots))
	for i, s := range slots {
		a[i] = make([]float64, len(s.states))
		for j, st := range s.states {
			if pinned != nil && pinned[i] && j != s.read {
				a[i][j] = math.Inf(-1)
				continue
			}
			if i == 0 {
				a[i][j] = st.ch
				continue
			}
			best := math.Inf(-1)
			for k := range slots[i-1].states {
				if v := a[i-1][k] + s.from[k][j]; v > best {
					best = v
				}
			}
			a[i][j] = best + st.ch
		}
	}
	return a
}

// backward returns, per slot and state, the best ln score of the sentence after
// it, given it.
func (c *Corrector) backward(slots []slot, pinned []bool) [][]float64 {
	b := make([][]float64, len(slots))
	last := len(slots) - 1
	b[last] = make([]float64, len(slots[last].states))
	for i := last - 1; i >= 0; i-- {
		b[i] = make([]float64, len(slots[i].states))
		for j := range slots[i].states {
			best := math.Inf(-1)
			for k, n := range slots[i+1].states {
				if pinned != nil && pinned[i+1] && k != slots[i+1].read {
					continue
				}
				if v := slots[i+1].from[j][k] + n.ch + b[i+1][k]; v > best {
					best = v
				}
			}
			b[i][j] = best
		}
	}
	return b
}

// viterbi returns the best spelling of every slot and the path's score.
func (c *Corrector) viterbi(slots []slot, pinned []bool) ([]int, float64) {
	a := c.forward(slots, pinned)
	path := make([]int, len(slots))
	last := len(slots) - 1
	path[last] = argmax(a[last])
	for i := last - 1; i >= 0; i-- {
		best, bi := math.Inf(-1), 0
		for k := range slots[i].states {
			if v := a[i][k] + slots[i+1].from[k][path[i+1]]; v > best {
				best, bi = v, k
			}
		}
		path[i] = bi
	}
	return path, a[last][path[last]]
}

func argmax(v []float64) int {
	bi := 0
	for i := range v {
		if v[i] > v[bi] {
			bi = i
		}
	}
	return bi
}
