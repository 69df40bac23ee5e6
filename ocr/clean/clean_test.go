package clean_test

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/ocr/clean"
	"kntc/ocr/ocrtest"
)

// lightest is the reference for clean.Lightest: the lightest channel of the colour
// composited on white, through the slow image.At path.
func lightest(c color.Color) uint8 {
	r, g, b, a := c.RGBA()
	return uint8((max(r, g, b) + 0xffff - a) >> 8)
}

func randomImages(rng *rand.Rand, r image.Rectangle) map[string]image.Image {
	fill := func(p []uint8) {
		for i := range p {
			p[i] = uint8(rng.IntN(256))
		}
	}
	gray := image.NewGray(r)
	fill(gray.Pix)
	rgba := image.NewRGBA(r)
	fill(rgba.Pix)
	for i := 0; i < len(rgba.Pix); i += 4 { // premultiplied: colour ≤ alpha
		a := rgba.Pix[i+3]
		rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2] = min(rgba.Pix[i], a), min(rgba.Pix[i+1], a), min(rgba.Pix[i+2], a)
	}
	nrgba := image.NewNRGBA(r)
	fill(nrgba.Pix)
	cmyk := image.NewCMYK(r)
	fill(cmyk.Pix)
	g16 := image.NewGray16(r)
	fill(g16.Pix)
	pal := image.NewPaletted(r, color.Palette{color.Black, color.White, color.RGBA{200, 20, 30, 255}, color.Gray{128}})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(rng.IntN(4))
	}
	out := map[string]image.Image{"gray": gray, "rgba": rgba, "nrgba": nrgba, "cmyk": cmyk, "gray16": g16, "paletted": pal}
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410} {
		y := image.NewYCbCr(r, ratio)
		fill(y.Y)
		fill(y.Cb)
		fill(y.Cr)
		out["ycbcr-"+ratio.String()] = y
	}
	return out
}

func TestGrayMatchesLightestChannel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, r := range []image.Rectangle{image.Rect(0, 0, 7, 5), image.Rect(3, 2, 12, 9), image.Rect(-4, -3, 5, 6)} {
		for name, img := range randomImages(rng, r) {
			t.Run(name+"/"+r.String(), func(t *testing.T) {
				g := clean.Lightest(img)
				if g.Bounds() != image.Rect(0, 0, r.Dx(), r.Dy()) {
					t.Fatalf("bounds %v, want origin (0, 0) and size %v", g.Bounds(), r.Size())
				}
				for y := range r.Dy() {
					for x := range r.Dx() {
						want := lightest(img.At(r.Min.X+x, r.Min.Y+y))
						got := g.GrayAt(x, y).Y
						// Y'CbCr and CMYK are converted in integer arithmetic of their own.
						if d := int(got) - int(want); d < -1 || d > 1 {
							t.Fatalf("(%d,%d): %d, want %d", x, y, got, want)
						}
					}
				}
			})
		}
	}
}

func TestGrayFadesColouredInk(t *testing.T) {
	tests := []struct {
		name string
		c    color.RGBA
		min  uint8 // at least this light
		max  uint8 // at most this light
	}{
		{"black ink", color.RGBA{10, 10, 10, 255}, 0, 10},
		{"grey ink", color.RGBA{90, 90, 90, 255}, 90, 90},
		{"white paper", color.RGBA{255, 255, 255, 255}, 255, 255},
		{"red seal", color.RGBA{205, 30, 40, 255}, 205, 205},
		{"blue signature", color.RGBA{30, 50, 190, 255}, 190, 190},
		{"black under the seal", color.RGBA{20, 3, 4, 255}, 0, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, 1, 1))
			img.SetRGBA(0, 0, tt.c)
			got := clean.Lightest(img).Pix[0]
			if got < tt.min || got > tt.max {
				t.Errorf("Lightest(%v) = %d, want %d–%d", tt.c, got, tt.min, tt.max)
			}
			if luma := clean.Luma(img).Pix[0]; tt.name == "red seal" && luma > 100 {
				t.Errorf("Luma(%v) = %d: the plain conversion should keep the seal dark", tt.c, luma)
			}
		})
	}
}

