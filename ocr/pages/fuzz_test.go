package pages_test

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"kntc/ocr/pages"
)

// fuzzLimits are small so that a fuzzed header cannot make an iteration slow.
var fuzzLimits = pages.Limits{MaxFileBytes: 4 << 20, MaxPages: 8, MaxPixels: 1 << 20, MaxRenderTime: 10 * time.Second}

// seeds are valid files of every kind the package accepts.
func seeds(tb testing.TB) [][]byte {
	grey, rgb := grayImage(24, 16), rgbImage(16, 16)
	greyJPEG := MustJPEG(tb, grey, 200)
	tables, scan := splitJPEG(tb, MustJPEG(tb, rgb, 0))
	return [][]byte{
		MustPNG(tb, grey, 300),
		MustPNG(tb, rgb, 0),
		MustPNG(tb, bilevelImage(9, 7), 600),
		greyJPEG,
		MustJPEG(tb, rgb, 0),
		buildTIFF(binary.LittleEndian,
			tiffPage{w: 24, h: 16, bps: []uint32{8}, photometric: 1, compression: 1, rowsPerStrip: 8, strips: [][]byte{grey.Pix[:192], grey.Pix[192:]}, extra: resolution(150, 2)},
			tiffPage{w: 24, h: 16, bps: []uint32{8}, photometric: 1, compression: 8, strips: [][]byte{deflate(grey.Pix)}},
			tiffPage{w: 24, h: 16, bps: []uint32{8}, photometric: 1, compression: 32773, strips: [][]byte{packBits(grey.Pix)}},
		),
		buildTIFF(binary.BigEndian,
			tiffPage{w: 16, h: 8, bps: []uint32{1}, photometric: 0, compression: 4, strips: [][]byte{g4Stripe()}, extra: resolution(200, 2)},
			tiffPage{w: 16, h: 16, bps: []uint32{8, 8, 8}, photometric: 6, compression: 7, strips: [][]byte{scan}, extra: []tiffField{{tag: 347, typ: 7, raw: tables}}},
		),
		imagePDF(72, 48, "", "/Width 24 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", MustJPEG(tb, grey, 0)),
		imagePDF(72, 48, "/Rotate 270", "/Width 24 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", deflate(grey.Pix)),
		imagePDF(16*72/200.0, 8*72/200.0, "", "/Width 16 /Height 8 /ImageMask true /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 16 /Rows 8 >>", g4Stripe()),
		textPDF("Thong bao thu ly to cao so 12/TB-UBND"),
		textPDFPages(2),
		mixedPDF([][]mixedRun{{{"Times-Roman", "Căn cứ "}, {"ABCDEF+.VnTime", "ngày 11 tháng 11 của ông Lưu"}, {"VNI-Times,Bold", "người dân"}}}),
	}
}

// FuzzOpen opens arbitrary bytes and decodes their first pages: it must never panic
// or hang, every error must be a permanent input error, and every page must be sane.
func FuzzOpen(f *testing.F) {
	requirePoppler(f)
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		file, err := pages.Open(ctx, MustWrite(t, "input", b), fuzzLimits)
		if err != nil {
			checkFuzzErr(t, ctx, err)
			return
		}
		defer file.Close()
		if file.NumPages() < 1 || file.NumPages() > fuzzLimits.MaxPages {
			t.Fatalf("NumPages %d", file.NumPages())
		}
		for i := range min(file.NumPages(), 3) {
			p, err := file.Page(ctx, i)
			if err != nil {
				checkFuzzErr(t, ctx, err)
				continue
			}
			checkFuzzPage(t, p)
		}
	})
}

// FuzzPDFContent puts arbitrary bytes in the content stream of a page whose
// resources hold a valid image, to exercise the content analysis in Open.
func FuzzPDFContent(f *testing.F) {
	jpg := MustJPEG(f, grayImage(24, 16), 0)
	for _, s := range []string{
		"q 72 0 0 48 0 0 cm /Im0 Do Q",
		"q 1 0 0 1 0 0 cm q 72 0 0 48 0 0 cm /Im0 Do Q Q BT 3 Tr /F1 4 Tf 2 20 Td (abc \\) def) Tj [(a) -20 (b)] TJ ET",
		"/P <</MCID 0>> BDC 0 g q 72 0 0 48 0 0 cm /Im0 Do Q EMC % comment\n",
		"q 72 0 0 48 0 0 cm BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q",
		"<48656c6c6f> Tj 1 0 0 RG 0 0 10 10 re S",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		pdf := onePagePDF(72, 48, "", "/XObject << /Im0 5 0 R >> /Font << /F1 6 0 R >>", content,
			stream("/Type /XObject /Subtype /Image /Width 24 /Height 16 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", jpg),
			obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		file, err := pages.Open(ctx, MustWrite(t, "content.pdf", pdf), fuzzLimits)
		if err != nil {
			checkFuzzErr(t, ctx, err)
			return
		}
		file.Close()
	})
}

func checkFuzzErr(t *testing.T, ctx context.Context, err error) {
	t.Helper()
	if ctx.Err() != nil {
		t.Fatalf("hang: %v", err)
	}
	if !pages.IsPermanent(err) {
		t.Fatalf("error is not an input error: %v", err)
	}
	if errors.Is(err, pages.ErrTooSlow) {
		t.Fatalf("slow: %v", err)
	}
}

func checkFuzzPage(t *testing.T, p pages.Page) {
	t.Helper()
	if p.Image == nil {
		t.Fatal("nil Image")
	}
	b := p.Image.Bounds()
	if b.Empty() || int64(b.Dx())*int64(b.Dy()) > fuzzLimits.MaxPixels*101/100+10000 {
		t.Fatalf("bounds %v", b)
	}
	if p.DPI < 70 || p.DPI > 2400 || !(p.WidthPt > 0) || !(p.HeightPt > 0) {
		t.Fatalf("DPI %d size %g×%g", p.DPI, p.WidthPt, p.HeightPt)
	}
	if p.JPEG != nil {
		if _, err := pages.Open(context.Background(), MustWrite(t, "page.jpg", p.JPEG), pages.Limits{}); err != nil {
			t.Fatalf("Page.JPEG is not a JPEG: %v", err)
		}
	}
}
