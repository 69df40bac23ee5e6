package redact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"strings"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"kntc/ingest"
	"kntc/ocr/fonts"
	pagefile "kntc/ocr/pages"
	"kntc/ocr/pdfa"
)

// Stamp is the text of the band added above every page of a public copy.
const Stamp = "BẢN CÔNG KHAI"

// ErrRect reports a rectangle that is not on its page (a page that does not exist,
// coordinates outside the page, an empty or inverted rectangle).
var ErrRect = errors.New("rectangle not on the page")

// MaxRects is the most rectangles one public copy takes.
const MaxRects = 2000

// Options are the public copy's metadata.
type Options struct {
	Title    string    // the PDF's title
	Date     time.Time // the publication date printed in the band
	Producer string
}

// Result is a public copy.
type Result struct {
	PDF   []byte
	Pages int
	// Text is the text layer of each page as written (the words that remain and the
	// band); Verify checks what a reader extracts from PDF.
	Text []string
	// geom is where each page's rectangles are in the copy's images.
	geom []geom
}

// geom is one page of a copy: its image size, the band's height in its pixels, and
// the scale from the words' pixels to its pixels.
type geom struct {
	w, h, band int
	sx, sy     float64
}

// at returns r in the copy's image pixels.
func (g geom) at(r Rect) image.Rectangle {
	return image.Rect(int(float64(r.X0)*g.sx), int(float64(r.Y0)*g.sy)+g.band,
		int(float64(r.X1)*g.sx+0.999), int(float64(r.Y1)*g.sy+0.999)+g.band)
}

// CheckRects reports every rectangle that is not on its page, as ErrRect.
func CheckRects(pages []Page, rects []Rect) error {
	if len(rects) > MaxRects {
		return fmt.Errorf("%w: %d rectangles, at most %d", ErrRect, len(rects), MaxRects)
	}
	for i, r := range rects {
		if r.Page < 1 || r.Page > len(pages) {
			return fmt.Errorf("%w: rectangle %d is on page %d of %d", ErrRect, i+1, r.Page, len(pages))
		}
		p := pages[r.Page-1]
		if r.X0 < 0 || r.Y0 < 0 || r.X1 > p.Width || r.Y1 > p.Height || r.X1 <= r.X0 || r.Y1 <= r.Y0 {
			return fmt.Errorf("%w: rectangle %d (%d,%d)–(%d,%d) is not within page %d (%d×%d)", ErrRect, i+1,
				r.X0, r.Y0, r.X1, r.Y1, r.Page, p.Width, p.Height)
		}
	}
	return nil
}

// Build makes the public copy of the archive copy at archivePath: each page's image
// is decoded, the rectangles are burnt black into its pixels, a white band with
// Stamp and the date is added above it, and the page is written anew (no original
// image stream, no old text layer) with an invisible text layer of the OCR words
// that no rectangle hides (Hides). pages are the archive's pages with their words, in
// order.
func Build(ctx context.Context, archivePath string, pages []Page, rects []Rect, o Options) (Result, error) {
	if err := CheckRects(pages, rects); err != nil {
		return Result{}, err
	}
	pf, err := pagefile.Open(ctx, archivePath, pagefile.Limits{})
	if err != nil {
		return Result{}, fmt.Errorf("open the archive copy: %w", err)
	}
	defer pf.Close()
	if pf.NumPages() != len(pages) {
		return Result{}, fmt.Errorf("the archive copy has %d pages, its text %d", pf.NumPages(), len(pages))
	}
	var buf bytes.Buffer
	w, err := pdfa.NewWriter(&buf, pdfa.Meta{Title: o.Title, Lang: "vi-VN", CreateDate: o.Date, Producer: o.Producer,
		Keywords: Stamp})
	if err != nil {
		return Result{}, err
	}
	res := Result{Pages: len(pages)}
	stamp := Stamp + " – " + o.Date.Format("02/01/2006")
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		pg, err := pf.Page(ctx, i)
		if err != nil {
			return Result{}, fmt.Errorf("page %d of the archive copy: %w", i+1, err)
		}
		var mine []Rect
		for _, r := range rects {
			if r.Page == p.Number {
				mine = append(mine, r)
			}
		}
		img, g, words, err := redactPage(pg.Image, p, mine, stamp)
		if err != nil {
			return Result{}, fmt.Errorf("page %d: %w", i+1, err)
		}
		dpi := pg.DPI
		if p.DPI > 0 && pg.Image.Bounds().Dx() == p.Width {
			dpi = p.DPI
		}
		if err := w.AddPage(pdfa.Page{Image: img, DPI: dpi, Words: words}); err != nil {
			return Result{}, fmt.Errorf("write page %d: %w", i+1, err)
		}
		res.geom = append(res.geom, g)
		res.Text = append(res.Text, textOf(words))
	}
	if err := w.Close(); err != nil {
		return Result{}, err
	}
	res.PDF = buf.Bytes()
	return res, nil
}