func TestGrayReturnsGrayUnchanged(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 4, 4))
	if clean.Lightest(g) != g || clean.Luma(g) != g {
		t.Error("a grey image at the origin was copied")
	}
	sub := g.SubImage(image.Rect(1, 1, 3, 3)).(*image.Gray)
	if out := clean.Lightest(sub); out.Bounds() != image.Rect(0, 0, 2, 2) {
		t.Errorf("sub-image: bounds %v", out.Bounds())
	}
}

func TestLumaMatchesGrayModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	imgs := randomImages(rng, image.Rect(2, 3, 11, 10))
	// A Y'CbCr image of colours in the RGB gamut, as a JPEG of a scan holds: random
	// chroma would be clipped, and its luma is then not the clipped colour's.
	y := image.NewYCbCr(image.Rect(2, 3, 11, 10), image.YCbCrSubsampleRatio444)
	for i := range y.Y {
		y.Y[i], y.Cb[i], y.Cr[i] = color.RGBToYCbCr(uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)))
	}
	imgs["ycbcr"] = y
	for _, name := range []string{"rgba", "nrgba", "cmyk", "ycbcr"} {
		t.Run(name, func(t *testing.T) {
			img := imgs[name]
			g := clean.Luma(img)
			b := img.Bounds()
			for y := range b.Dy() {
				for x := range b.Dx() {
					want := color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.Gray).Y
					if d := int(g.GrayAt(x, y).Y) - int(want); d < -2 || d > 2 {
						t.Fatalf("(%d,%d): %d, want %d", x, y, g.GrayAt(x, y).Y, want)
					}
				}
			}
		})
	}
}

// medianRef is the 3×3 median with repeated borders, by sorting.
func medianRef(g *image.Gray) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			var v []uint8
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx := min(max(x+dx, 0), b.Dx()-1)
					yy := min(max(y+dy, 0), b.Dy()-1)
					v = append(v, g.GrayAt(b.Min.X+xx, b.Min.Y+yy).Y)
				}
			}
			slices.Sort(v)
			out.Pix[y*out.Stride+x] = v[4]
		}
	}
	return out
}

func TestMedian3IsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, r := range []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 2, 3), image.Rect(0, 0, 17, 9), image.Rect(5, 7, 30, 21)} {
		t.Run(r.String(), func(t *testing.T) {
			g := image.NewGray(r)
			for i := range g.Pix {
				g.Pix[i] = uint8(rng.IntN(256))
			}
			before := slices.Clone(g.Pix)
			got, want := clean.Median3(g), medianRef(g)
			if !slices.Equal(got.Pix, want.Pix) || got.Bounds() != want.Bounds() {
				t.Fatalf("Median3 differs from sorting the nine pixels")
			}
			if !slices.Equal(g.Pix, before) {
				t.Fatal("the input was modified")
			}
		})
	}
}

func TestMedian3RemovesSpecksKeepsStrokes(t *testing.T) {
	g := paper(40, 40)
	ink(g, image.Rect(5, 5, 7, 7))    // a 2×2 speck
	ink(g, image.Rect(20, 5, 23, 35)) // a stroke 3 pixels wide
	m := clean.Median3(g)
	if v := m.GrayAt(5, 5).Y; v != 255 {
		t.Errorf("speck left at %d", v)
	}
	for y := 6; y < 34; y++ {
		if v := m.GrayAt(21, y).Y; v != 0 {
			t.Fatalf("stroke broken at y=%d (%d)", y, v)
		}
	}
}

