// Package pages recognises an input file by its content (PDF, TIFF, JPEG, PNG) and
// splits it into page images, safely: a damaged, truncated, encrypted, unsupported or
// hostile file gives an error that says so, in Vietnamese and English, never a crash,
// a hang or an unbounded allocation.
//
// Open reads the structure of the file (headers, the TIFF directory chain, the PDF
// object table) and checks every limit without decoding pixels; Page decodes one page
// at a time. Image sizes are taken from headers and checked against Limits.MaxPixels
// before any pixel buffer is allocated.
//
// PDF pages that consist of one image filling the page (what scanners write) are
// decoded here without going through a renderer, and a DCT (JPEG) image is handed out
// byte for byte so that the archive can keep it without recompression. Every other
// PDF page is rendered by poppler's pdftoppm in a subprocess, and a page with fonts has
// its text layer read by pdftotext; both run under the caller's context and
// Limits.MaxRenderTime.
package pages

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Content types returned by File.ContentType.
const (
	TypePDF  = "application/pdf"
	TypeTIFF = "image/tiff"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

// Limits bound what Open and Page accept. A zero or negative field takes its value
// from DefaultLimits: there is no "unlimited".
type Limits struct {
	MaxFileBytes  int64         // largest accepted file, in bytes
	MaxPages      int           // most pages in one file
	MaxPixels     int64         // most pixels in one page image (width × height)
	MaxRenderTime time.Duration // longest one pdftoppm or pdftotext run for one PDF page
}

// DefaultLimits returns 500 MiB, 2000 pages, 150 megapixels per page (an A0 page
// at 300 dpi is 140; an A3 scan at 600 dpi is 70) and 2 minutes to render one PDF
// page.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:  500 << 20,
		MaxPages:      2000,
		MaxPixels:     150_000_000,
		MaxRenderTime: 2 * time.Minute,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.MaxRenderTime <= 0 {
		l.MaxRenderTime = d.MaxRenderTime
	}
	return l
}

// Page is one decoded page.
type Page struct {
	// Image is the page raster as scanned: grey, colour or bilevel (then an
	// *image.Gray holding only 0 and 255, or a two-colour *image.Paletted), for OCR
	// and for lossless archiving. It is never nil. PDF pages that are not a single
	// image are rendered at 300 dpi (less when the page is too large for
	// Limits.MaxPixels), in colour, or grey when every pixel came out neutral.
	Image image.Image

	// DPI is the resolution of Image: from JFIF or EXIF density, PNG pHYs, TIFF
	// XResolution and ResolutionUnit, for a PDF image the image width in pixels
	// over the page width in inches, for a rendered PDF page the rendering
	// resolution; 300 when unknown or absurd (below 70 or above 2400).
	DPI int

	// JPEG is the page's JPEG stream, byte for byte, when the page image is exactly
	// one JPEG: a JPEG file (up to its end-of-image marker), a PDF page consisting of
	// one DCTDecode image (the embedded stream), or a single-strip JPEG-compressed
	// TIFF page (the strip merged with the file's JPEG tables). The archive can pass
	// it through without recompression. Nil otherwise, and nil when the image had to
	// be rotated or inverted to look like the page.
	JPEG []byte

	// PNG is the file's bytes when the page is a PNG file, for the archive to take
	// its compressed data as it is where it can (kntc/ocr/pdfa Page.PNG). Nil
	// otherwise.
	PNG []byte

	// Bilevel is true for 1 bit per pixel images: CCITT, 1-bit PNG or TIFF, a PDF
	// /ImageMask or an image with BitsPerComponent 1.
	Bilevel bool

	// Text is the text layer of a PDF page that already carries text (born-digital
	// or OCRed before), UTF-8 NFC, trimmed. It is empty when the page has no text
	// layer, fewer than 20 letters, or text that looks like a legacy Vietnamese font
	// encoding (TCVN3, VNI) or otherwise garbled. When it is not empty the caller may
	// skip OCR.
	Text string

	// WidthPt and HeightPt are the physical page size in PDF points (1/72 in) as the
	// page is displayed: the PDF crop box (after /Rotate), or pixels / DPI × 72.
	WidthPt, HeightPt float64
}

// File is an opened input file. NumPages and ContentType may be called at any time;
// Page may be called from several goroutines at once. Close must be called once no
// Page call is running.
type File struct {
	path  string // absolute, so that it can never be read as a flag by poppler
	f     *os.File
	size  int64
	ctype string
	lim   Limits
	pages []pageInfo
	pdf   *pdfDoc
}

