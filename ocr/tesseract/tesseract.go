// Package tesseract is kntc's OCR engine: Tesseract 5 with the Vietnamese model,
// through gosseract (cgo). It is the only package that links C code.
//
// Tesseract parallelises one page over OpenMP threads; on the two-core machines kntc
// runs on, those threads fight each other (5.3 s a page against 1.6 s with one). kntc
// therefore runs one thread per page and several pages at once: OMP_THREAD_LIMIT=1
// must be in the environment when the process starts (OpenMP reads it at load time),
// which ReexecWithThreadLimit arranges.
package tesseract

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/otiai10/gosseract/v2"

	"kntc/ingest"
	"kntc/internal/viet"
	"kntc/ocr"
	"kntc/ocr/clean"
)

// ReexecWithThreadLimit re-executes the running program with OMP_THREAD_LIMIT=1 when
// it is not set, so that Tesseract uses one thread per page. It returns (doing
// nothing) when the variable is set or re-execution is impossible.
func ReexecWithThreadLimit() {
	if os.Getenv("OMP_THREAD_LIMIT") != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	env := append(os.Environ(), "OMP_THREAD_LIMIT=1")
	_ = syscall.Exec(exe, os.Args, env) // returns only on failure
}

// Languages lists the installed Tesseract models.
func Languages() ([]string, error) { return gosseract.GetAvailableLanguages() }

// Engine recognises page images with a fixed number of Tesseract instances, one per
// slot; Recognize waits for a free slot. Safe for concurrent use.
type Engine struct {
	lang  string
	slots chan *gosseract.Client
	all   []*gosseract.Client
}

// New starts slots Tesseract instances for the language (e.g. "vie").
func New(slots int, lang string) (*Engine, error) {
	if slots < 1 {
		slots = 1
	}
	langs, err := Languages()
	if err != nil {
		return nil, fmt.Errorf("list Tesseract languages: %w", err)
	}
	for _, l := range strings.Split(lang, "+") {
		if !slices.Contains(langs, l) {
			return nil, fmt.Errorf("tesseract has no %q model (installed: %s); install tesseract-ocr-%s", l, strings.Join(langs, ", "), l)
		}
	}
	e := &Engine{lang: lang, slots: make(chan *gosseract.Client, slots)}
	for range slots {
		c := gosseract.NewClient()
		if err := c.SetLanguage(strings.Split(lang, "+")...); err != nil {
			e.Close()
			return nil, fmt.Errorf("tesseract language %s: %w", lang, err)
		}
		// Automatic page segmentation without orientation detection: orientation is
		// decided before OCR, on the whole page.
		if err := c.SetPageSegMode(gosseract.PSM_AUTO); err != nil {
			e.Close()
			return nil, fmt.Errorf("tesseract page segmentation: %w", err)
		}
		// Tesseract prints a line to stderr for every text line it cannot read ("Image
		// too small to scale!!"), hundreds on a page read the wrong way round; they
		// say nothing a clerk or an operator can act on.
		if err := c.SetVariable("debug_file", "/dev/null"); err != nil {
			e.Close()
			return nil, fmt.Errorf("tesseract debug output: %w", err)
		}
		e.all = append(e.all, c)
		e.slots <- c
	}
	return e, nil
}

// Slots is the number of pages the engine reads at once.
func (e *Engine) Slots() int { return len(e.all) }

// Close releases the Tesseract instances. No Recognize may run or follow.
func (e *Engine) Close() {
	for _, c := range e.all {
		c.Close()
	}
	e.all = nil
}

// ErrNoImage: the page has no pixels.
var ErrNoImage = errors.New("empty page image")

// Recognize implements ingest.Recognizer: raw Tesseract on the page as it is, in
// grey by luminance, without cleaning or orientation correction (Reader adds those).
// The image reaches Tesseract as an 8-bit grey PNM written here: Tesseract (through
// leptonica and gosseract) crashes the process on bytes it cannot decode, so it is
// only ever given an image Go has decoded. The context bounds the wait for a slot;
// Tesseract cannot be interrupted once it has started on a page, so a deadline that
// passes during recognition is reported when it ends.
func (e *Engine) Recognize(ctx context.Context, page image.Image, dpi int) (ingest.Recognition, error) {
	b := page.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 {
		return ingest.Recognition{}, fmt.Errorf("recognize: %w", ErrNoImage)
	}
	boxes, err := e.boxes(ctx, clean.Luma(page), dpi)
	if err != nil {
		return ingest.Recognition{}, fmt.Errorf("recognize: %w", err)
	}
	return assemble(toWords(boxes)), nil
}

// boxes runs Tesseract on g and returns its words.
func (e *Engine) boxes(ctx context.Context, g *image.Gray, dpi int) ([]gosseract.BoundingBox, error) {
	return e.boxesAs(ctx, g, dpi, gosseract.PSM_AUTO)
}

