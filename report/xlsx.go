package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Layout of the sheet: the rows the workbook writes above the table.
const (
	rowCode    = 1 // the form's code, right
	rowTitle   = 2
	rowPeriod  = 3
	rowAttach  = 4
	rowHeading = 6 // first heading row
)

// headingDepth is the number of heading rows of f: its deepest heading path.
func headingDepth(f Form) int {
	d := 1
	for _, c := range f.Columns {
		d = max(d, len(c.Heading))
	}
	return d
}

// cell names the cell of 1-based column col and row.
func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

// WriteXLSX writes r as a workbook laid out like the printed form: code, title,
// the period line, the merged multi-level headings over the "Đơn vị" column, the
// MS row, a row per unit and the total, the note line and the guidance, then the
// columns kntc leaves empty and why, and the checks that failed. Case codes and
// unit names are the only identities in it: a denouncer's never is.
func WriteXLSX(w io.Writer, r *Report) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := r.Form.Slug()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	n := len(r.Form.Columns)
	last := n + 1 // the label column is 1
	depth := headingDepth(r.Form)
	msRow := rowHeading + depth
	firstData := msRow + 1

	bold, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	title, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	center, _ := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1},
		{Type: "bottom", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1}}
	head, _ := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	body, _ := x.NewStyle(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	totalStyle, _ := x.NewStyle(&excelize.Style{Border: border, Font: &excelize.Font{Bold: true}})
	grey, _ := x.NewStyle(&excelize.Style{Border: border, Fill: excelize.Fill{Type: "pattern", Color: []string{"D9D9D9"}, Pattern: 1}})

	set := func(col, row int, v any) error { return x.SetCellValue(sheet, cell(col, row), v) }
	merge := func(c1, r1, c2, r2 int) error {
		if c1 == c2 && r1 == r2 {
			return nil
		}
		return x.MergeCell(sheet, cell(c1, r1), cell(c2, r2))
	}
	var err error
	try := func(e error) {
		if err == nil {
			err = e
		}
	}

	try(set(last, rowCode, r.Form.Code))
	try(x.SetCellStyle(sheet, cell(last, rowCode), cell(last, rowCode), bold))
	try(set(1, rowTitle, r.Form.Title))
	try(merge(1, rowTitle, last, rowTitle))
	try(x.SetCellStyle(sheet, cell(1, rowTitle), cell(last, rowTitle), title))
	try(set(1, rowPeriod, fmt.Sprintf("Số liệu tính từ ngày %s đến ngày %s", r.Period.From.Format("02/01/2006"), r.Period.To.Format("02/01/2006"))))
	try(merge(1, rowPeriod, last, rowPeriod))
	try(set(1, rowAttach, fmt.Sprintf("(Kèm theo Báo cáo số: …… ngày …… tháng …… năm …… của %s)", r.Unit.Name)))
	try(merge(1, rowAttach, last, rowAttach))
	try(x.SetCellStyle(sheet, cell(1, rowPeriod), cell(last, rowAttach), center))

	// Headings: the label column spans every heading row; a group spans the
	// columns that share it; a leaf reaches down to the MS row.
	try(set(1, rowHeading, r.Form.RowLabel))
	try(merge(1, rowHeading, 1, msRow-1))
	for _, level := range r.Form.HeadingRows() {
		for _, h := range level {
			try(set(h.Col+1, rowHeading+h.Level, h.Text))
			try(merge(h.Col+1, rowHeading+h.Level, h.Col+h.ColSpan, rowHeading+h.Level+h.RowSpan-1))
		}
	}
	try(x.SetCellStyle(sheet, cell(1, rowHeading), cell(last, msRow), head))
	try(set(1, msRow, "MS"))
	for _, col := range r.Form.Columns {
		try(set(col.No+1, msRow, col.MS))
	}

	rows := append(append([]Row(nil), r.Rows...), r.Total)
	for i, row := range rows {
		y := firstData + i
		label := row.Name
		if i == len(rows)-1 {
			label = "Tổng cộng"
		}
		try(set(1, y, label))
		for _, col := range r.Form.Columns {
			if _, none := r.Empty[col.No]; none {
				continue // left blank: kntc has no source (listed below the table)
			}
			try(set(col.No+1, y, row.Values[col.No-1]))
		}
		style := body
		if i == len(rows)-1 {
			style = totalStyle
		}
		try(x.SetCellStyle(sheet, cell(1, y), cell(last, y), style))
	}
	for no := range r.Empty {
		try(x.SetCellStyle(sheet, cell(no+1, firstData), cell(no+1, firstData+len(rows)-1), grey))
	}

	y := firstData + len(rows) + 1
	try(set(1, y, strconv.Itoa(r.Form.NoteLine)+". Ghi chú:"))
	try(x.SetCellStyle(sheet, cell(1, y), cell(1, y), bold))
	y++
	for _, no := range sortedKeys(r.Empty) {
		try(set(1, y, fmt.Sprintf("Cột (%d) để trống: %s", no, r.Empty[no])))
		y++
	}
	for _, ch := range r.Checks {
		try(set(1, y, "Kiểm tra không đạt: "+ch.Detail))
		y++
	}
	y++
	try(set(1, y, "Hướng dẫn cách ghi biểu"))
	try(x.SetCellStyle(sheet, cell(1, y), cell(1, y), bold))
	for _, g := range r.Form.Guidance {
		y++
		try(set(1, y, g))
	}

	try(x.SetColWidth(sheet, "A", "A", 28))
	first, _ := excelize.ColumnNumberToName(2)
	lastName, _ := excelize.ColumnNumberToName(last)
	try(x.SetColWidth(sheet, first, lastName, 12))
	for l := range depth {
		try(x.SetRowHeight(sheet, rowHeading+l, 48))
	}
	try(x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: ptr("landscape"), Size: ptr(9)})) // A4
	if err != nil {
		return fmt.Errorf("lay out %s: %w", r.Form.Code, err)
	}
	_, err = x.WriteTo(w)
	return err
}

func prefix(h []string, n int) []string {
	if len(h) < n {
		return h
	}
	return h[:n]
}

func ptr[T any](v T) *T { return &v }

func sortedKeys(m map[int]string) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
