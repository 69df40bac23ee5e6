package cover

import (
	"errors"
	"fmt"
	"image"
	"io"
	"strings"
	"time"

	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"kntc/ocr/fonts"
	"kntc/ocr/pdfa"
)

// Title is the heading of every cover sheet: what it is and that it is thrown away.
const Title = "PHIẾU BÌA HỒ SƠ"

// Subtitle is the second heading line.
const Subtitle = "KHÔNG LƯU TRANG NÀY"

// Page geometry, in millimetres (A4 portrait).
const (
	pageWidthMM  = 210.0
	pageHeightMM = 297.0
	marginMM     = 15.0
	// moduleMM is the side of one QR module. 2 mm is 8 pixels at the 100 dpi Detect
	// works at and 16 at a 200 dpi fax-quality scan, so blur, JPEG and toner noise do
	// not reach across a module. A version 5 code (the longest payload) is then 90 mm
	// wide with its quiet zone.
	moduleMM = 2.0
	// quietModules is the white border the QR standard requires around the code.
	quietModules = 4
)

// PrintDPI is the resolution WritePDF renders at: what office printers print.
const PrintDPI = 300

// Render draws the cover sheet s as an A4 page at dpi (100–1200): the headings, the
// case code in large letters, the QR code in the middle of the page (so it is in the
// same place whichever way up the sheet is scanned), the kind's name, s.Lines and how
// to use the sheet. The page is bilevel: only 0 and 255.
func Render(s Sheet, dpi int) (*image.Gray, error) {
	if dpi < 100 || dpi > 1200 {
		return nil, fmt.Errorf("render cover sheet at %d dpi: want 100–1200", dpi)
	}
	payload, err := Payload(s.CaseCode, s.Kind)
	if err != nil {
		return nil, err
	}
	qr, err := encoder.Encoder_encode(payload, decoder.ErrorCorrectionLevel_Q, nil)
	if err != nil {
		return nil, fmt.Errorf("encode QR %q: %w", payload, err)
	}
	c, err := newCanvas(dpi)
	if err != nil {
		return nil, err
	}
	defer c.close()

	// The QR code, centred on the page.
	m := qr.GetMatrix()
	n := m.GetWidth()
	module := max(1, c.px(moduleMM))
	side := (n + 2*quietModules) * module
	qx, qy := (c.img.Rect.Dx()-side)/2, (c.img.Rect.Dy()-side)/2
	for y := range n {
		for x := range n {
			if m.Get(x, y) == 1 {
				x0, y0 := qx+(quietModules+x)*module, qy+(quietModules+y)*module
				c.fill(image.Rect(x0, y0, x0+module, y0+module))
			}
		}
	}

	// Above the code: the headings in a frame, and the case code.
	width := c.img.Rect.Dx() - 2*c.px(marginMM)
	y := c.px(marginMM)
	frameTop := y
	y = c.centred(fonts.SansBold, 30, Title, y+c.px(5), width)
	y = c.centred(fonts.SansBold, 20, Subtitle, y+c.px(3), width)
	frameBottom := y + c.px(5)
	c.frame(image.Rect(c.px(marginMM), frameTop, c.img.Rect.Dx()-c.px(marginMM), frameBottom), max(1, c.px(1)))
	c.centred(fonts.SansBold, 40, s.CaseCode, frameBottom+c.px(8), width)

	// Below it: the kind, the caller's lines, then the instructions at the bottom.
	label := "tự nhận dạng (recognised from the document)"
	if s.Kind != "" {
		label = s.Kind.Label()
	}
	y = c.centred(fonts.SansBold, 18, "Loại tài liệu: "+label, qy+side+c.px(2), width)
	help := []string{
		"Đặt phiếu này lên trên các trang của một tài liệu thuộc hồ sơ rồi quét cả xấp.",
		"Mỗi phiếu bắt đầu một tài liệu mới của hồ sơ; trang phiếu không được lưu.",
	}
	helpTop := c.img.Rect.Dy() - c.px(marginMM) - c.height(fonts.Sans, 11, help, width)
	for _, l := range s.Lines {
		y = c.wrapped(fonts.Sans, 14, l, y+c.px(2), width, helpTop-c.px(3))
	}
	for _, l := range help {
		helpTop = c.wrapped(fonts.Sans, 11, l, helpTop, width, c.img.Rect.Dy())
	}

	// Anti-aliased glyph edges become black or white: the page is stored and printed
	// as a bilevel image (CCITT G4 in the PDF).
	for i, v := range c.img.Pix {
		if v < 128 {
			c.img.Pix[i] = 0
		} else {
			c.img.Pix[i] = 255
		}
	}
	return c.img, nil
}

