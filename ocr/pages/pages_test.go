package pages_test

import (
	"bufio"
	"bytes"
	"compress/lzw"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"kntc/internal/testenv"
	"kntc/ocr/pages"
)

// MustOpen opens b written to a temporary file, failing the test on error.
func MustOpen(tb testing.TB, b []byte, lim pages.Limits) *pages.File {
	tb.Helper()
	f, err := pages.Open(context.Background(), MustWrite(tb, "input", b), lim)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// MustPage decodes page i, failing the test on error.
func MustPage(tb testing.TB, f *pages.File, i int) pages.Page {
	tb.Helper()
	p, err := f.Page(context.Background(), i)
	if err != nil {
		tb.Fatalf("Page(%d): %v", i, err)
	}
	if p.Image == nil {
		tb.Fatalf("Page(%d): nil Image", i)
	}
	return p
}

// requirePoppler stops tests that render PDF pages when poppler is missing: a skip
// locally, a failure in CI (testenv.Missing).
func requirePoppler(tb testing.TB) {
	tb.Helper()
	for _, tool := range []string{"pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Missing(tb, "poppler-utils ("+tool+")", err.Error())
		}
	}
}

// sameGray fails unless img has exactly the grey levels of want.
func sameGray(tb testing.TB, img image.Image, want *image.Gray) {
	tb.Helper()
	if img.Bounds() != want.Bounds() {
		tb.Fatalf("bounds %v, want %v", img.Bounds(), want.Bounds())
	}
	for y := range want.Rect.Dy() {
		for x := range want.Rect.Dx() {
			got := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
			if w := want.GrayAt(x, y).Y; got != w {
				tb.Fatalf("pixel (%d,%d) = %d, want %d", x, y, got, w)
			}
		}
	}
}

// near fails unless img is within a mean absolute difference of tol per channel of
// want (for lossy JPEG).
func near(tb testing.TB, img, want image.Image, tol float64) {
	tb.Helper()
	if img.Bounds().Size() != want.Bounds().Size() {
		tb.Fatalf("size %v, want %v", img.Bounds().Size(), want.Bounds().Size())
	}
	var sum float64
	b, wb := img.Bounds(), want.Bounds()
	for y := range b.Dy() {
		for x := range b.Dx() {
			r1, g1, b1, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			r2, g2, b2, _ := want.At(wb.Min.X+x, wb.Min.Y+y).RGBA()
			sum += math.Abs(float64(r1)-float64(r2)) + math.Abs(float64(g1)-float64(g2)) + math.Abs(float64(b1)-float64(b2))
		}
	}
	if mean := sum / 3 / 257 / float64(b.Dx()*b.Dy()); mean > tol {
		tb.Fatalf("mean difference %.1f levels, want ≤ %.1f", mean, tol)
	}
}

