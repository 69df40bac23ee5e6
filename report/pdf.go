package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"kntc/internal/viet"
	"kntc/report/chart"
)

// FontFiles are the TrueType fonts the PDF is set in, regular and bold, the
// first pair found: Liberation Serif (Debian's fonts-liberation2, metric
// twin of Times New Roman, which official papers use), then DejaVu Serif
// (fonts-dejavu-core). Both are runtime packages of deploy/lib.sh and cover
// every Vietnamese letter; the PDF embeds the letters it uses.
var FontFiles = [][2]string{
	{"/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf", "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"},
	{"/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf", "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"},
	{"/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"},
}

// ErrNoFont is returned by WritePDF when none of FontFiles is installed.
var ErrNoFont = errors.New("no font for the PDF: install fonts-liberation2 or fonts-dejavu-core")

var fonts struct {
	once          sync.Once
	regular, bold []byte
	err           error
}

func loadFonts() ([]byte, []byte, error) {
	fonts.once.Do(func() {
		for _, pair := range FontFiles {
			r, err := os.ReadFile(pair[0])
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				fonts.err = err
				return
			}
			b, err := os.ReadFile(pair[1])
			if err != nil {
				continue
			}
			fonts.regular, fonts.bold = r, b
			return
		}
		fonts.err = ErrNoFont
	})
	return fonts.regular, fonts.bold, fonts.err
}

// PDF layout, in millimetres (A4 landscape) and points.
const (
	pdfMargin  = 10.0
	pdfFamily  = "serif"
	pdfLabelW  = 42.0 // the units' column
	pdfLineH   = 0.42 // line height per point of font size, in mm
	pdfHeadPt  = 6.5  // headings' size
	pdfBodyPt  = 8.0
	pdfTitlePt = 12.0
)

// WritePDF writes r as a PDF for signing, laid out like the printed form on
// A4 landscape: the form's code, title, unit and period; the merged
// multi-level column headings over the "Đơn vị" column; the MS row; a row per
// unit and the total (the columns kntc leaves empty are grey and blank); the
// note line with the empty columns' reasons and the failed checks; the
// guidance; the signatures (người lập biểu, thủ trưởng đơn vị, with the date
// line). The charts, when given, follow on the next pages. Fonts are embedded
// (FontFiles). Case codes and unit names are the only identities in it.
func WritePDF(w io.Writer, r *Report, charts []chart.Chart) error {
	regular, bold, err := loadFonts()
	if err != nil {
		return err
	}
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetMargins(pdfMargin, pdfMargin, pdfMargin)
	pdf.SetAutoPageBreak(false, pdfMargin)
	pdf.AddUTF8FontFromBytes(pdfFamily, "", regular)
	pdf.AddUTF8FontFromBytes(pdfFamily, "B", bold)
	pdf.SetTitle(r.Form.Code+" "+r.Form.Title, true)
	pdf.SetSubject(r.Unit.Name+", "+periodText(r.Period), true)
	pdf.SetCreator("kntc", true)
	pdf.SetLang("vi")
	pdf.SetCreationDate(time.Date(r.Period.To.Year(), r.Period.To.Month(), r.Period.To.Day(), 0, 0, 0, 0, time.UTC))
	pdf.SetCompression(true)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetFont(pdfFamily, "", 7)
		pdf.SetXY(pdfMargin, 210-pdfMargin+2)
		pdf.CellFormat(277, 4, viet.NFC(fmt.Sprintf("Biểu %s — %s — trang %d/{nb}", r.Form.Code, r.Unit.Name, pdf.PageNo())), "", 0, "R", false, 0, "")
	})
	p := &pdfPage{pdf: pdf}
	pdf.AddPage()
	p.form(r)
	if len(charts) > 0 {
		p.charts(charts)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("lay out the PDF of %s: %w", r.Form.Code, err)
	}
	return pdf.Output(w)
}

type pdfPage struct{ pdf *fpdf.Fpdf }

const pageW, pageH = 297.0, 210.0

// bottom is the lowest y the page's content may reach (the footer is below).
const bottom = pageH - pdfMargin

// text writes s in a box at (x, y) of width w, wrapped, aligned (L, C, R);
// it returns the height used.
func (p *pdfPage) text(x, y, w float64, s string, pt float64, bold bool, align string) float64 {
	lines := p.lines(s, w, pt, bold)
	lh := pt * pdfLineH
	for i, l := range lines {
		p.pdf.SetXY(x, y+float64(i)*lh)
		p.pdf.CellFormat(w, lh, l, "", 0, align, false, 0, "")
	}
	return float64(len(lines)) * lh
}

