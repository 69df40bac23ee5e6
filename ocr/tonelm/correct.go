package tonelm

import (
	"math"
	"slices"
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
// least e^3.3 (27) times likelier, to the model and the confusion table, than
// any reading of it with the word as read. Set on the benchmark readings and the
// held-back corpus (README, OCR tone correction): a margin of 2.5 changes right
// text about once in 17,000 words, 3.3 once in 42,000; from 3.5 up, fixes are
// lost (on the benchmark pages, the low-confidence "đã chuyến khiếu nại").
const DefaultMargin = 3.3

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
	// tr[(l*K+k)*J+j] is ln P(states[j] | state l of the slot two before, state
	// k of the slot before), K and J the state counts of the slot before and of
	// this one; the first slot after the start has one state before it.
	tr []float64
}

// transitions fills the slots' transition scores (trigram), computed once for
// the passes: P(z|y) once per pair of neighbouring states, the pair (x, y) looked
// up once.
func (c *Corrector) transitions(slots []slot) {
	for i := 1; i < len(slots); i++ {
		p, cur := slots[i-1].states, slots[i].states
		p2 := make([]float64, len(p)*len(cur))
		for k, y := range p {
			for j, z := range cur {
				p2[k*len(cur)+j] = c.m.prob2(y.id, z.id)
			}
		}
		if i == 1 {
			for n, v := range p2 {
				p2[n] = math.Log(v)
			}
			slots[i].tr = p2
			continue
		}
		pp := slots[i-2].states
		tr := make([]float64, len(pp)*len(p)*len(cur))
		n := 0
		for _, x := range pp {
			for k, y := range p {
				pi, ok := c.m.pair(x.id, y.id)
				for j, z := range cur {
					if ok {
						tr[n] = c.m.score3(pi, z.id, p2[k*len(cur)+j])
					} else {
						tr[n] = math.Log(p2[k*len(cur)+j])
					}
					n++
				}
			}
		}
		slots[i].tr = tr
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
	path := c.viterbi(slots, nil)
	// Only the changes the model is clearly sure of, then the best reading with
	// every other word as read.
	alpha, beta := c.forward(slots, nil), c.backward(slots, nil)
	pinned := make([]bool, len(slots))
	change := false
	for i, s := range slots {
		if s.read < 0 || len(s.states) == 1 {
			continue
		}
		best := marginal(slots, alpha, beta, i, path[i])
		keep := marginal(slots, alpha, beta, i, s.read)
		if path[i] != s.read && best-keep >= c.margin {
			change = true
		} else {
			pinned[i] = true
		}
	}
	if !change {
		return words
	}
	path = c.viterbi(slots, pinned)
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
	atBoundary := func() bool { return slots[len(slots)-1].states[0].id == idBoundary }
	// A page repeats its words: each is looked at once.
	type seen struct {
		t     token
		s     [2]slot // at a sentence start or not
		known [2]bool
	}
	memo := map[string]*seen{}
	stop := true
	name := false // the words before are a title and a name in capitals
	for i, w := range words {
		m, ok := memo[w.Text]
		if !ok {
			m = &seen{t: tokenize(w.Text)}
			memo[w.Text] = m
		}
		t := m.t
		if i > 0 {
			p := words[i-1]
			if w.Block != p.Block || w.Par != p.Par || w.Line != p.Line {
				stop = true
			}
		}
		if t.breakBefore && !atBoundary() {
			slots = append(slots, boundary)
		}
		if t.kind != kindSyllable || t.breakBefore {
			name = false
		}
		switch t.kind {
		case kindNumber:
			slots = append(slots, slot{word: -1, read: -1, states: []state{{id: idNumber}}})
		case kindOther:
			slots = append(slots, slot{word: -1, read: -1, states: []state{{id: idUnknown}}})
		case kindSyllable:
			caps := allCaps(t.core)
			if name && caps {
				// A name in capitals after a title (ông NGUYỄN VĂN TỐ): kept.
				slots = append(slots, slot{word: -1, read: -1, states: []state{{id: c.m.id(t.key), key: t.key}}})
				break
			}
			name = caps && name || titles[t.key]
			k := 0
			if stop {
				k = 1
			}
			if !m.known[k] {
				m.s[k], m.known[k] = c.candidates(t, stop), true
			}
			s := m.s[k]
			if s.read >= 0 {
				s.word = i
				s.states = slices.Clone(s.states) // withBand changes them
			}
			slots = append(slots, s)
		}
		if t.breakAfter {
			name = false
		}
		if (t.breakAfter || t.kind == kindNone) && !atBoundary() {
			slots = append(slots, boundary)
		}
		stop = t.stop || (t.kind == kindNone && stop)
	}
	if !atBoundary() {
		slots = append(slots, boundary)
	}
	return slots
}

// candidates returns the slot of a word (token t; the slot's word is for the
// caller to set): the spelling read, and when the word may be changed, the known
// syllables of its skeleton.
func (c *Corrector) candidates(t token, sentenceStart bool) slot {
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
	s := slot{word: -1, read: -1}
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

// titles are the words a person's name follows (ông Nguyễn Văn A, bà LÊ THỊ
// B): a name written in capitals after one is left as it is.
var titles = map[string]bool{"ông": true, "bà": true, "anh": true, "chị": true, "cô": true, "chú": true, "em": true, "cháu": true}

// allCaps reports whether a word has two letters or more, all capitals.
func allCaps(core string) bool {
	n := 0
	for _, r := range core {
		if unicode.IsLower(r) {
			return false
		}
		n++
	}
	return n > 1
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

// The passes run over pairs of states: score[i][k*J+j] is for state k of slot
// i-1 followed by state j of slot i (J states at i); slot 0 is the start.

// before returns the states of slot i-1 (one, the start, for slot 0).
func before(slots []slot, i int) int {
	if i == 0 {
		return 1
	}
	return len(slots[i-1].states)
}

// allowed reports whether state j of slot i may be chosen.
func allowed(slots []slot, pinned []bool, i, j int) bool {
	return pinned == nil || !pinned[i] || j == slots[i].read
}

// forward returns the best ln score of the sentence up to and including each
// pair of states; states of pinned slots other than the one read are ruled out.
func (c *Corrector) forward(slots []slot, pinned []bool) [][]float64 {
	inf := math.Inf(-1)
	a := make([][]float64, len(slots))
	a[0] = make([]float64, len(slots[0].states))
	for j, st := range slots[0].states {
		a[0][j] = st.ch
		if !allowed(slots, pinned, 0, j) {
			a[0][j] = inf
		}
	}
	for i := 1; i < len(slots); i++ {
		L, K, J := before(slots, i-1), before(slots, i), len(slots[i].states)
		a[i] = make([]float64, K*J)
		tr := slots[i].tr
		for k := range K {
			for j := range J {
				if !allowed(slots, pinned, i, j) {
					a[i][k*J+j] = inf
					continue
				}
				best := inf
				for l := range L {
					if v := a[i-1][l*K+k] + tr[(l*K+k)*J+j]; v > best {
						best = v
					}
				}
				a[i][k*J+j] = best + slots[i].states[j].ch
			}
		}
	}
	return a
}

// backward returns the best ln score of the sentence after each pair of states,
// given it.
func (c *Corrector) backward(slots []slot, pinned []bool) [][]float64 {
	inf := math.Inf(-1)
	last := len(slots) - 1
	b := make([][]float64, len(slots))
	b[last] = make([]float64, before(slots, last)*len(slots[last].states))
	for i := last - 1; i >= 0; i-- {
		K, J, N := before(slots, i), len(slots[i].states), len(slots[i+1].states)
		b[i] = make([]float64, K*J)
		tr := slots[i+1].tr
		for k := range K {
			for j := range J {
				best := inf
				for n := range N {
					if !allowed(slots, pinned, i+1, n) {
						continue
					}
					if v := tr[(k*J+j)*N+n] + slots[i+1].states[n].ch + b[i+1][j*N+n]; v > best {
						best = v
					}
				}
				b[i][k*J+j] = best
			}
		}
	}
	return b
}

// marginal is the best ln score of a sentence with state j at slot i.
func marginal(slots []slot, a, b [][]float64, i, j int) float64 {
	J := len(slots[i].states)
	best := math.Inf(-1)
	for k := range before(slots, i) {
		if v := a[i][k*J+j] + b[i][k*J+j]; v > best {
			best = v
		}
	}
	return best
}

// viterbi returns the best spelling of every slot.
func (c *Corrector) viterbi(slots []slot, pinned []bool) []int {
	a := c.forward(slots, pinned)
	path := make([]int, len(slots))
	last := len(slots) - 1
	J := len(slots[last].states)
	kj := argmax(a[last])
	path[last] = kj % J
	if last > 0 {
		path[last-1] = kj / J
	}
	for i := last - 1; i >= 1; i-- {
		// The state of slot i-1 that, followed by path[i] and path[i+1], scores best.
		L, J, N := before(slots, i), len(slots[i].states), len(slots[i+1].states)
		best, bl := math.Inf(-1), 0
		for l := range L {
			if v := a[i][l*J+path[i]] + slots[i+1].tr[(l*J+path[i])*N+path[i+1]]; v > best {
				best, bl = v, l
			}
		}
		path[i-1] = bl
	}
	return path
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