func TestDownscale(t *testing.T) {
	tests := []struct {
		name       string
		w, h       int // source
		tw, th     int // target
		wantW      int
		wantH      int
		flat       uint8
		checkerAvg bool // a checkerboard averages to mid grey
	}{
		{"halve", 8, 6, 4, 3, 4, 3, 77, true},
		{"two thirds", 9, 9, 6, 6, 6, 6, 200, false},
		{"odd to one", 5, 3, 1, 1, 1, 1, 13, false},
		{"larger target is a copy", 4, 4, 9, 9, 4, 4, 99, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := image.NewGray(image.Rect(0, 0, tt.w, tt.h))
			for i := range g.Pix {
				g.Pix[i] = tt.flat
			}
			out := clean.Downscale(g, tt.tw, tt.th)
			if out.Bounds() != image.Rect(0, 0, tt.wantW, tt.wantH) {
				t.Fatalf("bounds %v, want %dx%d", out.Bounds(), tt.wantW, tt.wantH)
			}
			for _, v := range out.Pix {
				if v != tt.flat {
					t.Fatalf("a flat %d page came out with %d", tt.flat, v)
				}
			}
			if tt.checkerAvg {
				for y := range tt.h {
					for x := range tt.w {
						g.Pix[y*g.Stride+x] = uint8(255 * ((x + y) % 2))
					}
				}
				for _, v := range clean.Downscale(g, tt.tw, tt.th).Pix {
					if v < 126 || v > 129 {
						t.Fatalf("checkerboard averaged to %d, want about 128", v)
					}
				}
			}
		})
	}
}

func paper(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	return g
}

func ink(g *image.Gray, r image.Rectangle) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g.Pix[y*g.Stride+x] = 0
		}
	}
}

func TestDespeckle(t *testing.T) {
	stroke := image.Rect(50, 50, 56, 90) // a letter's stem
	tests := []struct {
		name   string
		blob   image.Rectangle
		dpi    int
		gone   bool
		specks int
	}{
		{"isolated speck", image.Rect(10, 10, 12, 12), 300, true, 1},
		{"isolated 4×4 speck", image.Rect(120, 20, 124, 24), 300, true, 1},
		{"dot above a stem (the i's dot)", image.Rect(51, 43, 55, 47), 300, false, 0},
		{"dot below a letter (ạ)", image.Rect(51, 94, 55, 98), 300, false, 0},
		{"ellipsis dot, larger than a speck", image.Rect(120, 120, 126, 126), 300, false, 0},
		{"same speck at 600 dpi is small", image.Rect(120, 120, 126, 126), 600, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := paper(200, 200)
			ink(g, stroke)
			ink(g, tt.blob)
			before := slices.Clone(g.Pix)
			out, n := clean.Despeckle(g, tt.dpi)
			if !slices.Equal(g.Pix, before) {
				t.Fatal("the input was modified")
			}
			if n != tt.specks {
				t.Errorf("%d specks removed, want %d", n, tt.specks)
			}
			c := tt.blob.Min.Add(image.Pt(1, 1))
			if gone := out.GrayAt(c.X, c.Y).Y == 255; gone != tt.gone {
				t.Errorf("blob removed = %v, want %v", gone, tt.gone)
			}
			if out.GrayAt(53, 70).Y != 0 {
				t.Error("the stroke was removed")
			}
		})
	}
}

func TestDespeckleBlankPage(t *testing.T) {
	out, n := clean.Despeckle(paper(50, 50), 300)
	if n != 0 || slices.ContainsFunc(out.Pix, func(v uint8) bool { return v != 255 }) {
		t.Errorf("blank page: %d specks, changed pixels", n)
	}
}

func TestOtsu(t *testing.T) {
	g := paper(100, 100)
	for i := range g.Pix[:2000] {
		g.Pix[i] = 40
	}
	for i := range g.Pix[2000:8000] {
		g.Pix[2000+i] = 210
	}
	if th := clean.Otsu(g); th <= 40 || th > 210 {
		t.Errorf("threshold %d does not split 40 from 210", th)
	}
}