func (p *pdfPage) lines(s string, w, pt float64, bold bool) []string {
	style := ""
	if bold {
		style = "B"
	}
	p.pdf.SetFont(pdfFamily, style, pt)
	p.pdf.SetCellMargin(0.6)
	lines := p.pdf.SplitText(viet.NFC(s), w)
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

// box draws a bordered cell with s centred in it, grey when shaded.
func (p *pdfPage) box(x, y, w, h float64, s string, pt float64, bold bool, align string, shaded bool) {
	style := "D"
	if shaded {
		p.pdf.SetFillColor(217, 217, 217)
		style = "FD"
	}
	p.pdf.SetLineWidth(0.2)
	p.pdf.Rect(x, y, w, h, style)
	if s == "" {
		return
	}
	lines := p.lines(s, w, pt, bold)
	lh := pt * pdfLineH
	top := y + (h-float64(len(lines))*lh)/2
	for i, l := range lines {
		p.pdf.SetXY(x, top+float64(i)*lh)
		p.pdf.CellFormat(w, lh, l, "", 0, align, false, 0, "")
	}
}

// headCell is one heading box: columns [first, last] (0-based), levels
// [level, to] of the heading rows.
type headCell struct {
	text        string
	first, last int
	level, to   int
}

// headCells lays out f's headings as the workbook does: a group spans the
// columns sharing its path; a leaf reaches down to the last heading row.
func headCells(f Form) []headCell {
	depth := headingDepth(f)
	n := len(f.Columns)
	var out []headCell
	for level := range depth {
		for i := 0; i < n; {
			h := f.Columns[i].Heading
			if level >= len(h) {
				i++
				continue
			}
			j := i
			if level < len(h)-1 {
				for j+1 < n && slices.Equal(prefix(f.Columns[j+1].Heading, level+1), h[:level+1]) && len(f.Columns[j+1].Heading) > level+1 {
					j++
				}
				out = append(out, headCell{h[level], i, j, level, level})
			} else {
				out = append(out, headCell{h[level], i, i, level, depth - 1})
			}
			i = j + 1
		}
	}
	return out
}

func periodText(p Period) string {
	return fmt.Sprintf("Số liệu tính từ ngày %s đến ngày %s", p.From.Format("02/01/2006"), p.To.Format("02/01/2006"))
}

// form draws the form's page(s).
func (p *pdfPage) form(r *Report) {
	pdf := p.pdf
	x0, width := pdfMargin, pageW-2*pdfMargin
	y := pdfMargin
	p.text(x0, y, width/3, r.Unit.Name, 9, true, "L")
	p.text(x0+width*2/3, y, width/3, "Biểu số: "+r.Form.Code, 9, true, "R")
	y += 7
	y += p.text(x0+20, y, width-40, r.Form.Title, pdfTitlePt, true, "C") + 1
	y += p.text(x0, y, width, periodText(r.Period), 9, false, "C")
	y += p.text(x0, y, width, "(Kèm theo Báo cáo số: …… ngày …… tháng …… năm …… của "+r.Unit.Name+")", 9, false, "C") + 3

	// Column widths: the units' column, then the numbers share the rest.
	n := len(r.Form.Columns)
	colW := (width - pdfLabelW) / float64(n)
	colX := func(i int) float64 { return x0 + pdfLabelW + float64(i)*colW }
	depth := headingDepth(r.Form)
	cells := headCells(r.Form)
	// Heading rows' heights: a group's text fits its row; a leaf's fits the
	// rows it spans (the last row grows for it).
	lh := pdfHeadPt * pdfLineH
	rowH := make([]float64, depth)
	for l := range rowH {
		rowH[l] = lh + 2
	}
	need := func(c headCell) float64 {
		w := float64(c.last-c.first+1) * colW
		return float64(len(p.lines(c.text, w, pdfHeadPt, true)))*lh + 2
	}
	for _, c := range cells {
		if c.level == c.to {
			rowH[c.level] = max(rowH[c.level], need(c))
		}
	}
	for _, c := range cells {
		have := 0.0
		for l := c.level; l <= c.to; l++ {
			have += rowH[l]
		}
		if h := need(c); h > have {
			rowH[c.to] += h - have
		}
	}
	rowTop := make([]float64, depth+1)
	rowTop[0] = y
	for l := range depth {
		rowTop[l+1] = rowTop[l] + rowH[l]
	}
	p.box(x0, y, pdfLabelW, rowTop[depth]-y, r.Form.RowLabel, pdfHeadPt+1, true, "C", false)
	for _, c := range cells {
		p.box(colX(c.first), rowTop[c.level], float64(c.last-c.first+1)*colW, rowTop[c.to+1]-rowTop[c.level], c.text, pdfHeadPt, true, "C", false)
	}
	y = rowTop[depth]
	// The MS row.
	msH := lh + 2
	for _, c := range r.Form.Columns {
		msH = max(msH, float64(len(p.lines(p.msFit(c.MS, colW), colW, pdfHeadPt, true)))*lh+2)
	}
	p.box(x0, y, pdfLabelW, msH, "MS", pdfHeadPt+1, true, "C", false)
	for i, c := range r.Form.Columns {
		p.box(colX(i), y, colW, msH, p.msFit(c.MS, colW), pdfHeadPt, true, "C", false)
	}
	y += msH

	rows := append(append([]Row(nil), r.Rows...), r.Total)
	for i, row := range rows {
		total := i == len(rows)-1
		label := row.Name
		if total {
			label = "Tổng cộng"
		}
		h := max(6.0, float64(len(p.lines(label, pdfLabelW, pdfBodyPt, total)))*pdfBodyPt*pdfLineH+2)
		if y+h > bottom-4 {
			pdf.AddPage()
			y = pdfMargin
		}
		p.box(x0, y, pdfLabelW, h, label, pdfBodyPt, total, "L", false)
		for j, c := range r.Form.Columns {
			_, none := r.Empty[c.No]
			v := ""
			if !none {
				v = strconv.FormatFloat(row.Values[c.No-1], 'f', -1, 64)
			}
			p.box(colX(j), y, colW, h, v, pdfBodyPt, total, "C", none)
		}
		y += h
	}

	// Notes, guidance.
	var notes []string
	for _, no := range sortedKeys(r.Empty) {
		notes = append(notes, fmt.Sprintf("Cột (%d) để trống: %s", no, r.Empty[no]))
	}
	for _, ch := range r.Checks {
		notes = append(notes, "Kiểm tra không đạt: "+ch.Detail)
	}
	y += 2
	y = p.para(y, strconv.Itoa(r.Form.NoteLine)+". Ghi chú:", 8, true)
	for _, s := range notes {
		y = p.para(y, s, 7.5, false)
	}
	y += 1
	y = p.para(y, "Hướng dẫn cách ghi biểu", 8, true)
	for _, g := range r.Form.Guidance {
		y = p.para(y, g, 7.5, false)
	}

	// Signatures: kept together.
	const signH = 36.0
	if y+signH > bottom {
		pdf.AddPage()
		y = pdfMargin
	}
	y += 4
	half := width / 2
	p.text(x0+half, y, half, "……, ngày …… tháng …… năm ……", 9, false, "C")
	y += 5
	p.text(x0, y, half, "NGƯỜI LẬP BIỂU", 10, true, "C")
	p.text(x0+half, y, half, "THỦ TRƯỞNG ĐƠN VỊ", 10, true, "C")
	y += 5
	p.text(x0, y, half, "(Ký, ghi rõ họ tên)", 9, false, "C")
	p.text(x0+half, y, half, "(Ký tên, đóng dấu)", 9, false, "C")
}

// para writes a paragraph across the page at y, on a new page when it would
// not fit; it returns the y below it.
func (p *pdfPage) para(y float64, s string, pt float64, bold bool) float64 {
	width := pageW - 2*pdfMargin
	h := float64(len(p.lines(s, width, pt, bold))) * pt * pdfLineH
	if y+h > bottom {
		p.pdf.AddPage()
		y = pdfMargin
	}
	return y + p.text(pdfMargin, y, width, s, pt, bold, "L")
}

// charts draws the charts on new pages, two side by side.
func (p *pdfPage) charts(charts []chart.Chart) {
	pdf := p.pdf
	pdf.AddPage()
	y := pdfMargin
	y += p.text(pdfMargin, y, pageW-2*pdfMargin, "BIỂU ĐỒ", pdfTitlePt, true, "C") + 3
	gap := 7.0
	w := (pageW - 2*pdfMargin - gap) / 2
	col, rowBottom := 0, y
	for _, c := range charts {
		h := c.Height * w / c.Width
		if col == 0 && y+h > bottom {
			pdf.AddPage()
			y, rowBottom = pdfMargin, pdfMargin
		}
		x := pdfMargin + float64(col)*(w+gap)
		if col == 1 && y+h > bottom { // no room beside: a new row
			y, col, x = rowBottom+gap, 0, pdfMargin
			if y+h > bottom {
				pdf.AddPage()
				y = pdfMargin
			}
		}
		pdf.SetDrawColor(191, 191, 191)
		pdf.SetLineWidth(0.2)
		pdf.Rect(x, y, w, h, "D")
		c.DrawPDF(pdf, pdfFamily, x, y, w)
		rowBottom = max(rowBottom, y+h)
		if col == 1 {
			y, col = rowBottom+gap, 0
			continue
		}
		col = 1
	}
}

// msFit is ms as printed in a column of width w: as it is when it fits one
// line, else msText.
func (p *pdfPage) msFit(ms string, w float64) string {
	if len(p.lines(ms, w, pdfHeadPt, true)) == 1 {
		return ms
	}
	return msText(ms)
}

// msText is an MS formula ("12= 13+14= 15+16+17+18") with a space after
// every sign, so that a narrow column wraps it between numbers, never inside
// one: "12= 13+ 14= 15+ 16+ 17+ 18".
func msText(ms string) string {
	var b strings.Builder
	for i, r := range ms {
		if r == ' ' {
			continue
		}
		b.WriteRune(r)
		if (r == '+' || r == '=') && i < len(ms)-1 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// PDFName is the file name of r's PDF: "01-TCD_HT_2026-Q1.pdf".
func PDFName(r *Report) string {
	name := r.Period.Name
	if name == "" {
		name = r.Period.From.Format(time.DateOnly) + "_" + r.Period.To.Format(time.DateOnly)
	}
	return strings.Join([]string{r.Form.Slug(), r.Unit.Code, name}, "_") + ".pdf"
}
