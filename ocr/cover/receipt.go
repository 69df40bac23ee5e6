package cover

import (
	"fmt"
	"image"
	"io"
	"strings"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"kntc/ingest"
	"kntc/ocr/fonts"
	"kntc/ocr/pdfa"
)

// Receipt is a citizen's printable receipt of a petition sent online (phiếu
// tiếp nhận đơn trực tuyến): a title, the code and PIN in large letters, and
// lines of text (what was received, what happens next).
type Receipt struct {
	Title string
	Code  string
	PIN   string
	Lines []string
	Date  time.Time // when it is printed, for the PDF's metadata
}

// receiptDPI is what the receipt is drawn at: sharp enough to print, small.
const receiptDPI = 150

// WriteReceipt writes r as a one-page A4 PDF/A with a text layer (the words drawn
// are also text a reader can select, copy and read aloud).
func WriteReceipt(w io.Writer, r Receipt) error {
	c, err := newCanvas(receiptDPI)
	if err != nil {
		return err
	}
	defer c.close()
	var words []ingest.Word
	line := 0
	// left draws one line from the left margin at y and records its words.
	left := func(s fonts.Style, pt float64, text string, y int) int {
		face := c.face(s, pt)
		d := &font.Drawer{Dst: c.img, Src: image.Black, Face: face}
		m := face.Metrics()
		x := c.px(marginMM)
		base := y + m.Ascent.Ceil()
		line++
		for i, word := range strings.Fields(text) {
			if i > 0 {
				x += d.MeasureString(" ").Ceil()
			}
			wd := d.MeasureString(word).Ceil()
			d.Dot = fixed.P(x, base)
			d.DrawString(word)
			words = append(words, ingest.Word{Text: word, X0: x, Y0: y, X1: x + wd, Y1: y + m.Height.Ceil(),
				Confidence: 100, Block: 1, Par: 1, Line: line})
			x += wd
		}
		return y + m.Height.Ceil()
	}
	width := c.img.Rect.Dx() - 2*c.px(marginMM)
	y := c.px(marginMM)
	for _, l := range c.wrap(fonts.SansBold, 18, r.Title, width) {
		y = left(fonts.SansBold, 18, l, y)
	}
	y += c.px(6)
	y = left(fonts.SansBold, 16, "Mã hồ sơ: "+r.Code, y)
	y = left(fonts.SansBold, 16, "Mã tra cứu (PIN): "+r.PIN, y+c.px(2))
	y += c.px(6)
	limit := c.img.Rect.Dy() - c.px(marginMM)
	for _, text := range r.Lines {
		for _, l := range c.wrap(fonts.Sans, 11, text, width) {
			if y+c.face(fonts.Sans, 11).Metrics().Height.Ceil() > limit {
				break
			}
			y = left(fonts.Sans, 11, l, y)
		}
		y += c.px(2)
	}
	for i, v := range c.img.Pix { // bilevel, as the cover sheets: small, crisp in print
		if v < 128 {
			c.img.Pix[i] = 0
		} else {
			c.img.Pix[i] = 255
		}
	}
	date := r.Date
	if date.IsZero() {
		date = time.Now()
	}
	pw, err := pdfa.NewWriter(w, pdfa.Meta{Title: r.Title + " " + r.Code, Lang: "vi-VN", CreateDate: date, Producer: "kntc"})
	if err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	if err := pw.AddPage(pdfa.Page{Image: c.img, DPI: receiptDPI, Words: words}); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	return nil
}
