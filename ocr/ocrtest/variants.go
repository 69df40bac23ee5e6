package ocrtest

import (
	"bytes"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	xdraw "golang.org/x/image/draw"
)

// Variant turns a clean rendered page into what an office scanner delivers.
type Variant struct {
	Name string
	// Make derives the variant from page (a Render result at 300 dpi, which it does
	// not modify) and returns the image to feed the OCR pipeline with its resolution.
	// The same page and seed always give the same image.
	Make func(page *image.Gray, seed int64) (image.Image, int)
}

// Variants lists the scan variants of issue 5's corpus, clean first.
func Variants() []Variant {
	return []Variant{
		{"clean", Clean},
		{"speckled", Speckled},
		{"photocopy", Photocopy},
		{"upside-down", UpsideDown},
		{"rotated-90", Rotated90},
		{"200dpi", DPI200},
		{"600dpi-seal", Seal600},
	}
}

// Clean is the page as a bilevel 300 dpi scan: threshold at mid-grey.
func Clean(page *image.Gray, _ int64) (image.Image, int) {
	out := cloneGray(page)
	for i, v := range out.Pix {
		if v < 128 {
			out.Pix[i] = 0
		} else {
			out.Pix[i] = 255
		}
	}
	return out, 300
}

// Speckled is a grey 300 dpi scan of a dusty page: dark specks and sensor noise,
// a slight blur, a skew of 1–3° either way, and the JPEG compression scanners save
// grey pages with (quality 80).
func Speckled(page *image.Gray, seed int64) (image.Image, int) {
	rng := newRand(seed)
	img := cloneGray(page)
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	// Specks: small dark blobs, one per 5000 pixels — what Tesseract reads as | _ : .
	for range w * h / 5000 {
		cx, cy := rng.IntN(w), rng.IntN(h)
		r := 0.5 + rng.Float64()*1.2
		v := uint8(rng.IntN(90))
		ri := int(math.Ceil(r))
		for dy := -ri; dy <= ri; dy++ {
			for dx := -ri; dx <= ri; dx++ {
				x, y := cx+dx, cy+dy
				if x < 0 || y < 0 || x >= w || y >= h || float64(dx*dx+dy*dy) > r*r {
					continue
				}
				if i := y*img.Stride + x; img.Pix[i] > v {
					img.Pix[i] = v
				}
			}
		}
	}
	for i, v := range img.Pix {
		img.Pix[i] = clamp(float64(v) + rng.NormFloat64()*8)
	}
	img = blur121(img)
	angle := 1 + rng.Float64()*2
	if rng.IntN(2) == 0 {
		angle = -angle
	}
	img = rotateBilinear(img, angle)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err) // encoding into memory does not fail
	}
	dec, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err) // nor does decoding what was just encoded
	}
	return dec, 300
}

