package redact

import (
	"context"
	"fmt"
	"image"
	"image/color"

	"kntc/ingest"
	pagefile "kntc/ocr/pages"
)

// inkLevel is the grey level below which a rendered pixel counts as ink when a
// word's box is shrunk to its letters: light enough that anti-aliased edges count.
const inkLevel = 192

// TextPages reads pages numbers (1-based) of the PDF at path, pages that carry
// their own text (a born-digital PDF, an office file's PDF/A), as Propose and
// Build take them: each as TextFile.Page reads it.
func TextPages(ctx context.Context, path string, numbers []int) ([]Page, error) {
	tf, err := OpenText(ctx, path)
	if err != nil {
		return nil, err
	}
	defer tf.Close()
	var out []Page
	for _, n := range numbers {
		p, err := tf.Page(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// TextFile is an archive copy opened to read the words of its typed pages one
// page at a time. Not safe for concurrent use.
type TextFile struct{ pf *pagefile.File }

// OpenText opens the PDF at path to read its pages' words (Page).
func OpenText(ctx context.Context, path string) (*TextFile, error) {
	pf, err := pagefile.Open(ctx, path, pagefile.Limits{})
	if err != nil {
		return nil, fmt.Errorf("open the archive copy: %w", err)
	}
	return &TextFile{pf: pf}, nil
}

// Close closes the file.
func (t *TextFile) Close() error { return t.pf.Close() }

// Page reads page n (1-based) as Propose and Build take it: the words of its text
// layer (kntc/ocr/pages TextWords), in the pixels of the page image Build decodes
// from the same file. A text layer's box is the font's whole height, taller than
// the letters and overlapping the lines above and below; each box is shrunk, top
// and bottom, to the ink the page's image has inside it, so that a rectangle
// around a word covers its letters as a rectangle around an OCR word does,
// without reaching into the next line. A word with no ink under it keeps its box.
// Only one page's pixels are held at a time.
func (t *TextFile) Page(ctx context.Context, n int) (Page, error) {
	pf := t.pf
	if n < 1 || n > pf.NumPages() {
		return Page{}, fmt.Errorf("page %d of a copy of %d pages", n, pf.NumPages())
	}
	tl, err := pf.TextWords(ctx, n-1)
	if err != nil {
		return Page{}, fmt.Errorf("text layer of page %d: %w", n, err)
	}
	pg, err := pf.Page(ctx, n-1)
	if err != nil {
		return Page{}, fmt.Errorf("page %d: %w", n, err)
	}
	if b := pg.Image.Bounds(); b.Dx() != tl.Width || b.Dy() != tl.Height {
		// The words were scaled for another size (rounding): scale them onto this one.
		sx, sy := float64(b.Dx())/float64(tl.Width), float64(b.Dy())/float64(tl.Height)
		for i := range tl.Words {
			w := &tl.Words[i]
			w.X0, w.Y0 = int(float64(w.X0)*sx), int(float64(w.Y0)*sy)
			w.X1, w.Y1 = min(int(float64(w.X1)*sx+0.999), b.Dx()), min(int(float64(w.Y1)*sy+0.999), b.Dy())
		}
		tl.Width, tl.Height = b.Dx(), b.Dy()
	}
	shrinkToInk(tl.Words, pg.Image)
	return Page{Number: n, Width: tl.Width, Height: tl.Height, DPI: pg.DPI, Words: tl.Words}, nil
}

// shrinkToInk moves each word's top down and bottom up to the first and last rows
// of its box that hold ink.
func shrinkToInk(words []ingest.Word, img image.Image) {
	b := img.Bounds()
	dark := func(x, y int) bool {
		if g, ok := img.(*image.Gray); ok {
			return g.Pix[(y-b.Min.Y)*g.Stride+(x-b.Min.X)] < inkLevel
		}
		return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < inkLevel
	}
	row := func(w ingest.Word, y int) bool {
		for x := w.X0; x < w.X1; x++ {
			if dark(b.Min.X+x, b.Min.Y+y) {
				return true
			}
		}
		return false
	}
	for i := range words {
		w := &words[i]
		w.X0, w.X1 = max(w.X0, 0), min(w.X1, b.Dx())
		w.Y0, w.Y1 = max(w.Y0, 0), min(w.Y1, b.Dy())
		top, bottom := w.Y0, w.Y1
		for top < bottom && !row(*w, top) {
			top++
		}
		for bottom > top && !row(*w, bottom-1) {
			bottom--
		}
		if bottom > top {
			w.Y0, w.Y1 = top, bottom
		}
	}
}
