package cover

import (
	"image"
	"image/color"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// workDPI is the resolution Detect looks at. A 2 mm module is 8 pixels there, plenty
// for the decoder, and an A4 page is under a million pixels, so a page that is not a
// cover costs a few milliseconds whatever its scan resolution.
const workDPI = 100

// minDarkCells is how many solidly dark 1 mm cells a page needs before the QR decoder
// runs at all. A cover's code has several hundred (each dark 2 mm module holds at least
// one); typed text at 100 dpi has strokes one or two pixels wide and next to none.
const minDarkCells = 150

// Detect reports whether img is a scanned kntc cover sheet and returns its case code
// and kind (Lines stay empty). It accepts any orientation (the QR code is read in any
// rotation), 150–600 dpi, grey, colour or bilevel pages, some skew, noise, JPEG
// artefacts and a coloured stamp over the code. It is called on every scanned page, so
// it is cheap on pages that are not covers: the page is reduced to about 100 dpi, a
// page without solid dark areas is refused before any QR decoding, and at most three
// decoding attempts are made. Safe for concurrent use.
func Detect(img image.Image) (Sheet, bool) {
	small := shrink(img, luma)
	if small == nil || darkCells(small) < minDarkCells {
		return Sheet{}, false
	}
	if s, ok, read := decode(small, false); read {
		return s, ok
	}
	if colour(img) {
		// A red or blue stamp over the code is dark in luminance but light in the
		// brightest channel, where black ink stays black.
		var bright *image.Gray
		if m, ok := img.(*image.YCbCr); ok {
			bright = brightestYCbCr(m, small)
		} else {
			bright = shrink(img, brightest)
		}
		if s, ok, read := decode(bright, false); read {
			return s, ok
		}
	}
	// Last, every row is searched for finder patterns, with one global threshold,
	// which rescues light or blotchy scans.
	s, ok, _ := decode(small, true)
	return s, ok
}

// decode reads a QR code on g. read is false when no code could be read; ok is true
// when the code is a kntc cover's.
func decode(g *image.Gray, harder bool) (s Sheet, ok, read bool) {
	src := &graySource{LuminanceSourceBase: gozxing.LuminanceSourceBase{Width: g.Rect.Dx(), Height: g.Rect.Dy()}, pix: g.Pix}
	bin := gozxing.NewHybridBinarizer(src)
	var hints map[gozxing.DecodeHintType]any
	if harder {
		bin = gozxing.NewGlobalHistgramBinarizer(src)
		hints = map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	}
	bmp, err := gozxing.NewBinaryBitmap(bin)
	if err != nil {
		return Sheet{}, false, false
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return Sheet{}, false, false
	}
	code, kind, err := ParsePayload(res.GetText())
	if err != nil {
		// A QR code of something else: a page is only split on kntc's own.
		return Sheet{}, false, true
	}
	return Sheet{CaseCode: code, Kind: kind}, true, true
}

// colour reports whether img may hold colours (as opposed to grey or bilevel).
func colour(img image.Image) bool {
	switch m := img.(type) {
	case *image.Gray, *image.Gray16:
		return false
	case *image.Paletted:
		for _, c := range m.Palette {
			r, g, b, _ := c.RGBA()
			if r != g || g != b {
				return true
			}
		}
		return false
	}
	return true
}

// channel says how shrink makes one grey value of a colour pixel.
type channel int

const (
	luma      channel = iota // (R + 2G + B) / 4
	brightest                // max(R, G, B): coloured ink turns light
)

// shrink returns img as grey at about workDPI, averaging boxes of pixels. The scan
// resolution is estimated from the short side, taken to be A4's 210 mm: pages come
// without a reliable resolution, and the estimate only needs to be within a factor of
// about two. It returns nil for an empty image.
func shrink(img image.Image, ch channel) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return nil
	}
	f := factor(b)
	out := image.NewGray(image.Rect(0, 0, max(1, w/f), max(1, h/f)))
	ow, oh := out.Rect.Dx(), out.Rect.Dy()
	buf := make([]byte, w)
	row := rowReader(img, f, ch)
	// Every pixel of a box is read for the image types the page decoders make; for
	// others, where each pixel costs an interface call, a third of the rows and
	// columns are sampled.
	step := 1
	switch img.(type) {
	case *image.Gray, *image.YCbCr, *image.RGBA, *image.Paletted:
	default:
		step = max(1, f/3)
	}
	n := uint32(((f + step - 1) / step) * ((f + step - 1) / step))
	// Column sums over a band of f rows first (one add per pixel, no per-box
	// overhead), then the boxes.
	col := make([]uint32, ow*f)
	for oy := range oh {
		clear(col)
		for dy := 0; dy < f; dy += step {
			line := row(oy*f+dy, buf, step)[:ow*f]
			for x, v := range line {
				col[x] += uint32(v)
			}
		}
		dst := out.Pix[oy*out.Stride : oy*out.Stride+ow]
		for ox := range dst {
			var s uint32
			for i := 0; i < f; i += step {
				s += col[ox*f+i]
			}
			dst[ox] = uint8(s / n)
		}
	}
	return out
}

