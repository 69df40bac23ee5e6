package cover_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"kntc/ingest"
	"kntc/internal/testenv"
	"kntc/ocr/cover"
	"kntc/ocr/ocrtest"
	"kntc/ocr/pages"
	"kntc/ocr/pdfa/pdfacheck"
)

var sheets = []cover.Sheet{
	{CaseCode: "KN-2026-000123", Kind: ingest.KindQuyetDinhThuLy, Lines: []string{"Khiếu nại của bà Nguyễn Thị Hoà về quyết định thu hồi đất", "Thanh tra tỉnh Tây Ninh"}},
	{CaseCode: "TC-2025-004711", Kind: ingest.KindQuyetDinhGiaiQuyetKhieuNai}, // the longest kind: the largest QR
	{CaseCode: "PA-2026-000001"}, // no kind: read from the document
}

func mustRender(tb testing.TB, s cover.Sheet, dpi int) *image.Gray {
	tb.Helper()
	img, err := cover.Render(s, dpi)
	if err != nil {
		tb.Fatalf("render %+v at %d dpi: %v", s, dpi, err)
	}
	return img
}

func jpegRoundTrip(tb testing.TB, img image.Image, quality int) image.Image {
	tb.Helper()
	out, err := jpeg.Decode(bytes.NewReader(ocrtest.JPEG(img, quality)))
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// fax makes a 200 dpi black-and-white scan with salt-and-pepper noise, as a
// *image.Paletted like a decoded CCITT page.
func fax(page *image.Gray) image.Image {
	small, _ := ocrtest.DPI200(page, 0)
	g := small.(*image.Gray)
	rng := rand.New(rand.NewPCG(1, 2))
	out := image.NewPaletted(g.Rect, color.Palette{color.Black, color.White})
	for i, v := range g.Pix {
		black := v < 128
		if rng.IntN(100) == 0 { // 1% of the pixels flipped
			black = !black
		}
		if !black {
			out.Pix[i] = 1
		}
	}
	return out
}

// TestRoundTrip renders sheets and reads them back from what scanners make of them.
func TestRoundTrip(t *testing.T) {
	variants := []struct {
		name string
		make func(tb testing.TB, s cover.Sheet) image.Image
	}{
		{"300 dpi", func(tb testing.TB, s cover.Sheet) image.Image { return mustRender(tb, s, 300) }},
		{"200 dpi", func(tb testing.TB, s cover.Sheet) image.Image { return mustRender(tb, s, 200) }},
		{"150 dpi JPEG q50", func(tb testing.TB, s cover.Sheet) image.Image {
			return jpegRoundTrip(tb, mustRender(tb, s, 150), 50)
		}},
		{"JPEG q70", func(tb testing.TB, s cover.Sheet) image.Image { return jpegRoundTrip(tb, mustRender(tb, s, 300), 70) }},
		{"200 dpi fax with noise", func(tb testing.TB, s cover.Sheet) image.Image { return fax(mustRender(tb, s, 300)) }},
		{"colour JPEG rotated 270", func(tb testing.TB, s cover.Sheet) image.Image {
			upside, _ := ocrtest.UpsideDown(mustRender(tb, s, 300), 0)
			r, _ := ocrtest.Rotated90(upside.(*image.Gray), 0)
			rgb := image.NewRGBA(r.Bounds())
			for i, v := range r.(*image.Gray).Pix {
				rgb.Pix[4*i], rgb.Pix[4*i+1], rgb.Pix[4*i+2], rgb.Pix[4*i+3] = v, v/2+100, v/3+150, 255 // ink and paper tinted
			}
			return jpegRoundTrip(tb, rgb, 70)
		}},
	}
	// Issue 5's scan variants: bilevel, speckled + skewed + JPEG, photocopy, 180°, 90°,
	// 200 dpi, 600 dpi colour with a red seal.
	for _, v := range ocrtest.Variants() {
		variants = append(variants, struct {
			name string
			make func(tb testing.TB, s cover.Sheet) image.Image
		}{v.Name, func(tb testing.TB, s cover.Sheet) image.Image {
			img, _ := v.Make(mustRender(tb, s, 300), 11)
			return img
		}})
	}
	for i, v := range variants {
		// Every variant on the sheet with the longest payload (the most modules in
		// the same 2 mm grid); the first two on every sheet. Making the scan
		// variants of a whole A4 page takes a while.
		todo := sheets[1:2]
		if i < 2 {
			todo = sheets
		}
		for _, s := range todo {
			t.Run(v.name+"/"+s.CaseCode, func(t *testing.T) {
				got, ok := cover.Detect(v.make(t, s))
				if !ok || got.CaseCode != s.CaseCode || got.Kind != s.Kind || len(got.Lines) != 0 {
					t.Fatalf("Detect = %+v, %v; want %s %q", got, ok, s.CaseCode, s.Kind)
				}
			})
		}
	}
}

// TestTextPagesAreNotCovers: pages of text and generated decisions, clean and as
// scanned, are not covers.
func TestTextPagesAreNotCovers(t *testing.T) {
	type page struct {
		name string
		img  *image.Gray
	}
	var pages []page
	for seed := range int64(6) {
		img, _, err := ocrtest.Render(ocrtest.GeneratedText(seed, 600), ocrtest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page{fmt.Sprintf("text %d", seed), img})
	}
	for _, hc := range ocrtest.GeneratedHeaders(8, 2026) {
		img, _, err := ocrtest.RenderDecision(hc.Decision)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page{hc.Name, img})
	}
	// Every page clean, the first one also as every scan variant (they take time to
	// make).
	for i, p := range pages {
		variants := ocrtest.Variants()
		if i > 0 {
			variants = variants[:1]
		}
		for _, v := range variants {
			img, _ := v.Make(p.img, 3)
			if s, ok := cover.Detect(img); ok {
				t.Errorf("%s, %s: detected as the cover of %+v", p.name, v.Name, s)
			}
		}
	}
	// Blank, black and tiny pages neither.
	for name, img := range map[string]image.Image{
		"blank": whitePage(), "black": image.NewGray(image.Rect(0, 0, 2480, 3508)),
		"1x1": image.NewGray(image.Rect(0, 0, 1, 1)), "empty": image.NewGray(image.Rectangle{}),
	} {
		if s, ok := cover.Detect(img); ok {
			t.Errorf("%s page detected as a cover: %+v", name, s)
		}
	}
}