// WritePDF writes the cover sheets as a PDF/A file, one A4 page per sheet rendered at
// PrintDPI, for a clerk to print. It is what the web layer serves for
// GET /api/v1/cases/{code}/cover.pdf?kind=…: the handler checks that the case exists
// and is in the user's scope, fills a Sheet (case code, kind, and as Lines the case's
// subject, its handling unit and anything else worth reading on the sheet; never a
// denouncer's identity) and calls WritePDF on the response writer (Content-Type
// application/pdf). An invalid case code or kind is an error before anything is
// written.
func WritePDF(w io.Writer, sheets ...Sheet) error {
	if len(sheets) == 0 {
		return errors.New("cover sheets: none to write")
	}
	var codes []string
	for _, s := range sheets {
		if _, err := Payload(s.CaseCode, s.Kind); err != nil {
			return err
		}
		codes = append(codes, s.CaseCode)
	}
	pw, err := pdfa.NewWriter(w, pdfa.Meta{
		Title: "Phiếu bìa hồ sơ " + strings.Join(codes, ", "), Lang: "vi-VN", CreateDate: time.Now(), Producer: "kntc",
	})
	if err != nil {
		return fmt.Errorf("cover sheets: %w", err)
	}
	for i, s := range sheets {
		img, err := Render(s, PrintDPI)
		if err != nil {
			return err
		}
		if err := pw.AddPage(pdfa.Page{Image: img, DPI: PrintDPI}); err != nil {
			return fmt.Errorf("cover sheet %d (%s): %w", i+1, s.CaseCode, err)
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("cover sheets: %w", err)
	}
	return nil
}

// canvas is a white A4 page being drawn on.
type canvas struct {
	img   *image.Gray
	dpi   int
	faces map[faceKey]font.Face
}

type faceKey struct {
	style fonts.Style
	pt    float64
}

func newCanvas(dpi int) (*canvas, error) {
	c := &canvas{dpi: dpi, faces: map[faceKey]font.Face{}}
	c.img = image.NewGray(image.Rect(0, 0, c.px(pageWidthMM), c.px(pageHeightMM)))
	for i := range c.img.Pix {
		c.img.Pix[i] = 255
	}
	// Fail before drawing anything when a font is missing.
	for _, s := range []fonts.Style{fonts.Sans, fonts.SansBold} {
		if _, err := fonts.Load(s); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *canvas) close() {
	for _, f := range c.faces {
		f.Close()
	}
}

func (c *canvas) px(mm float64) int { return int(mm/25.4*float64(c.dpi) + 0.5) }

func (c *canvas) fill(r image.Rectangle) {
	r = r.Intersect(c.img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.img.Pix[y*c.img.Stride+r.Min.X : y*c.img.Stride+r.Max.X]
		for i := range row {
			row[i] = 0
		}
	}
}

func (c *canvas) frame(r image.Rectangle, t int) {
	c.fill(image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t))
	c.fill(image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y))
	c.fill(image.Rect(r.Min.X, r.Min.Y, r.Min.X+t, r.Max.Y))
	c.fill(image.Rect(r.Max.X-t, r.Min.Y, r.Max.X, r.Max.Y))
}

// face returns the font face of a style and size; faces are cached per canvas
// because they are not safe for concurrent use.
func (c *canvas) face(s fonts.Style, pt float64) font.Face {
	k := faceKey{s, pt}
	if f, ok := c.faces[k]; ok {
		return f
	}
	f, _ := fonts.Load(s) // checked in newCanvas
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: pt, DPI: float64(c.dpi), Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only a size or DPI of zero fails, and neither is used
	}
	c.faces[k] = face
	return face
}

// centred draws one line centred on the page with its top at y, shrinking the size
// until it fits width, and returns the y below it.
func (c *canvas) centred(s fonts.Style, pt float64, text string, y, width int) int {
	face := c.face(s, pt)
	d := &font.Drawer{Dst: c.img, Src: image.Black, Face: face}
	for d.MeasureString(text).Ceil() > width && pt > 6 {
		pt *= 0.9
		face = c.face(s, pt)
		d.Face = face
	}
	m := face.Metrics()
	d.Dot = fixed.P((c.img.Rect.Dx()-d.MeasureString(text).Ceil())/2, y+m.Ascent.Ceil())
	d.DrawString(text)
	return y + m.Height.Ceil()
}

// wrap breaks text into lines no wider than width.
func (c *canvas) wrap(s fonts.Style, pt float64, text string, width int) []string {
	d := &font.Drawer{Face: c.face(s, pt)}
	var lines []string
	cur := ""
	for _, w := range strings.Fields(text) {
		try := strings.TrimSpace(cur + " " + w)
		if cur != "" && d.MeasureString(try).Ceil() > width {
			lines = append(lines, cur)
			try = w
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// wrapped draws text wrapped at width, lines centred, from y while they end above
// limit, and returns the y below the last line drawn.
func (c *canvas) wrapped(s fonts.Style, pt float64, text string, y, width, limit int) int {
	h := c.face(s, pt).Metrics().Height.Ceil()
	for _, l := range c.wrap(s, pt, text, width) {
		if y+h > limit {
			break
		}
		y = c.centred(s, pt, l, y, width)
	}
	return y
}

// height is how tall texts are when wrapped at width.
func (c *canvas) height(s fonts.Style, pt float64, texts []string, width int) int {
	n := 0
	for _, t := range texts {
		n += len(c.wrap(s, pt, t, width))
	}
	return n * c.face(s, pt).Metrics().Height.Ceil()
}
