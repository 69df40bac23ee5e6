package tesseract_test

import (
	"context"
	"image"
	"strings"
	"sync/atomic"
	"testing"

	"kntc/ingest"
	"kntc/ocr"
	"kntc/ocr/clean"
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
	page, lines := generatedPage(t, 1, 250)
	want := strings.Join(lines, "\n")
	// The page's ink says how it lies (clean.Orientation): no turn needs OSD.
	tests := []struct {
		name     string
		turn     int // how far the page was turned clockwise when scanned
		rotation int // the Recognition.Rotation that makes it upright
	}{
		{"upright", 0, 0},
		{"upside down", 180, 180},
		{"turned 90", 90, 270},
		{"turned 270", 270, 90},
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
			if got := calls.Load(); got != 0 {
				t.Errorf("%d orientation detections, want none", got)
			}
			// Boxes are in the pixels of the scan turned by Rotation: the archived page.
			inked(t, ocr.Rotate(scan, rec.Rotation), rec.Words)
		})
	}
}

// TestReaderFallsBackToOSD reads pages whose ink misleads clean.Orientation or
// leaves it unsure: a wrong guess reads as garbage, and OSD then finds the turn; no
// guess asks OSD before reading. Either way the text comes out right, for one
// orientation detection.
func TestReaderFallsBackToOSD(t *testing.T) {
	r, calls := newReader(t)
	// Syllables with no ascenders and no marks above them, but descenders and the
	// dot of the nặng tone below: upright, the ink looks upside down. Tesseract
	// reads such made-up text at about 5% CER upright.
	marksBelow, marksBelowLines := render(t, strings.Repeat("quạ gọn ngay nạp gạo, mẹ xem cụ cọp sạn vạn ngọc, xe xa nguy quy vụ cạn rạp mọc ngọn vọng. ", 6))
	// Capitals carry their marks apart from them: a page of them gives no opinion.
	capitals, capitalsLines := render(t, strings.Repeat("ỦY BAN NHÂN DÂN TỈNH TÂY NINH QUYẾT ĐỊNH VỀ VIỆC GIẢI QUYẾT KHIẾU NẠI CỦA BÀ NGUYỄN THỊ HOÀ, TRÚ TẠI PHƯỜNG LONG THÀNH TRUNG. ", 4))
	tests := []struct {
		name     string
		page     *image.Gray
		lines    []string
		turn     int // how far the page was turned clockwise when scanned
		rotation int // the Recognition.Rotation that makes it upright
		// misled: clean.Orientation is sure of a wrong turn, so the page is read
		// wrong first; else it has no opinion (OSD is asked before reading a
		// sideways page, after reading an upside-down one as it is).
		misled bool
		maxCER float64
	}{
		{"marks below, upright", marksBelow, marksBelowLines, 0, 0, true, 0.1},
		{"marks below, turned 90", marksBelow, marksBelowLines, 90, 270, true, 0.1},
		{"capitals turned 90", capitals, capitalsLines, 90, 270, false, 0.01},
		{"capitals upside down", capitals, capitalsLines, 180, 180, false, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scan := ocr.Rotate(tt.page, tt.turn)
			// The premise: the ink is wrong about this page, or has no opinion.
			if deg, sure := clean.Orientation(clean.Prepare(scan, 300).Gray); sure != tt.misled || sure && deg == tt.rotation {
				t.Fatalf("clean.Orientation = %d, sure %v: the page does not test the fallback it is meant to", deg, sure)
			}
			calls.Store(0)
			rec, err := r.Recognize(t.Context(), scan, 300)
			if err != nil {
				t.Fatal(err)
			}
			cer := ocrtest.CER(rec.Text, strings.Join(tt.lines, "\n"))
			t.Logf("rotation %d, CER %.4f, %d OSD calls", rec.Rotation, cer, calls.Load())
			if rec.Rotation != tt.rotation {
				t.Fatalf("Rotation = %d, want %d", rec.Rotation, tt.rotation)
			}
			if cer > tt.maxCER {
				t.Errorf("CER %.3f, want ≤ %g\n%s", cer, tt.maxCER, rec.Text)
			}
			if got := calls.Load(); got != 1 {
				t.Errorf("%d orientation detections, want 1", got)
			}
			inked(t, ocr.Rotate(scan, rec.Rotation), rec.Words)
		})
	}
}

func TestReaderBoxesAtScanResolution(t *testing.T) {
	r, _ := newReader(t)
	page, lines := generatedPage(t, 2, 200)
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
	page, lines := generatedPage(t, 3, 250)
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

// A sideways page the ink cannot tell the way up of, and OSD has no opinion of
// either (it says 0 then): the page is read at the ink's guess of 90 or 270 rather
// than as scanned, and when that guess was wrong, the opposite turn is read next.
// Either way the text comes out right.
func TestReaderSidewaysWithoutOSDOpinion(t *testing.T) {
	r, _ := newReader(t)
	var calls atomic.Int32
	tesseract.SetOrient(r, func(context.Context, image.Image, int) (int, float64, error) {
		calls.Add(1)
		return 0, 0, nil // what DetectOrientation answers below its confidence
	})
	capitals, lines := render(t, strings.Repeat("ỦY BAN NHÂN DÂN TỈNH TÂY NINH QUYẾT ĐỊNH VỀ VIỆC GIẢI QUYẾT KHIẾU NẠI CỦA BÀ NGUYỄN THỊ HOÀ, TRÚ TẠI PHƯỜNG LONG THÀNH TRUNG. ", 4))
	for _, turn := range []int{90, 270} {
		scan := ocr.Rotate(capitals, turn)
		if deg, sure := clean.Orientation(clean.Prepare(scan, 300).Gray); sure || (deg != 90 && deg != 270) {
			t.Fatalf("turned %d: clean.Orientation = %d, sure %v; the page does not test this case", turn, deg, sure)
		}
		calls.Store(0)
		rec, err := r.Recognize(t.Context(), scan, 300)
		if err != nil {
			t.Fatal(err)
		}
		if want := (360 - turn) % 360; rec.Rotation != want {
			t.Errorf("turned %d: Rotation = %d, want %d", turn, rec.Rotation, want)
		}
		if cer := ocrtest.CER(rec.Text, strings.Join(lines, "\n")); cer > 0.01 {
			t.Errorf("turned %d: CER %.3f\n%s", turn, cer, rec.Text)
		}
		if calls.Load() != 1 {
			t.Errorf("turned %d: %d orientation detections, want 1", turn, calls.Load())
		}
	}
}
