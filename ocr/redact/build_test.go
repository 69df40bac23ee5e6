package redact_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kntc/internal/testenv"
	"kntc/internal/viet"
	"kntc/ocr/ocrtest"
	pagefile "kntc/ocr/pages"
	"kntc/ocr/pdfa"
	"kntc/ocr/redact"
	"kntc/ocr/tesseract"
)

const (
	name  = "Lưu Thị Diễm Hương"
	cccd  = "079187654321"
	phone = "0912 345 678"
)

// TestBuildThroughTesseract: a rendered page naming a person with her CCCD and
// phone is read by Tesseract and archived as the pipeline does; the proposal
// covers all three; the public copy's pdftotext holds none of them with or
// without diacritics, its pixels under every rectangle are black, the archive is
// untouched, and dropping a rectangle makes the check fail.
func TestBuildThroughTesseract(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, "poppler-utils", tool+" not found")
		}
	}
	eng, err := tesseract.New(1, "vie")
	if err != nil {
		testenv.Missing(t, testenv.Tesseract, err.Error())
	}
	defer eng.Close()
	img, _, err := ocrtest.Render("KẾT LUẬN NỘI DUNG TỐ CÁO\nNgười tố cáo: bà "+name+", CCCD số "+cccd+
		", điện thoại "+phone+".\nNội dung tố cáo là đúng một phần.", ocrtest.Options{HeightMM: 80, DPI: 200})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := eng.Recognize(t.Context(), img, 200)
	if err != nil {
		t.Fatal(err)
	}
	var archive bytes.Buffer
	w, err := pdfa.NewWriter(&archive, pdfa.Meta{Title: "test", Lang: "vi-VN", CreateDate: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddPage(pdfa.Page{Image: img, DPI: 200, Words: rec.Words}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "archive.pdf")
	if err := os.WriteFile(path, archive.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	before := bytes.Clone(archive.Bytes())

	pages := []redact.Page{{Number: 1, Width: img.Rect.Dx(), Height: img.Rect.Dy(), DPI: 200, Words: rec.Words}}
	rects := redact.Propose(pages, []redact.Term{{Text: name, Reason: redact.ReasonDenouncer}})
	reasons := map[string]bool{}
	for _, r := range rects {
		reasons[r.Reason] = true
	}
	if !reasons[redact.ReasonDenouncer] || !reasons[redact.ReasonCCCD] || !reasons[redact.ReasonPhone] {
		t.Fatalf("proposal %+v lacks the name, the CCCD or the phone (OCR read %q)", rects, rec.Text)
	}
	secrets := []redact.Secret{{Text: name, Where: "name"}, {Text: cccd, Where: "cccd"}, {Text: phone, Where: "phone"}}
	res, err := redact.Build(t.Context(), path, pages, rects, redact.Options{Title: "công khai", Date: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := redact.Verify(t.Context(), res, rects, secrets); err != nil {
		t.Fatal(err)
	}

	// Independently of Verify: the text a reader extracts, and the copy's image.
	out := filepath.Join(t.TempDir(), "public.pdf")
	if dir := os.Getenv("KNTC_TEST_ARTIFACTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "redact-public.pdf"), res.PDF, 0o600)
	}
	if err := os.WriteFile(out, res.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	folded, digitsOnly := viet.FoldWords(string(text)), strings.NewReplacer(" ", "", ".", "").Replace(string(text))
	for _, s := range []string{"luu thi diem huong", "diem huong"} {
		if strings.Contains(folded, s) {
			t.Errorf("the public copy's text holds %q:\n%s", s, text)
		}
	}
	for _, s := range []string{cccd, "0912345678"} {
		if strings.Contains(digitsOnly, s) {
			t.Errorf("the public copy's text holds %s:\n%s", s, text)
		}
	}
	if !strings.Contains(string(text), "BẢN CÔNG KHAI – 20/03/2026") || !strings.Contains(folded, "noi dung to cao la dung mot phan") {
		t.Errorf("the public copy lacks its stamp or its remaining text:\n%s", text)
	}
	pf, err := pagefile.Open(t.Context(), out, pagefile.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	pg, err := pf.Page(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if pg.JPEG != nil || pg.Image.Bounds().Dx() != img.Rect.Dx() {
		t.Fatalf("the copy's page image: %v, JPEG %v", pg.Image.Bounds(), pg.JPEG != nil)
	}
	band := pg.Image.Bounds().Dy() - img.Rect.Dy()
	for _, r := range rects {
		for y := r.Y0; y < r.Y1; y++ {
			for x := r.X0; x < r.X1; x++ {
				if c, _, _, _ := pg.Image.At(x, y+band).RGBA(); c != 0 {
					t.Fatalf("pixel (%d,%d) under %+v is %d, not black", x, y, r, c>>8)
				}
			}
		}
	}
	if !bytes.Equal(before, archive.Bytes()) {
		t.Error("the archive copy changed")
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, before) {
		t.Errorf("the archive file changed: %v", err)
	}

	// Without the name's rectangle the check stops it.
	var fewer []redact.Rect
	for _, r := range rects {
		if r.Reason != redact.ReasonDenouncer {
			fewer = append(fewer, r)
		}
	}
	res2, err := redact.Build(t.Context(), path, pages, fewer, redact.Options{Date: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := redact.Verify(t.Context(), res2, fewer, secrets); !errors.Is(err, redact.ErrLeak) || strings.Contains(err.Error(), "Hương") {
		t.Errorf("a copy still naming her passed the check, or the reason names her: %v", err)
	}
}
