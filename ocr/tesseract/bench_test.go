package tesseract_test

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr"
	"kntc/ocr/ocrtest"
	"kntc/ocr/tesseract"
	"kntc/ocr/tonelm"
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

// benchHeaders is how many generated decision pages the header rate is measured
// on (the issue asks for at least 40).
const benchHeaders = 40

// BenchmarkOCRVariants prints, per scan variant, the character and word error rates
// (NFC, whitespace collapsed, Levenshtein) and the seconds per page of raw Tesseract
// (Engine.Recognize: the page in grey, one instance, one thread) and of kntc
// (Reader.Recognize: cleaning, orientation when needed, noise removal, tone
// correction; and its reading before tone correction), measured in
// the same run on the same pages, each page read by both one after the other so
// that both see the same machine. The variants are ocrtest.Variants on
// KNTC_BENCH_PAGES (default 5) A4 pages of sample text, "two-column": the
// generated decision pages the header rate is measured on, and the layout sets
// (layoutSets: as many pages of decisions with a body in two columns, and of
// reports with a ruled table, clean and speckled), with their header rate and, for
// tables, how many cells are read in row order (ocrtest.CellsInOrder). Then, per header field,
// the share of those pages, and of the pages made from every sample with a header,
// on which the header parser (raw: ocr.ParseHeader of the text; kntc:
// ocr.ParsePageHeader of its words and text) gets the field right. KNTC_BENCH_VARIANTS
// (names separated by commas) measures only those variants; the header fields come
// with two-column. It needs the sample texts (KNTC_SAMPLES_DIR) and says so in one
// line without them. Run it once:
//
//	OMP_THREAD_LIMIT=1 go test -run '^$' -bench BenchmarkOCRVariants -benchtime 1x ./ocr/tesseract
func BenchmarkOCRVariants(b *testing.B) {
	requireOSD(b)
	testenv.RequireSamples(b)
	n := 5
	if s := os.Getenv("KNTC_BENCH_PAGES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("KNTC_BENCH_PAGES=%q: want a positive number", s)
		}
		n = v
	}
	variants := ocrtest.Variants()
	twoColumn := true
	layouts := layoutSets()
	if s := os.Getenv("KNTC_BENCH_VARIANTS"); s != "" {
		names := strings.Split(s, ",")
		for _, name := range names {
			if name != "two-column" && !slices.ContainsFunc(variants, func(v ocrtest.Variant) bool { return v.Name == name }) &&
				!slices.ContainsFunc(layouts, func(l layoutSet) bool { return l.name == name }) {
				b.Fatalf("KNTC_BENCH_VARIANTS=%q: no variant %q", s, name)
			}
		}
		twoColumn = slices.Contains(names, "two-column")
		variants = slices.DeleteFunc(variants, func(v ocrtest.Variant) bool { return !slices.Contains(names, v.Name) })
		layouts = slices.DeleteFunc(layouts, func(l layoutSet) bool { return !slices.Contains(names, l.name) })
	}
	e, err := tesseract.New(1, "vie")
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	kntc, err := tesseract.NewReader(e)
	if err != nil {
		b.Fatal(err)
	}
	// The reading before tone correction, kept by the hook, measured too.
	var untoned string
	tesseract.SetCorrect(kntc, func(ws []ingest.Word) []ingest.Word {
		untoned = wordsText(ws)
		return tonelm.Correct(ws)
	})
	type page struct {
		img  *image.Gray
		want string
	}
	var pages []page
	for i := range n {
		img, lines := samplePage(b, benchSamples[i%len(benchSamples)], 450*(i/len(benchSamples)), 450)
		pages = append(pages, page{img, strings.Join(lines, "\n")})
	}
	headers := ocrtest.GeneratedHeaders(benchHeaders, 2026)
	samples := sampleHeaders(b)
	for b.Loop() {
		var table strings.Builder
		fmt.Fprintf(&table, "%d A4 pages of sample text per variant; two-column: %d generated decision pages\n", n, len(headers))
		fmt.Fprintf(&table, "kntc untoned: kntc before tone correction (ocr/tonelm); tone errs: words read with the right letters but a wrong tone or vowel mark (all pages)\n")
		fmt.Fprintf(&table, "%-12s | %8s %8s %7s | %8s | %8s %8s %7s | %21s\n", "variant", "raw CER", "raw WER", "s/page", "untoned", "kntc CER", "kntc WER", "s/page", "tone errs raw/unt/kntc")
		var rawTotal, kntcTotal float64
		row := func(name string, raw, unt, kn score) {
			fmt.Fprintf(&table, "%-12s | %7.3f%% %7.2f%% %7.2f | %7.3f%% | %7.3f%% %7.2f%% %7.2f | %7d %6d %6d\n", name,
				100*raw.cer, 100*raw.wer, raw.sec, 100*unt.cer, 100*kn.cer, 100*kn.wer, kn.sec, raw.tone, unt.tone, kn.tone)
			rawTotal += raw.sec
			kntcTotal += kn.sec
		}
		for _, v := range variants {
			var raw, unt, kn score
			for i, p := range pages {
				img, dpi := v.Make(p.img, int64(i+1))
				raw.add(read(b, e, img, dpi), p.want)
				kn.add(read(b, kntc, img, dpi), p.want)
				unt.add(reading{text: untoned}, p.want)
			}
			row(v.Name, raw.mean(), unt.mean(), kn.mean())
		}
		rawRate, kntcRate := newRates(), newRates()
		if twoColumn {
			var raw, unt, kn score
			for _, hc := range headers {
				img, lines, err := ocrtest.RenderDecision(hc.Decision)
				if err != nil {
					b.Fatal(err)
				}
				want := strings.Join(lines, "\n")
				r := read(b, e, img, 300)
				raw.add(r, want)
				rawRate.add(hc.Name, hc.Want, ocr.ParseHeader(r.text))
				r = read(b, kntc, img, 300)
				kn.add(r, want)
				unt.add(reading{text: untoned}, want)
				kntcRate.add(hc.Name, hc.Want, ocr.ParsePageHeader(r.text, r.words))
			}
			row("two-column", raw.mean(), unt.mean(), kn.mean())
		}
		var layoutRows []string
		for _, ls := range layouts {
			cases := ls.cases(b, n)
			var raw, unt, kn score
			rawRate, kntcRate := newRates(), newRates()
			var rawCells, kntcCells, cells int
			for i, c := range cases {
				var img *image.Gray
				var lines []string
				var tab [][]string
				var err error
				if c.Table.Rows != nil {
					img, lines, tab, err = ocrtest.RenderTable(c.Table)
				} else {
					img, lines, err = ocrtest.RenderColumns(c.Columns)
				}
				if err != nil {
					b.Fatal(err)
				}
				// Cell separators do not count in the error rates: raw Tesseract has none.
				want := noCells(strings.Join(lines, "\n"))
				page, dpi := ls.variant(img, int64(i+1))
				r := read(b, e, page, dpi)
				raw.add(reading{text: noCells(r.text), sec: r.sec}, want)
				rawRate.add(c.Name, c.Want, ocr.ParseHeader(r.text))
				f, t := ocrtest.CellsInOrder(r.text, tab)
				rawCells += f
				r = read(b, kntc, page, dpi)
				kn.add(reading{text: noCells(r.text), sec: r.sec}, want)
				unt.add(reading{text: untoned}, want)
				kntcRate.add(c.Name, c.Want, ocr.ParsePageHeader(r.text, r.words))
				f, _ = ocrtest.CellsInOrder(r.text, tab)
				kntcCells += f
				cells += t
			}
			row(ls.name, raw.mean(), unt.mean(), kn.mean())
			cellsNote := ""
			if cells > 0 {
				cellsNote = fmt.Sprintf(", table cells in order raw %d/%d kntc %d/%d", rawCells, cells, kntcCells, cells)
			}
			layoutRows = append(layoutRows, fmt.Sprintf("%-16s header fields all right: raw %s, kntc %s%s", ls.name, rawRate.show("all"), kntcRate.show("all"), cellsNote))
			for _, miss := range kntcRate.misses {
				layoutRows = append(layoutRows, "  kntc miss: "+miss)
			}
		}
		k := float64(len(variants) + len(layouts))
		if twoColumn {
			k++
		}
		fmt.Fprintf(&table, "%-12s | %17s %7.2f | %17s %7.2f   (%.2f vs %.2f pages/s)\n", "mean s/page", "", rawTotal/k, "", kntcTotal/k, k/rawTotal, k/kntcTotal)

		if len(layoutRows) > 0 {
			fmt.Fprintf(&table, "\n%d pages a layout set (columns: two-column body; table: a ruled table), CER without cell separators:\n%s\n", n, strings.Join(layoutRows, "\n"))
		}
		if !twoColumn {
			fmt.Print(table.String())
			continue
		}
		rawSamples, kntcSamples := newRates(), newRates()
		for _, s := range samples {
			img, _, err := ocrtest.RenderDecision(s.Decision)
			if err != nil {
				b.Fatal(err)
			}
			rawSamples.add(s.Name, s.Want, ocr.ParseHeader(read(b, e, img, 300).text))
			r := read(b, kntc, img, 300)
			kntcSamples.add(s.Name, s.Want, ocr.ParsePageHeader(r.text, r.words))
		}
		fmt.Fprintf(&table, "\nheader fields right (raw: ocr.ParseHeader of the text; kntc: ocr.ParsePageHeader of the words):\n")
		fmt.Fprintf(&table, "%-8s | %14s %14s | %14s %14s\n", "field", "raw generated", "kntc generated", "raw samples", "kntc samples")
		for _, f := range headerFields {
			fmt.Fprintf(&table, "%-8s | %14s %14s | %14s %14s\n", f, rawRate.show(f), kntcRate.show(f), rawSamples.show(f), kntcSamples.show(f))
		}
		fmt.Fprintf(&table, "%-8s | %14s %14s | %14s %14s\n", "all", rawRate.show("all"), kntcRate.show("all"), rawSamples.show("all"), kntcSamples.show("all"))
		for _, miss := range append(kntcRate.misses, kntcSamples.misses...) {
			fmt.Fprintf(&table, "kntc miss: %s\n", miss)
		}
		fmt.Print(table.String())
	}
}

