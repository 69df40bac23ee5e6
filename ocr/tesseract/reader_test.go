package tesseract_test

import (
	"context"
	"image"
	"strings"
	"sync/atomic"
	"testing"

	"kntc/ingest"
	"kntc/ocr"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
)

func newReader(t *testing.T) (*tesseract.Reader, *atomic.Int32) {
	t.Helper()
	requireOSD(t)
	r, err := tesseract.NewReader(newEngine(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	tesseract.SetOrient(r, func(ctx context.Context, page image.Image, dpi int) (int, float64, error) {
		calls.Add(1)
		return tesseract.DetectOrientation(ctx, page, dpi)
	})
	return r, &calls
}

// inked reports whether most words' boxes, in img's pixels, cover ink: the text
// layer lies on the text.
func inked(t *testing.T, img image.Image, words []ingest.Word) {
	t.Helper()
	b := img.Bounds()
	on := 0
	for _, w := range words {
		if w.X0 < 0 || w.Y0 < 0 || w.X1 > b.Dx() || w.Y1 > b.Dy() || w.X1 <= w.X0 || w.Y1 <= w.Y0 {
			t.Fatalf("word %q box (%d,%d)-(%d,%d) outside the %dx%d page", w.Text, w.X0, w.Y0, w.X1, w.Y1, b.Dx(), b.Dy())
		}
		dark := 0
		for y := w.Y0; y < w.Y1; y++ {
			for x := w.X0; x < w.X1; x++ {
				r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				if max(r, g, bl) < 0x8000 {
					dark++
				}
			}
		}
		if dark*20 >= (w.X1-w.X0)*(w.Y1-w.Y0) { // 5% of the box is ink
			on++
		}
	}
	if len(words) == 0 || on*10 < len(words)*9 {
		t.Fatalf("%d of %d word boxes lie on ink", on, len(words))
	}
}

func TestReaderTurnsPages(t *testing.T) {
	r, calls := newReader(t)
	page, lines := samplePage(t, "luat-to-cao-2018-dieu-22-32.txt", 0, 250)
	want := strings.Join(lines, "\n")
	tests := []struct {
		name     string
		turn     int // how far the page was turned clockwise when scanned
		rotation int // the Recognition.Rotation that makes it upright
		osd      int32
	}{
		{"upright", 0, 0, 0},
		{"upside down", 180, 180, 1},
		{"turned 90", 90, 270, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Store(0)
			scan := ocr.Rotate(page, tt.turn)
			rec, err := r.Recognize(t.Context(), scan, 300)
			if err != nil {
				t.Fatal(err)
			}
			cer := ocrtest.CER(rec.Text, want)
			t.Logf("rotation %d, CER %.4f, %d OSD calls", rec.Rotation, cer, calls.Load())
			if rec.Rotation != tt.rotation {
				t.Fatalf("Rotation = %d, want %d", rec.Rotation, tt.rotation)
			}
			if cer > 0.01 {
				t.Errorf("CER %.3f, want ≤ 0.01\n%s", cer, rec.Text)
			}
			if got := calls.Load(); got != tt.osd {
				t.Errorf("%d orientation detections, want %d", got, tt.osd)
			}
			// Boxes are in the pixels of the scan turned by Rotation: the archived page.
			inked(t, ocr.Rotate(scan, rec.Rotation), rec.Words)
		})
	}
}

func TestReaderBoxesAtScanResolution(t *testing.T) {
	r, _ := newReader(t)
	page, lines := samplePage(t, "luat-khieu-nai-2011-dieu-27-35.txt", 0, 200)
	scan, dpi := ocrtest.Seal600(page, 5)
	rec, err := r.Recognize(t.Context(), scan, dpi)
	if err != nil {
		t.Fatal(err)
	}
	if cer := ocrtest.CER(rec.Text, strings.Join(lines, "\n")); cer > 0.01 {
		t.Errorf("CER %.3f on a 600 dpi page with a red seal", cer)
	}
	inked(t, scan, rec.Words)
	right := 0
	for _, w := range rec.Words {
		right = max(right, w.X1)
	}
	if right < scan.Bounds().Dx()/2 {
		t.Errorf("rightmost box ends at %d of %d pixels: boxes are not at the scan's 600 dpi", right, scan.Bounds().Dx())
	}
}

func TestReaderRemovesSpeckNoise(t *testing.T) {
	r, calls := newReader(t)
	page, lines := samplePage(t, "nd-31-2019-to-cao-dieu-09-18.txt", 0, 250)
	scan, dpi := ocrtest.Speckled(page, 3)
	rec, err := r.Recognize(t.Context(), scan, dpi)
	if err != nil {
		t.Fatal(err)
	}
	cer := ocrtest.CER(rec.Text, strings.Join(lines, "\n"))
	t.Logf("CER %.4f", cer)
	if cer > 0.01 {
		t.Errorf("CER %.3f on a speckled page, want ≤ 0.01\n%s", cer, rec.Text)
	}
	for l := range strings.SplitSeq(rec.Text, "\n") {
		if ocr.IsNoiseLine(strings.Fields(l)) {
			t.Errorf("noise line %q left in the text", l)
		}
	}
	if calls.Load() != 0 {
		t.Errorf("orientation detected on an upright page")
	}
	if rec.Rotation != 0 {
		t.Errorf("Rotation %d on an upright page", rec.Rotation)
	}
}

func TestReaderBlankAndEmpty(t *testing.T) {
	r, calls := newReader(t)
	blank := image.NewGray(image.Rect(0, 0, 1240, 1754))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	rec, err := r.Recognize(t.Context(), blank, 150)
	if err != nil || rec.Text != "" || rec.Rotation != 0 {
		t.Errorf("blank page: %q, rotation %d, %v", rec.Text, rec.Rotation, err)
	}
	if calls.Load() != 0 {
		t.Error("orientation detected on a blank page")
	}
	if _, err := r.Recognize(t.Context(), image.NewGray(image.Rect(0, 0, 0, 0)), 300); err == nil {
		t.Error("an empty image was accepted")
	}
}
