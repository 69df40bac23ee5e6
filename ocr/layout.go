package ocr

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"kntc/ingest"
)

// CellSep separates the cells of a table row in a page's text: a row is one line,
// its cells (a cell's wrapped lines joined by a space) separated by " | ", an empty
// cell between two others left empty ("a | | c").
const CellSep = " | "

// ReadingOrder returns the words of a page in reading order, from their boxes and
// Tesseract's lines. Tesseract (automatic page segmentation) often joins side by
// side text into lines that run across the page — the two columns of a decision's
// header ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI…"), of its signature block, of a body
// set in two columns, the cells of a table row — so its order interleaves them.
//
// The layout is found again from the boxes: Tesseract's lines are cut where a gap
// wider than a line's height (the median word height) opens, the pieces grouped
// into rows by height on the page (after undoing the skew the lines show), and,
// from the top down, a row with such a gap starts a region while the rows under it
// leave a whitespace gutter at that place (each piece wholly on one side; the gutter
// may narrow but stays a line height wide). A region is:
//   - a table when three or more columns share their gutters over at least two rows
//     with three cells filled: read row by row, a row's cells left to right, each
//     cell's lines top down; table rows are parted where the vertical gap between
//     lines (the median top and bottom of their pieces' words) is nearer the widest gap
//     than the narrowest (a ruled table's padding and rule), or at every line when
//     the gaps differ by less than half a line height. The words' Cell says which
//     cell they are in (see CellSep).
//   - two columns when at least two rows have text on both sides: the left column,
//     then the right one, each analysed again the same way (a column may hold a
//     table). Lines on one side under the last row with both run on in the region
//     while they follow closely (the "Kính gửi:" under a header's left column after
//     a blank line starts the body); under a body of five or more rows on both
//     sides, blank lines do not end it.
//
// A line across the gutter ends the region above it (a heading over both columns
// comes between the columns above and those below). Noise lines (IsNoiseLine) do
// not count in the analysis and follow the line nearest them. The header's two
// columns, the signature block, a two-column body and a table each come out as
// their own blocks (Block renumbered, Par 1, a line per piece). A page without a
// region keeps Tesseract's order and numbering untouched. Boxes are never moved;
// the result shares no memory with words.
func ReadingOrder(words []ingest.Word) []ingest.Word {
	if len(words) == 0 {
		return nil
	}
	l := newLayout(words)
	var structural, noise []*seg
	for _, s := range l.segs {
		if s.noise {
			noise = append(noise, s)
		} else {
			structural = append(structural, s)
		}
	}
	items := l.order(structural, "", 0)
	if !l.found {
		return slices.Clone(words)
	}
	items = placeNoise(items, noise)
	return number(items)
}

// seg is a piece of a Tesseract line: its words (left to right) and their extent
// on the page with its skew undone.
type seg struct {
	words          []ingest.Word
	x0, y0, x1, y1 float64
	// my0, my1: the median top and bottom of its words, which a tone mark
	// stacked over a vowel or a descender does not move.
	my0, my1 float64
	key      string // Tesseract's block and paragraph
	line     int    // index of its Tesseract line
	noise    bool
}

func (s *seg) cx() float64 { return (s.x0 + s.x1) / 2 }
func (s *seg) cy() float64 { return (s.y0 + s.y1) / 2 }

// item is one line of the result: words that share a line number, and the block
// they belong to (a change of key starts a new block).
type item struct {
	words []ingest.Word
	key   string
	y     float64 // for placing noise: its vertical centre
	x     float64
}

type layout struct {
	segs   []*seg
	h      float64 // median word height: a line's height
	gutter float64 // narrowest gutter, widest gap within a line
	found  bool    // some region was found
	zones  int
	// sides are the two-column regions found, in the order they were found (top
	// down on each level): for the header parser (HeaderBlocks).
	sides []sides
}

// sides is a two-column region: its left and right pieces, its depth (0: on the
// page itself) and its extent from the top of its first row to the bottom of its
// last.
type sides struct {
	left, right []*seg
	depth       int
	y0, y1      float64
}