// TestSampleTextPagesAreNotCovers: pages of the published legal texts of
// KNTC_SAMPLES_DIR are not covers.
func TestSampleTextPagesAreNotCovers(t *testing.T) {
	dir := testenv.RequireSamples(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample texts in %s: %v", dir, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		page, _, err := ocrtest.Render(string(b), ocrtest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		img, _ := ocrtest.Clean(page, 3)
		if s, ok := cover.Detect(img); ok {
			t.Errorf("%s: detected as the cover of %+v", filepath.Base(f), s)
		}
	}
	t.Logf("%d sample texts", len(files))
}

func whitePage() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 1654, 2339))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	return g
}

// qrPage draws a QR code of text, 2 mm modules, on a 200 dpi A4 page, as another
// system's code on a scanned page would be.
func qrPage(tb testing.TB, text string) *image.Gray {
	tb.Helper()
	m, err := qrcode.NewQRCodeWriter().Encode(text, gozxing.BarcodeFormat_QR_CODE, 0, 0, nil)
	if err != nil {
		tb.Fatal(err)
	}
	page := whitePage()
	const module = 16 // 2 mm at 200 dpi
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			if !m.Get(x, y) {
				continue
			}
			for dy := range module {
				off := (400+y*module+dy)*page.Stride + 400 + x*module
				clear(page.Pix[off : off+module])
			}
		}
	}
	return page
}

