package tesseract_test

import (
	"image"
	"image/draw"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
)

// TestWeakHeaderLineReadAgain: a line at the top of the page that the page's
// reading got wrong (low confidence) is read again alone and replaced by the
// confident reading, in its place, with its line numbers (after tone correction,
// as Recognize gives it); a confident line, and
// a weak line below the header zone, are kept as they were.
func TestWeakHeaderLineReadAgain(t *testing.T) {
	r, _ := newReader(t)
	const text = "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
	img, _, err := ocrtest.Render(text, ocrtest.Options{HeightMM: 40, MarginMM: 5})
	if err != nil {
		testenv.Missing(t, "fonts-dejavu-core", err.Error())
	}
	ink := inkBounds(img)
	if ink.Empty() {
		t.Fatal("nothing rendered")
	}
	// The page's reading as it went wrong on a speckled page: the line's ink in
	// three words at confidence 20, then a confident line of its own.
	weak := func(box image.Rectangle) []ingest.Word {
		w := box.Dx() / 3
		var ws []ingest.Word
		for k, s := range []string{"SƠ", "ĐGƯYEN", "hiện"} {
			ws = append(ws, ingest.Word{Text: s, X0: box.Min.X + k*w, X1: box.Min.X + (k+1)*w - 5, Y0: box.Min.Y, Y1: box.Max.Y,
				Block: 1, Par: 1, Line: 3, Confidence: 20})
		}
		return ws
	}
	sure := ingest.Word{Text: "TRƯỜNG", X0: 10, X1: 200, Y0: ink.Max.Y + 30, Y1: ink.Max.Y + 60, Block: 1, Par: 1, Line: 4, Confidence: 95}
	texts := func(ws []ingest.Word) string {
		var s []string
		for _, w := range ws {
			s = append(s, w.Text)
		}
		return strings.Join(s, " ")
	}

	got, err := tesseract.RereadWeakLines(t.Context(), r, img, 300, append(weak(ink), sure))
	if err != nil {
		t.Fatal(err)
	}
	got = tesseract.Correct(r, got) // as Recognize does next
	if want := text + " TRƯỜNG"; texts(got) != want {
		t.Errorf("read again: %q, want %q", texts(got), want)
	}
	for _, w := range got[:len(got)-1] {
		if w.Line != 3 || w.Block != 1 || w.Confidence < 60 || !image.Rect(w.X0, w.Y0, w.X1, w.Y1).Overlaps(ink) {
			t.Errorf("word %+v: not on the line it replaces", w)
		}
	}

	// The same line low on a page: not the header, left as read.
	tall := image.NewGray(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()*5))
	draw.Draw(tall, tall.Bounds(), image.White, image.Point{}, draw.Src)
	off := image.Pt(0, tall.Bounds().Dy()-img.Bounds().Dy())
	draw.Draw(tall, img.Bounds().Add(off), img, image.Point{}, draw.Src)
	low := weak(ink.Add(off))
	got, err = tesseract.RereadWeakLines(t.Context(), r, tall, 300, low)
	if err != nil {
		t.Fatal(err)
	}
	if texts(got) != texts(low) {
		t.Errorf("a weak line below the header zone was changed: %q", texts(got))
	}
}

// inkBounds is the smallest rectangle holding every dark pixel of g.
func inkBounds(g *image.Gray) image.Rectangle {
	var r image.Rectangle
	b := g.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if g.GrayAt(x, y).Y < 128 {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}
