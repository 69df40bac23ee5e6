package ccitt_test

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"

	xccitt "golang.org/x/image/ccitt"

	"kntc/ocr/pdfa/internal/ccitt"
)

// bitmap is a bilevel image, one byte per pixel, 1 for black.
type bitmap struct {
	w, h int
	pix  []byte
}

func (b bitmap) row(y int) []byte { return b.pix[y*b.w : (y+1)*b.w] }

func encode(tb testing.TB, b bitmap) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc, err := ccitt.NewEncoder(&buf, b.w)
	if err != nil {
		tb.Fatal(err)
	}
	for y := range b.h {
		if err := enc.WriteRow(b.row(y)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// decode reads data with golang.org/x/image/ccitt, an independent decoder.
func decode(tb testing.TB, data []byte, w, h int) bitmap {
	tb.Helper()
	g := image.NewGray(image.Rect(0, 0, w, h))
	if err := xccitt.DecodeIntoGray(g, bytes.NewReader(data), xccitt.MSB, xccitt.Group4, nil); err != nil {
		tb.Fatalf("decode %dx%d: %v", w, h, err)
	}
	out := bitmap{w, h, make([]byte, w*h)}
	for i, p := range g.Pix {
		if p == 0 {
			out.pix[i] = 1
		}
	}
	return out
}

func random(r *rand.Rand, w, h int, density float64) bitmap {
	b := bitmap{w, h, make([]byte, w*h)}
	for i := range b.pix {
		if r.Float64() < density {
			b.pix[i] = 1
		}
	}
	return b
}

// blobs draws rectangles and one-pixel strokes, the shapes of scanned text and rules,
// which exercise pass and vertical modes more than noise does.
func blobs(r *rand.Rand, w, h, n int) bitmap {
	b := bitmap{w, h, make([]byte, w*h)}
	for range n {
		x0, y0 := r.IntN(w), r.IntN(h)
		x1, y1 := min(w, x0+1+r.IntN(40)), min(h, y0+1+r.IntN(40))
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				b.pix[y*w+x] ^= 1
			}
		}
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	stripes := bitmap{w: 64, h: 8, pix: make([]byte, 64*8)}
	for i := range stripes.pix {
		stripes.pix[i] = byte(i % 2)
	}
	allBlack := bitmap{w: 5000, h: 3, pix: bytes.Repeat([]byte{1}, 5000*3)}
	longRuns := bitmap{w: 6000, h: 4, pix: make([]byte, 6000*4)}
	for x := 2700; x < 5900; x++ {
		longRuns.pix[6000+x] = 1 // row 1: a black run longer than 2560
	}
	tests := []struct {
		name string
		img  bitmap
	}{
		{"one pixel white", bitmap{1, 1, []byte{0}}},
		{"one pixel black", bitmap{1, 1, []byte{1}}},
		{"one column", random(r, 1, 50, 0.5)},
		{"alternating pixels", stripes},
		{"all white", bitmap{w: 2480, h: 10, pix: make([]byte, 2480*10)}},
		{"all black wide", allBlack},
		{"runs over 2560", longRuns},
		{"sparse noise", random(r, 300, 200, 0.02)},
		{"dense noise", random(r, 301, 97, 0.5)},
		{"mostly black noise", random(r, 257, 60, 0.97)},
		{"shapes", blobs(r, 800, 600, 300)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := encode(t, tt.img)
			got := decode(t, data, tt.img.w, tt.img.h)
			if !bytes.Equal(got.pix, tt.img.pix) {
				for i := range got.pix {
					if got.pix[i] != tt.img.pix[i] {
						t.Fatalf("pixel (%d,%d) differs after the round trip (%d bytes coded)", i%tt.img.w, i/tt.img.w, len(data))
					}
				}
			}
		})
	}
}

func TestWriteRowWidth(t *testing.T) {
	enc, err := ccitt.NewEncoder(new(bytes.Buffer), 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteRow(make([]byte, 9)); err == nil {
		t.Fatal("a row of the wrong width was accepted")
	}
	if _, err := ccitt.NewEncoder(new(bytes.Buffer), 0); err == nil {
		t.Fatal("width 0 was accepted")
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add(uint16(7), []byte{0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1})
	f.Add(uint16(1), []byte{1, 0, 1})
	f.Fuzz(func(t *testing.T, w uint16, pix []byte) {
		width := int(w%300) + 1
		h := len(pix) / width
		if h == 0 {
			return
		}
		b := bitmap{width, h, make([]byte, width*h)}
		for i := range b.pix {
			b.pix[i] = pix[i] & 1
		}
		got := decode(t, encode(t, b), width, h)
		if !bytes.Equal(got.pix, b.pix) {
			t.Fatal("round trip differs")
		}
	})
}
