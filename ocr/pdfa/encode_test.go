package pdfa_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"testing"

	"kntc/ocr/ocrtest"
	"kntc/ocr/pdfa"
)

// pngOf encodes img as PNG and decodes it back, as the pipeline has both.
func pngOf(tb testing.TB, img image.Image) ([]byte, image.Image) {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return decodedPNG(tb, b.Bytes())
}

func decodedPNG(tb testing.TB, file []byte) ([]byte, image.Image) {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(file))
	if err != nil {
		tb.Fatal(err)
	}
	return file, img
}

// chunk appends one PNG chunk with its CRC.
func chunk(out []byte, typ string, body []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, body...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// grey2PNG writes g as a 2-bit grey PNG (Go's encoder writes grey as 8 bits only):
// four levels, rows unfiltered.
func grey2PNG(tb testing.TB, g *image.Gray) []byte {
	tb.Helper()
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	var raw bytes.Buffer
	for y := range h {
		row := make([]byte, 1+(w*2+7)/8)
		for x := range w {
			v := g.GrayAt(b.Min.X+x, b.Min.Y+y).Y >> 6
			row[1+x/4] |= v << (6 - 2*(x%4))
		}
		raw.Write(row)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw.Bytes())
	zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 2, 0, 0, 0, 0)
	out = chunk(out, "IHDR", ihdr)
	out = chunk(out, "IDAT", z.Bytes())
	return chunk(out, "IEND", nil)
}

// interlaced marks a PNG's header as interlaced (its data stays as it was): the
// writer must not pass such data through, whatever the pixels.
func interlaced(file []byte) []byte {
	out := bytes.Clone(file)
	ihdr := out[8 : 8+25]
	ihdr[8+12] = 1
	binary.BigEndian.PutUint32(ihdr[21:], crc32.ChecksumIEEE(ihdr[4:21]))
	return out
}

// A PNG page's compressed data goes into the PDF as it is when the file allows, and
// the page is encoded from its pixels otherwise; either way poppler gives back the
// PNG's pixels exactly (verify), and the PDF stays PDF/A.
func TestPNGPassThrough(t *testing.T) {
	grey, words, text := rendered(t, decision, small)
	seal := sealed(grey)
	bw := bilevel(grey)
	pal := image.NewPaletted(grey.Bounds(), color.Palette{color.White, color.Black, color.RGBA{200, 20, 30, 255}, color.Gray{128}})
	for i, v := range grey.Pix {
		switch {
		case v < 64:
			pal.Pix[i] = 1
		case v < 128:
			pal.Pix[i] = 3
		case v < 200 && i%3 == 0:
			pal.Pix[i] = 2
		}
	}
	transparent := image.NewPaletted(pal.Bounds(), color.Palette{color.White, color.Black, color.RGBA{200, 20, 30, 255}, color.NRGBA{0, 0, 0, 0}})
	copy(transparent.Pix, pal.Pix)
	gray16 := image.NewGray16(grey.Bounds())
	for i, v := range grey.Pix {
		gray16.SetGray16(i%grey.Bounds().Dx(), i/grey.Bounds().Dx(), color.Gray16{Y: uint16(v)*257 + uint16(i%7)})
	}
	greyFile, greyImg := pngOf(t, grey)
	tests := []struct {
		name        string
		file        []byte
		img         image.Image
		passed      bool
		enc, colour string
		bpc         int
		want        image.Image // the pixels the PDF shows, when not img's
	}{
		{name: "8-bit grey", passed: true, enc: "image", colour: "gray", bpc: 8},
		{name: "2-bit grey", passed: true, enc: "image", colour: "gray", bpc: 2},
		{name: "colour with a red seal", passed: true, enc: "image", colour: "rgb", bpc: 8},
		{name: "four-colour palette", passed: true, enc: "image", colour: "index", bpc: 2},
		{name: "black and white in 8-bit grey", passed: false, enc: "ccitt", colour: "gray", bpc: 1},
		{name: "colour PNG of grey pixels", passed: false, enc: "image", colour: "gray", bpc: 8},
		{name: "palette with a transparent colour", passed: false, enc: "image", colour: "rgb", bpc: 8},
		{name: "interlaced", passed: false, enc: "image", colour: "gray", bpc: 8},
		{name: "16-bit grey", passed: false, enc: "image", colour: "gray", bpc: 16},
	}
	for i := range tests {
		tt := &tests[i]
		switch tt.name {
		case "8-bit grey":
			tt.file, tt.img = greyFile, greyImg
		case "2-bit grey":
			tt.file, tt.img = decodedPNG(t, grey2PNG(t, grey))
		case "colour with a red seal":
			tt.file, tt.img = pngOf(t, seal)
		case "four-colour palette":
			tt.file, tt.img = pngOf(t, pal)
		case "black and white in 8-bit grey":
			tt.file, tt.img = pngOf(t, bw)
		case "colour PNG of grey pixels":
			tt.file, tt.img = pngOf(t, greyRGBA(grey))
		case "palette with a transparent colour":
			tt.file, tt.img = pngOf(t, transparent)
			onWhite := image.NewRGBA(transparent.Bounds())
			draw.Draw(onWhite, onWhite.Bounds(), image.White, image.Point{}, draw.Src)
			draw.Draw(onWhite, onWhite.Bounds(), transparent, transparent.Bounds().Min, draw.Over)
			tt.want = onWhite
		case "interlaced":
			tt.file, tt.img = interlaced(greyFile), greyImg
		case "16-bit grey":
			tt.file, tt.img = pngOf(t, gray16)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := page{Page: pdfa.Page{Image: tt.img, PNG: tt.file, DPI: 300, Words: words}, text: text, enc: tt.enc, color: tt.colour, bpc: tt.bpc}
			pdf := write(t, testMeta(), p)
			if got := bytes.Contains(pdf, ocrtest.PNGData(tt.file)); got != tt.passed {
				t.Errorf("PNG data in the PDF as it is: %v, want %v", got, tt.passed)
			}
			t.Logf("%d bytes of PDF for a %d-byte PNG", len(pdf), len(tt.file))
			if tt.want != nil {
				p.Image = tt.want
			}
			verify(t, pdf, p)
		})
	}
	t.Run("PNG without its pixels", func(t *testing.T) {
		var b bytes.Buffer
		w, err := pdfa.NewWriter(&b, testMeta())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddPage(pdfa.Page{PNG: greyFile, DPI: 300}); !errors.Is(err, pdfa.ErrInvalidPage) {
			t.Errorf("AddPage of a PNG alone: %v, want ErrInvalidPage", err)
		}
	})
}

