package pdfa_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr/ocrtest"
	"kntc/ocr/pdfa"
	"kntc/ocr/pdfa/pdfacheck"
	"kntc/ocr/tesseract"
)

func TestMain(m *testing.M) {
	tesseract.ReexecWithThreadLimit()
	os.Exit(m.Run())
}

// small is a page a few lines high, to keep most tests fast.
var small = ocrtest.Options{WidthMM: 120, HeightMM: 60, MarginMM: 8}

func TestPages(t *testing.T) {
	grey, words, text := rendered(t, decision, small)
	bw := bilevel(grey)
	seal := sealed(grey)
	nonBMP, nbWords, nbText := rendered(t, "Chữ Nôm 𡨸 và 𠀧 ngoài mặt phẳng cơ bản; Hòa, Hoà, Thuý.", small)
	cmyk := cmykJPEG(t, 640, 200, false)
	gray16 := image.NewGray16(grey.Bounds())
	for i, v := range grey.Pix {
		gray16.SetGray16(i%grey.Bounds().Dx(), i/grey.Bounds().Dx(), color.Gray16{Y: uint16(v)*257 + uint16(i%7)})
	}
	paletted := image.NewPaletted(bw.Bounds(), color.Palette{color.White, color.Black})
	for i, v := range bw.Pix {
		if v == 0 {
			paletted.Pix[i] = 1
		}
	}
	unnumbered := make([]ingest.Word, len(words)) // a caller that fills no Block, Par, Line
	for i, w := range words {
		w.Block, w.Par, w.Line = 0, 0, 0
		unnumbered[i] = w
	}
	decomposed := make([]ingest.Word, len(words))
	for i, w := range words {
		w.Text = string(normNFD(w.Text))
		decomposed[i] = w
	}

	tests := []struct {
		name  string
		pages []page
	}{
		{"grey JPEG", []page{{Page: pdfa.Page{JPEG: encodeJPEG(t, grey, 80), DPI: 300, Words: words}, text: text, enc: "jpeg", color: "gray", bpc: 8}}},
		{"colour JPEG with a red seal", []page{{Page: pdfa.Page{JPEG: encodeJPEG(t, seal, 80), DPI: 300, Words: words}, text: text, enc: "jpeg", color: "rgb", bpc: 8}}},
		{"CMYK JPEG", []page{{Page: pdfa.Page{JPEG: cmyk, DPI: 150}, enc: "jpeg", color: "icc", bpc: 8}}},
		{"progressive CMYK JPEG", []page{{Page: pdfa.Page{JPEG: cmykJPEG(t, 300, 100, true), DPI: 100}, enc: "jpeg", color: "icc", bpc: 8}}},
		{"bilevel as CCITT G4", []page{{Page: pdfa.Page{Image: bw, DPI: 300, Words: words}, text: text, enc: "ccitt", color: "gray", bpc: 1}}},
		{"two-colour palette as CCITT G4", []page{{Page: pdfa.Page{Image: paletted, DPI: 300, Words: words}, text: text, enc: "ccitt", color: "gray", bpc: 1}}},
		{"grey", []page{{Page: pdfa.Page{Image: grey, DPI: 300, Words: words}, text: text, enc: "image", color: "gray", bpc: 8}}},
		{"RGB whose pixels are grey", []page{{Page: pdfa.Page{Image: greyRGBA(grey), DPI: 300, Words: words}, text: text, enc: "image", color: "gray", bpc: 8}}},
		{"colour with a red seal", []page{{Page: pdfa.Page{Image: seal, DPI: 300, Words: words}, text: text, enc: "image", color: "rgb", bpc: 8}}},
		{"16-bit grey", []page{{Page: pdfa.Page{Image: gray16, DPI: 300, Words: words}, text: text, enc: "image", color: "gray", bpc: 16}}},
		{"no words", []page{{Page: pdfa.Page{Image: bw, DPI: 300}, enc: "ccitt", color: "gray", bpc: 1}}},
		{"characters beyond the BMP", []page{{Page: pdfa.Page{Image: nonBMP, DPI: 300, Words: nbWords}, text: nbText, enc: "image", color: "gray", bpc: 8}}},
		{"words without line numbers", []page{{Page: pdfa.Page{Image: bw, DPI: 300, Words: unnumbered}, text: text, enc: "ccitt", color: "gray", bpc: 1}}},
		{"333 dpi", []page{{Page: pdfa.Page{Image: bw, DPI: 333, Words: words}, text: text, enc: "ccitt", color: "gray", bpc: 1}}},
		{"decomposed (NFD) OCR text", []page{{Page: pdfa.Page{Image: bw, DPI: 300, Words: decomposed}, text: text, enc: "ccitt", color: "gray", bpc: 1}}},
		{"mixed document", []page{
			{Page: pdfa.Page{JPEG: encodeJPEG(t, seal, 75), DPI: 300, Words: words}, text: text, enc: "jpeg", color: "rgb", bpc: 8},
			{Page: pdfa.Page{Image: bw, DPI: 300, Words: words}, text: text, enc: "ccitt", color: "gray", bpc: 1},
			{Page: pdfa.Page{JPEG: cmyk, DPI: 150}, enc: "jpeg", color: "icc", bpc: 8},
			{Page: pdfa.Page{Image: nonBMP, DPI: 300, Words: nbWords}, text: nbText, enc: "image", color: "gray", bpc: 8},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // most of the time is poppler and qpdf: let them overlap
			pdf := write(t, testMeta(), tt.pages...)
			t.Logf("%d bytes", len(pdf))
			verify(t, pdf, tt.pages...)
		})
	}
}

