package clean

import (
	"image"
	"math"
)

// LinesVertical reports whether the text of a page (a Prepare result: paper white,
// ink dark) runs in vertical lines, as on a page scanned lying on its side. It
// compares how much the amount of ink varies from row to row with how much it varies
// from column to column: across lines of text it alternates between line and gap,
// along them it stays even. A page with little ink, or no clear direction, is not
// vertical. It costs a pass over a sixteenth of the pixels, against a second or more
// for Tesseract to read a sideways page into garbage, so the recogniser asks it
// first.
func LinesVertical(g *image.Gray) bool {
	const step = 4   // pixels: finer than the gap between lines at 150 dpi and up
	const strips = 4 // profiles are taken per quarter of the page, so that a skew of a
	// few degrees, which over the whole width moves a line by more than the gap
	// between lines, does not smear them
	b := g.Bounds()
	nr, nc := (b.Dy()+step-1)/step, (b.Dx()+step-1)/step
	rows := make([][]float64, strips) // rows[s]: row profile of vertical strip s
	cols := make([][]float64, strips) // cols[s]: column profile of horizontal strip s
	for s := range strips {
		rows[s] = make([]float64, nr)
		cols[s] = make([]float64, nc)
	}
	ink := 0
	for j := range nr {
		row := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+j*step):]
		sy := j * strips / nr
		for i := range nc {
			if row[i*step] < 128 {
				rows[i*strips/nc][j]++
				cols[sy][i]++
				ink++
			}
		}
	}
	// Too little ink to have lines (a blank page, a stamp): no opinion.
	if ink < 200 {
		return false
	}
	var cr, cc float64
	for s := range strips {
		cr += variation(rows[s])
		cc += variation(cols[s])
	}
	return cc > 1.5*cr
}

// variation is the coefficient of variation (standard deviation over mean) of the
// profile between its first and last non-zero entry: the margins do not count.
func variation(p []float64) float64 {
	lo, hi := 0, len(p)-1
	for lo < hi && p[lo] == 0 {
		lo++
	}
	for hi > lo && p[hi] == 0 {
		hi--
	}
	p = p[lo : hi+1]
	var sum, sq float64
	for _, v := range p {
		sum += v
		sq += v * v
	}
	n := float64(len(p))
	mean := sum / n
	if mean == 0 {
		return 0
	}
	return math.Sqrt(max(0, sq/n-mean*mean)) / mean
}

// LinesUpsideDown reports whether the horizontal text lines of a page (a Prepare
// result) look upside down. Vietnamese print has far more ink above its letters'
// middle band — ascenders, capitals, and the tone and vowel marks most syllables
// carry — than below it (descenders and the dot of the nặng tone); on a page turned
// round that is reversed. Per text line (a run of inked rows) the rows at least half
// as inked as its busiest row are the middle band; the ink above and below it is
// summed over the page. At least five lines are needed for an opinion. It costs a
// pass over half the pixels.
func LinesUpsideDown(g *image.Gray) bool {
	above, below, lines := inkAroundLines(g)
	return lines >= 5 && below > 1.5*above
}

// inkAroundLines sums, over the text lines of g, the ink above and below their
// middle bands, and counts the lines.
func inkAroundLines(g *image.Gray) (above, below float64, lines int) {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	rows := make([]float64, h)
	for y := range h {
		row := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
		n := 0
		for x := 0; x < w; x += 2 {
			if row[x] < 128 {
				n++
			}
		}
		rows[y] = float64(n)
	}
	minInk := float64(w) / 400 // half a percent of the sampled row
	for y := 0; y < h; {
		if rows[y] <= minInk {
			y++
			continue
		}
		top := y
		peak := 0.0
		for y < h && rows[y] > minInk {
			peak = max(peak, rows[y])
			y++
		}
		bottom := y // exclusive
		if bottom-top < 8 {
			continue // a rule or specks, not a line of text
		}
		ct, cb := top, bottom-1
		for rows[ct] < peak/2 {
			ct++
		}
		for rows[cb] < peak/2 {
			cb--
		}
		for k := top; k < ct; k++ {
			above += rows[k]
		}
		for k := cb + 1; k < bottom; k++ {
			below += rows[k]
		}
		lines++
	}
	return above, below, lines
}