func TestFlatten(t *testing.T) {
	const w, h = 600, 400
	t.Run("evenly lit page unchanged", func(t *testing.T) {
		g := paper(w, h)
		ink(g, image.Rect(100, 100, 300, 110))
		out := clean.Flatten(g, 300)
		if !slices.Equal(out.Pix, g.Pix) {
			t.Error("an evenly lit white page was changed")
		}
	})
	t.Run("light falling off", func(t *testing.T) {
		// Paper from 230 on the left to 120 on the right, text lines of ink at 40% of
		// the paper's brightness.
		g := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				p := 230 - 110*x/w
				v := p
				if y%40 < 8 && x%12 < 7 {
					v = p * 4 / 10
				}
				g.Pix[y*g.Stride+x] = uint8(v)
			}
		}
		out := clean.Flatten(g, 300)
		for _, x := range []int{20, 300, 580} {
			if v := out.GrayAt(x, 20).Y; v < 240 {
				t.Errorf("paper at x=%d is %d after flattening, want ≥ 240", x, v)
			}
			if v := out.GrayAt(x-x%12+2, 2).Y; v > 120 {
				t.Errorf("ink at x=%d is %d after flattening, want dark", x, v)
			}
		}
		// One threshold now separates ink and paper across the page.
		th := clean.Otsu(out)
		for _, x := range []int{20, 580} {
			if out.GrayAt(x, 20).Y < th || out.GrayAt(x-x%12+2, 2).Y >= th {
				t.Errorf("threshold %d does not split ink from paper at x=%d", th, x)
			}
		}
	})
	t.Run("a solid block is not paper", func(t *testing.T) {
		g := paper(w, h)
		ink(g, image.Rect(200, 100, 260, 160)) // two blocks of solid ink
		out := clean.Flatten(g, 300)
		if v := out.GrayAt(230, 130).Y; v > 10 {
			t.Errorf("solid ink washed out to %d", v)
		}
	})
}

func renderPage(t *testing.T) *image.Gray {
	t.Helper()
	text := strings.Repeat("Biên bản làm việc với ông Trần Văn Bảy về nội dung đơn khiếu nại đề ngày 12 tháng 3 năm 2026. ", 12)
	img, _, err := ocrtest.Render(text, ocrtest.Options{HeightMM: 100})
	if err != nil {
		testenv.Missing(t, "fonts-dejavu-core", err.Error())
	}
	return img
}

func TestPrepare(t *testing.T) {
	page := renderPage(t)
	w, h := page.Bounds().Dx(), page.Bounds().Dy()
	tests := []struct {
		name      string
		variant   func(*image.Gray, int64) (image.Image, int)
		w, h, dpi int
		scale     float64
		noisy     bool
	}{
		{"clean", ocrtest.Clean, w, h, 300, 1, false},
		{"speckled", ocrtest.Speckled, w, h, 300, 1, true},
		{"200 dpi left as it is", ocrtest.DPI200, w * 2 / 3, h * 2 / 3, 200, 1, false},
		{"600 dpi to 300", ocrtest.Seal600, w, h, 300, 0.5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, dpi := tt.variant(page, 1)
			p := clean.Prepare(img, dpi)
			if p.Gray.Bounds() != image.Rect(0, 0, tt.w, tt.h) || p.DPI != tt.dpi || p.Scale != tt.scale {
				t.Errorf("%v at %d dpi, scale %g; want %dx%d at %d, scale %g", p.Gray.Bounds(), p.DPI, p.Scale, tt.w, tt.h, tt.dpi, tt.scale)
			}
			if p.Noisy != tt.noisy {
				t.Errorf("noisy = %v, want %v", p.Noisy, tt.noisy)
			}
		})
	}
	t.Run("seal faded, ink kept", func(t *testing.T) {
		img, _ := ocrtest.Seal600(page, 3)
		p := clean.Prepare(img, 600)
		raw := clean.Luma(img)
		// Count dark pixels: the seal adds many to the plain grey page, none to the
		// prepared one (beyond the text's own, give or take the resampling).
		dark := func(g *image.Gray) int {
			n := 0
			for _, v := range g.Pix {
				if v < 128 {
					n++
				}
			}
			return n
		}
		text := dark(clean.Downscale(clean.Luma(mustGray(ocrtest.Clean(page, 0))), w, h))
		if got := dark(p.Gray); got > text*11/10 {
			t.Errorf("%d dark pixels after preparing, the text alone has %d: the seal was not faded", got, text)
		}
		if got := dark(raw) / 4; got <= text*11/10 {
			t.Errorf("the seal darkens only %d pixels of the plain conversion: no seal to fade", got)
		}
	})
}

