package ocrtest

import (
	"fmt"
	"image"
	"image/color"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Signature is the two-column block under a document's body: the recipients
// ("Nơi nhận:" and its list) on the left, the signing authority, the space for the
// signature and the signer's name on the right.
type Signature struct {
	Left, Right []string
}

// DefaultSignature is a decision's usual signature block, signed by signer.
func DefaultSignature(signer string) Signature {
	return Signature{
		Left:  []string{"Nơi nhận:", "- Như Điều 3;", "- Thanh tra tỉnh;", "- Lưu: VT, TCD."},
		Right: []string{"KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", signer},
	}
}

// ColumnPage is a document whose body is set in two text columns: the two-column
// header of d (its Left and Right), its centred lines, the body (paragraphs, one a
// line) flowing down the left column and on down the right one, and the signature
// block.
type ColumnPage struct {
	Header Decision
	Body   string
	Sign   Signature
}

// TablePage is a report's page with a table: the header of d, its centred lines,
// the intro paragraphs (one-column), a ruled table (the first row its column
// headings) and the signature block.
type TablePage struct {
	Header Decision
	Intro  []string
	Rows   [][]string
	Sign   Signature
}

// pen draws lines of text on a page with the decision fonts.
type pen struct {
	img           *image.Gray
	regular, bold *opentype.Font
	faces         map[string]font.Face
}

func newPen(img *image.Gray) (*pen, error) {
	regular, err := Font()
	if err != nil {
		return nil, err
	}
	bold, _ := serifStyles()
	if bold == nil {
		bold = regular
	}
	return &pen{img: img, regular: regular, bold: bold, faces: map[string]font.Face{}}, nil
}

func (p *pen) face(isBold bool, size float64) (font.Face, error) {
	key := fmt.Sprintf("%v/%g", isBold, size)
	if fc, ok := p.faces[key]; ok {
		return fc, nil
	}
	f := p.regular
	if isBold {
		f = p.bold
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 300, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("font face: %w", err)
	}
	p.faces[key] = fc
	return fc, nil
}

func (p *pen) close() {
	for _, fc := range p.faces {
		fc.Close()
	}
}

func (p *pen) drawer(fc font.Face) *font.Drawer {
	return &font.Drawer{Dst: p.img, Src: image.NewUniform(color.Black), Face: fc}
}

func step(fc font.Face) int { return fc.Metrics().Height.Ceil() * 12 / 10 }

// inkBottom is the row under the lowest ink of img (0 when blank).
func inkBottom(img *image.Gray) int {
	b := img.Bounds()
	for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
		row := img.Pix[(y-b.Min.Y)*img.Stride:]
		for x := range b.Dx() {
			if row[x] < 128 {
				return y + 1
			}
		}
	}
	return 0
}

// Page geometry of RenderDecision, in pixels at 300 dpi.
var (
	pageLeft   = mmPx(25)
	pageRight  = mmPx(210) - mmPx(15)
	pageBottom = mmPx(297) - mmPx(20)
)

func mmPx(mm float64) int { return int(mm / 25.4 * 300) }

// signature draws s at the bottom of the page, from y, and returns the lines drawn
// (left block, then right block) — nil when it does not fit above the bottom margin.
func (p *pen) signature(s Signature, y int) ([]string, error) {
	split := pageLeft + (pageRight-pageLeft)*45/100
	var drawn []string
	small, err := p.face(false, 11)
	if err != nil {
		return nil, err
	}
	bold, err := p.face(true, 13)
	if err != nil {
		return nil, err
	}
	ly := y
	for i, l := range s.Left {
		fc := small
		if i == 0 {
			fc, err = p.face(true, 12)
			if err != nil {
				return nil, err
			}
		}
		ly += fc.Metrics().Ascent.Ceil()
		d := p.drawer(fc)
		d.Dot = fixed.P(pageLeft, ly)
		d.DrawString(l)
		drawn = append(drawn, l)
		ly += step(fc) - fc.Metrics().Ascent.Ceil()
	}
	ry := y
	for i, l := range s.Right {
		if i == len(s.Right)-1 {
			ry += mmPx(22) // the signature and the seal
		}
		d := p.drawer(bold)
		for _, part := range wrap(d, strings.Fields(l), fixed.I(pageRight-split)) {
			ry += bold.Metrics().Ascent.Ceil()
			width := d.MeasureString(part).Ceil()
			d.Dot = fixed.P(split+(pageRight-split-width)/2, ry)
			d.DrawString(part)
			drawn = append(drawn, part)
			ry += step(bold) - bold.Metrics().Ascent.Ceil()
		}
	}
	return drawn, nil
}