// TestForeignQRCodes: QR codes kntc did not print are not covers, however close
// their text is.
func TestForeignQRCodes(t *testing.T) {
	for _, text := range []string{
		"https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
		"079099012345|025123456|Nguyễn Văn An|01011990|Nam|12 Lê Lợi, Tây Ninh|15062021", // a citizen ID card
		"KNTC2|KN-2026-000123|quyet_dinh_thu_ly",                                         // a future version
		"KNTC1|KN-2026-000123|quyet_dinh",                                                // unknown kind
		"KNTC1|kn-2026-000123|",                                                          // lower case
		"KNTC1|KN-2026-000123|khac|",                                                     // extra field
		"KNTC1|KN-26-123|khac",
		"kntc1|KN-2026-000123|khac",
	} {
		page := qrPage(t, text)
		// The code itself is readable: only its text makes it no cover.
		bmp, _ := gozxing.NewBinaryBitmapFromImage(page)
		if res, err := qrcode.NewQRCodeReader().Decode(bmp, nil); err != nil || res.GetText() != text {
			t.Fatalf("the test QR %q does not read back: %v", text, err)
		}
		if s, ok := cover.Detect(page); ok {
			t.Errorf("QR %q detected as a cover: %+v", text, s)
		}
	}
	// The same drawing with kntc's own text is one.
	if s, ok := cover.Detect(qrPage(t, "KNTC1|ND-2024-000042|cong_van")); !ok || s.CaseCode != "ND-2024-000042" || s.Kind != ingest.KindCongVan {
		t.Errorf("kntc's QR not detected: %+v %v", s, ok)
	}
}

func TestPayload(t *testing.T) {
	tests := []struct {
		name, code string
		kind       ingest.Kind
		want       string
	}{
		{"with kind", "KN-2026-000123", ingest.KindBienBanLamViec, "KNTC1|KN-2026-000123|bien_ban_lam_viec"},
		{"without kind", "TC-2025-000001", "", "KNTC1|TC-2025-000001|"},
		{"bad code", "KN-2026-123", "", ""},
		{"code with spaces", " KN-2026-000123", "", ""},
		{"separator in code", "KN|2026-000123", "", ""},
		{"unknown kind", "KN-2026-000123", "quyet_dinh", ""},
	}
	// Every kind of ingest's one list may be printed on a cover, the papers that
	// arrive first too.
	for _, k := range ingest.Kinds() {
		tests = append(tests, struct {
			name, code string
			kind       ingest.Kind
			want       string
		}{"kind " + string(k), "PA-2026-000007", k, "KNTC1|PA-2026-000007|" + string(k)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cover.Payload(tt.code, tt.kind)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("Payload(%q, %q) = %q, want an error", tt.code, tt.kind, got)
				}
				if _, err := cover.Render(cover.Sheet{CaseCode: tt.code, Kind: tt.kind}, 150); err == nil {
					t.Fatal("Render accepted it")
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Payload = %q, %v; want %q", got, err, tt.want)
			}
			code, kind, err := cover.ParsePayload(got)
			if err != nil || code != tt.code || kind != tt.kind {
				t.Fatalf("ParsePayload(%q) = %q, %q, %v", got, code, kind, err)
			}
		})
	}
	for _, bad := range []string{"", "KNTC1", "KNTC1||", "KNTC1|KN-2026-000123", "KNTC1|KN-2026-000123|khac|x", "KNTC0|KN-2026-000123|khac",
		"KNTC1|KN-2026-0001234|khac", "KNTC1|K1-2026-000123|khac", "KNTC1|KN-2026-000123|KHAC", strings.Repeat("KNTC1|", 50)} {
		if c, k, err := cover.ParsePayload(bad); !errors.Is(err, cover.ErrNotCover) {
			t.Errorf("ParsePayload(%q) = %q, %q, %v; want ErrNotCover", bad, c, k, err)
		}
	}
}

// FuzzParsePayload: whatever a QR code says, parsing never panics, and what it
// accepts is exactly what Payload writes.
func FuzzParsePayload(f *testing.F) {
	for _, s := range []string{"KNTC1|KN-2026-000123|quyet_dinh_thu_ly", "KNTC1|TC-2025-000001|", "KNTC2|x|y", "|||", "KNTC1|KN-2026-000123|khac\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, kind, err := cover.ParsePayload(s)
		if err != nil {
			if !errors.Is(err, cover.ErrNotCover) {
				t.Fatalf("error %v does not wrap ErrNotCover", err)
			}
			return
		}
		again, err := cover.Payload(code, kind)
		if err != nil || again != s {
			t.Fatalf("ParsePayload(%q) accepted %q %q, which Payload writes as %q (%v)", s, code, kind, again, err)
		}
	})
}