func mustGray(img image.Image, _ int) *image.Gray { return img.(*image.Gray) }

// turn rotates a page by deg degrees clockwise about its centre, as a scanner
// feeding it askew does.
func turn(page *image.Gray, deg float64) *image.Gray {
	b := page.Bounds()
	out := image.NewGray(b)
	s, c := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(b.Dx()-1)/2, float64(b.Dy()-1)/2
	for y := range b.Dy() {
		for x := range b.Dx() {
			dx, dy := float64(x)-cx, float64(y)-cy
			sx, sy := int(math.Round(c*dx+s*dy+cx)), int(math.Round(-s*dx+c*dy+cy))
			out.Pix[y*out.Stride+x] = 255
			if image.Pt(sx, sy).In(b) {
				out.Pix[y*out.Stride+x] = page.GrayAt(sx, sy).Y
			}
		}
	}
	return out
}

func TestSkewAndDeskew(t *testing.T) {
	page := renderPage(t)
	tests := []struct {
		name  string
		turn  float64
		fixed bool // Deskew turns it back
	}{
		{"straight", 0, false},
		{"a quarter degree is left alone", 0.25, false},
		{"1.5° clockwise", 1.5, true},
		{"2.5° anticlockwise", -2.5, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img := turn(page, tt.turn)
			got, ok := clean.Skew(img)
			if tt.turn != 0 && (!ok || math.Abs(got-tt.turn) > 0.2) {
				t.Errorf("Skew = %.2f° (%v), want %.2f°", got, ok, tt.turn)
			}
			out, angle := clean.Deskew(img)
			if tt.fixed != (angle != 0) || (tt.fixed && math.Abs(angle+tt.turn) > 0.2) {
				t.Fatalf("Deskew turned by %.2f°, want %.2f° (fixed %v)", angle, -tt.turn, tt.fixed)
			}
			if tt.fixed {
				if again, ok := clean.Skew(out); ok && math.Abs(again) > 0.2 {
					t.Errorf("still %.2f° off after Deskew", again)
				}
			}
		})
	}
	if _, ok := clean.Skew(paper(400, 400)); ok {
		t.Error("a blank page has a skew")
	}
}

func TestPageOriginal(t *testing.T) {
	page := renderPage(t)
	w, h := page.Bounds().Dx(), page.Bounds().Dy()
	tests := []struct {
		name  string
		img   func() (image.Image, int)
		scale float64
	}{
		{"300 dpi", func() (image.Image, int) { return page, 300 }, 1},
		{"600 dpi", func() (image.Image, int) { img, dpi := ocrtest.Seal600(page, 1); return img, dpi }, 2},
		{"skewed", func() (image.Image, int) { return turn(page, 2), 300 }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, dpi := tt.img()
			p := clean.Prepare(img, dpi)
			ow, oh := img.Bounds().Dx(), img.Bounds().Dy()
			// The whole prepared page maps onto the whole original.
			x0, y0, x1, y1 := p.Original(0, 0, p.Gray.Bounds().Dx(), p.Gray.Bounds().Dy())
			if x0 != 0 || y0 != 0 || x1 != ow || y1 != oh {
				t.Errorf("whole page maps to (%d,%d)-(%d,%d), want the %dx%d original", x0, y0, x1, y1, ow, oh)
			}
			// The centre stays the centre, scaled.
			cx, cy := w/2, h/2
			x0, y0, x1, y1 = p.Original(cx-10, cy-10, cx+10, cy+10)
			mx, my := float64(x0+x1)/2, float64(y0+y1)/2
			if math.Abs(mx-float64(cx)*tt.scale) > 2*tt.scale || math.Abs(my-float64(cy)*tt.scale) > 2*tt.scale {
				t.Errorf("centre box maps around (%.0f,%.0f), want (%.0f,%.0f)", mx, my, float64(cx)*tt.scale, float64(cy)*tt.scale)
			}
		})
	}
}
