package tesseract_test

import (
	"strings"
	"testing"

	"kntc/internal/testenv"
	"kntc/ocr"
	"kntc/ocr/ocrtest"
)

// TestReaderFirstPapers reads the generated papers that arrive first (the citizen's
// letters, the phiếu chuyển đơn, the thụ lý notice, the gia hạn decision, the
// reception minutes) as kntc reads a scan, and parses the reading: each is its kind,
// and a letter has neither number nor issuer, though its body names its sender.
func TestReaderFirstPapers(t *testing.T) {
	r, _ := newReader(t)
	for _, hc := range ocrtest.GeneratedFirstPapers(2026) {
		t.Run(hc.Name, func(t *testing.T) {
			img, _, err := ocrtest.RenderDecision(hc.Decision)
			if err != nil {
				testenv.Missing(t, "fonts-dejavu-core", err.Error())
			}
			rec, err := r.Recognize(t.Context(), img, 300)
			if err != nil {
				t.Fatal(err)
			}
			h := ocr.ParseHeader(rec.Text)
			if h.Kind != hc.Want.Kind || h.Type != hc.Want.Type {
				t.Errorf("kind, type = %s, %q; want %s, %q\n%s", h.Kind, h.Type, hc.Want.Kind, hc.Want.Type, rec.Text)
			}
			if hc.Want.Issuer == "" && (h.Issuer != "" || h.Number != "") {
				t.Errorf("a letter read with issuer %q, number %q", h.Issuer, h.Number)
			}
			if hc.Want.Number != "" && h.Number != hc.Want.Number {
				t.Errorf("number %q, want %q", h.Number, hc.Want.Number)
			}
			if strings.TrimSpace(rec.Text) == "" {
				t.Error("nothing read")
			}
		})
	}
}