// boxesAs runs Tesseract on g in the page segmentation mode psm and returns its
// words; the instance goes back to automatic segmentation.
func (e *Engine) boxesAs(ctx context.Context, g *image.Gray, dpi int, psm gosseract.PageSegMode) ([]gosseract.BoundingBox, error) {
	if dpi < 70 || dpi > 2400 {
		dpi = 300 // unknown: the usual scanner setting
	}
	bmp := encodeBMP(g, dpi)
	var c *gosseract.Client
	select {
	case c = <-e.slots:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for an OCR slot: %w", ctx.Err())
	}
	defer func() { e.slots <- c }()
	if psm != gosseract.PSM_AUTO {
		if err := c.SetPageSegMode(psm); err != nil {
			return nil, fmt.Errorf("page segmentation: %w", err)
		}
		defer func() { _ = c.SetPageSegMode(gosseract.PSM_AUTO) }()
	}
	if err := c.SetVariable("user_defined_dpi", strconv.Itoa(dpi)); err != nil {
		return nil, fmt.Errorf("set dpi: %w", err)
	}
	if err := c.SetImageFromBytes(bmp); err != nil {
		return nil, err
	}
	boxes, err := c.GetBoundingBoxesVerbose()
	if b := g.Bounds(); b.Dx()*b.Dy() >= flushPixels {
		flush(c)
	}
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return boxes, nil
}

// flushPixels is the page size from which an instance lets go of the page once it
// has read it. Tesseract keeps its last page (the image, its thresholded copies,
// the layout) until it is given the next: an idle instance would hold several
// hundred megabytes after a 12000×12000 scan, outside the memory budget of the
// pages at work (ingest.MemoryGate), once per instance.
const flushPixels = 20_000_000

// blankBMP is a 1×1 white page.
var blankBMP = func() []byte {
	g := image.NewGray(image.Rect(0, 0, 1, 1))
	g.Pix[0] = 0xff
	return encodeBMP(g, 300)
}()

// flush makes c let go of its last page by reading a blank one (a millisecond).
func flush(c *gosseract.Client) {
	if c.SetImageFromBytes(blankBMP) == nil {
		_, _ = c.GetBoundingBoxesVerbose()
	}
}

// encodeBMP writes g as an uncompressed 8-bit BMP with a grey palette, the form
// Leptonica reads fastest: a copy per row (about 3 ms for an A4 page at 300 dpi),
// where its PNM reader takes a byte at a time (120–220 ms) and PNG needs inflating.
// Tesseract turns the grey palette back into plain grey values, unchanged.
func encodeBMP(g *image.Gray, dpi int) []byte {
	const fileHeader, infoHeader, palette = 14, 40, 256 * 4
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	stride := (w + 3) &^ 3 // rows are padded to four bytes
	off := fileHeader + infoHeader + palette
	out := make([]byte, off+stride*h)
	le := binary.LittleEndian
	copy(out, "BM")
	le.PutUint32(out[2:], uint32(len(out)))
	le.PutUint32(out[10:], uint32(off))
	le.PutUint32(out[14:], infoHeader)
	le.PutUint32(out[18:], uint32(w))
	le.PutUint32(out[22:], uint32(h)) // positive: rows bottom up
	le.PutUint16(out[26:], 1)         // planes
	le.PutUint16(out[28:], 8)         // bits per pixel
	le.PutUint32(out[34:], uint32(stride*h))
	ppm := uint32(float64(dpi)/0.0254 + 0.5) // pixels per metre
	le.PutUint32(out[38:], ppm)
	le.PutUint32(out[42:], ppm)
	le.PutUint32(out[46:], 256) // colours in the palette
	for i := range 256 {
		p := fileHeader + infoHeader + 4*i
		out[p], out[p+1], out[p+2] = byte(i), byte(i), byte(i) // blue, green, red
	}
	for y := range h {
		i := g.PixOffset(b.Min.X, b.Min.Y+y)
		copy(out[off+(h-1-y)*stride:], g.Pix[i:i+w])
	}
	return out
}

// toWords turns Tesseract's boxes into words (NFC, without empty ones).
func toWords(boxes []gosseract.BoundingBox) []ingest.Word {
	words := make([]ingest.Word, 0, len(boxes))
	for _, bx := range boxes {
		word := strings.TrimSpace(viet.NFC(bx.Word))
		if word == "" {
			continue
		}
		words = append(words, ingest.Word{
			Text: word, X0: bx.Box.Min.X, Y0: bx.Box.Min.Y, X1: bx.Box.Max.X, Y1: bx.Box.Max.Y,
			Confidence: bx.Confidence, Block: bx.BlockNum, Par: bx.ParNum, Line: bx.LineNum,
		})
	}
	return words
}

// assemble builds the page text from the words in reading order (ocr.PageText:
// words of a line joined by spaces, table cells by ocr.CellSep, lines by "\n",
// paragraphs and blocks by a blank line).
func assemble(words []ingest.Word) ingest.Recognition {
	r := ingest.Recognition{Words: words, Text: ocr.PageText(words)}
	var sum float64
	for _, w := range words {
		sum += w.Confidence
	}
	if len(words) > 0 {
		r.Confidence = sum / float64(len(words))
	}
	return r
}
