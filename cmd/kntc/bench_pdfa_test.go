package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/ocr/pages"
	"kntc/ocr/pdfa"
	"kntc/ocr/tesseract"
)

// BenchmarkPDFA prints, for the same inputs, the archive copy's bytes per page and the
// time per page (OCR included) of kntc and, when installed, of
// `ocrmypdf -l vie --output-type pdfa`. Run with `make bench-pdfa`.
func BenchmarkPDFA(b *testing.B) {
	words := strings.Fields(sampleText(b))
	render := func(i int) *image.Gray {
		img, _, err := ocrtest.Render(strings.Join(words[i*400:i*400+400], " "), ocrtest.Options{})
		if err != nil {
			b.Fatal(err)
		}
		return img
	}
	dir := b.TempDir()
	type input struct{ name, path string }
	var inputs []input
	write := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, input{name, p})
	}
	write("grey JPEG q75", ocrtest.JPEG(render(0), 75))
	write("bilevel PNG", ocrtest.PNG(bilevel(render(1))))
	write("grey PNG", ocrtest.PNG(render(2)))

	engine, err := tesseract.New(1, "vie")
	if err != nil {
		b.Fatal(err)
	}
	defer engine.Close()
	_, haveOCRmyPDF := exec.LookPath("ocrmypdf")
	for b.Loop() {
		fmt.Printf("\nbench-pdfa: A4 300 dpi pages, %d cores\n", runtime.NumCPU())
		fmt.Printf("  %-14s %10s %12s %10s %14s %12s\n", "input", "input B", "kntc B", "kntc s", "ocrmypdf B", "ocrmypdf s")
		for _, in := range inputs {
			st, _ := os.Stat(in.path)
			start := time.Now()
			size := kntcArchive(b, engine, in.path)
			kt := time.Since(start)
			omSize, omTime := "not installed", ""
			if haveOCRmyPDF == nil {
				out := filepath.Join(dir, "om.pdf")
				start := time.Now()
				cmd := exec.Command("ocrmypdf", "-q", "-l", "vie", "--output-type", "pdfa", "--image-dpi", "300", "-j", strconv.Itoa(runtime.NumCPU()), in.path, out)
				if o, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("ocrmypdf: %v\n%s", err, o)
				}
				omTime = fmt.Sprintf("%.2f", time.Since(start).Seconds())
				ost, _ := os.Stat(out)
				omSize = strconv.FormatInt(ost.Size(), 10)
				if int64(size) > ost.Size() {
					fmt.Printf("  (!) kntc's copy of %s is larger than ocrmypdf's\n", in.name)
				}
			}
			fmt.Printf("  %-14s %10d %12d %10.2f %14s %12s\n", in.name, st.Size(), size, kt.Seconds(), omSize, omTime)
		}
	}
}

// kntcArchive makes the archive copy the pipeline makes and returns its size.
func kntcArchive(b *testing.B, engine *tesseract.Engine, path string) int {
	return len(kntcArchiveBytes(b, engine, path))
}

// kntcArchiveBytes makes the archive copy the pipeline makes: pages, OCR, PDF/A.
func kntcArchiveBytes(b *testing.B, engine *tesseract.Engine, path string) []byte {
	ctx := context.Background()
	f, err := pages.Open(ctx, path, pages.DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var buf bytes.Buffer
	w, err := pdfa.NewWriter(&buf, pdfa.Meta{Title: filepath.Base(path), Producer: "kntc bench"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range f.NumPages() {
		pg, err := f.Page(ctx, i)
		if err != nil {
			b.Fatal(err)
		}
		rec, err := engine.Recognize(ctx, pg.Image, pg.DPI)
		if err != nil {
			b.Fatal(err)
		}
		p := archivePage(ingest.PageImage{Image: pg.Image, DPI: pg.DPI, JPEG: pg.JPEG, PNG: pg.PNG}, rec.Words)
		if err := w.AddPage(p); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// bilevel thresholds a grey page to pure black and white, as a scanner's B/W mode.
func bilevel(g *image.Gray) *image.Paletted {
	p := image.NewPaletted(g.Bounds(), color.Palette{color.Black, color.White})
	for i, v := range g.Pix {
		if v >= 128 {
			p.Pix[i] = 1
		}
	}
	return p
}

// sampleText is every sample text of KNTC_SAMPLES_DIR joined, for realistic pages;
// without them the benchmark skips, saying so in one line.
func sampleText(b *testing.B) string {
	b.Helper()
	dir := testenv.RequireSamples(b)
	entries, err := os.ReadDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txt") {
			raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				b.Fatal(err)
			}
			sb.Write(raw)
			sb.WriteString(" ")
		}
	}
	return sb.String()
}
