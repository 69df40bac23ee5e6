package tonelm

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Counts gathers syllable and pair counts from text, for Write to turn into a
// model. Not safe for concurrent use.
type Counts struct {
	ids   map[string]uint32
	vocab []string
	count []uint64
	pairs map[uint64]uint64
	// triples: (a, b) as in pairs, c.
	triples map[[2]uint64]uint64
}

// NewCounts returns empty counts.
func NewCounts() *Counts {
	c := &Counts{ids: map[string]uint32{}, pairs: map[uint64]uint64{}, triples: map[[2]uint64]uint64{}}
	for _, s := range reserved {
		c.intern(s)
	}
	return c
}

func (c *Counts) intern(key string) uint32 {
	if i, ok := c.ids[key]; ok {
		return i
	}
	i := uint32(len(c.vocab))
	c.ids[strings.Clone(key)] = i
	c.vocab = append(c.vocab, strings.Clone(key))
	c.count = append(c.count, 0)
	return i
}

// AddLine counts the syllables of one paragraph (a line of the corpus).
func (c *Counts) AddLine(line string) {
	ts := tokens(line, c.intern)
	for i, t := range ts {
		c.count[t]++
		if i > 0 {
			c.pairs[uint64(ts[i-1])<<32|uint64(t)]++
		}
		if i > 1 {
			c.triples[[2]uint64{uint64(ts[i-2])<<32 | uint64(ts[i-1]), uint64(t)}]++
		}
	}
}

// Write writes the model (gzip) keeping the syllables seen at least minSyllable
// times (the others count as unknown words), the pairs seen at least minPair
// times and the triples seen at least minTriple times (minTriple ≥ minPair). It
// returns the numbers of syllables, pairs and triples kept.
func (c *Counts) Write(w io.Writer, minSyllable, minPair, minTriple uint64) (int, int, int, error) {
	minTriple = max(minTriple, minPair)
	// The kept syllables, most frequent first (small ids, short varints).
	order := make([]uint32, 0, len(c.vocab))
	for i := range c.vocab {
		if i >= int(firstSyllable) && c.count[i] >= minSyllable {
			order = append(order, uint32(i))
		}
	}
	slices.SortFunc(order, func(a, b uint32) int {
		return cmp.Or(cmp.Compare(c.count[b], c.count[a]), strings.Compare(c.vocab[a], c.vocab[b]))
	})
	newID := make([]uint32, len(c.vocab))
	for i := range newID {
		newID[i] = idUnknown
	}
	for i := range firstSyllable {
		newID[i] = i
	}
	for j, old := range order {
		newID[old] = firstSyllable + uint32(j)
	}
	n := int(firstSyllable) + len(order)
	count := make([]uint64, n)
	for old, k := range c.count {
		count[newID[old]] += k
	}
	pairs := map[uint64]uint64{}
	for k, v := range c.pairs {
		a, b := newID[k>>32], newID[k&0xffffffff]
		pairs[uint64(a)<<32|uint64(b)] += v
	}
	follow := make([]uint64, n)
	cont := make([]uint64, n)
	var kept []uint64
	for k, v := range pairs {
		follow[k>>32]++
		cont[k&0xffffffff]++
		if v >= minPair {
			kept = append(kept, k)
		}
	}
	slices.Sort(kept)
	pairIndex := make(map[uint64]int, len(kept))
	for i, k := range kept {
		pairIndex[k] = i
	}
	triples := map[[2]uint64]uint64{}
	for k, v := range c.triples {
		a, b, t := newID[k[0]>>32], newID[k[0]&0xffffffff], newID[k[1]]
		triples[[2]uint64{uint64(a)<<32 | uint64(b), uint64(t)}] += v
	}
	pairFollow := make([]uint64, len(kept))
	var keptTriples [][2]uint64
	for k, v := range triples {
		i, ok := pairIndex[k[0]]
		if !ok {
			continue // the pair was seen less than minPair times: so was the triple
		}
		pairFollow[i]++
		if v >= minTriple {
			keptTriples = append(keptTriples, [2]uint64{uint64(i), k[1]})
		}
	}
	slices.SortFunc(keptTriples, func(x, y [2]uint64) int {
		return cmp.Or(cmp.Compare(x[0], y[0]), cmp.Compare(x[1], y[1]))
	})

	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return 0, 0, 0, err
	}
	bw := bufio.NewWriter(zw)
	var buf [binary.MaxVarintLen64]byte
	put := func(v uint64) { bw.Write(buf[:binary.PutUvarint(buf[:], v)]) }
	bw.WriteString(modelMagic)
	put(uint64(n))
	for i := range n {
		s := ""
		if i < int(firstSyllable) {
			s = reserved[i]
		} else {
			s = c.vocab[order[i-int(firstSyllable)]]
		}
		put(uint64(len(s)))
		bw.WriteString(s)
		put(count[i])
		put(follow[i])
		put(cont[i])
	}
	put(uint64(len(kept)))
	prev := uint64(0)
	for i, k := range kept {
		a := k >> 32
		put(a - prev)
		prev = a
		put(k & 0xffffffff)
		put(pairs[k])
		put(pairFollow[i])
	}
	put(uint64(len(keptTriples)))
	prev = 0
	for _, t := range keptTriples {
		put(t[0] - prev)
		prev = t[0]
		put(t[1])
		pair := kept[t[0]]
		put(triples[[2]uint64{pair, t[1]}])
	}
	if err := bw.Flush(); err != nil {
		return 0, 0, 0, fmt.Errorf("write model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return 0, 0, 0, fmt.Errorf("write model: %w", err)
	}
	return n, len(kept), len(keptTriples), nil
}
