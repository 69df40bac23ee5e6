package ocr

import (
	"image"
	"math"
	"slices"

	"kntc/ingest"
)

// TrimSpecks returns words with their boxes trimmed of specks Tesseract took into
// them: ink at either end of a word's box that is set apart from the word's
// letters by half a line height or more of blank columns (letters and the marks
// after them, a "." or a ",", are never that far apart) and is too small to be a
// letter — less than a quarter of a line height tall, and less than a quarter
// line height squared of ink. A speck before the first word of a right-hand
// column's line otherwise widens that word into the gutter (a "4." read 115
// pixels wide from 83 pixels before it), and ReadingOrder, which sees only the
// boxes, finds the gutter too narrow to part the columns.
//
// g is the page the words were read on, in their coordinates; a line height is
// the median height of the words of two or more letters or digits, as in
// ReadingOrder. Ink is a pixel darker than 192 (a faint speck Tesseract still saw
// counts; it is dropped for its size, not its shade). A box whose ink is all small
// (a word that is a speck, a lone "." or "-") is left as it is: the noise filters
// judge it by its text. Only the side trimmed moves, to the letters' ink (X0 or
// X1); the result shares no memory with words.
func TrimSpecks(g *image.Gray, words []ingest.Word) []ingest.Word {
	out := slices.Clone(words)
	if g == nil || len(words) == 0 {
		return out
	}
	h := lineHeightOf(words)
	gapMin := int(math.Ceil(h / 2))
	small := func(r inkRun) bool {
		return float64(r.y1-r.y0) < h/4 && float64(r.ink) < h*h/16
	}
	for i := range out {
		w := &out[i]
		runs := inkRuns(g, image.Rect(w.X0, w.Y0, w.X1, w.Y1), gapMin)
		lo, hi := 0, len(runs)
		for lo < hi-1 && small(runs[lo]) {
			lo++
		}
		for hi-1 > lo && small(runs[hi-1]) {
			hi--
		}
		if lo == 0 && hi == len(runs) || small(runs[lo]) {
			continue // nothing to trim, or only specks in the box
		}
		// The side trimmed ends at the letters' ink; the other keeps Tesseract's edge.
		if lo > 0 {
			w.X0 = runs[lo].x0
		}
		if hi < len(runs) {
			w.X1 = runs[hi-1].x1
		}
	}
	return out
}

// inkRun is a stretch of columns of a box with ink, set apart from the others by
// blank columns: its extent (x1, y1 exclusive) and how many ink pixels it holds.
type inkRun struct {
	x0, x1, y0, y1 int
	ink            int
}

// inkRuns splits the ink of box r in g into runs parted by gapMin or more blank
// columns, left to right.
func inkRuns(g *image.Gray, r image.Rectangle, gapMin int) []inkRun {
	r = r.Intersect(g.Bounds())
	// Per column of the box: its ink pixels and their top and bottom (row by
	// row, in the image's memory order).
	n := make([]int, r.Dx())
	top := make([]int, r.Dx())
	bot := make([]int, r.Dx())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := g.Pix[g.PixOffset(r.Min.X, y):]
		for i := range n {
			if row[i] < 192 {
				if n[i] == 0 {
					top[i] = y
				}
				n[i]++
				bot[i] = y + 1
			}
		}
	}
	var runs []inkRun
	cur := inkRun{x0: -1}
	blank := 0
	for i, k := range n {
		if k == 0 {
			blank++
			continue
		}
		x := r.Min.X + i
		if cur.x0 >= 0 && blank >= gapMin {
			runs = append(runs, cur)
			cur = inkRun{x0: -1}
		}
		if cur.x0 < 0 {
			cur = inkRun{x0: x, y0: top[i], y1: bot[i]}
		}
		cur.x1 = x + 1
		cur.y0, cur.y1 = min(cur.y0, top[i]), max(cur.y1, bot[i])
		cur.ink += k
		blank = 0
	}
	if cur.x0 >= 0 {
		runs = append(runs, cur)
	}
	return runs
}

// lineHeightOf is a line's height on the page: the median height of the words of
// two or more letters or digits (of all words when there are none); at least 1.
func lineHeightOf(words []ingest.Word) float64 {
	var hs []int
	for _, w := range words {
		if l, d := alnumCount(w.Text); l+d >= 2 {
			hs = append(hs, w.Y1-w.Y0)
		}
	}
	if len(hs) == 0 {
		for _, w := range words {
			hs = append(hs, w.Y1-w.Y0)
		}
	}
	if len(hs) == 0 {
		return 1
	}
	slices.Sort(hs)
	return math.Max(1, float64(hs[len(hs)/2]))
}