func TestImageFiles(t *testing.T) {
	grey := grayImage(60, 40)
	rgb := rgbImage(50, 30)
	greyJPEG := MustJPEG(t, grey, 200)
	greyPNG := MustPNG(t, grey, 300)
	tests := []struct {
		name        string
		data        []byte
		contentType string
		check       func(t *testing.T, p pages.Page)
	}{
		{"PNG grey 300 dpi", greyPNG, pages.TypePNG, func(t *testing.T, p pages.Page) {
			sameGray(t, p.Image, grey)
			if !bytes.Equal(p.PNG, greyPNG) {
				t.Errorf("PNG is not the file byte for byte (%d bytes, file %d)", len(p.PNG), len(greyPNG))
			}
			if p.DPI != 300 || p.Bilevel || p.JPEG != nil || p.Text != "" {
				t.Errorf("DPI %d Bilevel %v JPEG %d bytes Text %q", p.DPI, p.Bilevel, len(p.JPEG), p.Text)
			}
			if math.Abs(p.WidthPt-60.0/300*72) > 0.01 || math.Abs(p.HeightPt-40.0/300*72) > 0.01 {
				t.Errorf("size %.2f×%.2f pt", p.WidthPt, p.HeightPt)
			}
		}},
		{"PNG RGB without density", MustPNG(t, rgb, 0), pages.TypePNG, func(t *testing.T, p pages.Page) {
			near(t, p.Image, rgb, 0)
			if p.DPI != 300 || p.Bilevel {
				t.Errorf("DPI %d Bilevel %v", p.DPI, p.Bilevel)
			}
		}},
		{"PNG 1-bit palette 600 dpi", MustPNG(t, bilevelImage(33, 17), 600), pages.TypePNG, func(t *testing.T, p pages.Page) {
			near(t, p.Image, bilevelImage(33, 17), 0)
			if p.DPI != 600 || !p.Bilevel {
				t.Errorf("DPI %d Bilevel %v", p.DPI, p.Bilevel)
			}
		}},
		{"PNG absurd density", MustPNG(t, grey, 10), pages.TypePNG, func(t *testing.T, p pages.Page) {
			if p.DPI != 300 {
				t.Errorf("DPI %d, want 300 for a declared 10 dpi", p.DPI)
			}
		}},
		{"JPEG grey 200 dpi", greyJPEG, pages.TypeJPEG, func(t *testing.T, p pages.Page) {
			near(t, p.Image, grey, 4)
			if !bytes.Equal(p.JPEG, greyJPEG) {
				t.Errorf("JPEG is not the file byte for byte (%d bytes, file %d)", len(p.JPEG), len(greyJPEG))
			}
			if p.DPI != 200 || math.Abs(p.WidthPt-60.0/200*72) > 0.01 {
				t.Errorf("DPI %d width %.2f pt", p.DPI, p.WidthPt)
			}
		}},
		{"JPEG with EXIF 240 dpi", exifJPEG(t, rgb, 240), pages.TypeJPEG, func(t *testing.T, p pages.Page) {
			near(t, p.Image, rgb, 6)
			if p.DPI != 240 {
				t.Errorf("DPI %d, want 240", p.DPI)
			}
		}},
		{"JPEG RGB with trailing data", append(MustJPEG(t, rgb, 0), "motion photo trailer"...), pages.TypeJPEG, func(t *testing.T, p pages.Page) {
			near(t, p.Image, rgb, 6)
			if !bytes.Equal(p.JPEG, MustJPEG(t, rgb, 0)) {
				t.Errorf("JPEG should end at the end-of-image marker")
			}
			if p.DPI != 300 {
				t.Errorf("DPI %d", p.DPI)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := MustOpen(t, tt.data, pages.DefaultLimits())
			if f.ContentType() != tt.contentType || f.NumPages() != 1 {
				t.Fatalf("ContentType %q NumPages %d", f.ContentType(), f.NumPages())
			}
			tt.check(t, MustPage(t, f, 0))
		})
	}
}

func TestTIFF(t *testing.T) {
	g1, g2, g3 := grayImage(20, 10), grayImage(17, 9), grayImage(16, 8)
	rgb := rgbImage(32, 32)
	top, bottom := MustJPEG(t, rgb.SubImage(image.Rect(0, 0, 32, 16)), 0), MustJPEG(t, rgb.SubImage(image.Rect(0, 16, 32, 32)), 0)
	tables, scanTop := splitJPEG(t, top)
	_, scanBottom := splitJPEG(t, bottom)
	greyJPEG := MustJPEG(t, g1, 0)
	var lzwStrip bytes.Buffer // short enough that TIFF's early code change never happens
	lw := lzw.NewWriter(&lzwStrip, lzw.MSB, 8)
	lw.Write(g3.Pix)
	lw.Close()

	type want struct {
		img     image.Image
		tol     float64 // mean difference allowed; 0: exact
		dpi     int
		bilevel bool
		jpeg    bool
	}
	tests := []struct {
		name  string
		data  []byte
		pages []want
	}{
		{"none, Deflate and PackBits, little-endian", buildTIFF(binary.LittleEndian,
			tiffPage{w: 20, h: 10, bps: []uint32{8}, photometric: 1, compression: 1, rowsPerStrip: 4, strips: [][]byte{g1.Pix[:80], g1.Pix[80:160], g1.Pix[160:]}, extra: resolution(150, 2)},
			tiffPage{w: 17, h: 9, bps: []uint32{8}, photometric: 1, compression: 8, strips: [][]byte{deflate(g2.Pix)}, extra: resolution(59, 3)},
			tiffPage{w: 16, h: 8, bps: []uint32{8}, photometric: 1, compression: 32773, strips: [][]byte{packBits(g3.Pix)}},
		), []want{{img: g1, dpi: 150}, {img: g2, dpi: 150}, {img: g3, dpi: 300}}},
		{"Deflate and LZW, big-endian", buildTIFF(binary.BigEndian,
			tiffPage{w: 17, h: 9, bps: []uint32{8}, photometric: 1, compression: 8, strips: [][]byte{deflate(g2.Pix)}, extra: resolution(400, 2)},
			tiffPage{w: 16, h: 8, bps: []uint32{8}, photometric: 1, compression: 5, strips: [][]byte{lzwStrip.Bytes()}},
		), []want{{img: g2, dpi: 400}, {img: g3, dpi: 300}}},
		{"CCITT G4 with a thumbnail IFD skipped", buildTIFF(binary.LittleEndian,
			tiffPage{w: 16, h: 8, bps: []uint32{1}, photometric: 0, compression: 4, strips: [][]byte{g4Stripe()}, extra: resolution(200, 2)},
			tiffPage{w: 8, h: 8, bps: []uint32{8}, photometric: 1, compression: 1, strips: [][]byte{g3.Pix[:64]}, extra: []tiffField{{tag: 254, typ: 4, vals: []uint32{1}}}},
		), []want{{img: stripeImage(), dpi: 200, bilevel: true}}},
		{"JPEG in two strips with JPEGTables", buildTIFF(binary.LittleEndian,
			tiffPage{w: 32, h: 32, bps: []uint32{8, 8, 8}, photometric: 6, compression: 7, rowsPerStrip: 16, strips: [][]byte{scanTop, scanBottom},
				extra: []tiffField{{tag: 347, typ: 7, raw: tables}}},
		), []want{{img: rgb, tol: 6, dpi: 300}}},
		{"JPEG single strip, grey", buildTIFF(binary.LittleEndian,
			tiffPage{w: 20, h: 10, bps: []uint32{8}, photometric: 1, compression: 7, strips: [][]byte{greyJPEG}, extra: resolution(300, 2)},
		), []want{{img: g1, tol: 4, dpi: 300, jpeg: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := MustOpen(t, tt.data, pages.DefaultLimits())
			if f.ContentType() != pages.TypeTIFF || f.NumPages() != len(tt.pages) {
				t.Fatalf("ContentType %q NumPages %d, want %d", f.ContentType(), f.NumPages(), len(tt.pages))
			}
			for i, w := range tt.pages {
				p := MustPage(t, f, i)
				near(t, p.Image, w.img, w.tol)
				if p.DPI != w.dpi || p.Bilevel != w.bilevel || (p.JPEG != nil) != w.jpeg {
					t.Errorf("page %d: DPI %d Bilevel %v JPEG %d bytes; want %+v", i+1, p.DPI, p.Bilevel, len(p.JPEG), w)
				}
				if p.JPEG != nil {
					if _, err := pages.Open(context.Background(), MustWrite(t, "strip.jpg", p.JPEG), pages.Limits{}); err != nil {
						t.Errorf("page %d: JPEG is not a JPEG file: %v", i+1, err)
					}
				}
			}
		})
	}
}

// stripeBits is the g4Stripe image packed 1 bit per pixel, 1 = white (or, inverted,
// 1 = black).
func stripeBits(inverted bool) []byte {
	var b []byte
	for range 8 {
		var row uint16
		for x := range 16 {
			if stripeBlack(x) == inverted {
				row |= 0x8000 >> x
			}
		}
		b = append(b, byte(row>>8), byte(row))
	}
	return b
}

// stripeImage is what g4Stripe decodes to.
func stripeImage() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 16, 8))
	for y := range 8 {
		for x := range 16 {
			if !stripeBlack(x) {
				g.Pix[y*16+x] = 255
			}
		}
	}
	return g
}

