package ocrtest

import (
	"strings"

	"kntc/internal/viet"
)

// CER is the character error rate of got against want: both in NFC with whitespace
// runs joined to one space, the edit distance between their runes divided by want's
// length.
func CER(got, want string) float64 {
	return errorRate([]rune(collapse(got)), []rune(collapse(want)))
}

// WER is the word error rate of got against want: both in NFC with whitespace
// runs as word breaks, the edit distance between their word sequences divided by
// want's word count.
func WER(got, want string) float64 {
	return errorRate(strings.Fields(viet.NFC(got)), strings.Fields(viet.NFC(want)))
}

func collapse(s string) string { return strings.Join(strings.Fields(viet.NFC(s)), " ") }

// errorRate is the Levenshtein distance from want to got over want's length (1 for
// anything against nothing, 0 for nothing against nothing).
func errorRate[T comparable](g, w []T) float64 {
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
