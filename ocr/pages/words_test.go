package pages_test

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"slices"
	"strings"
	"testing"

	"kntc/internal/vnlegacy/vnlegacytest"
	"kntc/ocr/pages"
)

// TestTextWordsBoxTheInk: the words of a typed page's text layer come in the
// pixels of the page's image, so that a rectangle drawn around a word (padded as
// redaction pads it) covers all its ink, whatever the page's rotation and crop
// box; every box has ink under it; a line typed in TCVN3 comes out in Unicode.
func TestTextWordsBoxTheInk(t *testing.T) {
	requirePoppler(t)
	content := []byte("BT /F1 14 Tf 30 130 Td (KET LUAN so 15/KL) Tj ET\n" +
		"BT /F1 10 Tf 200 80 Td (CCCD: 079188123456, dien thoai 0913 572 468) Tj ET\n" +
		"BT /F1 11 Tf 30 40 Td (Ba Hoang Thi Kin Dao [tru tai] phuong Long Hoa) Tj ET")
	font := obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	want := "KET LUAN so 15/KL CCCD: 079188123456, dien thoai 0913 572 468 Ba Hoang Thi Kin Dao [tru tai] phuong Long Hoa"
	for _, tt := range []struct{ name, extra string }{
		{"plain", ""},
		{"rotated 90", "/Rotate 90"},
		{"rotated 270 and cropped", "/Rotate 270 /CropBox [20 25 448 170]"},
		{"cropped", "/CropBox [15 30 446 165]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := MustOpen(t, onePagePDF(450, 180, tt.extra, "/Font << /F1 5 0 R >>", content, font), pages.Limits{})
			tl, err := f.TextWords(t.Context(), 0)
			if err != nil {
				t.Fatal(err)
			}
			var texts []string
			for _, w := range tl.Words {
				texts = append(texts, w.Text)
			}
			slices.Sort(texts) // reading order is pdftotext's
			wantWords := strings.Fields(want)
			slices.Sort(wantWords)
			if got, want := strings.Join(texts, " "), strings.Join(wantWords, " "); got != want {
				t.Errorf("words %q\nwant  %q", got, want)
			}
			pg, err := f.Page(t.Context(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if b := pg.Image.Bounds(); b.Dx() != tl.Width || b.Dy() != tl.Height || pg.DPI != tl.DPI {
				t.Fatalf("page image %v at %d dpi, words in %d×%d at %d dpi", b, pg.DPI, tl.Width, tl.Height, tl.DPI)
			}
			var boxes []image.Rectangle
			for _, w := range tl.Words {
				pad := max(3, (w.Y1-w.Y0)/5)
				if w.X1-w.X0 < w.Y1-w.Y0 { // a rotated page's words stand upright
					pad = max(3, (w.X1-w.X0)/5)
				}
				boxes = append(boxes, image.Rect(w.X0-pad, w.Y0-pad, w.X1+pad, w.Y1+pad))
			}
			inked := make([]bool, len(boxes))
			b := pg.Image.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					if color.GrayModel.Convert(pg.Image.At(x, y)).(color.Gray).Y > 128 {
						continue
					}
					in := false
					for i, r := range boxes {
						if (image.Point{x, y}).In(r) {
							in, inked[i] = true, true
						}
					}
					if !in {
						t.Fatalf("ink at (%d,%d) outside every word's box: %v", x, y, tl.Words)
					}
				}
			}
			for i, ok := range inked {
				if !ok {
					t.Errorf("no ink under %q at %v", tl.Words[i].Text, boxes[i])
				}
			}
		})
	}
	// A line typed in TCVN3 (its glyphs here Latin-1's, as a PDF made without the
	// .VnTime font shows them) comes out in Unicode NFC. TCVN3's ư is the soft
	// hyphen, which PDFs lose: the text has none.
	tcvn3 := latin1(vnlegacytest.ToTCVN3("bà hoàng thị kín đáo ở phố hai bà"))
	f := MustOpen(t, onePagePDF(450, 100, "", "/Font << /F1 5 0 R >>", fmt.Appendf(nil, "BT /F1 11 Tf 30 40 Td (%s) Tj ET", tcvn3), font), pages.Limits{})
	tl, err := f.TextWords(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, w := range tl.Words {
		texts = append(texts, w.Text)
	}
	if got, want := strings.Join(texts, " "), "bà hoàng thị kín đáo ở phố hai bà"; got != want {
		t.Errorf("TCVN3 words %q, want %q", got, want)
	}
	if _, err := MustOpen(t, MustPNG(t, grayImage(20, 20), 300), pages.Limits{}).TextWords(context.Background(), 0); !errors.Is(err, pages.ErrUnsupported) {
		t.Errorf("text words of a PNG: %v", err)
	}
}
