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

// Model is a bigram model of Vietnamese syllables with interpolated Kneser-Ney
// smoothing: P(b|a) = max(c(ab)−D, 0)/c(a) + D·N(a·)/c(a)·Pc(b), where N(a·) is
// the number of different syllables seen after a and the continuation
// probability Pc(b) the share of different syllables seen before b. The pair
// counts are pruned (pairs seen once are left out), the unigram statistics are
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
	// bySkeleton lists the syllables sharing a skeleton.
	bySkeleton map[string][]uint32
	// letters are the syllables' letters (letters(vocab[i])).
	letters [][]letter
}

const (
	modelMagic = "KNTCLM1\n"
	discount   = 0.75
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
	}
	if rerr != nil {
		return nil, fmt.Errorf("load language model: %w", rerr)
	}
	for i := 1; i <= int(nv); i++ {
		m.off[i] += m.off[i-1]
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

// logProb is ln P(b|a).
func (m *Model) logProb(a, b uint32) float64 {
	ca := float64(m.count[a])
	if ca == 0 {
		return math.Log(m.cont[b])
	}
	row := m.next[m.off[a]:m.off[a+1]]
	var cab float64
	if i, ok := slices.BinarySearch(row, b); ok {
		cab = float64(m.nCount[m.off[a]+uint32(i)])
	}
	p := max(cab-discount, 0)/ca + discount*float64(m.follow[a])/ca*m.cont[b]
	return math.Log(p)
}

// Size is the number of syllables and of pairs the model holds.
func (m *Model) Size() (syllables, pairs int) { return len(m.vocab), len(m.next) }