func TestPDF(t *testing.T) {
	grey := grayImage(200, 100)
	greyJPEG := MustJPEG(t, grey, 0)
	rgb := rgbImage(40, 20)
	// Flate with the PNG Up predictor on every row.
	var up []byte
	for y := range 100 {
		up = append(up, 2)
		for x := range 200 {
			v := grey.Pix[y*200+x]
			if y > 0 {
				v -= grey.Pix[(y-1)*200+x]
			}
			up = append(up, v)
		}
	}
	var rgbRaw []byte
	for i := 0; i < len(rgb.Pix); i += 4 {
		rgbRaw = append(rgbRaw, rgb.Pix[i:i+3]...)
	}
	ocrText := "Quyet dinh giai quyet khieu nai lan dau cua Chu tich UBND tinh"
	twoInOne := func() []byte { // a page tree with an intermediate node and inherited MediaBox
		return buildPDF(
			obj("<< /Type /Catalog /Pages 2 0 R >>"),
			obj("<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 3 /MediaBox [0 0 72 36] >>"),
			obj("<< /Type /Page /Parent 2 0 R /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>"),
			stream("", []byte("q 72 0 0 36 0 0 cm /Im0 Do Q")),
			stream("/Type /XObject /Subtype /Image /Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", greyJPEG),
			obj("<< /Type /Pages /Parent 2 0 R /Kids [7 0 R 8 0 R] /Count 2 >>"),
			obj("<< /Type /Page /Parent 6 0 R /Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R /Rotate 180 >>"),
			obj("<< /Type /Page /Parent 6 0 R /MediaBox [0 0 144 72] /Contents 9 0 R >>"),
			stream("", []byte("0 0 1 rg 0 0 72 72 re f")),
		)
	}

	tests := []struct {
		name   string
		data   []byte
		render bool // needs poppler
		check  func(t *testing.T, f *pages.File)
	}{
		{"DCT image filling the page", imagePDF(72, 36, "", "/Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", greyJPEG), false, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			if !bytes.Equal(p.JPEG, greyJPEG) {
				t.Errorf("JPEG is not the embedded stream (%d bytes, want %d)", len(p.JPEG), len(greyJPEG))
			}
			near(t, p.Image, grey, 4)
			if p.DPI != 200 || p.WidthPt != 72 || p.HeightPt != 36 || p.Bilevel || p.Text != "" {
				t.Errorf("DPI %d size %g×%g Bilevel %v Text %q", p.DPI, p.WidthPt, p.HeightPt, p.Bilevel, p.Text)
			}
		}},
		{"Flate grey with PNG predictor", imagePDF(48, 24, "", "/Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 /Columns 200 >>", deflate(up)), false, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			sameGray(t, p.Image, grey)
			if p.DPI != 300 || p.JPEG != nil || p.Bilevel {
				t.Errorf("DPI %d JPEG %d bytes Bilevel %v", p.DPI, len(p.JPEG), p.Bilevel)
			}
		}},
		{"uncompressed RGB in an array of filters", imagePDF(40, 20, "", "/Width 40 /Height 20 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter [] /DecodeParms []", rgbRaw), false, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			near(t, p.Image, rgb, 0)
			if p.DPI != 72*40/40 && p.DPI != 300 { // 72 dpi is within the plausible range
				t.Errorf("DPI %d", p.DPI)
			}
		}},
		{"1-bit grey inverted by Decode", imagePDF(16*72/200.0, 8*72/200.0, "", "/Width 16 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0] /Filter /FlateDecode", deflate(stripeBits(true))), false, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			sameGray(t, p.Image, stripeImage())
			if !p.Bilevel || p.DPI != 200 {
				t.Errorf("Bilevel %v DPI %d", p.Bilevel, p.DPI)
			}
		}},
		{"CCITT G4 stencil mask", imagePDF(16*72/200.0, 8*72/200.0, "", "/Width 16 /Height 8 /ImageMask true /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 16 /Rows 8 >>", g4Stripe()), false, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			sameGray(t, p.Image, stripeImage())
			if !p.Bilevel || p.DPI != 200 {
				t.Errorf("Bilevel %v DPI %d", p.Bilevel, p.DPI)
			}
		}},
		{"rotated page", imagePDF(72, 36, "/Rotate 90", "/Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", greyJPEG), false, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			if p.JPEG != nil {
				t.Error("a rotated page must not pass the unrotated JPEG through")
			}
			if b := p.Image.Bounds(); b.Dx() != 100 || b.Dy() != 200 || p.WidthPt != 36 || p.HeightPt != 72 {
				t.Fatalf("bounds %v size %g×%g", b, p.WidthPt, p.HeightPt)
			}
			// Clockwise: the source's top-left corner is now top-right.
			if got, want := color.GrayModel.Convert(p.Image.At(99, 0)).(color.Gray).Y, grey.GrayAt(0, 0).Y; absDiff(got, want) > 24 {
				t.Errorf("top-right %d, want about %d", got, want)
			}
		}},
		{"OCRed scan: image under invisible text", onePagePDF(72, 36, "", "/XObject << /Im0 5 0 R >> /Font << /F1 6 0 R >>",
			fmt.Appendf(nil, "q 72 0 0 36 0 0 cm /Im0 Do Q BT 3 Tr /F1 4 Tf 2 20 Td (%s) Tj ET", ocrText),
			stream("/Type /XObject /Subtype /Image /Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", greyJPEG),
			obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")), true, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			if !bytes.Equal(p.JPEG, greyJPEG) {
				t.Error("the scan under an invisible text layer should pass through")
			}
			if !strings.Contains(p.Text, "khieu nai") {
				t.Errorf("Text %q", p.Text)
			}
		}},
		{"damaged Flate image falls back to rendering", imagePDF(48, 24, "", "/Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", deflate(grey.Pix)[:300]), true, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			if b := p.Image.Bounds(); b.Dx() != 200 || b.Dy() != 100 || p.DPI != 300 {
				t.Errorf("bounds %v DPI %d", b, p.DPI)
			}
		}},
		{"image under visible text is rendered", onePagePDF(72, 36, "", "/XObject << /Im0 5 0 R >> /Font << /F1 6 0 R >>",
			[]byte("q 72 0 0 36 0 0 cm /Im0 Do Q BT /F1 4 Tf 2 20 Td (COPY) Tj ET"),
			stream("/Type /XObject /Subtype /Image /Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", greyJPEG),
			obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")), true, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			if p.JPEG != nil || p.DPI != 300 || p.Image.Bounds().Dx() != 300 {
				t.Errorf("JPEG %d bytes DPI %d bounds %v: the page should have been rendered", len(p.JPEG), p.DPI, p.Image.Bounds())
			}
		}},
		{"text page is rendered and its text read", textPDF("Bien ban doi thoai ve viec khieu nai cua ong Nguyen Van A"), true, func(t *testing.T, f *pages.File) {
			p := MustPage(t, f, 0)
			if !strings.Contains(p.Text, "Bien ban doi thoai") {
				t.Errorf("Text %q", p.Text)
			}
			if b := p.Image.Bounds(); p.DPI != 300 || b.Dx() < 1660 || b.Dx() > 1670 || p.WidthPt != 400 || p.JPEG != nil {
				t.Errorf("DPI %d bounds %v width %g pt", p.DPI, b, p.WidthPt)
			}
			if _, ok := p.Image.(*image.Gray); !ok {
				t.Errorf("a black and white rendering should be grey, got %T", p.Image)
			}
		}},
		{"legacy TCVN3 text layer is converted", textPDF(latin1("QuyÕt ®Þnh gi¶i quyÕt khiÕu n¹i lÇn ®Çu cña Chñ tÞch UBND tØnh")), true, func(t *testing.T, f *pages.File) {
			if p, want := MustPage(t, f, 0), "Quyết định giải quyết khiếu nại lần đầu của Chủ tịch UBND tỉnh"; p.Text != want {
				t.Errorf("Text %q, want %q from a TCVN3-encoded text layer", p.Text, want)
			}
		}},
		{"legacy VNI text layer is converted", textPDF(latin1("Quyeát ñònh giaûi quyeát khieáu naïi cuûa Chuû tòch")), true, func(t *testing.T, f *pages.File) {
			if p, want := MustPage(t, f, 0), "Quyết định giải quyết khiếu nại của Chủ tịch"; p.Text != want {
				t.Errorf("Text %q, want %q from a VNI-encoded text layer", p.Text, want)
			}
		}},
		{"garbled text layer is dropped", textPDF(latin1("Ø¿¼ þ¾½ ÆÐ× ¬¤¥ ¦§¨ ©ª« Ø¿¼ þ¾½ ÆÐ× ¬¤¥ ¦§¨ ©ª«")), true, func(t *testing.T, f *pages.File) {
			if p := MustPage(t, f, 0); p.Text != "" {
				t.Errorf("Text %q, want empty for a garbled text layer", p.Text)
			}
		}},
		{"too little text to skip OCR", textPDF("Trang 3"), true, func(t *testing.T, f *pages.File) {
			if p := MustPage(t, f, 0); p.Text != "" {
				t.Errorf("Text %q, want empty below 20 letters", p.Text)
			}
		}},
		{"page tree with inheritance", twoInOne(), true, func(t *testing.T, f *pages.File) {
			if f.NumPages() != 3 {
				t.Fatalf("NumPages %d", f.NumPages())
			}
			if p := MustPage(t, f, 0); p.JPEG == nil || p.WidthPt != 72 {
				t.Errorf("page 1: JPEG %d bytes width %g", len(p.JPEG), p.WidthPt)
			}
			if p := MustPage(t, f, 1); p.JPEG != nil || p.Image.Bounds().Dx() != 200 || p.HeightPt != 36 {
				t.Errorf("page 2 (Rotate 180): JPEG %d bytes bounds %v", len(p.JPEG), p.Image.Bounds())
			}
			p := MustPage(t, f, 2)
			if b := p.Image.Bounds(); b.Dx() != 600 || b.Dy() != 300 || p.DPI != 300 || p.WidthPt != 144 {
				t.Fatalf("page 3: bounds %v DPI %d width %g", b, p.DPI, p.WidthPt)
			}
			// A blue square on the left half, white on the right.
			if r, g, b, _ := p.Image.At(100, 200).RGBA(); r>>8 > 10 || g>>8 > 10 || b>>8 < 245 {
				t.Errorf("page 3 at (100,200): %d %d %d, want blue", r>>8, g>>8, b>>8)
			}
			if r, g, b, _ := p.Image.At(500, 100).RGBA(); r>>8 < 245 || g>>8 < 245 || b>>8 < 245 {
				t.Errorf("page 3 at (500,100): %d %d %d, want white", r>>8, g>>8, b>>8)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.render {
				requirePoppler(t)
			}
			f := MustOpen(t, tt.data, pages.DefaultLimits())
			if f.ContentType() != pages.TypePDF {
				t.Fatalf("ContentType %q", f.ContentType())
			}
			tt.check(t, f)
		})
	}
}