// signatureHeight is how tall s is drawn.
func (p *pen) signatureHeight(s Signature) (int, error) {
	scratch := &pen{img: image.NewGray(p.img.Bounds()), regular: p.regular, bold: p.bold, faces: p.faces}
	for i := range scratch.img.Pix {
		scratch.img.Pix[i] = 0xff
	}
	if _, err := scratch.signature(s, 0); err != nil {
		return 0, err
	}
	return inkBottom(scratch.img), nil
}

// RenderColumns draws c on an A4 page at 300 dpi and returns it with its lines in
// reading order: the header's left column, its right column, the centred lines, the
// body's left column, its right column, the signature's left block, its right
// block. Body text that does not fit is left out of both.
func RenderColumns(c ColumnPage) (*image.Gray, []string, error) {
	head := c.Header
	head.Body = nil
	img, drawn, err := RenderDecision(head)
	if err != nil {
		return nil, nil, err
	}
	p, err := newPen(img)
	if err != nil {
		return nil, nil, err
	}
	defer p.close()
	fc, err := p.face(false, 12)
	if err != nil {
		return nil, nil, err
	}
	sh, err := p.signatureHeight(c.Sign)
	if err != nil {
		return nil, nil, err
	}
	top := inkBottom(img) + mmPx(5)
	bottom := pageBottom - sh - mmPx(6)
	gutter := mmPx(8)
	colW := (pageRight - pageLeft - gutter) / 2
	d := p.drawer(fc)
	var lines []string
	for para := range strings.SplitSeq(c.Body, "\n") {
		lines = append(lines, wrap(d, strings.Fields(para), fixed.I(colW))...)
	}
	perCol := (bottom - top) / step(fc)
	y := top
	for k, l := range lines {
		if k == 2*perCol {
			break
		}
		x := pageLeft
		if k >= perCol {
			x = pageLeft + colW + gutter
		}
		if k == perCol {
			y = top
		}
		y += fc.Metrics().Ascent.Ceil()
		d.Dot = fixed.P(x, y)
		d.DrawString(l)
		drawn = append(drawn, l)
		y += step(fc) - fc.Metrics().Ascent.Ceil()
	}
	sig, err := p.signature(c.Sign, bottom+mmPx(6))
	if err != nil {
		return nil, nil, err
	}
	return img, append(drawn, sig...), nil
}

// TableCellSep separates the cells of a table row in the ground truth, as in kntc's
// reading (ocr.CellSep).
const TableCellSep = " | "

