package tonelm

import (
	"bufio"
	_ "embed" // the confusion table
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Confusions counts, on OCR readings of pages whose text is known, how often each
// tone was read as each tone and each vowel mark as each vowel mark, among words
// read with the right letters otherwise, and how often words of each confidence
// band were read with a wrong mark. Write saves them; ParseConfusions reads them
// back as the corrector's channel model.
type Confusions struct {
	Tone  [6][6]int
	Mark  [4][4]int // vowel marks (none, circumflex, breve, horn) on a, e, o, u
	Words [11]int   // words by confidence band (tenths of 0–100)
	Wrong [11]int   // of which read with a wrong tone or vowel mark
}

// Add counts one word: truth as it is in the text, read as OCR read it, with
// Tesseract's confidence (0–100). Words that are not the same syllable but for
// the marks are not counted.
func (c *Confusions) Add(truth, read string, confidence float64) {
	t, r := tokenize(truth), tokenize(read)
	if t.kind != kindSyllable || r.kind != kindSyllable || skeleton(t.key) != skeleton(r.key) {
		return
	}
	tl, rl := letters(t.key), letters(r.key)
	tt, _ := tone(tl)
	rt, _ := tone(rl)
	c.Tone[tt][rt]++
	for i := range tl {
		if strings.ContainsRune("aeou", tl[i].base) {
			c.Mark[tl[i].mark][rl[i].mark]++
		}
	}
	band := confBand(confidence)
	c.Words[band]++
	if t.key != r.key {
		c.Wrong[band]++
	}
}

func confBand(confidence float64) int { return min(max(int(confidence/10), 0), 10) }

// Write saves the counts as a small text table.
func (c *Confusions) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# Tone and vowel-mark confusions of Tesseract (vie) on kntc's benchmark pages, made by ocr/cmd/confgen.")
	fmt.Fprintln(bw, "# tone TRUE READ COUNT (0 none, 1 grave, 2 acute, 3 tilde, 4 hook, 5 dot)")
	for i := range c.Tone {
		for j := range c.Tone[i] {
			fmt.Fprintf(bw, "tone\t%d\t%d\t%d\n", i, j, c.Tone[i][j])
		}
	}
	fmt.Fprintln(bw, "# mark TRUE READ COUNT (0 none, 1 circumflex, 2 breve, 3 horn; on a e o u)")
	for i := range c.Mark {
		for j := range c.Mark[i] {
			fmt.Fprintf(bw, "mark\t%d\t%d\t%d\n", i, j, c.Mark[i][j])
		}
	}
	fmt.Fprintln(bw, "# band CONFIDENCE/10 WORDS WRONG")
	for i := range c.Words {
		fmt.Fprintf(bw, "band\t%d\t%d\t%d\n", i, c.Words[i], c.Wrong[i])
	}
	return bw.Flush()
}

//go:embed confusion.tsv
var embeddedConfusions string

// channel is ln P(read | meant) for syllables that share a skeleton.
type channel struct {
	tone [6][6]float64
	mark [4][4]float64
	// band adds ln of the error rate of a confidence band over the mean rate to a
	// change: a word read with low confidence is likelier misread.
	band [11]float64
}

// ParseConfusions reads a table written by Confusions.Write.
func ParseConfusions(s string) (*Confusions, error) {
	c := &Confusions{}
	for n, line := range strings.Split(s, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		v := make([]int, len(f)-1)
		for i := range v {
			x, err := strconv.Atoi(f[i+1])
			if err != nil || x < 0 {
				return nil, fmt.Errorf("confusion table line %d: %q", n+1, line)
			}
			v[i] = x
		}
		ok := len(v) == 3
		switch {
		case ok && f[0] == "tone" && v[0] < 6 && v[1] < 6:
			c.Tone[v[0]][v[1]] = v[2]
		case ok && f[0] == "mark" && v[0] < 4 && v[1] < 4:
			c.Mark[v[0]][v[1]] = v[2]
		case ok && f[0] == "band" && v[0] < 11:
			c.Words[v[0]], c.Wrong[v[0]] = v[1], v[2]
		default:
			return nil, fmt.Errorf("confusion table line %d: %q", n+1, line)
		}
	}
	return c, nil
}

// channel turns counts into log probabilities. A syllable keeps its tone with
// the measured rate 1−ε; the errors are shared among the other tones in the
// measured proportions, add-one smoothed, so that a confusion not seen on the
// measured pages is unlikely but not ruled out. Vowel marks likewise.
func (c *Confusions) channel() *channel {
	ch := &channel{}
	share := func(counts [][]int, out [][]float64) {
		total, wrong := 0, 0
		for i := range counts {
			for j, k := range counts[i] {
				total += k
				if i != j {
					wrong += k
				}
			}
		}
		eps := (float64(wrong) + 1) / (float64(total) + 2)
		for i := range counts {
			errs := 0
			for j, k := range counts[i] {
				if i != j {
					errs += k
				}
			}
			for j, k := range counts[i] {
				if i == j {
					out[i][j] = math.Log(1 - eps)
				} else {
					out[i][j] = math.Log(eps * (float64(k) + 1) / (float64(errs) + float64(len(counts)-1)))
				}
			}
		}
	}
	tc, to := make([][]int, 6), make([][]float64, 6)
	for i := range tc {
		tc[i], to[i] = c.Tone[i][:], ch.tone[i][:]
	}
	share(tc, to)
	mc, mo := make([][]int, 4), make([][]float64, 4)
	for i := range mc {
		mc[i], mo[i] = c.Mark[i][:], ch.mark[i][:]
	}
	share(mc, mo)
	words, wrong := 0, 0
	for i := range c.Words {
		words += c.Words[i]
		wrong += c.Wrong[i]
	}
	mean := (float64(wrong) + 1) / (float64(words) + 2)
	rate := make([]float64, len(c.Words))
	for i := range c.Words {
		rate[i] = (float64(c.Wrong[i]) + mean*20) / (float64(c.Words[i]) + 20) // shrunk to the mean
	}
	// Tesseract's doubt means something only in one direction: a band is taken
	// to be misread at least as often as the band above it (the few words of the
	// low bands would say otherwise by chance).
	for i := len(rate) - 2; i >= 0; i-- {
		rate[i] = max(rate[i], rate[i+1])
	}
	for i := range rate {
		ch.band[i] = math.Log(rate[i] / mean)
	}
	return ch
}

// logP is ln P(read | meant) for letters of the same skeleton.
func (ch *channel) logP(meant, read []letter) float64 {
	mt, _ := tone(meant)
	rt, _ := tone(read)
	p := ch.tone[mt][rt]
	for i := range meant {
		if strings.ContainsRune("aeou", meant[i].base) {
			p += ch.mark[meant[i].mark][read[i].mark]
		}
	}
	return p
}