// factor is the side of the boxes of pixels shrink averages.
func factor(b image.Rectangle) int {
	dpi := float64(min(b.Dx(), b.Dy())) / (210 / 25.4)
	return max(1, int(dpi/workDPI+0.5))
}

// brightestYCbCr is shrink(m, brightest) made cheaply from small, m's shrunk luma:
// each box's averaged luma with the chroma at its centre. Converting every pixel of a
// JPEG page to RGB would cost ten times as much, on colour pages that are mostly not
// covers.
func brightestYCbCr(m *image.YCbCr, small *image.Gray) *image.Gray {
	b := m.Bounds()
	f := factor(b)
	out := image.NewGray(small.Rect)
	for oy := range small.Rect.Dy() {
		for ox := range small.Rect.Dx() {
			co := m.COffset(min(b.Min.X+ox*f+f/2, b.Max.X-1), min(b.Min.Y+oy*f+f/2, b.Max.Y-1))
			r, g, bl := color.YCbCrToRGB(small.Pix[oy*small.Stride+ox], m.Cb[co], m.Cr[co])
			out.Pix[oy*out.Stride+ox] = max(r, g, bl)
		}
	}
	return out
}

// rowReader returns a reader of row y (relative to the bounds) as 8-bit grey made by
// ch. It returns a slice of the image itself where it can, else fills buf; with
// step > 1 only every step-th pixel of each box of f pixels needs to be filled.
func rowReader(img image.Image, f int, ch channel) func(y int, buf []byte, step int) []byte {
	b := img.Bounds()
	w := b.Dx()
	grey := func(r, g, b uint32) uint8 { // 8-bit samples
		if ch == brightest {
			return uint8(max(r, g, b))
		}
		return uint8((r + 2*g + b) / 4)
	}
	switch m := img.(type) {
	case *image.Gray:
		return func(y int, _ []byte, _ int) []byte {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			return m.Pix[o : o+w]
		}
	case *image.YCbCr:
		if ch == luma { // brightest: see brightestYCbCr
			return func(y int, _ []byte, _ int) []byte {
				o := m.YOffset(b.Min.X, b.Min.Y+y)
				return m.Y[o : o+w]
			}
		}
	case *image.RGBA:
		return func(y int, buf []byte, _ int) []byte {
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				buf[x] = grey(uint32(p[4*x]), uint32(p[4*x+1]), uint32(p[4*x+2]))
			}
			return buf
		}
	case *image.Paletted:
		lut := make([]byte, 256)
		for i, c := range m.Palette {
			r, g, bl, _ := c.RGBA()
			lut[i] = grey(r>>8, g>>8, bl>>8)
		}
		return func(y int, buf []byte, _ int) []byte {
			p := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			for x := range w {
				buf[x] = lut[p[x]]
			}
			return buf
		}
	}
	return func(y int, buf []byte, step int) []byte {
		for x0 := 0; x0 < w; x0 += f {
			for x := x0; x < min(x0+f, w); x += step {
				// Colours that are not opaque lie on white paper.
				r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				paper := 0xffff - a
				buf[x] = grey((r+paper)>>8, (g+paper)>>8, (bl+paper)>>8)
			}
		}
		return buf
	}
}

// darkCells counts the 4×4-pixel cells (1 mm at workDPI) whose every pixel is darker
// than the middle between the page's ink and paper: the interiors of QR modules, of
// large black areas, not of typed text.
func darkCells(g *image.Gray) int {
	var hist [256]int
	for _, v := range g.Pix {
		hist[v]++
	}
	// Ink and paper as the 2nd and 60th percentiles: most of a page is paper.
	pct := func(p int) int {
		want, n := len(g.Pix)*p/100, 0
		for v, c := range hist {
			if n += c; n > want {
				return v
			}
		}
		return 255
	}
	ink, paper := pct(2), pct(60)
	if paper-ink < 40 {
		return 0 // no contrast: a blank or uniform page
	}
	thr := uint8((ink + paper) / 2)
	const cell = 4
	w, h := g.Rect.Dx(), g.Rect.Dy()
	n := 0
	for cy := 0; cy+cell <= h; cy += cell {
		for cx := 0; cx+cell <= w; cx += cell {
			dark := true
			for y := cy; y < cy+cell && dark; y++ {
				row := g.Pix[y*g.Stride+cx : y*g.Stride+cx+cell]
				for _, v := range row {
					if v >= thr {
						dark = false
						break
					}
				}
			}
			if dark {
				n++
			}
		}
	}
	return n
}

// graySource hands an *image.Gray to the QR decoder without the per-pixel
// conversion of gozxing.NewLuminanceSourceFromImage.
type graySource struct {
	gozxing.LuminanceSourceBase
	pix []byte // Width × Height, stride Width
}

func (s *graySource) GetRow(y int, row []byte) ([]byte, error) {
	if len(row) < s.Width {
		row = make([]byte, s.Width)
	}
	copy(row, s.pix[y*s.Width:(y+1)*s.Width])
	return row, nil
}

func (s *graySource) GetMatrix() []byte               { return s.pix }
func (s *graySource) Invert() gozxing.LuminanceSource { return gozxing.LuminanceSourceInvert(s) }
func (s *graySource) String() string                  { return gozxing.LuminanceSourceString(s) }