// RenderTable draws t on an A4 page at 300 dpi and returns it with its lines in
// reading order — the header, the intro, one line per table row with its cells
// (their wrapped lines joined by a space) separated by TableCellSep, then the
// signature block — and the cells drawn, row by row. Rows that do not fit are left
// out.
func RenderTable(t TablePage) (*image.Gray, []string, [][]string, error) {
	head := t.Header
	head.Body = t.Intro
	img, drawn, err := RenderDecision(head)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := newPen(img)
	if err != nil {
		return nil, nil, nil, err
	}
	defer p.close()
	sh, err := p.signatureHeight(t.Sign)
	if err != nil {
		return nil, nil, nil, err
	}
	regular, err := p.face(false, 12)
	if err != nil {
		return nil, nil, nil, err
	}
	bold, err := p.face(true, 12)
	if err != nil {
		return nil, nil, nil, err
	}
	widths := []int{8, 24, 28, 40} // per cent of the table's width
	total := pageRight - pageLeft
	xs := []int{pageLeft}
	for _, w := range widths {
		xs = append(xs, xs[len(xs)-1]+total*w/100)
	}
	xs[len(xs)-1] = pageRight
	pad := mmPx(1.5)
	bottom := pageBottom - sh - mmPx(6)
	y := inkBottom(img) + mmPx(5)
	hline := func(y int) {
		for yy := y; yy < y+2; yy++ {
			for x := xs[0]; x < xs[len(xs)-1]+2; x++ {
				img.Pix[yy*img.Stride+x] = 0
			}
		}
	}
	vline := func(x, y0, y1 int) {
		for yy := y0; yy < y1; yy++ {
			img.Pix[yy*img.Stride+x] = 0
			img.Pix[yy*img.Stride+x+1] = 0
		}
	}
	var cells [][]string
	hline(y)
	for r, row := range t.Rows {
		fc := regular
		if r == 0 {
			fc = bold
		}
		d := p.drawer(fc)
		wrapped := make([][]string, len(row))
		n := 1
		for c, cell := range row {
			wrapped[c] = wrap(d, strings.Fields(cell), fixed.I(xs[c+1]-xs[c]-2*pad))
			n = max(n, len(wrapped[c]))
		}
		h := n*step(fc) + 2*pad
		if y+h > bottom {
			break
		}
		var texts []string
		for c, lines := range wrapped {
			ly := y + pad
			for _, l := range lines {
				ly += fc.Metrics().Ascent.Ceil()
				d.Dot = fixed.P(xs[c]+pad, ly)
				d.DrawString(l)
				ly += step(fc) - fc.Metrics().Ascent.Ceil()
			}
			texts = append(texts, strings.Join(lines, " "))
		}
		for _, x := range xs {
			vline(x, y, y+h)
		}
		y += h
		hline(y)
		cells = append(cells, texts)
		drawn = append(drawn, strings.Join(texts, TableCellSep))
	}
	sig, err := p.signature(t.Sign, bottom+mmPx(6))
	if err != nil {
		return nil, nil, nil, err
	}
	return img, append(drawn, sig...), cells, nil
}

// LayoutCase is a generated two-column or table page with the header it states.
type LayoutCase struct {
	Name    string
	Columns ColumnPage // a two-column page, or
	Table   TablePage  // a table page (Rows set)
	Want    HeaderTruth
}

var signers = []string{"Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Minh Tuấn", "Phạm Văn Đức", "Võ Thị Lan"}

// GeneratedColumnPages returns n two-column pages: the headers of
// GeneratedHeaders(n, seed), the body's first line of each, then the text of the
// sample files (name i mod len, in dir, further on for each round), and a
// signature block.
func GeneratedColumnPages(dir string, names []string, n int, seed int64) ([]LayoutCase, error) {
	var out []LayoutCase
	for i, hc := range GeneratedHeaders(n, seed) {
		body, err := SampleExcerpt(dir, names[i%len(names)], 400*(i/len(names)), 700)
		if err != nil {
			return nil, err
		}
		out = append(out, LayoutCase{
			Name: fmt.Sprintf("columns-%02d", i+1),
			Columns: ColumnPage{
				Header: hc.Decision,
				Body:   hc.Decision.Body[0] + "\n" + body,
				Sign:   DefaultSignature(signers[i%len(signers)]),
			},
			Want: hc.Want,
		})
	}
	return out, nil
}

// GeneratedTablePages returns n report pages with a table: the headers of
// GeneratedHeaders(n, seed), the body's first line of each, a table of complaints
// (number, person, address, and as its content 5 to 16 words of the sample files,
// name i mod len, in dir) and a signature block.
func GeneratedTablePages(dir string, names []string, n int, seed int64) ([]LayoutCase, error) {
	rng := newRand(seed)
	var out []LayoutCase
	for i, hc := range GeneratedHeaders(n, seed) {
		text, err := SampleExcerpt(dir, names[i%len(names)], 300*(i/len(names)), 400)
		if err != nil {
			return nil, err
		}
		words := strings.Fields(text)
		rows := [][]string{{"STT", "Họ và tên", "Địa chỉ", "Nội dung"}}
		for r := 1; len(words) > 0 && r <= 12; r++ {
			k := min(len(words), 5+rng.IntN(12))
			rows = append(rows, []string{fmt.Sprint(r), people[rng.IntN(len(people))], addresses[rng.IntN(len(addresses))], strings.Join(words[:k], " ")})
			words = words[k:]
		}
		out = append(out, LayoutCase{
			Name: fmt.Sprintf("table-%02d", i+1),
			Table: TablePage{
				Header: hc.Decision,
				Intro:  hc.Decision.Body[:1],
				Rows:   rows,
				Sign:   DefaultSignature(signers[i%len(signers)]),
			},
			Want: hc.Want,
		})
	}
	return out, nil
}
