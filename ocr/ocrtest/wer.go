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

// CellsInOrder counts the cells of a table (row by row) whose text is found in
// got in that order: each cell is looked for, NFC with whitespace collapsed,
// within cellWindow runes after where the cell before it was found (the first
// one anywhere), allowing one
// edit in ten runes; a cell not found is skipped (a misread "3" does not jump to a
// "3" rows further on). Cell separators (TableCellSep) in got count as spaces, so
// a reading without them is not penalised.
func CellsInOrder(got string, cells [][]string) (found, total int) {
	text := []rune(collapse(strings.ReplaceAll(got, TableCellSep, " ")))
	pos := 0
	for _, row := range cells {
		for _, c := range row {
			c = collapse(c)
			if c == "" {
				continue
			}
			total++
			window := text[pos:]
			if total > 1 { // the table's first cell is looked for anywhere
				window = window[:min(len(window), cellWindow+len([]rune(c)))]
			}
			if end, ok := findApprox(window, []rune(c), len([]rune(c))/10); ok {
				found++
				pos += end
			}
		}
	}
	return found, total
}

// cellWindow is how far past the cell before it a cell is looked for: more than
// a table row's text.
const cellWindow = 200

// findApprox finds pat in text with at most k edits (Sellers' algorithm) and
// returns where the earliest such match ends.
func findApprox(text, pat []rune, k int) (end int, ok bool) {
	m := len(pat)
	col := make([]int, m+1)
	for i := range col {
		col[i] = i
	}
	if m <= k {
		return 0, true
	}
	for j := 1; j <= len(text); j++ {
		prevDiag := col[0] // D[0][j-1] = 0
		col[0] = 0
		for i := 1; i <= m; i++ {
			cost := 1
			if pat[i-1] == text[j-1] {
				cost = 0
			}
			v := min(col[i]+1, col[i-1]+1, prevDiag+cost)
			prevDiag, col[i] = col[i], v
		}
		if col[m] <= k {
			return j, true
		}
	}
	return 0, false
}