func normNFD(s string) []byte {
	// Decomposing by hand keeps golang.org/x/text/unicode/norm's NFD out of the
	// question being tested (the writer's NFC).
	var b []byte
	for _, r := range s {
		switch r {
		case 'ế':
			b = append(b, "ê\u0301"...)
		case 'ạ':
			b = append(b, "a\u0323"...)
		case 'à':
			b = append(b, "a\u0300"...)
		default:
			b = append(b, string(r)...)
		}
	}
	return b
}

// TestSize holds the size limits: a JPEG page at most 5% over the JPEG, a
// bilevel 300 dpi A4 page of text at most 80 KB.
func TestSize(t *testing.T) {
	// About 520 words: what a full A4 page of a published law text (an article
	// heading, short clauses) carries at Render's defaults.
	a4 := ocrtest.Options{}
	grey, words, text := rendered(t, ocrtest.GeneratedText(1, 520), a4)
	tests := []struct {
		name  string
		page  page
		limit func(pdfSize int) (int, string)
	}{
		{"grey JPEG A4", page{Page: pdfa.Page{JPEG: encodeJPEG(t, grey, 75), DPI: 300, Words: words}, text: text, enc: "jpeg", color: "gray", bpc: 8},
			func(int) (int, string) { return 0, "" }},
		{"colour JPEG A4 with a seal", page{Page: pdfa.Page{JPEG: encodeJPEG(t, sealed(grey), 75), DPI: 300, Words: words}, text: text, enc: "jpeg", color: "rgb", bpc: 8},
			func(int) (int, string) { return 0, "" }},
		{"bilevel A4", page{Page: pdfa.Page{Image: bilevel(grey), DPI: 300, Words: words}, text: text, enc: "ccitt", color: "gray", bpc: 1},
			func(int) (int, string) { return 80 * 1024, "80 KB" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pdf := write(t, testMeta(), tt.page)
			limit, what := tt.limit(len(pdf))
			if tt.page.JPEG != nil {
				limit, what = len(tt.page.JPEG)*105/100, "the JPEG + 5%"
				t.Logf("JPEG %d bytes → PDF/A %d bytes (+%.2f%%), %d words", len(tt.page.JPEG), len(pdf),
					100*float64(len(pdf)-len(tt.page.JPEG))/float64(len(tt.page.JPEG)), len(words))
			} else {
				t.Logf("bilevel A4 page → PDF/A %d bytes, %d words", len(pdf), len(words))
			}
			if len(pdf) > limit {
				t.Errorf("PDF/A is %d bytes, over %s (%d)", len(pdf), what, limit)
			}
			verify(t, pdf, tt.page)
		})
	}
}

// TestRecognizedPage is the end-to-end check: Tesseract reads a rendered page, and
// the PDF/A's text layer gives back exactly what it read, on its word boxes.
func TestRecognizedPage(t *testing.T) {
	langs, err := tesseract.Languages()
	if err != nil || !strings.Contains(strings.Join(langs, " "), "vie") {
		testenv.Missing(t, testenv.Tesseract, "no Vietnamese model (tesseract-ocr-vie)")
	}
	e, err := tesseract.New(1, "vie")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	img, _, err := ocrtest.Render(ocrtest.GeneratedText(2, 110), ocrtest.Options{HeightMM: 90})
	if err != nil {
		testenv.Missing(t, "fonts-liberation2 or fonts-dejavu-core", err.Error())
	}
	r, err := e.Recognize(t.Context(), img, 300)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d words, confidence %.1f", len(r.Words), r.Confidence)
	p := page{Page: pdfa.Page{Image: img, DPI: 300, Words: r.Words}, text: r.Text, enc: "image", color: "gray", bpc: 8}
	verify(t, write(t, testMeta(), p), p)
}

