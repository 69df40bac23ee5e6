package tesseract_test

import (
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
)

// samplePage renders words of a file in ../shared/samples, after skipping the first
// skip, on an A4 page at 300 dpi and returns it with its ground-truth lines.
func samplePage(tb testing.TB, name string, skip, words int) (*image.Gray, []string) {
	tb.Helper()
	dir, err := ocrtest.SamplesDir()
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		tb.Fatal(err)
	}
	// Keep the paragraphs but stop after the given number of words.
	var b strings.Builder
	n := 0
	for _, para := range strings.Split(string(raw), "\n") {
		f := strings.Fields(para)
		if skip > 0 {
			k := min(skip, len(f))
			f, skip = f[k:], skip-k
		}
		if len(f) == 0 {
			continue
		}
		if n+len(f) > words {
			f = f[:words-n]
		}
		b.WriteString(strings.Join(f, " ") + "\n")
		if n += len(f); n >= words {
			break
		}
	}
	img, lines, err := ocrtest.Render(b.String(), ocrtest.Options{})
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
	page, _ := samplePage(t, "luat-to-cao-2018-dieu-22-32.txt", 0, 400)
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
			img := tesseract.Rotate(page, tc.turn)
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
			got := tesseract.Rotate(src, tc.degrees).(*image.Gray)
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
			r := tesseract.Rotate(rgba, tc.degrees).(*image.RGBA)
			for i, v := range tc.want {
				if r.Pix[i*4] != v {
					t.Fatalf("RGBA rotation differs at %d: %v", i, r.Pix)
				}
			}
		})
	}
}