// Photocopy is a grey 300 dpi scan of an old photocopy, a copy of a copy: grey,
// blurred and unevenly laid toner on grey paper; light falling off towards one side
// and a dark shadow along one edge where the lid did not close; the back of the
// sheet showing through, mirrored and diffuse (the page itself, flipped and shifted
// by part of a line, stands in for the back); toner dust and grain. Raw Tesseract
// reads it at an error rate of a few per cent, as it does real ones.
func Photocopy(page *image.Gray, seed int64) (image.Image, int) {
	rng := newRand(seed)
	b := page.Bounds()
	w, h := b.Dx(), b.Dy()
	front := blur121(cloneGray(page))
	// The back page: mirrored, shifted, and blurred twice more (paper diffuses it).
	back := image.NewGray(image.Rect(0, 0, w, h))
	shift := 20 + rng.IntN(40)
	for y := range h {
		src := front.Pix[((y+shift)%h)*front.Stride:]
		dst := back.Pix[y*back.Stride:]
		for x := range w {
			dst[x] = src[w-1-x]
		}
	}
	back = blur121(blur121(back))
	// Illumination falls along a random direction from 1 to 0.78; one edge (left or
	// right, where the spine lay) gets a shadow 4% of the width wide.
	theta := rng.Float64() * 2 * math.Pi
	ux, uy := math.Cos(theta), math.Sin(theta)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, c := range [][2]float64{{0, 0}, {float64(w), 0}, {0, float64(h)}, {float64(w), float64(h)}} {
		p := c[0]*ux + c[1]*uy
		lo, hi = math.Min(lo, p), math.Max(hi, p)
	}
	shadowLeft := rng.IntN(2) == 0
	shadowW := float64(w) * 0.04
	// Toner density varies slowly over the page: a coarse random grid, interpolated.
	const cell = 150
	gw, gh := w/cell+2, h/cell+2
	density := make([]float64, gw*gh)
	for i := range density {
		density[i] = 0.72 + 0.28*rng.Float64()
	}
	const ink, paper, through = 80.0, 205.0, 0.10
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		gy := float64(y) / cell
		iy := int(gy)
		fy := gy - float64(iy)
		for x := range w {
			gx := float64(x) / cell
			ix := int(gx)
			fx := gx - float64(ix)
			d := (density[iy*gw+ix]*(1-fx)+density[iy*gw+ix+1]*fx)*(1-fy) +
				(density[(iy+1)*gw+ix]*(1-fx)+density[(iy+1)*gw+ix+1]*fx)*fy
			f := float64(front.Pix[y*front.Stride+x]) / 255
			bk := float64(back.Pix[y*back.Stride+x]) / 255
			r := (1 - d*(1-f)) * (1 - through*(1-bk))
			light := 1 - 0.22*((float64(x)*ux+float64(y)*uy)-lo)/(hi-lo)
			edge := float64(x)
			if !shadowLeft {
				edge = float64(w - 1 - x)
			}
			if edge < shadowW {
				light *= 0.82 + 0.18*edge/shadowW
			}
			out.Pix[y*out.Stride+x] = clamp((ink+(paper-ink)*r)*light + rng.NormFloat64()*5)
		}
	}
	// Toner dust: dark dots of one to three pixels, one per 25,000 pixels.
	for range w * h / 25000 {
		cx, cy := rng.IntN(w), rng.IntN(h)
		r := 0.5 + rng.Float64()
		v := uint8(40 + rng.IntN(60))
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				x, y := cx+dx, cy+dy
				if x < 0 || y < 0 || x >= w || y >= h || float64(dx*dx+dy*dy) > r*r {
					continue
				}
				if i := y*out.Stride + x; out.Pix[i] > v {
					out.Pix[i] = v
				}
			}
		}
	}
	return out, 300
}

// UpsideDown is the page fed into the scanner the wrong way round (turned 180°).
func UpsideDown(page *image.Gray, _ int64) (image.Image, int) {
	return rotate180(page), 300
}

// Rotated90 is the page scanned lying on its side (turned 90° clockwise).
func Rotated90(page *image.Gray, _ int64) (image.Image, int) {
	b := page.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			// Source (x, y) goes to (h-1-y, x) when turned clockwise.
			out.Pix[x*out.Stride+b.Dy()-1-y] = page.Pix[page.PixOffset(b.Min.X+x, b.Min.Y+y)]
		}
	}
	return out, 300
}

// DPI200 is the page scanned at 200 dpi, the office default on many copiers.
func DPI200(page *image.Gray, _ int64) (image.Image, int) {
	b := page.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()*2/3, b.Dy()*2/3))
	xdraw.CatmullRom.Scale(out, out.Bounds(), page, b, xdraw.Src, nil)
	return out, 200
}

// Seal600 is a 600 dpi colour scan of a page that carries the red round seal of the
// issuing body over part of its text. The seal ink multiplies with the page, as
// stamp ink does on paper: text under the seal stays dark.
func Seal600(page *image.Gray, seed int64) (image.Image, int) {
	rng := newRand(seed)
	b := page.Bounds()
	w, h := b.Dx()*2, b.Dy()*2
	grey := image.NewGray(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(grey, grey.Bounds(), page, b, xdraw.Src, nil)
	out := image.NewRGBA(grey.Bounds())
	for i, v := range grey.Pix {
		j := i * 4
		out.Pix[j], out.Pix[j+1], out.Pix[j+2], out.Pix[j+3] = v, v, v, 255
	}
	// A seal is 35–42 mm across (≈ 470 px radius at 600 dpi); small test pages get a
	// smaller one so that it still lies over text.
	radius := min(20.0/25.4*600, float64(min(w, h))/3)
	cx := float64(w)*0.4 + rng.Float64()*float64(w)*0.25
	cy := float64(h)*0.35 + rng.Float64()*float64(h)*0.3
	sealInk := [3]float64{205, 30, 40}
	x0, x1 := max(0, int(cx-radius)-2), min(w, int(cx+radius)+3)
	y0, y1 := max(0, int(cy-radius)-2), min(h, int(cy+radius)+3)
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			a := sealCoverage(float64(x)-cx, float64(y)-cy, radius)
			if a == 0 {
				continue
			}
			a *= 0.7 + 0.3*rng.Float64() // stamp ink is never even
			j := y*out.Stride + x*4
			for c := range 3 {
				f := 1 - a*(1-sealInk[c]/255)
				out.Pix[j+c] = clamp(float64(out.Pix[j+c]) * f)
			}
		}
	}
	return out, 600
}

