package tesseract_test

import (
	"context"
	"encoding/json"
	"image"
	"os"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
)

// dumpPage is one page read by the Reader before tone correction, with the text
// drawn on it.
type dumpPage struct {
	Set     string        `json:"set"`
	Variant string        `json:"variant"`
	Page    int           `json:"page"`
	Truth   string        `json:"truth"`
	Words   []ingest.Word `json:"words"`
}

// confusionSamples are sample texts the OCR benchmark does not read: the pages the
// tone confusions are measured on.
var confusionSamples = []string{
	"luat-khieu-nai-2011-dieu-01-08.txt",
	"luat-to-cao-2018-dieu-22-32.txt",
	"nd-224-2025-sua-doi-nd-22-2019-to-cao-cong-an.txt",
	"tt-46-2025-bkhcn-tiep-cong-dan-kntc-p2.txt",
	"qd-48-2025-ttg-quy-che-phan-anh-kien-nghi-p1.txt",
	"tt-06-2014-ttcp-quy-trinh-tiep-cong-dan-dieu-01-14.txt",
}

// BenchmarkOCRDump writes, as JSON lines to the file KNTC_OCR_DUMP, the words the
// Reader reads before tone correction on every scan variant of the pages of
// BenchmarkOCRVariants ("bench"), of pages of other sample texts ("confusion") and
// of the generated decision pages ("two-column"). Development aid for the tone
// corrector (ocr/tonelm): its confusion table and thresholds are measured on such
// a dump without reading the pages again.
func BenchmarkOCRDump(b *testing.B) {
	path := os.Getenv("KNTC_OCR_DUMP")
	if path == "" {
		b.Skip("KNTC_OCR_DUMP not set; set it to a file name to write the OCR dump")
	}
	requireOSD(b)
	e, err := tesseract.New(1, "vie")
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	r, err := tesseract.NewReader(e)
	if err != nil {
		b.Fatal(err)
	}
	var before []ingest.Word
	tesseract.SetCorrect(r, func(ws []ingest.Word) []ingest.Word {
		before = append([]ingest.Word(nil), ws...)
		return ws
	})
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	type page struct {
		set  string
		img  *image.Gray
		want string
	}
	var pages []page
	for i := range 5 {
		img, lines := samplePage(b, benchSamples[i%len(benchSamples)], 450*(i/len(benchSamples)), 450)
		pages = append(pages, page{"bench", img, strings.Join(lines, "\n")})
	}
	for _, name := range confusionSamples {
		img, lines := samplePage(b, name, 0, 450)
		pages = append(pages, page{"confusion", img, strings.Join(lines, "\n")})
	}
	for b.Loop() {
		for _, v := range ocrtest.Variants() {
			for i, p := range pages {
				img, dpi := v.Make(p.img, int64(i%5+1))
				if _, err := r.Recognize(context.Background(), img, dpi); err != nil {
					b.Fatal(err)
				}
				if err := enc.Encode(dumpPage{p.set, v.Name, i, p.want, before}); err != nil {
					b.Fatal(err)
				}
			}
		}
		for i, hc := range ocrtest.GeneratedHeaders(benchHeaders, 2026) {
			img, lines, err := ocrtest.RenderDecision(hc.Decision)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := r.Recognize(context.Background(), img, 300); err != nil {
				b.Fatal(err)
			}
			if err := enc.Encode(dumpPage{"two-column", "two-column", i, strings.Join(lines, "\n"), before}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
