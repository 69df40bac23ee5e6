package tesseract_test

import (
	"context"
	"image"
	"image/draw"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
)

func TestMain(m *testing.M) {
	tesseract.ReexecWithThreadLimit()
	os.Exit(m.Run())
}

func newEngine(t *testing.T, slots int) *tesseract.Engine {
	t.Helper()
	langs, err := tesseract.Languages()
	if err != nil || !strings.Contains(strings.Join(langs, " "), "vie") {
		testenv.Missing(t, testenv.Tesseract, "no Vietnamese model (tesseract-ocr-vie)")
	}
	e, err := tesseract.New(slots, "vie")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

func render(t *testing.T, text string) (*image.Gray, []string) {
	t.Helper()
	img, lines, err := ocrtest.Render(text, ocrtest.Options{HeightMM: 80})
	if err != nil {
		testenv.Missing(t, "fonts-dejavu-core", err.Error())
	}
	return img, lines
}

const decision = "QUYẾT ĐỊNH\nVề việc thụ lý giải quyết khiếu nại lần đầu của bà Nguyễn Thị Hoà\n" +
	"Căn cứ Luật Khiếu nại ngày 11 tháng 11 năm 2011; xét đơn khiếu nại đề ngày 05 tháng 02 năm 2026 " +
	"về việc thu hồi đất tại phường Long Thành Trung, thị xã Hòa Thành."

func TestRecognizeVietnamese(t *testing.T) {
	e := newEngine(t, 1)
	img, lines := render(t, decision)
	r, err := e.Recognize(t.Context(), img, 300)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(lines, "\n")
	cer := ocrtest.CER(r.Text, want)
	t.Logf("CER %.4f, confidence %.1f, %d words\n%s", cer, r.Confidence, len(r.Words), r.Text)
	if cer > 0.03 {
		t.Fatalf("character error rate %.3f on a clean 300 dpi page, want ≤ 0.03\n got: %q\nwant: %q", cer, r.Text, want)
	}
	if !norm.NFC.IsNormalString(r.Text) || !utf8.ValidString(r.Text) {
		t.Fatal("text is not valid UTF-8 NFC")
	}
	if !strings.Contains(r.Text, "khiếu nại") {
		t.Fatalf("diacritics lost: %q", r.Text)
	}
	for _, w := range r.Words {
		if w.X1 <= w.X0 || w.Y1 <= w.Y0 || w.Confidence <= 0 {
			t.Fatalf("bad word box %+v", w)
		}
	}
}

// TestRecognizeSample reads the opening of a published law text from the sample
// texts (KNTC_SAMPLES_DIR), which are not in the repository.
func TestRecognizeSample(t *testing.T) {
	dir := testenv.RequireSamples(t)
	raw, err := os.ReadFile(filepath.Join(dir, "luat-khieu-nai-2011-dieu-27-35.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if len(text) > 900 {
		text = text[:strings.LastIndex(text[:900], " ")]
	}
	e := newEngine(t, 1)
	img, lines := render(t, text)
	r, err := e.Recognize(t.Context(), img, 300)
	if err != nil {
		t.Fatal(err)
	}
	cer := ocrtest.CER(r.Text, strings.Join(lines, "\n"))
	t.Logf("CER %.4f on %d lines of a sample law text", cer, len(lines))
	if cer > 0.03 {
		t.Fatalf("character error rate %.3f, want ≤ 0.03\n%s", cer, r.Text)
	}
}

func TestRecognizeConcurrentAndErrors(t *testing.T) {
	e := newEngine(t, 2)
	img, lines := render(t, "Biên bản đối thoại ngày 21 tháng 9 năm 2015")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			r, err := e.Recognize(context.Background(), img, 300)
			if err != nil {
				t.Error(err)
				return
			}
			if cer := ocrtest.CER(r.Text, strings.Join(lines, "\n")); cer > 0.05 {
				t.Errorf("concurrent recognition: CER %.3f: %q", cer, r.Text)
			}
		})
	}
	wg.Wait()
	if _, err := e.Recognize(t.Context(), image.NewGray(image.Rect(0, 0, 0, 0)), 300); err == nil {
		t.Error("an empty image was accepted")
	}
	// A colour page goes through the grey conversion.
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, image.Point{}, draw.Src)
	r, err := e.Recognize(t.Context(), rgba, 300)
	if err != nil || ocrtest.CER(r.Text, strings.Join(lines, "\n")) > 0.05 {
		t.Errorf("colour page: %v %q", err, r.Text)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	e1 := newEngine(t, 1)
	if _, err := e1.Recognize(ctx, img, 300); err == nil {
		t.Error("a cancelled context was not reported")
	}
	if _, err := tesseract.New(1, "khong-co"); err == nil {
		t.Error("a missing language model was accepted")
	}
}

// TestLargePageThenSmall: an instance lets go of a large page once it has read it
// (it reads a blank one); the words of the large page are kept, and the next page
// is read as it is.
func TestLargePageThenSmall(t *testing.T) {
	e := newEngine(t, 1)
	img, _ := render(t, decision)
	// The page in the top left corner of a 5000×4200 sheet (21 M pixels).
	big := image.NewGray(image.Rect(0, 0, 5000, 4200))
	draw.Draw(big, big.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(big, img.Bounds(), img, image.Point{}, draw.Src)
	for _, page := range []*image.Gray{big, img} {
		r, err := e.Recognize(t.Context(), page, 300)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.Text, "khiếu nại") || len(r.Words) < 20 {
			t.Fatalf("%v page: %d words: %q", page.Bounds().Size(), len(r.Words), r.Text)
		}
	}
}
