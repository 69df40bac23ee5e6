package pages_test

import (
	"bytes"
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kntc/ocr/pages"
	"kntc/ocr/pdfa"
)

// TestCopyPDFPages cuts a three-page scan into two files and finds every page's
// image stream byte for byte where it was.
func TestCopyPDFPages(t *testing.T) {
	// Noisy images: their JPEGs do not shrink under Flate, so the writer embeds them
	// as plain DCT streams, as scanners do, and Page hands them out byte for byte.
	jpegs := [][]byte{MustJPEG(t, noisy(200, 280, 1), 100), nil, MustJPEG(t, noisy(210, 297, 3), 100)}
	var src bytes.Buffer
	w, err := pdfa.NewWriter(&src, pdfa.Meta{Title: "lô quét", CreateDate: time.Unix(1767225600, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := range jpegs {
		pg := pdfa.Page{JPEG: j, DPI: 100}
		if i == 1 {
			pg = pdfa.Page{Image: bilevelImage(200, 280), DPI: 100}
		}
		if err := w.AddPage(pg); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := MustWrite(t, "batch.pdf", src.Bytes())
	a, b := filepath.Join(dir, "a.pdf"), filepath.Join(dir, "b.pdf")
	if err := pages.CopyPDFPages(t.Context(), in, pages.Limits{}, pages.PDFPages{Pages: []int{2}, Path: a}, pages.PDFPages{Pages: []int{1, 3}, Path: b}); err != nil {
		t.Fatal(err)
	}
	check := func(path string, want ...int) {
		t.Helper()
		f, err := pages.Open(t.Context(), path, pages.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.NumPages() != len(want) {
			t.Fatalf("%s: %d pages, want %d", filepath.Base(path), f.NumPages(), len(want))
		}
		for i, n := range want {
			pg, err := f.Page(t.Context(), i)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pg.JPEG, jpegs[n-1]) {
				t.Errorf("%s page %d (page %d of the batch): JPEG stream changed (%d bytes, want %d)", filepath.Base(path), i+1, n, len(pg.JPEG), len(jpegs[n-1]))
			}
			if n == 2 && (!pg.Bilevel || !sameBilevel(pg.Image, bilevelImage(200, 280))) {
				t.Errorf("%s page %d: the bilevel page changed", filepath.Base(path), i+1)
			}
		}
	}
	check(a, 2)
	check(b, 1, 3)

	// A page that is not there, and a file that is not a PDF.
	if err := pages.CopyPDFPages(t.Context(), in, pages.Limits{}, pages.PDFPages{Pages: []int{4}, Path: a}); err == nil {
		t.Error("page 4 of 3 copied")
	}
	bad := MustWrite(t, "bad.pdf", []byte("%PDF-1.7\nrác"))
	if err := pages.CopyPDFPages(t.Context(), bad, pages.Limits{}, pages.PDFPages{Pages: []int{1}, Path: a}); !errors.Is(err, pages.ErrCorrupt) {
		t.Errorf("corrupt PDF: %v, want ErrCorrupt", err)
	}
	if _, err := os.Stat(in); err != nil {
		t.Fatal("the source was touched")
	}
}

func noisy(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 0))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	return img
}

func sameBilevel(got image.Image, want *image.Paletted) bool {
	b := want.Bounds()
	if got.Bounds().Size() != b.Size() {
		return false
	}
	for y := range b.Dy() {
		for x := range b.Dx() {
			r1, _, _, _ := got.At(got.Bounds().Min.X+x, got.Bounds().Min.Y+y).RGBA()
			r2, _, _, _ := want.At(x, y).RGBA()
			if (r1 > 0x7fff) != (r2 > 0x7fff) {
				return false
			}
		}
	}
	return true
}
