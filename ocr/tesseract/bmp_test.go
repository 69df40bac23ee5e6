package tesseract

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"testing"

	"golang.org/x/image/bmp"
)

// The page goes to Tesseract as an 8-bit grey BMP: every pixel where it belongs
// (rows bottom up, padded to four bytes), whatever the width and the image's origin.
func TestEncodeBMP(t *testing.T) {
	full := image.NewGray(image.Rect(0, 0, 13, 7))
	for i := range full.Pix {
		full.Pix[i] = byte(i * 37)
	}
	g := full.SubImage(image.Rect(2, 1, 13, 7)).(*image.Gray) // width 11: padded rows
	data := encodeBMP(g, 300)
	img, err := bmp.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 11 || img.Bounds().Dy() != 6 {
		t.Fatalf("size %v, want 11×6", img.Bounds())
	}
	for y := range 6 {
		for x := range 11 {
			want := g.GrayAt(2+x, 1+y).Y
			if got := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y; got != want {
				t.Fatalf("pixel (%d,%d) = %d, want %d", x, y, got, want)
			}
		}
	}
	if ppm := binary.LittleEndian.Uint32(data[38:]); ppm != 11811 {
		t.Errorf("resolution %d pixels/metre, want 11811 (300 dpi)", ppm)
	}
}
