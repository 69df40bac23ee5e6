package tonelm

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed" // the model and the confusion table
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
)

// Model is a trigram model of Vietnamese syllables with interpolated Kneser-Ney
// smoothing: P(b|a) = max(c(ab)−D, 0)/c(a) + D·N(a·)/c(a)·Pc(b), where N(a·) is
// the number of different syllables seen after a and the continuation
// probability Pc(b) the share of different syllables seen before b; P(c|a b)
// likewise down to P(c|b) (score3). The pair and triple counts are pruned
// (those seen once are left out), the statistics they are smoothed with are
// those of the whole training text. Immutable once loaded; safe for concurrent
// use.
type Model struct {
	vocab  []string
	ids    map[string]uint32
	count  []uint32 // c(a): occurrences
	follow []uint32 // N(a·): different successors
	cont   []float64
	// Pairs (a, b) in compressed sparse rows: the successors of a are
	// next[off[a]:off[a+1]], sorted, with their counts.
	off    []uint32
	next   []uint32
	nCount []uint32
	// pFollow[p] is N(ab·) of pair p (its index in next): different syllables
	// seen after the pair. The triples (a, b, c) are, for pair p,
	// tNext[tOff[p]:tOff[p+1]], sorted, with their counts.
	pFollow []uint32
	tOff    []uint32
	tNext   []uint32
	tCount  []uint32
	// bySkeleton lists the syllables sharing a skeleton.
	bySkeleton map[string][]uint32
	// letters are the syllables' letters (letters(vocab[i])).
	letters [][]letter
}

const (
	modelMagic    = "KNTCLM2\n"
	discount      = 0.75
	trigramWeight = 0.3
)

//go:embed model.bin.gz
var embeddedModel []byte

// Default returns the model made from the corpus (model.bin.gz, embedded), loaded
// on first use and shared by every caller.
var Default = sync.OnceValues(func() (*Model, error) {
	return Load(bytes.NewReader(embeddedModel))
})

// Load reads a model written by Counts.Write (gzip).
func Load(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("load language model: %w", err)
	}
	br := bufio.NewReader(zr)
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return nil, errors.New("load language model: not a kntc syllable model")
	}
	var rerr error
	u := func() uint64 {
		v, err := binary.ReadUvarint(br)
		if err != nil && rerr == nil {
			rerr = err
		}
		return v
	}
	nv := u()
	if nv > 1<<20 {
		return nil, fmt.Errorf("load language model: %d syllables", nv)
	}
	m := &Model{ids: make(map[string]uint32, nv), bySkeleton: map[string][]uint32{}}
	contN := make([]uint32, nv)
	var contTotal float64
	for i := range uint32(nv) {
		n := u()
		if n > 64 {
			return nil, errors.New("load language model: corrupt syllable")
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, fmt.Errorf("load language model: %w", err)
		}
		s := string(b)
		m.vocab = append(m.vocab, s)
		m.ids[s] = i
		m.count = append(m.count, uint32(u()))
		m.follow = append(m.follow, uint32(u()))
		contN[i] = uint32(u())
		contTotal += float64(contN[i])
		m.letters = append(m.letters, letters(s))
		if i >= firstSyllable {
			k := skeleton(s)
			m.bySkeleton[k] = append(m.bySkeleton[k], i)
		}
	}
	for _, c := range contN {
		m.cont = append(m.cont, (float64(c)+1)/(contTotal+float64(nv)))
	}
	m.off = make([]uint32, nv+1)
	np := u()
	if np > 1<<26 {
		return nil, fmt.Errorf("load language model: %d pairs", np)
	}
	m.next = make([]uint32, 0, np)
	m.nCount = make([]uint32, 0, np)
	a := uint64(0)
	for range np {
		a += u()
		b := u()
		c := u()
		if a >= nv || b >= nv {
			return nil, errors.New("load language model: corrupt pair")
		}
		m.off[a+1]++
		m.next = append(m.next, uint32(b))
		m.nCount = append(m.nCount, uint32(c))
		m.pFollow = append(m.pFollow, uint32(u()))
	}
	for i := 1; i <= int(nv); i++ {
		m.off[i] += m.off[i-1]
	}
	nt := u()
	if nt > 1<<26 {
		return nil, fmt.Errorf("load language model: %d triples", nt)
	}
	m.tOff = make([]uint32, np+1)
	m.tNext = make([]uint32, 0, nt)
	m.tCount = make([]uint32, 0, nt)
	p := uint64(0)
	for range nt {
		p += u()
		c := u()
		k := u()
		if p >= np || c >= nv {
			return nil, errors.New("load language model: corrupt triple")
		}
		m.tOff[p+1]++
		m.tNext = append(m.tNext, uint32(c))
		m.tCount = append(m.tCount, uint32(k))
	}
	if rerr != nil {
		return nil, fmt.Errorf("load language model: %w", rerr)
	}
	for i := 1; i <= int(np); i++ {
		m.tOff[i] += m.tOff[i-1]
	}
	return m, nil
}

// id returns the id of a syllable key, idUnknown when the model does not know it.
func (m *Model) id(key string) uint32 {
	if i, ok := m.ids[key]; ok {
		return i
	}
	return idUnknown
}

// prob2 is P(b|a).
func (m *Model) prob2(a, b uint32) float64 {
	ca := float64(m.count[a])
	if ca == 0 {
		return m.cont[b]
	}
	var cab float64
	if p, ok := m.pair(a, b); ok {
		cab = float64(m.nCount[p])
	}
	return max(cab-discount, 0)/ca + discount*float64(m.follow[a])/ca*m.cont[b]
}

// pair returns the index of the pair (a, b), if kept.
func (m *Model) pair(a, b uint32) (uint32, bool) {
	i, ok := slices.BinarySearch(m.next[m.off[a]:m.off[a+1]], b)
	return m.off[a] + uint32(i), ok
}

// score3 is the score of c after the kept pair (a, b) with index pi, given
// p2 = P(c|b): ln P(c|a b) weighted trigramWeight, and ln P(c|b) the rest.
//
// A triple seen twice in 28 million characters makes the trigram estimate sure
// of itself; on the held-back documents the full trigram changed half as much
// right text again as the bigram, for a few more fixes. Weighing the two in the
// log keeps most of the fixes the trigram context brings (Tesseract's "tải" in
// "xác định tải lượng" is no longer "tại") without its overconfidence.
func (m *Model) score3(pi, c uint32, p2 float64) float64 {
	cab := float64(m.nCount[pi])
	var cabc float64
	row := m.tNext[m.tOff[pi]:m.tOff[pi+1]]
	if i, ok := slices.BinarySearch(row, c); ok {
		cabc = float64(m.tCount[m.tOff[pi]+uint32(i)])
	}
	return trigramWeight*math.Log(max(cabc-discount, 0)/cab+discount*float64(m.pFollow[pi])/cab*p2) + (1-trigramWeight)*math.Log(p2)
}

// Size is the number of syllables, pairs and triples the model holds.
func (m *Model) Size() (syllables, pairs, triples int) {
	return len(m.vocab), len(m.next), len(m.tNext)
}