func newLayout(words []ingest.Word) *layout {
	l := &layout{h: lineHeightOf(words)}
	l.gutter = l.h
	lines := splitLines(words)
	slope := skew(lines, l.h)
	for i, line := range lines {
		line = slices.Clone(line)
		slices.SortStableFunc(line, func(a, b ingest.Word) int { return cmp.Compare(a.X0, b.X0) })
		key := fmt.Sprintf("t%d/%d", line[0].Block, line[0].Par)
		// A line is cut where the gap between words with letters or digits is a
		// gutter wide, marks between them ("-", ".", a rule's remains) going with
		// the left piece; marks that are never words (a table's rule read as "|")
		// are pieces of their own. Either would bridge the gutter.
		var pieces [][]ingest.Word
		start := 0
		lastX1 := math.NaN() // right edge of the piece's last word with letters or digits
		for k, w := range line {
			a, d := alnumCount(w.Text)
			cut := k > start && (neverWord(w.Text) || neverWord(line[k-1].Text))
			if k > start && a+d > 0 && !math.IsNaN(lastX1) && float64(w.X0)-lastX1 >= l.gutter {
				cut = true
			}
			if cut {
				pieces = append(pieces, line[start:k])
				start, lastX1 = k, math.NaN()
			}
			if a+d > 0 {
				lastX1 = float64(w.X1)
			}
		}
		pieces = append(pieces, line[start:])
		for _, piece := range pieces {
			s := &seg{words: piece, key: key, line: i}
			s.x0, s.y0 = math.Inf(1), math.Inf(1)
			s.x1, s.y1 = math.Inf(-1), math.Inf(-1)
			tokens := make([]string, 0, len(piece))
			alnum := slices.ContainsFunc(s.words, func(w ingest.Word) bool { a, d := alnumCount(w.Text); return a+d > 0 })
			for _, w := range s.words {
				tokens = append(tokens, w.Text)
				if a, d := alnumCount(w.Text); alnum && a+d == 0 {
					continue // a mark at either end does not widen the piece
				}
				// Undo the skew: turn the box about the origin by the lines' slope.
				cx, cy := float64(w.X0+w.X1)/2, float64(w.Y0+w.Y1)/2
				dx, dy := slope*cy, -slope*cx
				s.x0, s.x1 = math.Min(s.x0, float64(w.X0)+dx), math.Max(s.x1, float64(w.X1)+dx)
				s.y0, s.y1 = math.Min(s.y0, float64(w.Y0)+dy), math.Max(s.y1, float64(w.Y1)+dy)
			}
			s.noise = IsNoiseLine(tokens)
			var tops, bottoms []float64
			for _, w := range s.words {
				dy := -slope * float64(w.X0+w.X1) / 2
				tops, bottoms = append(tops, float64(w.Y0)+dy), append(bottoms, float64(w.Y1)+dy)
			}
			slices.Sort(tops)
			slices.Sort(bottoms)
			s.my0, s.my1 = tops[len(tops)/2], bottoms[len(bottoms)/2]
			l.segs = append(l.segs, s)
		}
	}
	return l
}

