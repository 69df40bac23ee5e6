package clean_test

import (
	"image"
	"testing"

	"kntc/ocr/clean"
)

func TestRemoveRules(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 600, 400))
	for i := range g.Pix {
		g.Pix[i] = 0xff
	}
	set := func(x0, y0, x1, y1 int, v uint8) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				g.Pix[y*g.Stride+x] = v
			}
		}
	}
	set(50, 100, 550, 102, 0)   // a table's horizontal rule
	set(50, 102, 550, 103, 100) // its grey edge
	set(300, 50, 302, 350, 0)   // a vertical rule
	set(100, 200, 104, 250, 0)  // a letter's stem, 50 pixels
	set(150, 200, 190, 204, 0)  // a letter's bar, 40 pixels
	clean.RemoveRules(g, 300)
	at := func(x, y int) uint8 { return g.Pix[y*g.Stride+x] }
	for _, p := range [][2]int{{60, 100}, {540, 101}, {200, 102}, {300, 60}, {301, 340}} {
		if v := at(p[0], p[1]); v != 0xff {
			t.Errorf("rule pixel %v left at %d", p, v)
		}
	}
	for _, p := range [][2]int{{101, 210}, {160, 202}} {
		if v := at(p[0], p[1]); v != 0 {
			t.Errorf("letter pixel %v removed", p)
		}
	}
}
