package clean

import "image"

// RemoveRules turns to paper, in place, the straight rules of a page whose lines
// are level (after Deskew): runs of ink at least a third of an inch long (100
// pixels at 300 dpi), vertical or horizontal, and the grey edge a pixel either
// side of them. No stroke of 10–14 pt print is that long, and Tesseract reads
// rules as | l I _ or, in a ruled table, loses whole rows between them; the short
// rule under a header's columns goes too. Ink is what is darker than the page's
// Otsu threshold.
func RemoveRules(g *image.Gray, dpi int) {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return
	}
	if dpi < 70 || dpi > 2400 {
		dpi = 300
	}
	minRun := max(20, dpi/3)
	t := Otsu(g)
	edge := uint8((int(t) + 255) / 2) // grey enough to be the rule's blurred edge
	row := func(y int) []uint8 {
		i := g.PixOffset(b.Min.X, b.Min.Y+y)
		return g.Pix[i : i+w]
	}
	mask := make([]bool, w*h)
	// Horizontal runs, row by row.
	for y := range h {
		r := row(y)
		run := 0
		for x := 0; x <= w; x++ {
			if x < w && r[x] < t {
				run++
				continue
			}
			if run >= minRun {
				for k := x - run; k < x; k++ {
					mask[y*w+k] = true
				}
				for _, yy := range []int{y - 1, y + 1} {
					if yy < 0 || yy >= h {
						continue
					}
					ry := row(yy)
					for k := x - run; k < x; k++ {
						if ry[k] < edge {
							mask[yy*w+k] = true
						}
					}
				}
			}
			run = 0
		}
	}
	// Vertical runs, counted per column while going down the rows.
	runs := make([]int, w)
	for y := 0; y <= h; y++ {
		var r []uint8
		if y < h {
			r = row(y)
		}
		for x := range w {
			if y < h && r[x] < t {
				runs[x]++
				continue
			}
			if n := runs[x]; n >= minRun {
				for k := y - n; k < y; k++ {
					mask[k*w+x] = true
					rk := row(k)
					if x > 0 && rk[x-1] < edge {
						mask[k*w+x-1] = true
					}
					if x+1 < w && rk[x+1] < edge {
						mask[k*w+x+1] = true
					}
				}
			}
			runs[x] = 0
		}
	}
	for y := range h {
		r, m := row(y), mask[y*w:(y+1)*w]
		for x, v := range m {
			if v {
				r[x] = 0xff
			}
		}
	}
}