// sealCoverage is how much seal ink covers the point (dx, dy) from the seal's centre:
// an outer ring, an inner ring, lettering between them (short radial strokes) and a
// five-pointed star in the middle.
func sealCoverage(dx, dy, r float64) float64 {
	d := math.Hypot(dx, dy)
	band := func(at, width float64) bool { return math.Abs(d-at) <= width/2 }
	switch {
	case band(r*0.96, r*0.07), band(r*0.68, r*0.025):
		return 1
	case d > r*0.72 && d < r*0.9:
		// Lettering: strokes 2° wide every 6°, leaving gaps like letters do.
		deg := math.Mod(math.Atan2(dy, dx)*180/math.Pi+360, 6)
		if deg < 2 {
			return 1
		}
		return 0
	case d < r*0.35:
		return star(dx, dy, r*0.33)
	}
	return 0
}

// star reports 1 inside a five-pointed star of outer radius r pointing up.
func star(dx, dy, r float64) float64 {
	inner := r * 0.382
	theta := math.Atan2(dx, -dy) // 0 points up, growing clockwise
	if theta < 0 {
		theta += 2 * math.Pi
	}
	seg := 2 * math.Pi / 10
	k := math.Floor(theta / seg)
	// The edge between the two vertices around theta: even ones are the points.
	a0 := k * seg
	r0, r1 := r, inner
	if int(k)%2 == 1 {
		r0, r1 = inner, r
	}
	p0 := [2]float64{r0 * math.Sin(a0), -r0 * math.Cos(a0)}
	p1 := [2]float64{r1 * math.Sin(a0+seg), -r1 * math.Cos(a0+seg)}
	// Inside when on the centre's side of the edge p0–p1.
	cross := func(px, py float64) float64 { return (p1[0]-p0[0])*(py-p0[1]) - (p1[1]-p0[1])*(px-p0[0]) }
	if (cross(dx, dy) >= 0) == (cross(0, 0) >= 0) {
		return 1
	}
	return 0
}

func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x6b6e7463)) // "kntc"
}

func clamp(v float64) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// cloneGray copies page into a new image with its origin at (0, 0).
func cloneGray(page *image.Gray) *image.Gray {
	b := page.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		i := page.PixOffset(b.Min.X, b.Min.Y+y)
		copy(out.Pix[y*out.Stride:], page.Pix[i:i+b.Dx()])
	}
	return out
}

func rotate180(page *image.Gray) *image.Gray {
	b := page.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		i := page.PixOffset(b.Min.X, b.Min.Y+y)
		row := page.Pix[i : i+w]
		dst := out.Pix[(h-1-y)*out.Stride:]
		for x, v := range row {
			dst[w-1-x] = v
		}
	}
	return out
}

// blur121 is a 3×3 Gaussian-like blur (weights 1 2 1 in each direction).
func blur121(img *image.Gray) *image.Gray {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	at := func(x, y int) int {
		x = min(max(x, 0), w-1)
		y = min(max(y, 0), h-1)
		return int(img.Pix[y*img.Stride+x])
	}
	tmp := make([]int, w*h)
	for y := range h {
		for x := range w {
			tmp[y*w+x] = at(x-1, y) + 2*at(x, y) + at(x+1, y)
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		up, down := max(y-1, 0), min(y+1, h-1)
		for x := range w {
			out.Pix[y*out.Stride+x] = uint8((tmp[up*w+x] + 2*tmp[y*w+x] + tmp[down*w+x] + 8) / 16)
		}
	}
	return out
}

// rotateBilinear turns img by deg degrees (clockwise for positive) about its centre,
// keeping its size, sampling bilinearly and filling with white.
func rotateBilinear(img *image.Gray, deg float64) *image.Gray {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	s, c := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	px := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(img.Pix[y*img.Stride+x])
	}
	for y := range h {
		for x := range w {
			// Inverse map: the source point that lands on (x, y).
			dx, dy := float64(x)-cx, float64(y)-cy
			sx := c*dx + s*dy + cx
			sy := -s*dx + c*dy + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := (px(x0, y0)*(1-fx)+px(x0+1, y0)*fx)*(1-fy) + (px(x0, y0+1)*(1-fx)+px(x0+1, y0+1)*fx)*fy
			out.Pix[y*out.Stride+x] = clamp(v)
		}
	}
	return out
}