type reading struct {
	text  string
	sec   float64
	words []ingest.Word
}

func read(b *testing.B, r ingest.Recognizer, img image.Image, dpi int) reading {
	b.Helper()
	t0 := time.Now()
	rec, err := r.Recognize(context.Background(), img, dpi)
	if err != nil {
		b.Fatal(err)
	}
	return reading{norm.NFC.String(rec.Text), time.Since(t0).Seconds(), rec.Words}
}

// score sums error rates and times over pages; mean divides by the page count.
// tone counts the words read with a wrong tone or vowel mark, over all pages.
type score struct {
	cer, wer, sec float64
	n, tone       int
}

func (s *score) add(r reading, want string) {
	s.cer += ocrtest.CER(r.text, want)
	s.wer += ocrtest.WER(r.text, want)
	s.tone += ocrtest.ToneErrors(r.text, want)
	s.sec += r.sec
	s.n++
}

func (s score) mean() score {
	if s.n == 0 {
		return s
	}
	k := float64(s.n)
	return score{s.cer / k, s.wer / k, s.sec / k, s.n, s.tone}
}

// wordsText is the words joined by spaces (the error rates collapse whitespace).
func wordsText(ws []ingest.Word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return norm.NFC.String(b.String())
}

var headerFields = []string{"number", "date", "place", "issuer", "type", "subject", "kind"}

