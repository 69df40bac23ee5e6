package ocr_test

import (
	"image"
	"testing"

	"kntc/ocr"
)

func TestRotate(t *testing.T) {
	// A 3×2 grey image with distinct pixels, offset from the origin.
	src := image.NewGray(image.Rect(5, 7, 8, 9))
	copy(src.Pix, []uint8{1, 2, 3, 4, 5, 6})
	for _, tc := range []struct {
		name    string
		degrees int
		w, h    int
		want    []uint8
	}{
		{"0", 0, 3, 2, []uint8{1, 2, 3, 4, 5, 6}},
		{"90", 90, 2, 3, []uint8{4, 1, 5, 2, 6, 3}},
		{"180", 180, 3, 2, []uint8{6, 5, 4, 3, 2, 1}},
		{"270", 270, 2, 3, []uint8{3, 6, 2, 5, 1, 4}},
		{"-90", -90, 2, 3, []uint8{3, 6, 2, 5, 1, 4}},
		{"450", 450, 2, 3, []uint8{4, 1, 5, 2, 6, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ocr.Rotate(src, tc.degrees).(*image.Gray)
			if got.Bounds() != image.Rect(0, 0, tc.w, tc.h) || string(got.Pix) != string(tc.want) {
				t.Fatalf("%v %v, want %dx%d %v", got.Bounds(), got.Pix, tc.w, tc.h, tc.want)
			}
			// The RGBA path agrees with the grey one.
			rgba := image.NewRGBA(src.Bounds())
			for y := src.Bounds().Min.Y; y < src.Bounds().Max.Y; y++ {
				for x := src.Bounds().Min.X; x < src.Bounds().Max.X; x++ {
					rgba.Set(x, y, src.At(x, y))
				}
			}
			r := ocr.Rotate(rgba, tc.degrees).(*image.RGBA)
			for i, v := range tc.want {
				if r.Pix[i*4] != v {
					t.Fatalf("RGBA rotation differs at %d: %v", i, r.Pix)
				}
			}
		})
	}
}