// TestWritePDF: the printable PDF is PDF/A, has one bilevel A4 page per sheet, and
// each page is detected as its sheet.
func TestWritePDF(t *testing.T) {
	var buf bytes.Buffer
	if err := cover.WritePDF(&buf, sheets...); err != nil {
		t.Fatal(err)
	}
	for _, p := range pdfacheck.Check(buf.Bytes()) {
		t.Errorf("PDF/A: %s", p)
	}
	path := filepath.Join(t.TempDir(), "covers.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := pages.Open(t.Context(), path, pages.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.NumPages() != len(sheets) {
		t.Fatalf("%d pages, want %d", f.NumPages(), len(sheets))
	}
	for i, s := range sheets {
		pg, err := f.Page(t.Context(), i)
		if err != nil {
			t.Fatal(err)
		}
		if !pg.Bilevel || pg.DPI != cover.PrintDPI || int(pg.WidthPt+0.5) != 595 || int(pg.HeightPt+0.5) != 842 {
			t.Errorf("page %d: bilevel %v, %d dpi, %.1f×%.1f pt; want a bilevel A4 page", i+1, pg.Bilevel, pg.DPI, pg.WidthPt, pg.HeightPt)
		}
		if got, ok := cover.Detect(pg.Image); !ok || got.CaseCode != s.CaseCode || got.Kind != s.Kind {
			t.Errorf("page %d: Detect = %+v %v, want %+v", i+1, got, ok, s)
		}
	}
	if err := cover.WritePDF(&bytes.Buffer{}); err == nil {
		t.Error("WritePDF without sheets succeeded")
	}
	var bad bytes.Buffer
	if err := cover.WritePDF(&bad, cover.Sheet{CaseCode: "nope"}); err == nil || bad.Len() != 0 {
		t.Errorf("WritePDF with a bad code: %v, %d bytes written", err, bad.Len())
	}
}

// TestRenderIsBilevelA4 checks the page size and that only black and white are used.
func TestRenderIsBilevelA4(t *testing.T) {
	for _, dpi := range []int{150, 200, 300} {
		img := mustRender(t, sheets[0], dpi)
		wantW, wantH := int(210/25.4*float64(dpi)+0.5), int(297/25.4*float64(dpi)+0.5)
		if img.Rect.Dx() != wantW || img.Rect.Dy() != wantH {
			t.Errorf("%d dpi: %v, want %dx%d", dpi, img.Rect, wantW, wantH)
		}
		for _, v := range img.Pix {
			if v != 0 && v != 255 {
				t.Fatalf("%d dpi: grey level %d on a bilevel page", dpi, v)
			}
		}
	}
	if _, err := cover.Render(sheets[0], 50); err == nil {
		t.Error("Render at 50 dpi succeeded")
	}
}

// colourise tints a grey page as a colour scan of yellowish paper.
func colourise(g *image.Gray) *image.RGBA {
	out := image.NewRGBA(g.Rect)
	for i, v := range g.Pix {
		out.Pix[4*i], out.Pix[4*i+1], out.Pix[4*i+2], out.Pix[4*i+3] = v, v, v*9/10, 255
	}
	return out
}

func BenchmarkDetect(b *testing.B) {
	textPage, _, err := ocrtest.Render(ocrtest.GeneratedText(1, 600), ocrtest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	coverPage := mustRender(b, sheets[0], 300)
	speckled, _ := ocrtest.Speckled(textPage, 1)
	// A page with a dark photograph passes the cheap check and costs the decoding
	// attempts: the worst case for a page that is not a cover.
	photo := image.NewGray(textPage.Rect)
	copy(photo.Pix, textPage.Pix)
	rng := rand.New(rand.NewPCG(5, 6))
	for y := 800; y < 2000; y++ {
		for x := 300; x < 2100; x++ {
			photo.Pix[y*photo.Stride+x] = uint8(rng.IntN(90))
		}
	}
	for _, bc := range []struct {
		name string
		img  image.Image
	}{
		{"text-300dpi-gray", textPage},
		{"text-300dpi-speckled-jpeg", speckled},
		{"photo-300dpi-gray", photo},
		{"photo-300dpi-colour-jpeg", jpegRoundTrip(b, colourise(photo), 80)},
		{"cover-300dpi", coverPage},
		{"cover-300dpi-jpeg", jpegRoundTrip(b, coverPage, 70)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				cover.Detect(bc.img)
			}
		})
	}
}
