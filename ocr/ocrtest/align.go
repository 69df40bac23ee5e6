package ocrtest

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// AlignWords pairs the words of got with the words of want along a least-edit
// alignment (Levenshtein over words): each pair is a word of want and the word
// of got in its place, same or substituted; inserted and deleted words are left
// out.
func AlignWords(got, want []string) [][2]string {
	n, m := len(want), len(got)
	d := make([][]int32, n+1)
	for i := range d {
		d[i] = make([]int32, m+1)
		d[i][0] = int32(i)
	}
	for j := range m + 1 {
		d[0][j] = int32(j)
	}
	for i := 1; i <= n; i++ {
		for j := 1; j <= m; j++ {
			cost := int32(1)
			if want[i-1] == got[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
		}
	}
	var out [][2]string
	for i, j := n, m; i > 0 && j > 0; {
		cost := int32(1)
		if want[i-1] == got[j-1] {
			cost = 0
		}
		switch d[i][j] {
		case d[i-1][j-1] + cost:
			out = append(out, [2]string{want[i-1], got[j-1]})
			i, j = i-1, j-1
		case d[i-1][j] + 1:
			i--
		default:
			j--
		}
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out
}

// ToneErrors counts the words of want that got reads with the right letters but a
// wrong tone or vowel mark (hiếm for hiểm, Điêu for Điều): words aligned by
// AlignWords, different, and equal once tone and vowel marks are taken off (đ
// kept).
func ToneErrors(got, want string) int {
	n := 0
	for _, p := range AlignWords(strings.Fields(norm.NFC.String(got)), strings.Fields(norm.NFC.String(want))) {
		if p[0] != p[1] && unmarked(p[0]) == unmarked(p[1]) {
			n++
		}
	}
	return n
}

// unmarked is s without its tone and vowel marks (combining marks of NFD), đ kept.
func unmarked(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch r {
		case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323', '\u0302', '\u0306', '\u031b':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