func TestMetadata(t *testing.T) {
	tests := []struct {
		name string
		meta pdfa.Meta
	}{
		{"Vietnamese", testMeta()},
		{"PDF and XML specials", pdfa.Meta{Title: `Số 47/2015/QĐ-UBND (bản sao) \ <A&B> "x"`, Author: "a\tb\nc", Producer: "kntc 1.0 (test)", CreateDate: testDate}},
		{"UTC and no optional fields", pdfa.Meta{CreateDate: testDate.UTC()}},
		{"zone west of UTC", pdfa.Meta{Title: "ASCII title", CreateDate: testDate.In(mustZone(-5*3600 - 30*60))}},
		{"zero date means now", pdfa.Meta{Title: "now"}},
	}
	img, words, text := rendered(t, "Biên bản đối thoại", small)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := page{Page: pdfa.Page{Image: bilevel(img), DPI: 300, Words: words}, text: text, enc: "ccitt", color: "gray", bpc: 1}
			pdf := write(t, tt.meta, p)
			verify(t, pdf, p)
			if tt.meta.Title != "" && !bytes.Contains(pdf, []byte("/DisplayDocTitle true")) {
				t.Error("a titled document does not ask viewers to show its title")
			}
		})
	}
}

func mustZone(offset int) *time.Location { return time.FixedZone("", offset) }

func TestDeterministic(t *testing.T) {
	img, words, text := rendered(t, decision, small)
	p := page{Page: pdfa.Page{Image: bilevel(img), DPI: 300, Words: words}, text: text}
	a, b := write(t, testMeta(), p), write(t, testMeta(), p)
	if !bytes.Equal(a, b) {
		t.Fatal("the same pages and metadata gave different files")
	}
}

