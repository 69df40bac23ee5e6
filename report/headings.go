package report

import "slices"

// HeadingCell is one cell of a form's printed column headings: Text over the
// columns Col to Col+ColSpan-1 (1-based form columns), on heading row Level
// (0: the top), reaching down RowSpan rows. A leaf (the heading of one
// column) reaches down to the MS row.
type HeadingCell struct {
	Text    string
	Col     int
	ColSpan int
	Level   int
	RowSpan int
	Leaf    bool
}

// HeadingDepth is the number of heading rows of f: its deepest heading path.
func (f Form) HeadingDepth() int { return headingDepth(f) }

// HeadingRows lays out f's multi-level headings as printed, one slice per
// heading row, left to right: a group spans the consecutive columns that share
// its path; a leaf spans the rows down to the MS row. The label column ("Đơn
// vị") is not in it: it spans every heading row. The workbook, the PDF and the
// staff page all draw the headings from it.
func (f Form) HeadingRows() [][]HeadingCell {
	depth := headingDepth(f)
	n := len(f.Columns)
	out := make([][]HeadingCell, depth)
	for level := range depth {
		for i := 0; i < n; {
			h := f.Columns[i].Heading
			if level >= len(h) {
				i++
				continue
			}
			j := i
			if level < len(h)-1 { // a group: extend over the columns sharing the path
				for j+1 < n && slices.Equal(prefix(f.Columns[j+1].Heading, level+1), h[:level+1]) && len(f.Columns[j+1].Heading) > level+1 {
					j++
				}
				out[level] = append(out[level], HeadingCell{Text: h[level], Col: i + 1, ColSpan: j - i + 1, Level: level, RowSpan: 1})
			} else {
				out[level] = append(out[level], HeadingCell{Text: h[level], Col: i + 1, ColSpan: 1, Level: level, RowSpan: depth - level, Leaf: true})
			}
			i = j + 1
		}
	}
	return out
}
