package clean

import (
	"encoding/binary"
	"image"
)

// Despeckle returns a copy of g (origin at (0, 0)) with isolated specks turned to
// paper: blobs of ink of at most a few pixels (dust, toner, scanner noise) that no
// other ink comes near. Tesseract reads such specks as | _ : . and as whole lines
// of noise in the margins, and a 3×3 median, which erodes thin strokes of clean
// print, misses the larger ones. Ink is what is darker than the page's Otsu
// threshold. The sizes scale with dpi (the resolution of g): at 300 dpi a speck
// has at most 16 pixels of ink in a box at most 6 pixels across, and nothing else
// within 8 pixels. The dot of i, the dot under ạ, tone marks and punctuation lie
// closer than that to their letters and stay; so does the dot of an ellipsis, which
// is larger. It also returns how many specks it removed.
func Despeckle(g *image.Gray, dpi int) (*image.Gray, int) {
	out := copyGray(g)
	w, h := out.Bounds().Dx(), out.Bounds().Dy()
	if w == 0 || h == 0 {
		return out, 0
	}
	if dpi < 70 || dpi > 2400 {
		dpi = 300
	}
	f := float64(dpi) / 300
	maxArea := int(16*f*f + 0.5)
	maxSide := max(1, int(6*f+0.5))
	margin := max(2, int(8*f+0.5))
	t := Otsu(out)
	comps := components(out, t)
	specks := 0
	for _, c := range comps {
		if c.area > maxArea || c.x1-c.x0 > maxSide || c.y1-c.y0 > maxSide {
			continue
		}
		// Isolated when the box around it, widened by margin, holds no ink but its own.
		x0, y0 := max(0, c.x0-margin), max(0, c.y0-margin)
		x1, y1 := min(w, c.x1+margin), min(h, c.y1+margin)
		n := 0
		for y := y0; y < y1 && n <= c.area; y++ {
			for _, v := range out.Pix[y*out.Stride+x0 : y*out.Stride+x1] {
				if v < t {
					n++
				}
			}
		}
		if n != c.area {
			continue
		}
		specks++
		// Whiten the speck and its blurred rim (two pixels around the box), which is
		// lighter than the threshold here but may not be under Tesseract's.
		x0, y0 = max(0, c.x0-2), max(0, c.y0-2)
		x1, y1 = min(w, c.x1+2), min(h, c.y1+2)
		for y := y0; y < y1; y++ {
			row := out.Pix[y*out.Stride+x0 : y*out.Stride+x1]
			for i := range row {
				row[i] = 255
			}
		}
	}
	return out, specks
}

// comp is a connected blob of ink: its pixel count and bounding box (x1, y1
// exclusive).
type comp struct {
	area           int
	x0, y0, x1, y1 int
}

// components finds the 8-connected blobs of ink (pixels darker than t) of g (origin
// (0, 0)) from the runs of ink on each row, joined where runs of neighbouring rows
// touch.
func components(g *image.Gray, t uint8) []comp {
	w, h := g.Bounds().Dx(), g.Bounds().Dy()
	type run struct{ y, x0, x1 int32 } // x1 exclusive
	var runs []run
	var parent []int32
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int32) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[max(ra, rb)] = min(ra, rb)
		}
	}
	prevStart, prevEnd := 0, 0
	for y := range h {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		start := len(runs)
		pj := prevStart // the first run above that may still touch the next run here
		for x := 0; x < w; {
			// Paper, eight pixels at a time: every byte 192 or lighter (top two bits
			// set), which is no ink while the threshold is at most 192.
			if t <= 192 && x+8 <= w && binary.LittleEndian.Uint64(row[x:])&0xC0C0C0C0C0C0C0C0 == 0xC0C0C0C0C0C0C0C0 {
				x += 8
				continue
			}
			if row[x] >= t {
				x++
				continue
			}
			x0 := x
			for x < w && row[x] < t {
				x++
			}
			id := int32(len(runs))
			runs = append(runs, run{int32(y), int32(x0), int32(x)})
			parent = append(parent, id)
			// Runs of the row above touching this one, diagonals included.
			for pj < prevEnd && runs[pj].x1 < int32(x0) {
				pj++
			}
			for j := pj; j < prevEnd && runs[j].x0 <= int32(x); j++ {
				union(id, int32(j))
			}
		}
		prevStart, prevEnd = start, len(runs)
	}
	idx := make([]int32, len(runs)) // component index +1 of each root run
	var comps []comp
	for i, r := range runs {
		root := find(int32(i))
		k := int(idx[root]) - 1
		if k < 0 {
			k = len(comps)
			idx[root] = int32(k + 1)
			comps = append(comps, comp{x0: int(r.x0), y0: int(r.y), x1: int(r.x1), y1: int(r.y) + 1})
		}
		c := &comps[k]
		c.area += int(r.x1 - r.x0)
		c.x0, c.x1 = min(c.x0, int(r.x0)), max(c.x1, int(r.x1))
		c.y0, c.y1 = min(c.y0, int(r.y)), max(c.y1, int(r.y)+1)
	}
	return comps
}

// Otsu returns the grey level that best splits g's pixels into ink and paper
// (Otsu's method: the largest variance between the two classes). Pixels darker
// than it are ink.
func Otsu(g *image.Gray) uint8 {
	// Every other pixel of every other row is a sample large enough for 256 bins,
	// at a quarter of the cost.
	var hist [256]int
	b := g.Bounds()
	step := 2
	if b.Dx() < 64 || b.Dy() < 64 {
		step = 1
	}
	for y := b.Min.Y; y < b.Max.Y; y += step {
		i := g.PixOffset(b.Min.X, y)
		row := g.Pix[i : i+b.Dx()]
		for x := 0; x < len(row); x += step {
			hist[row[x]]++
		}
	}
	var total, sum float64
	for v, n := range hist {
		total += float64(n)
		sum += float64(v) * float64(n)
	}
	var wB, sumB, best float64
	t := 128
	for v, n := range hist {
		wB += float64(n)
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(v) * float64(n)
		mB, mF := sumB/wB, (sum-sumB)/wF
		if between := wB * wF * (mB - mF) * (mB - mF); between > best {
			best, t = between, v+1
		}
	}
	return uint8(min(t, 255))
}

// copyGray copies g into a new image with its origin at (0, 0).
func copyGray(g *image.Gray) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		i := g.PixOffset(b.Min.X, b.Min.Y+y)
		copy(out.Pix[y*out.Stride:y*out.Stride+b.Dx()], g.Pix[i:i+b.Dx()])
	}
	return out
}