func TestManyPages(t *testing.T) {
	// Past 1000 pages the page tree gains a level; the file must stay valid.
	if testing.Short() {
		t.Skip("writes 1003 pages")
	}
	tiny := image.NewGray(image.Rect(0, 0, 40, 40))
	pages := make([]page, 1003)
	for i := range pages {
		pages[i] = page{Page: pdfa.Page{Image: tiny, DPI: 10}}
	}
	pdf := write(t, testMeta(), pages...)
	if problems := pdfacheck.Check(pdf); len(problems) > 0 {
		t.Fatal(problems)
	}
	requireTools(t)
	path := t.TempDir() + "/many.pdf"
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("qpdf", "--check", path).CombinedOutput()
	if err != nil || strings.Contains(strings.ToLower(string(out)), "warning") {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
	out, err = exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Pages:           1003") {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
}

func TestFontProgram(t *testing.T) {
	// An independent TrueType parser reads the generated font: two glyphs, 1000
	// units an em, the empty glyph 500 units wide as the PDF's /DW says.
	f, err := sfnt.Parse(pdfa.GlyphLessTrueType())
	if err != nil {
		t.Fatal(err)
	}
	if f.NumGlyphs() != 2 || f.UnitsPerEm() != 1000 {
		t.Fatalf("%d glyphs, %d units an em", f.NumGlyphs(), f.UnitsPerEm())
	}
	var buf sfnt.Buffer
	adv, err := f.GlyphAdvance(&buf, 1, 1000<<6, 0)
	if err != nil || adv != 500<<6 {
		t.Fatalf("glyph 1 advance %v (%v), want 500", adv, err)
	}
	if name, err := f.Name(&buf, sfnt.NameIDPostScript); err != nil || name != "GlyphLessFont" {
		t.Fatalf("PostScript name %q (%v)", name, err)
	}
	if gi, err := f.GlyphIndex(&buf, ' '); err != nil || gi != 1 {
		t.Fatalf("space maps to glyph %d (%v), want 1", gi, err)
	}
	segs, err := f.LoadGlyph(&buf, 0, 1000<<6, nil)
	if err != nil || len(segs) == 0 {
		t.Fatalf(".notdef outline: %d segments (%v)", len(segs), err)
	}
}

func TestErrors(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 100, 100))
	good := encodeJPEG(t, img, 80)
	patch := func(b []byte, at func([]byte) int, v byte) []byte {
		c := bytes.Clone(b)
		c[at(c)] = v
		return c
	}
	sof := func(b []byte) int { return bytes.Index(b, []byte{0xff, 0xc0}) }
	tests := []struct {
		name string
		page pdfa.Page
		want error
	}{
		{"no image", pdfa.Page{DPI: 300}, pdfa.ErrInvalidPage},
		{"two images", pdfa.Page{JPEG: good, Image: img, DPI: 300}, pdfa.ErrInvalidPage},
		{"no resolution", pdfa.Page{Image: img}, pdfa.ErrInvalidPage},
		{"empty image", pdfa.Page{Image: image.NewGray(image.Rect(0, 0, 0, 0)), DPI: 300}, pdfa.ErrInvalidPage},
		{"page over 14400 pt", pdfa.Page{Image: image.NewGray(image.Rect(0, 0, 300, 10)), DPI: 1}, pdfa.ErrInvalidPage},
		{"page too small", pdfa.Page{Image: image.NewGray(image.Rect(0, 0, 10, 10)), DPI: 600}, pdfa.ErrInvalidPage},
		{"not a JPEG", pdfa.Page{JPEG: []byte("GIF89a"), DPI: 300}, pdfa.ErrInvalidPage},
		{"truncated JPEG", pdfa.Page{JPEG: good[:20], DPI: 300}, pdfa.ErrInvalidPage},
		{"12-bit JPEG", pdfa.Page{JPEG: patch(good, func(b []byte) int { return sof(b) + 4 }, 12), DPI: 300}, pdfa.ErrUnsupportedJPEG},
		{"arithmetic-coded JPEG", pdfa.Page{JPEG: patch(good, func(b []byte) int { return sof(b) + 1 }, 0xc9), DPI: 300}, pdfa.ErrUnsupportedJPEG},
		{"lossless JPEG", pdfa.Page{JPEG: patch(good, func(b []byte) int { return sof(b) + 1 }, 0xc3), DPI: 300}, pdfa.ErrUnsupportedJPEG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w, err := pdfa.NewWriter(&b, testMeta())
			if err != nil {
				t.Fatal(err)
			}
			if err := w.AddPage(tt.page); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			// A rejected page leaves the writer usable.
			p := page{Page: pdfa.Page{Image: img, DPI: 300}, enc: "image", color: "gray", bpc: 8}
			if err := w.AddPage(p.Page); err != nil {
				t.Fatalf("a good page after a rejected one: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if problems := pdfacheck.Check(b.Bytes()); len(problems) > 0 {
				t.Fatal(problems)
			}
		})
	}

	t.Run("close without pages", func(t *testing.T) {
		w, err := pdfa.NewWriter(new(bytes.Buffer), testMeta())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); !errors.Is(err, pdfa.ErrNoPages) {
			t.Fatalf("err = %v, want ErrNoPages", err)
		}
	})
	t.Run("add after close", func(t *testing.T) {
		w, err := pdfa.NewWriter(new(bytes.Buffer), testMeta())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddPage(pdfa.Page{Image: img, DPI: 300}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := w.AddPage(pdfa.Page{Image: img, DPI: 300}); !errors.Is(err, pdfa.ErrClosed) {
			t.Fatalf("err = %v, want ErrClosed", err)
		}
	})
	t.Run("bad language tag", func(t *testing.T) {
		if _, err := pdfa.NewWriter(new(bytes.Buffer), pdfa.Meta{Lang: "vi VN"}); err == nil {
			t.Fatal("a language tag with a space was accepted")
		}
	})
	t.Run("write error sticks", func(t *testing.T) {
		w, err := pdfa.NewWriter(failAfter{n: new(int)}, testMeta())
		if err != nil {
			t.Fatal(err)
		}
		big := image.NewGray(image.Rect(0, 0, 1000, 1000))
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range big.Pix {
			big.Pix[i] = byte(rng.Uint32())
		}
		err = w.AddPage(pdfa.Page{Image: big, DPI: 300})
		if err == nil {
			err = w.Close()
		}
		if !errors.Is(err, errDiskFull) {
			t.Fatalf("err = %v, want the writer's error", err)
		}
		if err := w.Close(); !errors.Is(err, errDiskFull) {
			t.Fatalf("Close after a write error: %v", err)
		}
	})
}

var errDiskFull = errors.New("disk full")

// failAfter accepts 64 KB, then fails.
type failAfter struct{ n *int }

func (f failAfter) Write(p []byte) (int, error) {
	if *f.n+len(p) > 64<<10 {
		return 0, errDiskFull
	}
	*f.n += len(p)
	return len(p), nil
}

func FuzzAddPageJPEG(f *testing.F) {
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	good := encodeJPEG(f, img, 80)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(cmykJPEG(f, 16, 16, false))
	f.Add(cmykJPEG(f, 16, 16, true))
	f.Add([]byte{0xff, 0xd8, 0xff, 0xc2, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, 0xff, 0xda, 0, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		var b bytes.Buffer
		w, err := pdfa.NewWriter(&b, testMeta())
		if err != nil {
			t.Fatal(err)
		}
		if err := w.AddPage(pdfa.Page{JPEG: data, DPI: 72}); err != nil {
			if !errors.Is(err, pdfa.ErrInvalidPage) && !errors.Is(err, pdfa.ErrUnsupportedJPEG) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		// Whatever JPEG the writer accepts, the file keeps the rules.
		if problems := pdfacheck.Check(b.Bytes()); len(problems) > 0 {
			t.Fatal(problems)
		}
	})
}
