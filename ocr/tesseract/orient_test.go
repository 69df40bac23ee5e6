package tesseract_test

import (
	"context"
	"image"
	"os/exec"
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/ocr"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
)

// generatedPage renders words of ocrtest.GeneratedText(seed) on an A4 page at 300
// dpi and returns it with its ground-truth lines.
func generatedPage(tb testing.TB, seed int64, words int) (*image.Gray, []string) {
	tb.Helper()
	return textPage(tb, ocrtest.GeneratedText(seed, words))
}

// samplePage renders words of a sample text (KNTC_SAMPLES_DIR), after skipping the
// first skip, on an A4 page at 300 dpi and returns it with its ground-truth lines.
// Without the samples it skips tb.
func samplePage(tb testing.TB, name string, skip, words int) (*image.Gray, []string) {
	tb.Helper()
	text, err := ocrtest.SampleExcerpt(testenv.RequireSamples(tb), name, skip, words)
	if err != nil {
		tb.Fatal(err)
	}
	return textPage(tb, text)
}

// textPage renders text on an A4 page at 300 dpi and returns it with the lines
// drawn.
func textPage(tb testing.TB, text string) (*image.Gray, []string) {
	tb.Helper()
	img, lines, err := ocrtest.Render(text, ocrtest.Options{})
	if err != nil {
		testenv.Missing(tb, "fonts-dejavu-core", err.Error())
	}
	return img, lines
}

func requireOSD(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		testenv.Missing(tb, testenv.Tesseract, "no tesseract command (tesseract-ocr)")
	}
	langs, err := tesseract.Languages()
	if err != nil || !strings.Contains(" "+strings.Join(langs, " ")+" ", " osd ") {
		testenv.Missing(tb, testenv.Tesseract, "no OSD model (tesseract-ocr-osd)")
	}
}

func TestDetectOrientation(t *testing.T) {
	requireOSD(t)
	page, _ := generatedPage(t, 1, 400)
	for _, tc := range []struct {
		name string
		turn int // how far the page was turned clockwise
		want int // the clockwise turn that makes it upright
	}{
		{"upright", 0, 0},
		{"turned 90", 90, 270},
		{"upside down", 180, 180},
		{"turned 270", 270, 90},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := ocr.Rotate(page, tc.turn)
			got, conf, err := tesseract.DetectOrientation(t.Context(), img, 300)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("rotate %d, confidence %.2f", got, conf)
			if got != tc.want {
				t.Fatalf("rotate %d (confidence %.2f), want %d", got, conf, tc.want)
			}
		})
	}
}

func TestDetectOrientationBlankAndCancelled(t *testing.T) {
	requireOSD(t)
	blank := image.NewGray(image.Rect(0, 0, 600, 800))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	got, _, err := tesseract.DetectOrientation(t.Context(), blank, 300)
	if err != nil || got != 0 {
		t.Errorf("blank page: rotate %d, %v; want 0, nil", got, err)
	}
	if _, _, err := tesseract.DetectOrientation(t.Context(), image.NewGray(image.Rect(0, 0, 0, 0)), 300); err == nil {
		t.Error("an empty image was accepted")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := tesseract.DetectOrientation(ctx, blank, 300); err == nil {
		t.Error("a cancelled context was not reported")
	}
}
