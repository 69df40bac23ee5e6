package tesseract_test

import (
	"context"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
)

// TestCorrectedWordsCarryTheirBoxes: what the tone corrector changes is what
// Recognize returns — the words (from which the PDF/A text layer, the search
// text and the highlights are made) and the page text — and each corrected word
// keeps the box Tesseract read it in.
func TestCorrectedWordsCarryTheirBoxes(t *testing.T) {
	e := newEngine(t, 1)
	img, _, err := ocrtest.Render("Điều 12. Trách nhiệm của cơ quan, tổ chức, cá nhân có thẩm quyền giải quyết khiếu nại", ocrtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	recognize := func(correct func([]ingest.Word) []ingest.Word) ingest.Recognition {
		r, err := tesseract.NewReader(e)
		if err != nil {
			t.Fatal(err)
		}
		tesseract.SetCorrect(r, correct)
		rec, err := r.Recognize(context.Background(), img, 300)
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	plain := recognize(func(ws []ingest.Word) []ingest.Word { return ws })
	// A corrector that changes every third word, so the change can be followed.
	marked := recognize(func(ws []ingest.Word) []ingest.Word {
		out := append([]ingest.Word(nil), ws...)
		for i := range out {
			if i%3 == 0 {
				out[i].Text = "Ⓜ" + out[i].Text
			}
		}
		return out
	})
	if len(plain.Words) < 10 || len(marked.Words) != len(plain.Words) {
		t.Fatalf("%d words read, %d after marking", len(plain.Words), len(marked.Words))
	}
	for i, w := range marked.Words {
		want := plain.Words[i]
		if i%3 == 0 {
			want.Text = "Ⓜ" + want.Text
		}
		if w != want {
			t.Errorf("word %d: %+v, want %+v", i, w, want)
		}
		if !strings.Contains(marked.Text, w.Text) {
			t.Errorf("page text lacks the corrected word %q: %q", w.Text, marked.Text)
		}
	}
}