// latin1 writes s (Latin-1 runes only) as the body of a PDF literal string in
// WinAnsiEncoding, escaping bytes above 127.
func latin1(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 127 {
			fmt.Fprintf(&b, "\\%03o", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func absDiff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

// encryptPDF encrypts b with pdfcpu (AES-256). The configuration is built here
// because model.NewDefaultConfiguration writes a configuration directory into $HOME,
// and pdfcpu's api package is avoided because it needs modules kntc does not have.
func encryptPDF(tb testing.TB, b []byte, userPW, ownerPW string) []byte {
	tb.Helper()
	conf := &model.Configuration{
		Reader15:          true,
		ValidationMode:    model.ValidationRelaxed,
		Eol:               types.EolLF,
		WriteObjectStream: true,
		WriteXRefStream:   true,
		EncryptUsingAES:   true,
		EncryptKeyLength:  256,
		Permissions:       model.PermissionsPrint,
		UserPW:            userPW,
		OwnerPW:           ownerPW,
		Offline:           true,
		Limits:            model.DefaultResourceLimits(),
		Cmd:               model.ENCRYPT,
	}
	ctx, err := pdfcpu.Read(bytes.NewReader(b), conf)
	if err != nil {
		tb.Fatalf("encrypt: read: %v", err)
	}
	var out bytes.Buffer
	ctx.Write.Writer = bufio.NewWriter(&out)
	if err := pdfcpu.WriteContext(ctx); err != nil {
		tb.Fatalf("encrypt: write: %v", err)
	}
	if err := ctx.Write.Flush(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

func TestEncryptedPDF(t *testing.T) {
	plain := imagePDF(72, 36, "", "/Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", MustJPEG(t, grayImage(200, 100), 0))

	t.Run("user password", func(t *testing.T) {
		_, err := pages.Open(context.Background(), MustWrite(t, "locked.pdf", encryptPDF(t, plain, "secret", "owner")), pages.Limits{})
		if !errors.Is(err, pages.ErrEncrypted) || !pages.IsPermanent(err) {
			t.Fatalf("err = %v, want ErrEncrypted", err)
		}
		if !strings.HasPrefix(err.Error(), "tệp PDF được mã hoá") {
			t.Errorf("message %q should start with the Vietnamese text", err)
		}
	})
	t.Run("owner password only", func(t *testing.T) {
		requirePoppler(t)
		f := MustOpen(t, encryptPDF(t, plain, "", "owner"), pages.Limits{})
		p := MustPage(t, f, 0)
		// Encrypted streams are not passed through: poppler decrypts and renders.
		if p.JPEG != nil || p.DPI != 300 || p.Image.Bounds().Dx() != 300 {
			t.Errorf("JPEG %d bytes DPI %d bounds %v", len(p.JPEG), p.DPI, p.Image.Bounds())
		}
	})
}

func TestBadInput(t *testing.T) {
	grey := grayImage(60, 40)
	png3 := MustPNG(t, grey, 0)
	jpg := MustJPEG(t, grey, 0)
	tiff3 := buildTIFF(binary.LittleEndian,
		tiffPage{w: 16, h: 8, bps: []uint32{8}, photometric: 1, compression: 1, strips: [][]byte{grayImage(16, 8).Pix}},
		tiffPage{w: 16, h: 8, bps: []uint32{8}, photometric: 1, compression: 1, strips: [][]byte{grayImage(16, 8).Pix}},
		tiffPage{w: 16, h: 8, bps: []uint32{8}, photometric: 1, compression: 1, strips: [][]byte{grayImage(16, 8).Pix}},
	)
	loop := bytes.Clone(tiff3)
	binary.LittleEndian.PutUint32(loop[len(loop)-4:], binary.LittleEndian.Uint32(loop[4:8])) // last IFD points to the first
	pdf3 := buildPDF(
		obj("<< /Type /Catalog /Pages 2 0 R >>"),
		obj("<< /Type /Pages /Kids [3 0 R 3 0 R 3 0 R] /Count 3 >>"),
		obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>"),
	)
	jpegPage := imagePDF(72, 36, "", "/Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", MustJPEG(t, grayImage(200, 100), 0))
	hugePNG := slices2(png3[:8], pngChunk("IHDR", []byte{0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 0, 0, 0, 0}), pngChunk("IDAT", deflate([]byte{0})), pngChunk("IEND", nil))
	hugeJPEG := bytes.Clone(jpg)
	if i := bytes.Index(hugeJPEG, []byte{0xFF, 0xC0}); i > 0 {
		binary.BigEndian.PutUint16(hugeJPEG[i+5:], 60000)
		binary.BigEndian.PutUint16(hugeJPEG[i+7:], 60000)
	}
	sos := bytes.Index(jpg, []byte{0xFF, 0xDA})
	scanBomb := slices2(jpg[:sos], bytes.Repeat(jpg[sos:len(jpg)-2], 101), []byte{0xFF, 0xD9})
	badChunk := bytes.Clone(png3)
	copy(badChunk[37:41], "I\x00AT") // the first IDAT's type

	tests := []struct {
		name   string
		data   []byte
		lim    pages.Limits
		want   error
		atPage bool // the error comes from Page, not Open
	}{
		{"zero bytes", nil, pages.Limits{}, pages.ErrEmpty, false},
		{"random bytes", []byte("\x13\x37 this is not a scan at all, just text"), pages.Limits{}, pages.ErrUnsupported, false},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), pages.Limits{}, pages.ErrUnsupported, false},
		{"BigTIFF", []byte("II+\x00\x08\x00\x00\x00\x10\x00\x00\x00\x00\x00\x00\x00"), pages.Limits{}, pages.ErrUnsupported, false},
		{"truncated PNG", png3[:len(png3)/2], pages.Limits{}, pages.ErrTruncated, false},
		{"PNG with a bad chunk type", badChunk, pages.Limits{}, pages.ErrCorrupt, false},
		{"PNG with a broken IDAT checksum", flipLast(png3, 20), pages.Limits{}, pages.ErrCorrupt, true},
		{"truncated JPEG", jpg[:len(jpg)*2/3], pages.Limits{}, pages.ErrTruncated, false},
		{"JPEG without start marker data", []byte{0xFF, 0xD8, 0xFF, 0xD9}, pages.Limits{}, pages.ErrCorrupt, false},
		{"JPEG with 101 scans", scanBomb, pages.Limits{}, pages.ErrCorrupt, false},
		{"truncated TIFF strip", tiff3[:len(tiff3)-200], pages.Limits{}, pages.ErrTruncated, false},
		{"TIFF IFD loop", loop, pages.Limits{}, pages.ErrCorrupt, false},
		{"TIFF old-style JPEG", buildTIFF(binary.LittleEndian, tiffPage{w: 16, h: 8, bps: []uint32{8}, photometric: 1, compression: 6, strips: [][]byte{{1, 2, 3}}}), pages.Limits{}, pages.ErrUnsupported, false},
		{"corrupt PDF", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage garbage\n"), pages.Limits{}, pages.ErrCorrupt, false},
		{"truncated PDF", jpegPage[:len(jpegPage)/3], pages.Limits{}, pages.ErrCorrupt, false},
		{"PDF page tree visiting a page twice", pdf3, pages.Limits{}, pages.ErrCorrupt, false},
		{"file size limit", png3, pages.Limits{MaxFileBytes: 100}, pages.ErrTooLarge, false},
		{"TIFF page limit", tiff3, pages.Limits{MaxPages: 2}, pages.ErrTooManyPages, false},
		{"PDF page limit", textPDFPages(3), pages.Limits{MaxPages: 2}, pages.ErrTooManyPages, false},
		{"PNG claiming 100000×100000", hugePNG, pages.Limits{}, pages.ErrTooManyPixels, false},
		{"JPEG claiming 60000×60000", hugeJPEG, pages.Limits{}, pages.ErrTooManyPixels, false},
		{"TIFF over the pixel limit", tiff3, pages.Limits{MaxPixels: 100}, pages.ErrTooManyPixels, false},
		{"PDF image over the pixel limit", jpegPage, pages.Limits{MaxPixels: 10000}, pages.ErrTooManyPixels, false},
		{"PDF page too large to render", onePagePDF(14400, 14400, "", "", []byte("0 0 10 10 re f")), pages.Limits{MaxPixels: 1_000_000}, pages.ErrTooManyPixels, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := pages.Open(context.Background(), MustWrite(t, "input", tt.data), tt.lim)
			if tt.atPage {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				defer f.Close()
				_, err = f.Page(context.Background(), 0)
			} else if err == nil {
				f.Close()
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if !pages.IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = false", err)
			}
			if msg := err.Error(); !strings.Contains(msg, ") ") && !strings.Contains(msg, "):") && !strings.HasSuffix(msg, ")") ||
				!strings.HasPrefix(msg, "tệp") && !strings.HasPrefix(msg, "trang") && !strings.HasPrefix(msg, "định dạng") {
				t.Errorf("message %q should be Vietnamese first, English in brackets", msg)
			}
			t.Log(err)
		})
	}
}

func slices2(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// flipLast returns a copy of b with a byte n bytes from the end inverted.
func flipLast(b []byte, n int) []byte {
	c := bytes.Clone(b)
	c[len(c)-n] ^= 0xFF
	return c
}

// textPDFPages is a PDF of n empty pages.
func textPDFPages(n int) []byte {
	kids := ""
	objs := [][]byte{obj("<< /Type /Catalog /Pages 2 0 R >>"), nil}
	for i := range n {
		kids += fmt.Sprintf("%d 0 R ", i+3)
		objs = append(objs, obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>"))
	}
	objs[1] = obj("<< /Type /Pages /Kids [%s] /Count %d >>", kids, n)
	return buildPDF(objs...)
}

// A header claiming an enormous image is refused before anything of that size is
// allocated.
func TestTooManyPixelsWithoutAllocating(t *testing.T) {
	ihdr := []byte{0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 2, 0, 0, 0} // 100000×100000 RGB
	data := slices2([]byte("\x89PNG\r\n\x1A\n"), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflate(make([]byte, 1000))), pngChunk("IEND", nil))
	path := MustWrite(t, "bomb.png", data)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := pages.Open(context.Background(), path, pages.Limits{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, pages.ErrTooManyPixels) {
		t.Fatalf("err = %v, want ErrTooManyPixels", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
		t.Errorf("allocated %d bytes refusing a bomb", n)
	}
}

func TestIsPermanent(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := MustOpen(t, MustPNG(t, grayImage(8, 8), 0), pages.Limits{})
	_, ctxErr := f.Page(ctx, 0)
	_, pathErr := pages.Open(context.Background(), "/nonexistent/scan.pdf", pages.Limits{})
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"cancelled context", ctxErr, false},
		{"missing file", pathErr, false},
		{"wrapped corrupt", fmt.Errorf("ingest: %w", pages.ErrCorrupt), true},
		{"truncated is corrupt too", pages.ErrTruncated, true},
		{"too slow", pages.ErrTooSlow, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pages.IsPermanent(tt.err); got != tt.want {
				t.Errorf("IsPermanent(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
	if !errors.Is(ctxErr, context.Canceled) {
		t.Errorf("Page with a cancelled context: %v", ctxErr)
	}
	if !errors.Is(pages.ErrTruncated, pages.ErrCorrupt) {
		t.Error("ErrTruncated should be an ErrCorrupt")
	}
}

// Pages of one file may be decoded concurrently (the pipeline's page pool).
func TestConcurrentPages(t *testing.T) {
	var tps []tiffPage
	for i := range 6 {
		g := grayImage(16+i, 8)
		tps = append(tps, tiffPage{w: 16 + i, h: 8, bps: []uint32{8}, photometric: 1, compression: 8, strips: [][]byte{deflate(g.Pix)}})
	}
	f := MustOpen(t, buildTIFF(binary.LittleEndian, tps...), pages.Limits{})
	var wg sync.WaitGroup
	for i := range f.NumPages() {
		wg.Go(func() {
			p, err := f.Page(context.Background(), i)
			if err != nil {
				t.Errorf("page %d: %v", i+1, err)
				return
			}
			if p.Image.Bounds().Dx() != 16+i {
				t.Errorf("page %d: width %d", i+1, p.Image.Bounds().Dx())
			}
		})
	}
	wg.Wait()
}

// PDFs may be opened concurrently (pdfcpu must not share state between reads).
func TestConcurrentPDFOpen(t *testing.T) {
	data := imagePDF(72, 36, "", "/Width 200 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", MustJPEG(t, grayImage(200, 100), 0))
	path := MustWrite(t, "scan.pdf", data)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			f, err := pages.Open(context.Background(), path, pages.Limits{})
			if err != nil {
				t.Error(err)
				return
			}
			defer f.Close()
			if p, err := f.Page(context.Background(), 0); err != nil || p.JPEG == nil {
				t.Errorf("Page: %v (JPEG %d bytes)", err, len(p.JPEG))
			}
		})
	}
	wg.Wait()
}
