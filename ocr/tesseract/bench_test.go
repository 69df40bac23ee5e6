package tesseract_test

import (
	"fmt"
	"image"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"kntc/ocr"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
)

// benchSamples are long sample texts; page i reads file i mod len, further on in the
// file for each round.
var benchSamples = []string{
	"luat-khieu-nai-2011-dieu-27-35.txt",
	"luat-to-cao-2018-dieu-33-39.txt",
	"tt-07-2013-ttcp-quy-trinh-giai-quyet-khieu-nai-dieu-18-22.txt",
	"nd-31-2019-to-cao-dieu-09-18.txt",
	"luat-tiep-cong-dan-2013-dieu-24-30.txt",
}

// BenchmarkOCRVariants prints, per scan variant, the character error rate and the
// seconds per page of raw Tesseract (one instance, one thread) and of Tesseract after
// orientation correction — OSD and a turn by a multiple of 90°, nothing else — on
// KNTC_BENCH_PAGES (default 3) A4 pages of sample text. Run it once:
//
//	go test -run '^$' -bench BenchmarkOCRVariants -benchtime 1x ./ocr/tesseract
func BenchmarkOCRVariants(b *testing.B) {
	requireOSD(b)
	n := 3
	if s := os.Getenv("KNTC_BENCH_PAGES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("KNTC_BENCH_PAGES=%q: want a positive number", s)
		}
		n = v
	}
	e, err := tesseract.New(1, "vie")
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	type page struct {
		img  *image.Gray
		want string
	}
	var pages []page
	for i := range n {
		img, lines := samplePage(b, benchSamples[i%len(benchSamples)], 450*(i/len(benchSamples)), 450)
		pages = append(pages, page{img, strings.Join(lines, "\n")})
	}
	for b.Loop() {
		var table strings.Builder
		fmt.Fprintf(&table, "%d A4 pages of sample text; 'oriented' = Tesseract OSD + turn by a multiple of 90° only\n", n)
		fmt.Fprintf(&table, "%-12s %9s %9s %11s %11s\n", "variant", "raw CER", "s/page", "orient CER", "s/page")
		for _, v := range ocrtest.Variants() {
			var rawCER, rawSec, oCER, oSec float64
			for i, p := range pages {
				img, dpi := v.Make(p.img, int64(i+1))
				t0 := time.Now()
				r, err := e.Recognize(b.Context(), img, dpi)
				if err != nil {
					b.Fatal(err)
				}
				rawSec += time.Since(t0).Seconds()
				rawCER += ocrtest.CER(r.Text, p.want)

				t0 = time.Now()
				deg, _, err := tesseract.DetectOrientation(b.Context(), img, dpi)
				if err != nil {
					b.Fatal(err)
				}
				r, err = e.Recognize(b.Context(), ocr.Rotate(img, deg), dpi)
				if err != nil {
					b.Fatal(err)
				}
				oSec += time.Since(t0).Seconds()
				oCER += ocrtest.CER(r.Text, p.want)
			}
			k := float64(len(pages))
			fmt.Fprintf(&table, "%-12s %8.2f%% %9.2f %10.2f%% %11.2f\n", v.Name, 100*rawCER/k, rawSec/k, 100*oCER/k, oSec/k)
		}
		fmt.Print(table.String())
	}
}
