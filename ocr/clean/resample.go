package clean

import (
	"image"
	"math"
)

// Downscale returns g reduced to w×h (each at most g's own size, at least 1) by
// area averaging: every output pixel is the mean of the input area it covers, so
// thin strokes fade rather than vanish and no aliasing speckle appears. Origin at
// (0, 0). A size not smaller than g's returns a copy.
func Downscale(g *image.Gray, w, h int) *image.Gray {
	b := g.Bounds()
	sw, sh := b.Dx(), b.Dy()
	w, h = min(max(w, 1), max(sw, 1)), min(max(h, 1), max(sh, 1))
	if sw == 0 || sh == 0 {
		return image.NewGray(image.Rect(0, 0, 0, 0))
	}
	if sw == 2*w && sh == 2*h {
		return halve(g)
	}
	xs := areaWeights(sw, w)
	ys := areaWeights(sh, h)
	// Horizontal pass into 16.16 fixed-point rows, then vertical.
	tmp := make([]uint32, w*sh)
	for y := range sh {
		src := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
		row := tmp[y*w : (y+1)*w]
		for x, c := range xs {
			var s uint32
			for k, wt := range c.w {
				s += uint32(src[c.first+k]) * wt
			}
			row[x] = s
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	acc := make([]uint64, w)
	for y, c := range ys {
		clear(acc)
		for k, wt := range c.w {
			row := tmp[(c.first+k)*w : (c.first+k+1)*w]
			for x, v := range row {
				acc[x] += uint64(v) * uint64(wt)
			}
		}
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x, v := range acc {
			dst[x] = uint8((v + 1<<31) >> 32)
		}
	}
	return out
}

// span is the input pixels one output pixel covers, from first, with their weights
// in 16.16 fixed point (summing to 1<<16).
type span struct {
	first int
	w     []uint32
}

// areaWeights maps n input pixels onto m ≤ n output pixels.
func areaWeights(n, m int) []span {
	out := make([]span, m)
	scale := float64(n) / float64(m)
	for i := range out {
		x0, x1 := float64(i)*scale, float64(i+1)*scale
		first := int(math.Floor(x0))
		last := min(int(math.Ceil(x1)), n)
		ws := make([]uint32, last-first)
		var sum uint32
		for k := range ws {
			lo, hi := math.Max(x0, float64(first+k)), math.Min(x1, float64(first+k+1))
			ws[k] = uint32(math.Round((hi - lo) / scale * 65536))
			sum += ws[k]
		}
		// Rounding may leave the sum a little off 1.0: put the difference on the
		// largest weight so that flat areas keep their exact grey.
		big := 0
		for k := range ws {
			if ws[k] > ws[big] {
				big = k
			}
		}
		ws[big] = ws[big] + 65536 - sum
		out[i] = span{first: first, w: ws}
	}
	return out
}

// halve is Downscale by exactly two: the mean of each 2×2 block.
func halve(g *image.Gray) *image.Gray {
	b := g.Bounds()
	w, h := b.Dx()/2, b.Dy()/2
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		r0 := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+2*y):]
		r1 := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+2*y+1):]
		r0, r1 = r0[:2*w:2*w], r1[:2*w:2*w]
		dst := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range dst {
			s := uint32(r0[2*x]) + uint32(r0[2*x+1]) + uint32(r1[2*x]) + uint32(r1[2*x+1])
			dst[x] = uint8((s + 2) >> 2)
		}
	}
	return out
}
