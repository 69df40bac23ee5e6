package clean

import (
	"image"
	"math"
)

// maxSkew bounds the skew Skew looks for, in degrees: a page fed askew into a
// scanner lies a few degrees off; beyond that it is turned, which is OSD's.
const maxSkew = 5.0

// minDeskew is the smallest skew Deskew corrects: below it Tesseract reads as well
// as it does upright (the benchmark's 0.5° costs nothing measurable; 1.5° costs
// 0.05–0.1 points of CER, 3° 0.4–0.5).
const minDeskew = 0.4

// Skew returns the angle, in degrees, by which the text lines of g (a page with
// white paper and dark ink) are turned clockwise, found as the angle at which the
// ink projected along the lines is most concentrated — lines and gaps most
// distinct. ok is false when the page has too little ink, or no angle stands out
// from the page as it is.
func Skew(g *image.Gray) (degrees float64, ok bool) {
	// Every fourth column of every other row: enough ink to place lines to a tenth
	// of a degree on A4, at an eighth of the pixels.
	const stepX, stepY = 4, 2
	b := g.Bounds()
	cx := b.Dx() / 2
	var xs, ys []int32 // ink points: x from the centre column, y in rows of stepY
	for y := 0; y < b.Dy(); y += stepY {
		row := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < b.Dx(); x += stepX {
			if row[x] < 128 {
				xs = append(xs, int32(x-cx))
				ys = append(ys, int32(y/stepY))
			}
		}
	}
	if len(xs) < 1000 {
		return 0, false
	}
	margin := int(float64(cx)*math.Tan(maxSkew*math.Pi/180))/stepY + 2
	bins := make([]int32, b.Dy()/stepY+2*margin+2)
	score := func(deg float64) float64 {
		clear(bins)
		// y - x·tan, in rows, in 16.16 fixed point.
		t := int64(math.Tan(deg*math.Pi/180) / stepY * 65536)
		for i, x := range xs {
			k := int(ys[i]) + margin - int((int64(x)*t)>>16)
			if k >= 0 && k < len(bins) {
				bins[k]++
			}
		}
		var s float64
		for _, v := range bins {
			s += float64(v) * float64(v)
		}
		return s
	}
	flat := score(0)
	best, bestScore := 0.0, flat
	for d := -maxSkew; d <= maxSkew+1e-9; d += 0.5 {
		if s := score(d); s > bestScore {
			best, bestScore = d, s
		}
	}
	// Refine to a tenth of a degree around the best half degree.
	for d := best - 0.4; d <= best+0.4+1e-9; d += 0.1 {
		if s := score(d); s > bestScore {
			best, bestScore = d, s
		}
	}
	if bestScore < flat*1.05 {
		return 0, false
	}
	return math.Round(best*10) / 10, true
}

// Deskew returns g turned back by its skew (Skew), with the angle it was turned
// by, clockwise; a page that is not skewed by at least minDeskew comes back as it
// is with 0. The turn is about the page's centre, keeps its size, samples
// bilinearly and fills the corners with paper.
func Deskew(g *image.Gray) (*image.Gray, float64) {
	skew, ok := Skew(g)
	if !ok || math.Abs(skew) < minDeskew {
		return g, 0
	}
	return rotateSmall(g, -skew), -skew
}

// rotateSmall turns g by deg degrees clockwise about its centre (origin (0, 0)).
func rotateSmall(g *image.Gray, deg float64) *image.Gray {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	s, c := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	// Fixed point 16.16: the source point of (x, y) moves by (c, -s) per column.
	const one = 1 << 16
	for y := range h {
		dy := float64(y) - cy
		// Source of (0, y).
		sx := c*(0-cx) + s*dy + cx
		sy := -s*(0-cx) + c*dy + cy
		fx, fy := int64(sx*one), int64(sy*one)
		ix, iy := int64(c*one), int64(-s*one)
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range dst {
			x0, y0 := int(fx>>16), int(fy>>16)
			if x0 < 0 || y0 < 0 || x0 >= w-1 || y0 >= h-1 {
				dst[x] = 255
			} else {
				ax, ay := fx&(one-1), fy&(one-1)
				i := g.PixOffset(b.Min.X+x0, b.Min.Y+y0)
				p00, p01 := int64(g.Pix[i]), int64(g.Pix[i+1])
				p10, p11 := int64(g.Pix[i+g.Stride]), int64(g.Pix[i+g.Stride+1])
				top := p00*(one-ax) + p01*ax
				bot := p10*(one-ax) + p11*ax
				dst[x] = uint8((top*(one-ay) + bot*ay + 1<<31) >> 32)
			}
			fx += ix
			fy += iy
		}
	}
	return out
}