// redactPage returns the page image with the rectangles black and the band on
// top, its height, and the words to put in the text layer, moved below the band.
func redactPage(src image.Image, p Page, rects []Rect, stamp string) (*image.Gray, geom, []ingest.Word, error) {
	b := src.Bounds()
	// The words' page and the decoded image may differ in size (an archive made at
	// another resolution): rectangles are scaled onto the image.
	sx, sy := 1.0, 1.0
	if p.Width > 0 && p.Height > 0 {
		sx, sy = float64(b.Dx())/float64(p.Width), float64(b.Dy())/float64(p.Height)
	}
	band := max(40, b.Dy()/25)
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()+band))
	for i := range out.Pix[:band*out.Stride] {
		out.Pix[i] = 255
	}
	// Grey is enough for a public copy and keeps it small; a red seal becomes grey.
	draw.Draw(out, image.Rect(0, band, b.Dx(), b.Dy()+band), src, b.Min, draw.Src)
	g := geom{w: out.Rect.Dx(), h: out.Rect.Dy(), band: band, sx: sx, sy: sy}
	for _, r := range rects {
		fill(out, g.at(r))
	}
	head, err := drawBand(out, band, stamp)
	if err != nil {
		return nil, geom{}, nil, err
	}
	var words []ingest.Word
	for _, w := range p.Words {
		if touches(w, rects) {
			continue
		}
		w.X0, w.X1 = int(float64(w.X0)*sx), int(float64(w.X1)*sx)
		w.Y0, w.Y1 = int(float64(w.Y0)*sy)+band, int(float64(w.Y1)*sy)+band
		words = append(words, w)
	}
	return out, g, append(head, words...), nil
}

// touches reports whether any of the rectangles hides a word (Hides).
func touches(w ingest.Word, rects []Rect) bool {
	for _, r := range rects {
		if Hides(r, w) {
			return true
		}
	}
	return false
}

// Hides reports whether rectangle r hides word w, which then leaves the public
// copy's text layer: r overlaps w across and reaches w's middle row. A word half
// under a rectangle, cut across or down its middle, is hidden altogether; a word
// whose top or bottom edge alone a rectangle grazes (the padding of a rectangle
// on the line above or below, where lines are set close) stays legible on the
// page and stays in the text layer.
func Hides(r Rect, w ingest.Word) bool {
	mid := (w.Y0 + w.Y1) / 2
	return w.X0 < r.X1 && r.X0 < w.X1 && r.Y0 <= mid && mid < r.Y1
}

func fill(img *image.Gray, r image.Rectangle) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X]
		for i := range row {
			row[i] = 0
		}
	}
}

// drawBand writes the stamp centred in the band, with a rule under it, and
// returns its words as drawn, for the text layer (a line of its own, first).
func drawBand(img *image.Gray, band int, stamp string) ([]ingest.Word, error) {
	f, err := fonts.Load(fonts.SansBold)
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 12, DPI: float64(band) * 72 / 12 / 2.2, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	d := &font.Drawer{Dst: img, Src: image.Black, Face: face}
	m := face.Metrics()
	wd := d.MeasureString(stamp).Ceil()
	x0, base := max(0, (img.Rect.Dx()-wd)/2), (band+m.Ascent.Ceil()-m.Descent.Ceil())/2
	d.Dot = fixed.P(x0, base)
	d.DrawString(stamp)
	fill(img, image.Rect(0, band-max(1, band/40), img.Rect.Dx(), band))
	var words []ingest.Word
	x := x0
	for i, t := range strings.Split(stamp, " ") {
		if i > 0 {
			x += d.MeasureString(" ").Ceil()
		}
		w := d.MeasureString(t).Ceil()
		words = append(words, ingest.Word{Text: t, X0: x, Y0: base - m.Ascent.Ceil(), X1: x + w, Y1: base + m.Descent.Ceil(),
			Block: -1, Par: 1, Line: 1, Confidence: 100})
		x += w
	}
	return words, nil
}

// textOf is a page's text layer as lines.
func textOf(words []ingest.Word) string {
	var b strings.Builder
	last := [3]int{}
	for i, w := range words {
		k := [3]int{w.Block, w.Par, w.Line}
		if i > 0 {
			if k != last {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
		last = k
		b.WriteString(w.Text)
	}
	return b.String()
}
