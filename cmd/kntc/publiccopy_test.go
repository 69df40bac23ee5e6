package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/internal/viet"
	pagefile "kntc/ocr/pages"
)

// The checks every test of a published public copy makes (the publication tests
// and the portal's browser test share them): a planted identity, looked for in
// any text with or without diacritics; pdftotext of the copy; the pixels under
// each redaction.

// identity is a planted identity the public side must never show: names and
// addresses as folded words, ID and phone numbers by their digits.
type identity struct {
	words   []string // folded (viet.FoldWords), matched on word boundaries
	numbers []string // digits only
}

// leak returns the piece of the identity s holds, folded on both sides (with or
// without diacritics, any case; numbers by their digits), or "".
func (id identity) leak(s string) string {
	words := " " + viet.FoldWords(s) + " "
	digits := strings.NewReplacer(" ", "", ".", "", "-", "", "\u00a0", "").Replace(s)
	for _, w := range id.words {
		if strings.Contains(words, " "+w+" ") {
			return w
		}
	}
	for _, d := range id.numbers {
		if strings.Contains(digits, d) {
			return d
		}
	}
	return ""
}

// needPoppler skips (fails under CI) without pdftotext and pdftoppm.
func needPoppler(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(t, "poppler-utils", tool+" not found")
		}
	}
}

// redactRect is a redaction rectangle in the scanned page's pixels.
type redactRect struct{ Page, X0, Y0, X1, Y1 int }

// redactRects reads the rectangles of an API answer ("rects" of a proposal).
func redactRects(list []any) []redactRect {
	var out []redactRect
	for _, r := range list {
		m, _ := r.(map[string]any)
		out = append(out, redactRect{Page: num(m["page"]), X0: num(m["x0"]), Y0: num(m["y0"]), X1: num(m["x1"]), Y1: num(m["y1"])})
	}
	return out
}

// pageSizes reads the pages' sizes of a proposal (its "pages": width, height).
func pageSizes(prop map[string]any) [][2]int {
	var out [][2]int
	pages, _ := prop["pages"].([]any)
	for _, p := range pages {
		m, _ := p.(map[string]any)
		out = append(out, [2]int{num(m["width"]), num(m["height"])})
	}
	return out
}

// checkPublicCopy checks the public copy pdf of a document whose pages were
// sizes (width × height, the pixels the rectangles are in): pdftotext of it holds
// nothing leak finds, holds the stamp "BẢN CÔNG KHAI" and the folded words want;
// each page is the archive's page under the stamp's band, and every pixel under
// every rectangle is black. It returns the copy's text. name is the copy's file
// name among the test artifacts (KNTC_TEST_ARTIFACTS).
func checkPublicCopy(t *testing.T, name string, pdf []byte, sizes [][2]int, rects []redactRect, leak func(string) string, want string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	must(t, os.WriteFile(path, pdf, 0o644))
	if dir := os.Getenv("KNTC_TEST_ARTIFACTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, name), pdf, 0o644)
	}
	text, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	must(t, err)
	if l := leak(string(text)); l != "" {
		t.Errorf("pdftotext of the public copy holds %q:\n%s", l, text)
	}
	if !strings.Contains(string(text), "BẢN CÔNG KHAI") || !strings.Contains(viet.FoldWords(string(text)), want) {
		t.Errorf("the public copy lacks its stamp or %q:\n%s", want, text)
	}
	pf, err := pagefile.Open(t.Context(), path, pagefile.Limits{})
	must(t, err)
	defer pf.Close()
	if pf.NumPages() != len(sizes) {
		t.Fatalf("the public copy has %d pages, the document %d", pf.NumPages(), len(sizes))
	}
	if len(rects) == 0 {
		t.Fatal("no redaction to check")
	}
	for n, size := range sizes {
		pg, err := pf.Page(t.Context(), n)
		must(t, err)
		w, h := size[0], size[1]
		band := pg.Image.Bounds().Dy() - h
		if pg.Image.Bounds().Dx() != w || band <= 0 {
			t.Fatalf("public page %d is %v for a %d×%d page", n+1, pg.Image.Bounds(), w, h)
		}
		for _, r := range rects {
			if r.Page < 1 || r.Page > len(sizes) {
				t.Fatalf("rectangle %v: no such page", r)
			}
			if r.Page != n+1 {
				continue
			}
			for y := r.Y0; y < r.Y1; y++ {
				for x := r.X0; x < r.X1; x++ {
					if v, _, _, _ := pg.Image.At(x, y+band).RGBA(); v != 0 {
						t.Fatalf("pixel (%d,%d) under %v is not black", x, y, r)
					}
				}
			}
		}
	}
	return string(text)
}
