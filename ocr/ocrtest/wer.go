package ocrtest

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// WER is the word error rate of got against want: both in NFC with whitespace
// runs as word breaks, the edit distance between their word sequences divided by
// want's word count.
func WER(got, want string) float64 {
	g := strings.Fields(norm.NFC.String(got))
	w := strings.Fields(norm.NFC.String(want))
	if len(w) == 0 {
		if len(g) == 0 {
			return 0
		}
		return 1
	}
	prev := make([]int, len(g)+1)
	cur := make([]int, len(g)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(w); i++ {
		cur[0] = i
		for j := 1; j <= len(g); j++ {
			cost := 1
			if w[i-1] == g[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return float64(prev[len(g)]) / float64(len(w))
}