// skew is the median slope (dy/dx) of the lines at least five line heights long,
// from a least-squares fit of their words' bottoms; 0 when there are none.
func skew(lines [][]ingest.Word, h float64) float64 {
	var slopes []float64
	for _, line := range lines {
		if len(line) < 3 {
			continue
		}
		var n, sx, sy, sxx, sxy float64
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, w := range line {
			x, y := float64(w.X0+w.X1)/2, float64(w.Y1)
			n++
			sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
		den := n*sxx - sx*sx
		if hi-lo < 5*h || den == 0 {
			continue
		}
		slopes = append(slopes, (n*sxy-sx*sy)/den)
	}
	if len(slopes) == 0 {
		return 0
	}
	slices.Sort(slopes)
	s := slopes[len(slopes)/2]
	if math.Abs(s) > 0.1 { // beyond 6°: not a skew deskewing left behind
		return 0
	}
	return s
}

// rows groups pieces into rows: a piece joins the row whose first piece its
// vertical centre lies within half a line height of; rows top down, pieces left
// to right.
func (l *layout) rows(segs []*seg) [][]*seg {
	sorted := slices.Clone(segs)
	slices.SortStableFunc(sorted, func(a, b *seg) int { return cmp.Compare(a.cy(), b.cy()) })
	var rows [][]*seg
	for _, s := range sorted {
		if n := len(rows); n > 0 && math.Abs(s.cy()-rows[n-1][0].cy()) <= l.h/2 {
			rows[n-1] = append(rows[n-1], s)
			continue
		}
		rows = append(rows, []*seg{s})
	}
	for _, r := range rows {
		slices.SortStableFunc(r, func(a, b *seg) int { return cmp.Compare(a.x0, b.x0) })
	}
	return rows
}

// gap is a gutter: free space between x0 and x1.
type gap struct{ x0, x1 float64 }

// region is rows [start, end) whose pieces keep clear of gutters.
type region struct {
	start, end int
	gutters    []gap
	full       int // rows with text in enough columns
}

// extend grows a region from row i while the rows keep clear of the gutters: each
// piece lies in one column, and a piece that reaches into a gutter is aligned with
// the pieces above it in its column (left edge, right edge or centre within a line
// height: a longer line of a ragged column, a wider cell) and leaves the gutter
// l.gutter wide. need is how many columns a row must fill to count as full. Under
// the last full row, rows run on while they follow closely (or, when loose, all of
// them).
func (l *layout) extend(rows [][]*seg, i int, gutters []gap, need int, loose func(full int) bool) region {
	gs := slices.Clone(gutters)
	r := region{start: i, end: i, gutters: gs}
	type column struct {
		x0, x1, sumCx float64
		n             int
	}
	cols := make([]column, len(gs)+1)
	aligned := func(c column, s *seg) bool {
		return c.n == 0 || math.Abs(s.x0-c.x0) <= l.h || math.Abs(s.x1-c.x1) <= l.h ||
			math.Abs(s.cx()-c.sumCx/float64(c.n)) <= l.h
	}
	lastFull := -1
	var fullRows []int
	for j := i; j < len(rows); j++ {
		next := slices.Clone(gs)
		nextCols := slices.Clone(cols)
		filled := map[int]bool{}
		blank := 0.0
		if j > i {
			blank = top(rows[j]) - bottom(rows[j-1])
		}
		ok := blank <= 2.5*l.h // a wide blank band: what follows is laid out anew
		for _, s := range rows[j] {
			c := 0
			for c < len(gs) && s.cx() >= (gs[c].x0+gs[c].x1)/2 {
				c++
			}
			if c > 0 {
				g := &next[c-1]
				if s.x0 < g.x1 {
					if !aligned(cols[c], s) {
						ok = false
					}
					g.x1 = s.x0
				}
			}
			if c < len(next) {
				g := &next[c]
				if s.x1 > g.x0 {
					if !aligned(cols[c], s) {
						ok = false
					}
					g.x0 = s.x1
				}
			}
			// In a body's columns, after a blank line, a piece that starts well
			// inside its column (the signer's block centred under the right column)
			// is not the column's text: a paragraph starts at its edge, or indented.
			if blank > 1.2*l.h && loose != nil && loose(len(fullRows)) && cols[c].n > 0 && s.x0-cols[c].x0 > 3*l.h {
				ok = false
			}
			filled[c] = true
			nc := &nextCols[c]
			if nc.n == 0 {
				nc.x0, nc.x1 = s.x0, s.x1
			}
			nc.x0, nc.x1 = math.Min(nc.x0, s.x0), math.Max(nc.x1, s.x1)
			nc.sumCx += s.cx()
			nc.n++
		}
		for _, g := range next {
			if g.x1-g.x0 < l.gutter {
				ok = false
			}
		}
		if !ok {
			break
		}
		gs, cols = next, nextCols
		r.end = j + 1
		if len(filled) >= need {
			lastFull = j
			fullRows = append(fullRows, j)
		}
	}
	r.full = len(fullRows)
	r.gutters = gs
	if lastFull < 0 {
		r.end = i
		return r
	}
	if loose != nil && loose(r.full) {
		return r
	}
	// Rows under the last full one stay while they follow closely, or, a little
	// further down, while they are centred on their column as a header's column is
	// (the "Số: …" under an issuer of four lines, past the rule under it; the
	// "Kính gửi:" that starts the body stands at the margin).
	centres := make([]float64, len(gs)+1)
	counts := make([]int, len(gs)+1)
	for _, row := range rows[r.start : lastFull+1] {
		for _, s := range row {
			c := l.column(gs, s)
			centres[c] += s.cx()
			counts[c]++
		}
	}
	centred := func(row []*seg) bool {
		for _, s := range row {
			c := l.column(gs, s)
			if counts[c] < 2 || math.Abs(s.cx()-centres[c]/float64(counts[c])) > l.h/2 {
				return false
			}
		}
		return true
	}
	end := lastFull + 1
	for end < r.end {
		gap := top(rows[end]) - bottom(rows[end-1])
		if gap > l.h && (gap > 2*l.h || !centred(rows[end])) {
			break
		}
		end++
	}
	r.end = end
	return r
}

// column is the column of gutters gs that s is in (by its centre).
func (l *layout) column(gs []gap, s *seg) int {
	c := 0
	for c < len(gs) && s.cx() >= (gs[c].x0+gs[c].x1)/2 {
		c++
	}
	return c
}

func top(row []*seg) float64 {
	t := math.Inf(1)
	for _, s := range row {
		t = math.Min(t, s.y0)
	}
	return t
}

func bottom(row []*seg) float64 {
	b := math.Inf(-1)
	for _, s := range row {
		b = math.Max(b, s.y1)
	}
	return b
}

// gaps returns the gaps at least l.gutter wide between the pieces of a row.
func (l *layout) gaps(row []*seg) []gap {
	var out []gap
	right := math.Inf(-1)
	for k, s := range row {
		if k > 0 && s.x0-right >= l.gutter {
			out = append(out, gap{right, s.x0})
		}
		right = math.Max(right, s.x1)
	}
	return out
}

// order returns the pieces in reading order as items; key prefixes the block keys
// (the region and side they are in).
func (l *layout) order(segs []*seg, key string, depth int) []item {
	rows := l.rows(segs)
	var out []item
	for i := 0; i < len(rows); {
		gs := l.gaps(rows[i])
		if depth < 4 && len(gs) >= 2 {
			if t := l.extend(rows, i, gs, 3, nil); t.full >= 2 {
				l.found = true
				out = append(out, l.table(rows[t.start:t.end], t.gutters, key)...)
				i = t.end
				continue
			}
		}
		if depth < 4 && len(gs) >= 1 {
			var best region
			for _, g := range gs {
				z := l.extend(rows, i, []gap{g}, 2, func(full int) bool { return full >= 5 })
				if z.full > best.full || z.full == best.full && z.end > best.end {
					best = z
				}
			}
			if best.full >= 2 {
				l.found = true
				l.zones++
				g := best.gutters[0]
				mid := (g.x0 + g.x1) / 2
				var left, right []*seg
				for _, row := range rows[best.start:best.end] {
					for _, s := range row {
						if s.cx() < mid {
							left = append(left, s)
						} else {
							right = append(right, s)
						}
					}
				}
				l.sides = append(l.sides, sides{left, right, depth, top(rows[best.start]), bottom(rows[best.end-1])})
				zk := fmt.Sprintf("%sz%d", key, l.zones)
				out = append(out, l.order(left, zk+"L/", depth+1)...)
				out = append(out, l.order(right, zk+"R/", depth+1)...)
				i = best.end
				continue
			}
		}
		out = append(out, flow(rows[i], key)...)
		i++
	}
	return out
}

// flow returns a row outside any region as items: pieces of one Tesseract line
// next to each other make one item.
func flow(row []*seg, key string) []item {
	var out []item
	for k, s := range row {
		if k > 0 && row[k-1].line == s.line {
			it := &out[len(out)-1]
			it.words = append(it.words, s.words...)
			continue
		}
		out = append(out, item{words: slices.Clone(s.words), key: key + s.key, y: s.cy(), x: s.cx()})
	}
	return out
}

// table returns the rows of a table region as items, one per table row, the
// words' Cell set.
func (l *layout) table(rows [][]*seg, gutters []gap, key string) []item {
	l.zones++
	tk := fmt.Sprintf("%stable%d", key, l.zones)
	var out []item
	var cells [][]*seg
	flush := func() {
		if cells == nil {
			return
		}
		it := item{key: tk}
		n := 0
		for c, cs := range cells {
			slices.SortStableFunc(cs, func(a, b *seg) int {
				if math.Abs(a.cy()-b.cy()) > l.h/2 {
					return cmp.Compare(a.cy(), b.cy())
				}
				return cmp.Compare(a.x0, b.x0)
			})
			for _, s := range cs {
				for _, w := range s.words {
					w.Cell = c + 1
					it.words = append(it.words, w)
				}
				it.y += s.cy()
				it.x += s.cx()
				n++
			}
		}
		it.y /= float64(n)
		it.x /= float64(n)
		out = append(out, it)
		cells = nil
	}
	// Table rows are parted by the gaps between lines that are clearly wider than
	// the others (a ruled table's padding and rule); when no gap stands out, every
	// line is a row.
	gaps := make([]float64, len(rows))
	lo, hi := math.Inf(1), math.Inf(-1)
	median := func(row []*seg, f func(*seg) float64) float64 {
		v := make([]float64, len(row))
		for i, s := range row {
			v[i] = f(s)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	for k := 1; k < len(rows); k++ {
		gaps[k] = median(rows[k], func(s *seg) float64 { return s.my0 }) - median(rows[k-1], func(s *seg) float64 { return s.my1 })
		lo, hi = math.Min(lo, gaps[k]), math.Max(hi, gaps[k])
	}
	cut := math.Inf(-1)
	if hi-lo > 0.5*l.h {
		cut = (lo + hi) / 2
	}
	for k, row := range rows {
		if k > 0 && gaps[k] > cut {
			flush()
		}
		if cells == nil {
			cells = make([][]*seg, len(gutters)+1)
		}
		for _, s := range row {
			c := 0
			for c < len(gutters) && s.cx() >= (gutters[c].x0+gutters[c].x1)/2 {
				c++
			}
			cells[c] = append(cells[c], s)
		}
	}
	flush()
	return out
}

// placeNoise puts each noise piece, as an item of its own, after the item nearest
// it (by its vertical, then horizontal, distance).
func placeNoise(items []item, noise []*seg) []item {
	if len(noise) == 0 {
		return items
	}
	after := make([][]item, len(items)+1)
	for _, s := range noise {
		best, bd := -1, math.Inf(1)
		for k, it := range items {
			d := math.Abs(it.y-s.cy())*4 + math.Abs(it.x-s.cx())
			if d < bd {
				best, bd = k, d
			}
		}
		key := s.key
		if best >= 0 {
			key = items[best].key
		}
		after[best+1] = append(after[best+1], item{words: slices.Clone(s.words), key: key, y: s.cy(), x: s.cx()})
	}
	out := slices.Clone(after[0])
	for k, it := range items {
		out = append(out, it)
		out = append(out, after[k+1]...)
	}
	return out
}

// number renumbers the items' words: a block per run of items with the same key,
// paragraph 1, a line per item.
func number(items []item) []ingest.Word {
	var out []ingest.Word
	block, line := 0, 0
	prev := ""
	for k, it := range items {
		if k == 0 || it.key != prev {
			block++
			line = 0
		}
		prev = it.key
		line++
		for _, w := range it.words {
			w.Block, w.Par, w.Line = block, 1, line
			out = append(out, w)
		}
	}
	return out
}

// splitLines groups words into their lines (same Block, Par and Line, in a row).
func splitLines(words []ingest.Word) [][]ingest.Word {
	var lines [][]ingest.Word
	for i := 0; i < len(words); {
		j := i + 1
		for j < len(words) && sameLine(words[i], words[j]) {
			j++
		}
		lines = append(lines, words[i:j])
		i = j
	}
	return lines
}

// PageText joins words in reading order into a page's text: words of a line by a
// space, the cells of a table row by CellSep, lines by "\n", paragraphs and blocks
// by a blank line.
func PageText(words []ingest.Word) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			p := words[i-1]
			switch {
			case w.Block != p.Block || w.Par != p.Par:
				b.WriteString("\n\n")
			case w.Line != p.Line:
				b.WriteString("\n")
			case w.Cell > p.Cell:
				b.WriteString(strings.Repeat(" |", w.Cell-p.Cell-1) + CellSep)
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString(w.Text)
	}
	return b.String()
}