// Pages encoded ahead (Encode, kept as bytes, read back) make the same PDF as pages
// encoded by AddPage, byte for byte; damaged bytes are refused.
func TestEncodeAhead(t *testing.T) {
	grey, words, text := rendered(t, decision, small)
	greyFile, greyImg := pngOf(t, grey)
	direct := []page{
		{Page: pdfa.Page{JPEG: encodeJPEG(t, sealed(grey), 80), DPI: 300, Words: words}, text: text, enc: "jpeg", color: "rgb", bpc: 8},
		{Page: pdfa.Page{Image: bilevel(grey), DPI: 300, Words: words}, text: text, enc: "ccitt", color: "gray", bpc: 1},
		{Page: pdfa.Page{Image: greyImg, PNG: greyFile, DPI: 300, Words: words}, text: text, enc: "image", color: "gray", bpc: 8},
		{Page: pdfa.Page{Image: sealed(grey), DPI: 200, Words: words}, text: text, enc: "image", color: "rgb", bpc: 8},
		{Page: pdfa.Page{JPEG: cmykJPEG(t, 640, 200, false), DPI: 150}, enc: "jpeg", color: "icc", bpc: 8},
	}
	ahead := make([]page, len(direct))
	for i, p := range direct {
		im, err := pdfa.Encode(p.Page)
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		raw, err := im.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back pdfa.Image
		if err := back.UnmarshalBinary(raw); err != nil {
			t.Fatalf("page %d: read back: %v", i+1, err)
		}
		if b := p.Image; b != nil && (back.Width() != b.Bounds().Dx() || back.Height() != b.Bounds().Dy()) {
			t.Errorf("page %d: encoded %d×%d, image %v", i+1, back.Width(), back.Height(), b.Bounds())
		}
		q := p
		q.Page = pdfa.Page{Encoded: &back, DPI: p.DPI, Words: p.Words}
		ahead[i] = q

		for _, damaged := range [][]byte{raw[:len(raw)-1], raw[:10], append(bytes.Clone(raw[:len(raw)/2]), raw[len(raw)/2+1:]...), nil} {
			if err := new(pdfa.Image).UnmarshalBinary(damaged); !errors.Is(err, pdfa.ErrCorruptImage) {
				t.Errorf("page %d: %d damaged bytes read back: %v, want ErrCorruptImage", i+1, len(damaged), err)
			}
		}
		flipped := bytes.Clone(raw)
		flipped[len(flipped)/2] ^= 0x40
		if err := new(pdfa.Image).UnmarshalBinary(flipped); !errors.Is(err, pdfa.ErrCorruptImage) {
			t.Errorf("page %d: a flipped bit read back: %v, want ErrCorruptImage", i+1, err)
		}
	}
	want := write(t, testMeta(), direct...)
	got := write(t, testMeta(), ahead...)
	if !bytes.Equal(got, want) {
		t.Fatalf("pages encoded ahead make a different PDF (%d vs %d bytes)", len(got), len(want))
	}
	verify(t, got, direct...) // the same bytes: the checks of the direct pages hold

	im, err := pdfa.Encode(direct[1].Page)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w, err := pdfa.NewWriter(&b, testMeta())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddPage(pdfa.Page{Encoded: im, Image: grey, DPI: 300}); !errors.Is(err, pdfa.ErrInvalidPage) {
		t.Errorf("AddPage of an encoded image and another: %v, want ErrInvalidPage", err)
	}
}
