package pages_test

import (
	"image"
	"image/color"
	"testing"

	"kntc/ocr/pages"
)

// TestPageSize: a page's size is known from its header before it is decoded, and
// is what decoding it then holds.
func TestPageSize(t *testing.T) {
	gray16 := image.NewGray16(image.Rect(0, 0, 30, 20))
	gray16.Set(1, 1, color.Gray16{Y: 0x1234})
	for _, tc := range []struct {
		name   string
		file   []byte
		bytes  int64
		decode bool  // the decoded image must hold exactly bytes
		padded int64 // or this, when the decoder pads its buffer
	}{
		{name: "grey PNG", file: MustPNG(t, grayImage(30, 20), 300), bytes: 600, decode: true},
		{name: "16-bit grey PNG", file: MustPNG(t, gray16, 300), bytes: 1200, decode: true},
		{name: "colour PNG", file: MustPNG(t, rgbImage(30, 20), 300), bytes: 2400, decode: true},
		{name: "bilevel PNG", file: MustPNG(t, bilevelImage(30, 20), 300), bytes: 600, decode: true},
		// The JPEG decoder rounds its buffer up to whole 8×8 blocks: 32×24.
		{name: "grey JPEG", file: MustJPEG(t, grayImage(30, 20), 300), bytes: 600, decode: true, padded: 768},
		{name: "colour JPEG", file: MustJPEG(t, rgbImage(30, 20), 300), bytes: 1800},
		// A rendered PDF page: A4 at 300 dpi, RGBA.
		{name: "PDF page to render", file: onePagePDF(595.28, 841.89, "", "", nil), bytes: 2481 * 3508 * 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := MustOpen(t, tc.file, pages.Limits{})
			defer f.Close()
			pixels, bytes := f.PageSize(0)
			if bytes != tc.bytes || pixels == 0 || bytes < pixels {
				t.Fatalf("PageSize: %d pixels, %d bytes; want %d bytes", pixels, bytes, tc.bytes)
			}
			if !tc.decode {
				return
			}
			p, err := f.Page(t.Context(), 0)
			if err != nil {
				t.Fatal(err)
			}
			b := p.Image.Bounds()
			if got := int64(b.Dx() * b.Dy()); got != pixels {
				t.Errorf("decoded %d pixels, PageSize said %d", got, pixels)
			}
			if got := held(p.Image); got != bytes && got != tc.padded {
				t.Errorf("decoded image holds %d bytes, PageSize said %d", got, bytes)
			}
		})
	}
}

// held is the size of an image's pixel buffer.
func held(img image.Image) int64 {
	switch m := img.(type) {
	case *image.Gray:
		return int64(len(m.Pix))
	case *image.Gray16:
		return int64(len(m.Pix))
	case *image.RGBA:
		return int64(len(m.Pix))
	case *image.NRGBA:
		return int64(len(m.Pix))
	case *image.Paletted:
		return int64(len(m.Pix))
	}
	return -1
}