// pageInfo is what Open learnt about one page: enough to decode it later without
// parsing the file again.
type pageInfo struct {
	w, h    int // pixels, from the header
	dpi     int // as declared, 0 when unknown
	bilevel bool
	bpp     int       // bytes per pixel of the decoded image, when the header says (PNG, JPEG)
	jpegEnd int64     // JPEG files: offset just past the end-of-image marker
	tiff    *tiffPage // TIFF pages
	pdf     *pdfPage  // PDF pages
}

// Open opens the file at path, recognises its format by content, validates its
// structure and counts its pages, all without decoding pixels. Problems with the
// file itself are returned as errors wrapping one of the sentinels (ErrEmpty,
// ErrCorrupt, …); failing to read it at all is returned as the *os.PathError it is.
func Open(ctx context.Context, path string, lim Limits) (*File, error) {
	lim = lim.withDefaults()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Opening a FIFO would block until something writes to it.
	if st, err := os.Stat(abs); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fail(ErrUnsupported, 0, "not a regular file (%s)", st.Mode().Type())
	}
	fd, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	f := &File{path: abs, f: fd, lim: lim}
	if err := f.open(ctx); err != nil {
		fd.Close()
		return nil, err
	}
	return f, nil
}

func (f *File) open(ctx context.Context) error {
	st, err := f.f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fail(ErrUnsupported, 0, "not a regular file (%s)", st.Mode().Type())
	}
	f.size = st.Size()
	if f.size == 0 {
		return ErrEmpty
	}
	if f.size > f.lim.MaxFileBytes {
		return fail(ErrTooLarge, 0, "%s, tối đa (max) %s", byteSize(f.size), byteSize(f.lim.MaxFileBytes))
	}
	head := make([]byte, 1024)
	n, err := f.f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	f.ctype, err = sniff(head[:n])
	if err != nil {
		return err
	}
	switch f.ctype {
	case TypeJPEG:
		err = f.openJPEG(ctx)
	case TypePNG:
		err = f.openPNG(ctx)
	case TypeTIFF:
		err = f.openTIFF(ctx)
	case TypePDF:
		err = f.openPDF(ctx)
	}
	if err != nil {
		return err
	}
	if len(f.pages) == 0 {
		return fail(ErrCorrupt, 0, "no pages")
	}
	return nil
}

// ContentType returns the format recognised by Open: TypePDF, TypeTIFF, TypeJPEG or
// TypePNG.
func (f *File) ContentType() string { return f.ctype }

// NumPages returns the number of pages, at least 1.
func (f *File) NumPages() int { return len(f.pages) }

// Page decodes page i (0-based). Only that page is held in memory. Errors about the
// page's content wrap a sentinel and name the page (1-based, as a clerk counts);
// context errors are returned as they are.
func (f *File) Page(ctx context.Context, i int) (Page, error) {
	if i < 0 || i >= len(f.pages) {
		return Page{}, fmt.Errorf("page %d out of range [0, %d)", i, len(f.pages))
	}
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	var (
		p   Page
		err error
	)
	pi := &f.pages[i]
	switch f.ctype {
	case TypeJPEG:
		p, err = f.pageJPEG(pi)
	case TypePNG:
		p, err = f.pagePNG(pi)
	case TypeTIFF:
		p, err = f.pageTIFF(ctx, i, pi)
	case TypePDF:
		p, err = f.pagePDF(ctx, pi)
	}
	if err != nil {
		return Page{}, err
	}
	if p.WidthPt == 0 {
		b := p.Image.Bounds()
		p.WidthPt = float64(b.Dx()) / float64(p.DPI) * 72
		p.HeightPt = float64(b.Dy()) / float64(p.DPI) * 72
	}
	return p, nil
}

// Close releases the file.
func (f *File) Close() error { return f.f.Close() }

// checkPixels returns ErrTooManyPixels when a w × h page exceeds the limit, and
// ErrCorrupt for a non-positive size.
func (f *File) checkPixels(page, w, h int) error {
	if w <= 0 || h <= 0 {
		return fail(ErrCorrupt, page, "image size %d×%d", w, h)
	}
	if int64(w)*int64(h) > f.lim.MaxPixels {
		return fail(ErrTooManyPixels, page, "%d×%d = %s, tối đa (max) %s", w, h, pixels(int64(w)*int64(h)), pixels(f.lim.MaxPixels))
	}
	return nil
}

// checkPages returns ErrTooManyPages once n pages exceed the limit.
func (f *File) checkPages(n int) error {
	if n > f.lim.MaxPages {
		return fail(ErrTooManyPages, 0, "hơn (more than) %d", f.lim.MaxPages)
	}
	return nil
}

// effectiveDPI returns dpi, or 300 when it is unknown or absurd.
func effectiveDPI(dpi int) int {
	if dpi < 70 || dpi > 2400 {
		return 300
	}
	return dpi
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
