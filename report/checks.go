package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Check is a rule that failed on a row of a form.
type Check struct {
	Rule   string // "c1 = c5 + c11 + c17", "c1 = 02/XLD.c6"
	Row    string // the unit code of the row, or "" for the total row
	Left   float64
	Right  float64
	Detail string // in Vietnamese
}

// term is k times column col of form (this form when "").
type term struct {
	form string
	col  int
	k    float64
}

// rule is left op right, each side a sum of terms.
type rule struct {
	left  []term
	op    string // "=", "<=", ">="
	right []term
}

func c(col int) term               { return term{col: col, k: 1} }
func cf(form string, col int) term { return term{form: form, col: col, k: 1} }
func ck(k float64, col int) term   { return term{col: col, k: k} }
func eq(l term, r ...term) rule    { return rule{left: []term{l}, op: "=", right: r} }
func le(l term, r term) rule       { return rule{left: []term{l}, op: "<=", right: []term{r}} }
func ge(l term, r term) rule       { return rule{left: []term{l}, op: ">=", right: []term{r}} }
func (r rule) String() string      { return side(r.left) + " " + r.op + " " + side(r.right) }
func (t term) String() string {
	s := "c" + strconv.Itoa(t.col)
	if t.form != "" {
		s = t.form + "." + s
	}
	if t.k != 1 {
		s = strconv.FormatFloat(t.k, 'f', -1, 64) + "·" + s
	}
	return s
}

func side(ts []term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, " + ")
}

// extraRules are the rules of the guidance under each form and the checks between
// forms (the notes' "Ràng buộc kiểm tra số liệu"; those marked (*) there are
// inferred, not printed). The sums of the MS row come from Form.Sums.
var extraRules = map[string][]rule{
	"01/TCD": {
		le(c(8), c(5)), le(c(9), c(6)), ge(c(9), ck(5, 8)),
		le(c(14), c(11)), le(c(15), c(12)), ge(c(15), ck(5, 14)),
		le(c(20), c(17)), le(c(21), c(18)), ge(c(21), ck(5, 20)),
	},
	"02/XLD": {
		le(c(2), c(1)), le(c(3), c(2)), le(c(4), c(3)), le(c(5), c(4)),
	},
	"03/GQKN": {
		eq(c(1), cf("02/XLD", 6)), le(c(2), c(1)), le(c(20), c(19)), le(c(23), c(22)),
	},
	"04/GQTC": {
		eq(c(1), cf("02/XLD", 12)), le(c(2), c(1)), le(c(22), c(21)), le(c(25), c(24)),
	},
	"05/KQTH": {
		ge(c(1), cf("03/GQKN", 7)), le(c(2), c(1)), le(c(12), c(11)), le(c(15), c(14)),
		ge(c(16), cf("04/GQTC", 7)), le(c(17), c(16)), le(c(28), c(27)), le(c(31), c(30)),
		le(c(5), c(3)), le(c(6), c(4)), le(c(9), c(7)), le(c(10), c(8)),
		le(c(20), c(18)), le(c(21), c(19)), le(c(24), c(22)), le(c(25), c(23)),
	},
	"06/QLKNTC": {
		le(c(8), c(6)),
	},
}

// rulesOf returns every rule of form f: the MS row's sums, then the extra rules.
func rulesOf(f Form) []rule {
	var out []rule
	for _, s := range f.Sums() {
		r := rule{left: []term{c(s.Col)}, op: "="}
		for _, p := range s.Parts {
			r.right = append(r.right, c(p))
		}
		out = append(out, r)
	}
	return append(out, extraRules[f.Code]...)
}

// runChecks evaluates the rules of r on each row and the total (a cross-form term
// reads the same row of the other form), and the total row against the sum of
// the rows. A rule touching an Empty column is not evaluated on the empty
// parts: a sum counts the columns that have a source, a comparison with an empty
// column is skipped.
func runChecks(r *Report, all map[string]*Report) ([]Check, int) {
	var fails []Check
	checked := 0
	rows := append(append([]Row(nil), r.Rows...), r.Total)
	for _, ru := range rulesOf(r.Form) {
		for i, row := range rows {
			total := i == len(rows)-1
			l, lok := evalSide(ru.left, r, row, i, total, all, ru.op == "=")
			rt, rok := evalSide(ru.right, r, row, i, total, all, ru.op == "=")
			if !lok || !rok {
				continue
			}
			checked++
			var ok bool
			switch ru.op {
			case "=":
				ok = math.Abs(l-rt) < 1e-6
			case "<=":
				ok = l <= rt+1e-6
			case ">=":
				ok = l+1e-6 >= rt
			}
			if !ok {
				code := row.Code
				if total {
					code = ""
				}
				fails = append(fails, Check{Rule: ru.String(), Row: code, Left: l, Right: rt,
					Detail: fmt.Sprintf("biểu %s, dòng %s: %s không thỏa (vế trái %s, vế phải %s)", r.Form.Code, row.Name, ru.String(), num(l), num(rt))})
			}
		}
	}
	// The total is the sum of the rows, column by column.
	for col := range r.Form.Columns {
		var sum float64
		for _, row := range r.Rows {
			sum += row.Values[col]
		}
		checked++
		if math.Abs(sum-r.Total.Values[col]) > 1e-6 {
			fails = append(fails, Check{Rule: fmt.Sprintf("tổng c%d = Σ dòng", col+1), Left: r.Total.Values[col], Right: sum,
				Detail: fmt.Sprintf("biểu %s: dòng tổng cột %d là %s, tổng các dòng là %s", r.Form.Code, col+1, num(r.Total.Values[col]), num(sum))})
		}
	}
	return fails, checked
}

// evalSide sums a side of a rule on row i (the total row when total). In a sum
// (lenient) an empty column counts nothing; alone it makes the side unknown.
func evalSide(ts []term, r *Report, row Row, i int, total bool, all map[string]*Report, lenient bool) (float64, bool) {
	var v float64
	known := 0
	for _, t := range ts {
		src, srow := r, row
		if t.form != "" {
			o, ok := all[t.form]
			if !ok {
				return 0, false
			}
			src = o
			if total {
				srow = o.Total
			} else {
				srow = o.Rows[i]
			}
		}
		if _, none := src.Empty[t.col]; none {
			if !lenient || len(ts) == 1 {
				return 0, false
			}
			continue
		}
		v += t.k * srow.Values[t.col-1]
		known++
	}
	return v, known > 0
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