// rates counts, per header field, the pages that got it right.
type rates struct {
	right  map[string]int
	pages  int
	misses []string
}

func newRates() *rates { return &rates{right: map[string]int{}} }

func (r *rates) add(name string, want ocrtest.HeaderTruth, got ocr.Header) {
	r.pages++
	fields := map[string][2]string{
		"number": {want.Number, got.Number}, "date": {want.Date, got.Date}, "place": {want.Place, got.Place},
		"issuer": {want.Issuer, got.Issuer}, "type": {want.Type, got.Type}, "subject": {want.Subject, got.Subject},
		"kind": {string(want.Kind), string(got.Kind)},
	}
	all := true
	for _, f := range headerFields {
		if v := fields[f]; v[0] == v[1] {
			r.right[f]++
		} else {
			all = false
			r.misses = append(r.misses, fmt.Sprintf("%s %s: got %q, want %q", name, f, v[1], v[0]))
		}
	}
	if all {
		r.right["all"]++
	}
}

func (r *rates) show(field string) string {
	if r.pages == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d %5.1f%%", r.right[field], r.pages, 100*float64(r.right[field])/float64(r.pages))
}

// sampleHeaders makes a decision page of every sample text that has a header,
// wanting the header ocr.ParseHeader reads from the text itself (TestParseHeaderSamples
// in package ocr checks those against the documents).
func sampleHeaders(tb testing.TB) []ocrtest.HeaderCase {
	tb.Helper()
	dir := testenv.RequireSamples(tb)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	var out []ocrtest.HeaderCase
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		d, ok := ocrtest.SampleDecision(string(raw), 4)
		if !ok {
			continue
		}
		h := ocr.ParseHeader(string(raw))
		if h.Type == "" {
			continue
		}
		out = append(out, ocrtest.HeaderCase{Name: filepath.Base(f), Decision: d, Want: ocrtest.HeaderTruth{
			Number: h.Number, Date: h.Date, Place: h.Place, Issuer: h.Issuer, Type: h.Type, Subject: h.Subject, Kind: h.Kind,
		}})
	}
	if len(out) == 0 {
		tb.Fatalf("no sample with a header in %s", dir)
	}
	return out
}

// layoutSet is a set of generated pages laid out in columns or with a table, and
// the scan variant they are read in.
type layoutSet struct {
	name    string
	cases   func(tb testing.TB, n int) []ocrtest.LayoutCase
	variant func(page *image.Gray, seed int64) (image.Image, int)
}

// layoutSets are the two-column and table pages of the benchmark, clean and as
// speckled, skewed scans (ocrtest.Speckled).
func layoutSets() []layoutSet {
	columns := func(tb testing.TB, n int) []ocrtest.LayoutCase {
		cs, err := ocrtest.GeneratedColumnPages(testenv.RequireSamples(tb), benchSamples, n, 2027)
		if err != nil {
			tb.Fatal(err)
		}
		return cs
	}
	tables := func(tb testing.TB, n int) []ocrtest.LayoutCase {
		cs, err := ocrtest.GeneratedTablePages(testenv.RequireSamples(tb), benchSamples, n, 2028)
		if err != nil {
			tb.Fatal(err)
		}
		return cs
	}
	return []layoutSet{
		{"columns", columns, ocrtest.Clean},
		{"columns-speckled", columns, ocrtest.Speckled},
		{"table", tables, ocrtest.Clean},
		{"table-speckled", tables, ocrtest.Speckled},
	}
}

// noCells is text with the table cell separators as spaces.
func noCells(text string) string { return strings.ReplaceAll(text, ocr.CellSep, " ") }
