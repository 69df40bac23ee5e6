package clean

import (
	"image"
	"math"
)

// OCRDPI is the resolution Prepare reduces finer scans to: Tesseract reads 10–14 pt
// print best at about 300 dpi, and a 600 dpi page costs four times the pixels.
const OCRDPI = 300

// maxDPI is the finest resolution Prepare leaves as it is.
const maxDPI = 400

// noisySpecks is how many isolated specks per million pixels (at 300 dpi) make a
// page noisy enough for the median filter: the benchmark's speckled scans have
// about 80, its old photocopies about 30, clean pages next to none.
const noisySpecks = 12

// Page is a page image prepared for OCR.
type Page struct {
	Gray *image.Gray // what Tesseract reads; origin at (0, 0)
	DPI  int         // its resolution
	// Scale is Gray's size over the original image's: a box in Gray divided by
	// Scale is in the original's pixels.
	Scale float64
	// Noisy reports that the page had enough specks for the median filter.
	Noisy bool
	// Angle is how far, clockwise, the page was turned to straighten its lines
	// (Deskew); 0 when it was not.
	Angle float64

	origW, origH int // the size of the image given to Prepare
}

// Original maps a box of Gray (x1, y1 exclusive) to the pixels of the image given
// to Prepare: the straightening turned back (the box around the turned box), the
// scale undone, clamped to that image.
func (p Page) Original(x0, y0, x1, y1 int) (int, int, int, int) {
	fx0, fy0, fx1, fy1 := float64(x0), float64(y0), float64(x1), float64(y1)
	gw, gh := p.Gray.Bounds().Dx(), p.Gray.Bounds().Dy()
	if p.Angle != 0 {
		s, c := math.Sincos(p.Angle * math.Pi / 180)
		cx, cy := float64(gw-1)/2, float64(gh-1)/2
		fx0, fy0, fx1, fy1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, pt := range [4][2]int{{x0, y0}, {x1, y0}, {x0, y1}, {x1, y1}} {
			dx, dy := float64(pt[0])-cx, float64(pt[1])-cy
			// Where rotateSmall took this point from.
			sx, sy := c*dx+s*dy+cx, -s*dx+c*dy+cy
			fx0, fy0 = math.Min(fx0, sx), math.Min(fy0, sy)
			fx1, fy1 = math.Max(fx1, sx), math.Max(fy1, sy)
		}
	}
	sx, sy := float64(p.origW)/float64(max(gw, 1)), float64(p.origH)/float64(max(gh, 1))
	clampTo := func(v float64, limit int) int { return min(max(int(math.Round(v)), 0), limit) }
	return clampTo(fx0*sx, p.origW), clampTo(fy0*sy, p.origH), clampTo(fx1*sx, p.origW), clampTo(fy1*sy, p.origH)
}

// Prepare makes the OCR input of a scanned page at dpi dots per inch (0 or an
// implausible value means 300), in the order the benchmark (make bench-ocr) showed
// to work, each step kept for what it gained there:
//
//  1. Lightest: the lightest channel, so a red seal fades out of the text (600 dpi
//     sealed pages: 2.3% CER read as luminance, 0.55% so);
//  2. Downscale to 300 dpi when the scan is finer than 400 dpi (sealed pages
//     0.55% → 0.07%, and a quarter of Tesseract's time);
//  3. Flatten the paper's uneven lighting (old photocopies 7.3% → 5.2% alone);
//  4. Median3, only on pages with many specks: it costs clean print a little
//     (0.15% → 0.22%) and 200 dpi print a lot (0.03% → 0.39%), and gains on
//     noisy pages after Despeckle (speckled 0.19% → 0.11%, photocopies 0.11% →
//     0.08%);
//  5. Despeckle what specks remain (speckled 12.4% → 1.0% alone);
//  6. Deskew lines more than 0.4° off (speckled pages, skewed 1–3°: 0.26% →
//     0.11%; a clean page turned 3° reads at 0.4–0.6% instead of 0.07%);
//  7. RemoveRules: a ruled table's rules (Tesseract lost rows between them and
//     read the rest as | l I; see the README's OCR figures for tables).
//
// Not done, because the benchmark showed no gain: enlarging 200 dpi pages to 300
// (read at 0.07% so, with the median, against 0.03% as they are, for 2.25 times
// the pixels) and a median on every page.
func Prepare(img image.Image, dpi int) Page {
	if dpi < 70 || dpi > 2400 {
		dpi = 300
	}
	g := Lightest(img)
	p := Page{DPI: dpi, Scale: 1, origW: g.Bounds().Dx(), origH: g.Bounds().Dy()}
	if b := g.Bounds(); dpi > maxDPI && b.Dx() > 0 && b.Dy() > 0 {
		w := max(1, (b.Dx()*OCRDPI+dpi/2)/dpi)
		h := max(1, (b.Dy()*OCRDPI+dpi/2)/dpi)
		g = Downscale(g, w, h)
		p.Scale = float64(w) / float64(b.Dx())
		p.DPI = OCRDPI
	}
	g = Flatten(g, p.DPI)
	out, specks := Despeckle(g, p.DPI)
	b := g.Bounds()
	perMillion := float64(specks) * 1e6 / max(1, float64(b.Dx())*float64(b.Dy())) * float64(OCRDPI*OCRDPI) / float64(p.DPI*p.DPI)
	if perMillion > noisySpecks {
		p.Noisy = true
		out, _ = Despeckle(Median3(g), p.DPI)
	}
	p.Gray, p.Angle = Deskew(out)
	RemoveRules(p.Gray, p.DPI) // p.Gray is Despeckle's copy or Deskew's turn: ours

	return p
}
