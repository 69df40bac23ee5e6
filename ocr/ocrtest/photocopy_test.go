package ocrtest_test

import (
	"image"
	"testing"

	"kntc/ocr/ocrtest"
)

// TestPhotocopyIsOld checks what makes the photocopy variant an old photocopy: grey
// ink on grey, unevenly lit paper, and the back of the sheet showing through
// mirrored. The random draws do not depend on the page, so the same seed on a page
// with text and on a blank one differ only where text is, front or back.
func TestPhotocopyIsOld(t *testing.T) {
	page := mustRender(t) // text on the left part of the page
	b := page.Bounds()
	blank := image.NewGray(b)
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	img, _ := ocrtest.Photocopy(page, 4)
	ref, _ := ocrtest.Photocopy(blank, 4)
	got, paper := img.(*image.Gray), ref.(*image.Gray)

	var darkest, lightest uint8 = 255, 0
	for _, v := range paper.Pix {
		darkest, lightest = min(darkest, v), max(lightest, v)
	}
	if lightest > 240 {
		t.Errorf("paper as light as %d: an old copy's paper is grey", lightest)
	}
	// Mean paper brightness of the left and right tenths: the light falls off.
	mean := func(x0, x1 int) float64 {
		var s float64
		for y := range b.Dy() {
			for x := x0; x < x1; x++ {
				s += float64(paper.Pix[y*paper.Stride+x])
			}
		}
		return s / float64((x1-x0)*b.Dy())
	}
	if l, r := mean(0, b.Dx()/10), mean(b.Dx()*9/10, b.Dx()); l-r < 10 && r-l < 10 {
		t.Errorf("paper %0.f on the left, %0.f on the right: evenly lit", l, r)
	}
	inkMin := uint8(255)
	for _, v := range got.Pix {
		inkMin = min(inkMin, v)
	}
	if inkMin < 20 {
		t.Errorf("ink as dark as %d: a copy of a copy is grey", inkMin)
	}
	// Show-through: where the front is blank, the copy is darker than the copy of a
	// blank sheet in many places: the back's text.
	through := 0
	for y := range b.Dy() {
		for x := range b.Dx() {
			if frontInk(page, x, y) {
				continue // the front's own ink, or its blurred edge
			}
			if int(paper.GrayAt(x, y).Y)-int(got.GrayAt(x, y).Y) >= 8 {
				through++
			}
		}
	}
	if through < 1000 {
		t.Errorf("%d pixels show the back through", through)
	}
}

// frontInk reports whether the page has ink within three pixels of (x, y).
func frontInk(page *image.Gray, x, y int) bool {
	for dy := -3; dy <= 3; dy++ {
		for dx := -3; dx <= 3; dx++ {
			if p := image.Pt(x+dx, y+dy); p.In(page.Bounds()) && page.GrayAt(p.X, p.Y).Y < 250 {
				return true
			}
		}
	}
	return false
}
