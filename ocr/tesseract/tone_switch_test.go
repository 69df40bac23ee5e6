package tesseract_test

import (
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/ocr/tesseract"
)

// TestWithoutToneCorrection: a Reader corrects tone marks read as their neighbours
// unless told not to (KNTC_TONE_CORRECTION=false), when Tesseract's reading stays.
func TestWithoutToneCorrection(t *testing.T) {
	e := newEngine(t, 1)
	read := func(r *tesseract.Reader) string {
		var ws []ingest.Word
		for i, s := range strings.Fields("trong Công an nhân dần tỉnh") {
			ws = append(ws, ingest.Word{Text: s, Confidence: 80, Line: 1, X0: i * 100, Y0: 10, X1: i*100 + 90, Y1: 40})
		}
		var out []string
		for _, w := range tesseract.Correct(r, ws) {
			out = append(out, w.Text)
		}
		return strings.Join(out, " ")
	}
	on, err := tesseract.NewReader(e)
	if err != nil {
		t.Fatal(err)
	}
	if got := read(on); got != "trong Công an nhân dân tỉnh" {
		t.Errorf("with tone correction: %q", got)
	}
	off, err := tesseract.NewReader(e)
	if err != nil {
		t.Fatal(err)
	}
	off.WithoutToneCorrection()
	if got := read(off); got != "trong Công an nhân dần tỉnh" {
		t.Errorf("without tone correction: %q", got)
	}
}
