package clean

import (
	"image"
	"slices"
)

// Flatten returns g (origin at (0, 0)) with the paper made evenly white:
// each pixel divided by the paper's brightness around it. Old photocopies and
// scans with the lid open are lit unevenly — light falls off across the page and a
// dark shadow runs along the spine — and Tesseract's single threshold for the whole
// page then turns the dark side into noise and loses faint strokes on the light
// one. The paper's brightness is the brightest part (the 90th percentile) of each
// block of under 3 mm, the median of its neighbours (so that a block filled with
// ink does not count as dark paper), interpolated between block centres. On an
// evenly lit page it changes nothing and returns g itself when g's origin is
// (0, 0); callers must not modify the result. dpi is the resolution of g.
func Flatten(g *image.Gray, dpi int) *image.Gray {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return out
	}
	if dpi < 70 || dpi > 2400 {
		dpi = 300
	}
	cell := max(8, dpi*32/300)
	gw, gh := (w+cell-1)/cell, (h+cell-1)/cell
	paper := make([]int, gw*gh)
	var hist [256]int
	for by := range gh {
		for bx := range gw {
			clear(hist[:])
			x0, x1 := bx*cell, min(w, (bx+1)*cell)
			y0, y1 := by*cell, min(h, (by+1)*cell)
			// Every other row and column: plenty for a percentile, a quarter of the work.
			n := 0
			for y := y0; y < y1; y += 2 {
				row := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
				for x := x0; x < x1; x += 2 {
					hist[row[x]]++
					n++
				}
			}
			want, acc, v := n/10, 0, 255
			for ; v > 0; v-- {
				if acc += hist[v]; acc > want {
					break
				}
			}
			paper[by*gw+bx] = v
		}
	}
	// A block of solid ink (a rule, a photo, a black border) reads as dark paper:
	// the median of the 3×3 blocks around each block outvotes it.
	smooth := make([]int, len(paper))
	var nb []int
	for by := range gh {
		for bx := range gw {
			nb = nb[:0]
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := bx+dx, by+dy
					if x >= 0 && y >= 0 && x < gw && y < gh {
						nb = append(nb, paper[y*gw+x])
					}
				}
			}
			slices.Sort(nb)
			// Never below a mid grey: on a page that dark the "paper" is ink.
			smooth[by*gw+bx] = max(nb[len(nb)/2], 64)
		}
	}
	// Evenly lit white paper (a clean scan): nothing to do.
	if slices.Min(smooth) >= 250 {
		if b.Min == (image.Point{}) {
			return g
		}
		return copyGray(g)
	}
	// Per row, the paper level of every column interpolated between block centres,
	// then a table look-up of the 16.16 factor that maps it to white.
	var inv [256]uint32
	for p := range inv {
		inv[p] = uint32(255 << 16 / max(p, 1))
	}
	colBlock := make([]int, w) // block to the left of the column's position
	colFrac := make([]int, w)  // 0..256: weight of the block to the right
	for x := range w {
		c := float64(x-cell/2) / float64(cell)
		i := int(c)
		if c < 0 {
			i, c = 0, 0
		}
		if i >= gw-1 {
			i, c = max(gw-2, 0), float64(max(gw-1, 0))
		}
		colBlock[x], colFrac[x] = i, int((c-float64(i))*256+0.5)
	}
	top := make([]int, gw)
	for y := range h {
		r := float64(y-cell/2) / float64(cell)
		j := int(r)
		if r < 0 {
			j, r = 0, 0
		}
		if j >= gh-1 {
			j, r = max(gh-2, 0), float64(max(gh-1, 0))
		}
		fy := int((r-float64(j))*256 + 0.5)
		j1 := min(j+1, gh-1)
		// The paper level along this row at each block column, times 256.
		for i := range gw {
			top[i] = smooth[j*gw+i]*(256-fy) + smooth[j1*gw+i]*fy
		}
		src := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
		src = src[:w:w]
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range dst {
			i, fx := colBlock[x], colFrac[x]
			p := (top[i]*(256-fx) + top[min(i+1, gw-1)]*fx) >> 16
			dst[x] = uint8(min(uint32(src[x])*inv[p&255]>>16, 255))
		}
	}
	return out
}
