// Package report computes the statistical forms of Thông tư 06/2025/TT-TTCP
// (01/TCD, 02/XLD, 03/GQKN, 04/GQTC, 05/KQTH, 06/QLKNTC) from the data kntc holds:
// the reception log, the petition register, the cases and their decisions. It
// owns the forms' table (generated from ../shared by cmd/genforms), the reporting
// periods, the engine, the checks and the workbook.
package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

//go:generate go run ./cmd/genforms -json ../../shared/reports/tt-06-2025-forms.json -out forms_gen.go

// Column is one numbered column of a form.
type Column struct {
	No          int
	MS          string   // as printed in the MS row: "1=5+11+17", "7"
	Heading     []string // the heading path, outermost group first
	Unit        string   // unit of measure ("lượt", "Triệu đồng", "m2"…)
	UnitPrinted bool     // the unit is printed in the heading (money, land)
}

// Form is one form of the circular.
type Form struct {
	Code     string // "01/TCD"
	Title    string
	RowLabel string // the heading of the row-label column ("Đơn vị")
	NoteLine int    // the number of the "Ghi chú" line
	Columns  []Column
	Guidance []string // the lines of "Hướng dẫn cách ghi biểu"
}

// Slug is the form's code in a URL: "01-TCD".
func (f Form) Slug() string { return strings.ReplaceAll(f.Code, "/", "-") }

// Forms returns the six forms in the circular's order.
func Forms() []Form { return forms }

// FormByCode finds a form by its code ("01/TCD"), its URL slug ("01-TCD"), its
// number ("01", "1") or its letters ("TCD"), case-insensitively.
func FormByCode(s string) (Form, error) {
	k := strings.ToUpper(strings.TrimSpace(s))
	for _, f := range forms {
		num, letters, _ := strings.Cut(f.Code, "/")
		if k == f.Code || k == f.Slug() || k == num || k == letters || k == strings.TrimLeft(num, "0") {
			return f, nil
		}
	}
	names := make([]string, len(forms))
	for i, f := range forms {
		names[i] = f.Slug()
	}
	return Form{}, fmt.Errorf("biểu %q không có; các biểu: %s (unknown form)", s, strings.Join(names, ", "))
}

// Sum is an in-form equality read from the MS row: Col = the sum of each of
// Parts ("6= 7+8= 9+10+11" gives two sums for column 6).
type Sum struct {
	Col   int
	Parts []int
}

var msSide = regexp.MustCompile(`^\d+(\s*\+\s*\d+)*$`)

// Sums returns the equalities printed in the form's MS row.
func (f Form) Sums() []Sum {
	var out []Sum
	for _, c := range f.Columns {
		sides := strings.Split(c.MS, "=")
		if len(sides) < 2 {
			continue
		}
		for _, side := range sides[1:] {
			side = strings.TrimSpace(side)
			if !msSide.MatchString(side) {
				continue
			}
			var parts []int
			for _, p := range strings.Split(side, "+") {
				n, _ := strconv.Atoi(strings.TrimSpace(p))
				parts = append(parts, n)
			}
			out = append(out, Sum{Col: c.No, Parts: parts})
		}
	}
	return out
}
