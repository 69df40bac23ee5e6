package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
)

// Service builds the forms for a unit and its sub-units over a period. Reading a
// report needs cases.PermReportRead (leaders and inspectors) and the unit in the
// actor's scope. Safe for concurrent use.
type Service struct {
	Cases *cases.Service
}

// Report is one form filled for a unit tree and a period.
type Report struct {
	Form   Form
	Unit   auth.Unit
	Period Period
	// Rows are the unit itself (its own cases, petitions and visits) and then each
	// unit directly below it with its whole subtree; Total is their sum, the
	// unit's whole subtree.
	Rows  []Row
	Total Row
	// Empty says, per column kntc has no source for, why the column stays empty.
	Empty map[int]string
	// Sources says how each computed column is counted (the README's
	// Statistics section in one line per column).
	Sources map[int]string
	// Checks are the in-form sums and the cross-form rules that failed; Checked is
	// how many were evaluated.
	Checks  []Check
	Checked int
}

// Row is a unit's line of a form.
type Row struct {
	UnitID int64
	Code   string
	Name   string
	// Values holds column n at index n-1; an Empty column is 0 here.
	Values []float64
	// Refs lists, per column, what the number counts: case codes, "don-ID" for a
	// petition, "tiep-ID" for a visit of the reception log. Never a name. Build
	// fills every column, Cell the one asked for, Numbers none.
	Refs [][]string
}

// Value returns column n of the row.
func (r Row) Value(n int) float64 { return r.Values[n-1] }

// ErrUnknownUnit is returned for a unit code that does not exist.
var ErrUnknownUnit = errors.New("unknown unit")

// Counter counts the forms' columns in the database, per row of a report, and
// lists what one count counts. The SQL stores implement it; the case store must.
// Safe for concurrent use.
type Counter interface {
	// CountForm returns, for each column of the form it counts (the columns with
	// a source that are not sums of other columns, nor 03/GQKN and 04/GQTC's
	// column 1), the value of each row: values[col][row].
	CountForm(ctx context.Context, q CountQuery) (map[int][]float64, error)
	// EachRef calls fn with what column col (every counted column when 0) of
	// row (every row when -1) counts: per column, in the order the items were
	// entered (a case's, petition's or visit's ID); a column counting distinct
	// matters (01/TCD 7, 02/XLD 5) gives each item's matter, repeats included.
	EachRef(ctx context.Context, q CountQuery, col, row int, fn func(row, col int, ref string) error) error
}

// CountQuery is what a Counter counts: a form for the units of a tree, each
// in its row of the report, over a period.
type CountQuery struct {
	Form string // "01/TCD" … "05/KQTH"
	// RowOf gives every unit of the tree the row it counts in: 0 for the unit
	// itself, i for the subtree of its i-th child.
	RowOf map[int64]int
	// From and To are the period's first and last days (UTC midnight, both
	// included); a visit's or a timeline event's day is its day in Vietnam
	// (UTC+7).
	From, To time.Time
	// Cols are the columns CountForm counts; every one when nil.
	Cols []int
}

// Build fills form f for the unit with code unitCode (the actor's own unit when
// empty) and its sub-units over p, with what every number counts (Row.Refs).
// The numbers are counted in the database; listing every reference reads every
// row counted, so the API's forms use Numbers and its drill-down Cell.
func (s *Service) Build(ctx context.Context, a cases.Actor, f Form, unitCode string, p Period) (*Report, error) {
	out, err := s.run(ctx, a, unitCode, p, []string{f.Code}, refAll)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Numbers fills form f as Build does, without the references (every column of
// Row.Refs is empty): the numbers and the checks, counted in the database. The
// API's forms, workbooks and the command use it.
func (s *Service) Numbers(ctx context.Context, a cases.Actor, f Form, unitCode string, p Period) (*Report, error) {
	out, err := s.run(ctx, a, unitCode, p, []string{f.Code}, refNone)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// Cell fills form f as Numbers does, and lists what column col of one row
// counts: row is the code of a unit of the report's rows, or "total". Only
// that cell's Refs (and those of the cells it adds up) are filled; an unknown
// row or column lists nothing.
func (s *Service) Cell(ctx context.Context, a cases.Actor, f Form, unitCode string, p Period, row string, col int) (*Report, error) {
	return s.runCell(ctx, a, unitCode, p, f, row, col)
}

// BuildAll fills the six forms at once, with the checks between them and what
// every number counts.
func (s *Service) BuildAll(ctx context.Context, a cases.Actor, unitCode string, p Period) ([]*Report, error) {
	codes := make([]string, len(forms))
	for i, f := range forms {
		codes[i] = f.Code
	}
	return s.run(ctx, a, unitCode, p, codes, refAll)
}

// frame is a report's rows: the root unit and its children, each unit of the
// tree mapped to its row.
type frame struct {
	root   auth.Unit
	rows   []auth.Unit   // the root, then its children
	rowOf  map[int64]int // unit ID -> row index
	period Period
}

// frameFor checks the actor may read the unit's reports and lays out its rows.
func (s *Service) frameFor(ctx context.Context, a cases.Actor, unitCode string, p Period) (frame, error) {
	if err := a.Require(cases.PermReportRead); err != nil {
		return frame{}, err
	}
	units, err := s.Cases.Accounts.Store.Units(ctx)
	if err != nil {
		return frame{}, fmt.Errorf("units: %w", err)
	}
	var root auth.Unit
	found := false
	for _, u := range units {
		if unitCode == "" && u.ID == a.User.UnitID || unitCode != "" && strings.EqualFold(u.Code, unitCode) {
			root, found = u, true
			break
		}
	}
	if !found || a.UnitIDs != nil && !slices.Contains(a.UnitIDs, root.ID) {
		return frame{}, fmt.Errorf("đơn vị %q không có hoặc ngoài phạm vi của bạn (unit %q: %w): %w", unitCode, unitCode, ErrUnknownUnit, errs.ErrNotFound)
	}
	fr := frame{root: root, period: p, rowOf: map[int64]int{}}
	fr.rows = append(fr.rows, root)
	fr.rowOf[root.ID] = 0
	for _, u := range units {
		if u.ParentID == root.ID && u.ID != root.ID {
			fr.rows = append(fr.rows, u)
		}
	}
	slices.SortStableFunc(fr.rows[1:], func(x, y auth.Unit) int { return strings.Compare(x.Code, y.Code) })
	for i, u := range fr.rows[1:] {
		for _, id := range auth.Subtree(units, u.ID) {
			fr.rowOf[id] = i + 1
		}
	}
	return fr, nil
}

// refWant says which references to list: per form, the counted columns (0:
// every one), in one row (-1: every row).
type refWant struct {
	cols map[string][]int
	all  bool // every column of the forms asked for
	row  int
}

var (
	refNone = refWant{row: -1}
	refAll  = refWant{all: true, row: -1}
)

// needs are the forms a form's numbers or checks read, and the counted
// columns it reads of them: 03/GQKN and 04/GQTC copy a column of 02/XLD;
// 05/KQTH is checked against their decisions (column 7). A form built for
// another alone is not checked itself.
var needs = map[string]map[string][]int{
	"03/GQKN": {"02/XLD": {6}},
	"04/GQTC": {"02/XLD": {12}},
	"05/KQTH": {"03/GQKN": {8, 9, 10, 11, 12}, "04/GQTC": {8, 9, 10}},
}

// run builds the forms codes (with those they need, for their checks) and
// returns them in the order asked.
func (s *Service) run(ctx context.Context, a cases.Actor, unitCode string, p Period, codes []string, want refWant) ([]*Report, error) {
	fr, err := s.frameFor(ctx, a, unitCode, p)
	if err != nil {
		return nil, err
	}
	return s.runFrame(ctx, fr, codes, want)
}

func (s *Service) runFrame(ctx context.Context, fr frame, codes []string, want refWant) ([]*Report, error) {
	counter, ok := s.Cases.Store.(Counter)
	if !ok {
		return nil, fmt.Errorf("the case store %T cannot count the reports' columns", s.Cases.Store)
	}
	// The forms to build, with the counted columns needed (nil: every one).
	build := map[string][]int{}
	for _, c := range codes {
		for n, cols := range needs[c] {
			if all, ok := build[n]; !ok || all != nil {
				build[n] = append(build[n], cols...)
			}
		}
	}
	for _, c := range codes {
		build[c] = nil
	}
	if want.all { // the asked forms' every column, and 02/XLD's copied ones
		want = refWant{cols: map[string][]int{}, row: want.row}
		for _, c := range codes {
			want.cols[c] = []int{0}
		}
		for _, c := range codes {
			if n, ok := copiedFrom[c]; ok && !slices.Contains(codes, "02/XLD") {
				want.cols["02/XLD"] = append(want.cols["02/XLD"], n)
			}
		}
	}
	byCode := map[string]*Report{}
	for _, f := range forms { // in the circular's order: 02/XLD before 03 and 04
		cols, ok := build[f.Code]
		if !ok {
			continue
		}
		sh := newSheet(f, fr)
		layout(sh)
		q := CountQuery{Form: f.Code, RowOf: fr.rowOf, From: cases.Date(fr.period.From), To: cases.Date(fr.period.To), Cols: cols}
		if counted[f.Code] {
			vals, err := counter.CountForm(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("count %s: %w", f.Code, err)
			}
			for col, perRow := range vals {
				for i, v := range perRow {
					sh.r.Rows[i].Values[col-1] = v
				}
			}
			if err := sh.listRefs(ctx, counter, q, want.cols[f.Code], want.row); err != nil {
				return nil, fmt.Errorf("list %s: %w", f.Code, err)
			}
		}
		byCode[f.Code] = complete(sh, byCode["02/XLD"])
	}
	out := make([]*Report, 0, len(codes))
	for _, c := range codes {
		r := byCode[c]
		r.Checks, r.Checked = runChecks(r, byCode)
		out = append(out, r)
	}
	return out, nil
}

// counted are the forms with columns the database counts (06/QLKNTC has none).
var counted = map[string]bool{"01/TCD": true, "02/XLD": true, "03/GQKN": true, "04/GQTC": true, "05/KQTH": true}

// listRefs fills the references of the counted columns cols (0: every one) of
// the sheet's form, in row (-1: every row).
func (s sheet) listRefs(ctx context.Context, counter Counter, q CountQuery, cols []int, row int) error {
	seen := map[refKey]bool{}
	for _, col := range cols {
		err := counter.EachRef(ctx, q, col, row, func(row, col int, ref string) error {
			// A matter counts once in its row (01/TCD 7, 02/XLD 5); an item is
			// in a column once, so this changes nothing elsewhere.
			k := refKey{row, col, ref}
			if seen[k] {
				return nil
			}
			seen[k] = true
			if row < 0 || row >= len(s.r.Rows) || col < 1 || col > len(s.r.Form.Columns) {
				return fmt.Errorf("reference %q in row %d, column %d of %s: no such cell", ref, row, col, q.Form)
			}
			s.r.Rows[row].Refs[col-1] = append(s.r.Rows[row].Refs[col-1], ref)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

type refKey struct {
	row, col int
	ref      string
}

// runCell builds form f with the references of one cell: the counted columns
// it is made of (the parts of a sum, 02/XLD's column for 03/GQKN and 04/GQTC's
// first), in its row.
func (s *Service) runCell(ctx context.Context, a cases.Actor, unitCode string, p Period, f Form, rowCode string, col int) (*Report, error) {
	fr, err := s.frameFor(ctx, a, unitCode, p)
	if err != nil {
		return nil, err
	}
	want := refWant{cols: map[string][]int{}, row: -2} // -2: no such row, nothing listed
	if strings.EqualFold(rowCode, "total") {
		want.row = -1
	}
	for i, u := range fr.rows {
		if want.row == -2 && strings.EqualFold(u.Code, rowCode) {
			want.row = i
		}
	}
	if want.row != -2 && col >= 1 && col <= len(f.Columns) {
		probe := newSheet(f, fr)
		layout(probe)
		for _, c := range partsOf(f.Code, col) {
			if _, none := probe.r.Empty[c]; !none {
				want.cols[f.Code] = append(want.cols[f.Code], c)
			}
		}
		if col == 1 && (f.Code == "03/GQKN" || f.Code == "04/GQTC") {
			want.cols[f.Code] = nil
			want.cols["02/XLD"] = []int{copiedFrom[f.Code]}
		}
	}
	out, err := s.runFrame(ctx, fr, []string{f.Code}, want)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// sheet accumulates one form.
type sheet struct {
	r *Report
}

func newSheet(f Form, fr frame) sheet {
	r := &Report{Form: f, Unit: fr.root, Period: fr.period, Empty: map[int]string{}, Sources: map[int]string{}}
	n := len(f.Columns)
	for _, u := range fr.rows {
		r.Rows = append(r.Rows, Row{UnitID: u.ID, Code: u.Code, Name: u.Name, Values: make([]float64, n), Refs: make([][]string, n)})
	}
	return sheet{r: r}
}

// empty marks columns without a source, with why.
func (s sheet) empty(why string, cols ...int) {
	for _, c := range cols {
		s.r.Empty[c] = why
	}
}

func (s sheet) source(col int, how string) { s.r.Sources[col] = how }

// sumInto sets column col of every row to the sum of parts that have a source.
func (s sheet) sumInto(col int, parts ...int) {
	for i := range s.r.Rows {
		row := &s.r.Rows[i]
		row.Values[col-1] = 0
		row.Refs[col-1] = nil
		for _, p := range parts {
			if _, none := s.r.Empty[p]; none {
				continue
			}
			// The parts count different things (a visit is in one of 5, 11, 17; a
			// case in one state): their references do not overlap.
			row.Values[col-1] += row.Values[p-1]
			row.Refs[col-1] = append(row.Refs[col-1], row.Refs[p-1]...)
		}
	}
}

// finish computes the total row.
func (s sheet) finish() *Report {
	n := len(s.r.Form.Columns)
	t := Row{Code: s.r.Unit.Code, Name: "Tổng cộng", Values: make([]float64, n), Refs: make([][]string, n)}
	for _, row := range s.r.Rows {
		for c := range n {
			t.Values[c] += row.Values[c]
			t.Refs[c] = append(t.Refs[c], row.Refs[c]...)
		}
	}
	for c := range n {
		slices.Sort(t.Refs[c])
		t.Refs[c] = slices.Compact(t.Refs[c])
	}
	s.r.Total = t
	return s.r
}

// The reasons a column stays empty.
const (
	noReceptionForm = "kntc chưa ghi hình thức tiếp (Thủ trưởng tiếp / ủy quyền tiếp) của lượt tiếp: mọi lượt được tính là tiếp thường xuyên (the reception log does not record who received)"
	noSchedule      = "kntc chưa có lịch tiếp công dân định kỳ của Thủ trưởng (no reception schedule is kept yet)"
	noField         = "kntc chưa ghi lĩnh vực của đơn (đất đai, chế độ chính sách, tham nhũng, tư pháp…) (the petition's field is not recorded)"
	noNextRound     = "kntc chưa ghi tố cáo tiếp (a repeated denunciation is not recorded as such)"
	noStateMgmt     = "kntc không giữ sổ văn bản chỉ đạo, lớp tập huấn và cuộc thanh tra trách nhiệm (state-management work is not recorded)"
)

// sums are the columns a form adds up from others (the parts without a source
// are left out); the database counts only the parts.
var sums = map[string][]Sum{
	"01/TCD":  {{1, []int{5, 11, 17}}, {2, []int{6, 12, 18}}, {3, []int{7, 13, 19}}, {4, []int{8, 14, 20}}},
	"03/GQKN": {{2, []int{3, 4, 5, 6}}, {7, []int{8, 9, 10, 11, 12}}},
	"04/GQTC": {{2, []int{3, 4, 5, 6}}, {7, []int{8, 9, 10, 11, 12, 13}}},
}

// copiedFrom is the 02/XLD column 03/GQKN's and 04/GQTC's column 1 repeat.
var copiedFrom = map[string]int{"03/GQKN": 6, "04/GQTC": 12}

// partsOf is the counted columns column col of form code is made of.
func partsOf(code string, col int) []int {
	for _, s := range sums[code] {
		if s.Col == col {
			return s.Parts
		}
	}
	return []int{col}
}

// complete adds up a counted sheet: the sums, the column copied from 02/XLD
// (xld), the total row.
func complete(s sheet, xld *Report) *Report {
	if c, ok := copiedFrom[s.r.Form.Code]; ok && xld != nil {
		for i := range s.r.Rows {
			s.r.Rows[i].Values[0] = xld.Rows[i].Values[c-1]
			s.r.Rows[i].Refs[0] = slices.Clone(xld.Rows[i].Refs[c-1])
		}
	}
	for _, sum := range sums[s.r.Form.Code] {
		s.sumInto(sum.Col, sum.Parts...)
	}
	return s.finish()
}

// layout marks a form's empty columns and says how the others are counted.
func layout(s sheet) {
	switch s.r.Form.Code {
	case "01/TCD":
		s.empty(noSchedule, 10, 16)
		s.empty(noReceptionForm, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21)
		s.source(5, "lượt tiếp trong sổ tiếp công dân có ngày tiếp trong kỳ")
		s.source(6, "số người của các lượt (cỡ đoàn, ít nhất 1)")
		s.source(7, "vụ việc khác nhau của các lượt: hồ sơ mở từ lượt tiếp, hoặc chính lượt tiếp khi chưa có hồ sơ")
		s.source(8, "lượt tiếp có từ 5 người trở lên")
		s.source(9, "số người của các đoàn ở cột 8")
	case "02/XLD":
		s.empty(noField, 9, 10, 11, 15, 16, 17, 18, 20, 21, 22)
		s.empty(noNextRound, 14)
		s.source(1, "đơn nhận trong kỳ và đơn nhận trước kỳ chưa xử lý xong ở ngày đầu kỳ; gồm cả khiếu nại, tố cáo, kiến nghị trình bày trực tiếp khi tiếp công dân, được ghi lại và mở hồ sơ mà không có đơn riêng (nhận ngày tiếp, xử lý ngày mở hồ sơ)")
		s.source(2, "đơn ở cột 1 có hướng xử lý ghi trong kỳ (ngày xử lý <= ngày cuối kỳ)")
		s.source(3, "đơn đã xử lý, đủ điều kiện xử lý (hoặc đã thụ lý)")
		s.source(5, "vụ việc khác nhau của các đơn ở cột 4: hồ sơ của đơn (hoặc của lượt tiếp), hoặc đơn gốc khi đơn trùng")
		s.source(7, "đơn khiếu nại thuộc thẩm quyền; lần giải quyết theo hồ sơ của đơn (lần 1 khi chưa có hồ sơ)")
		s.source(13, "mọi đơn tố cáo thuộc thẩm quyền (kntc chưa ghi tố cáo tiếp)")
		s.source(19, "đơn kiến nghị, phản ánh và đơn nhiều nội dung thuộc thẩm quyền")
		s.source(24, "đơn không thuộc thẩm quyền đã hướng dẫn")
		s.source(25, "đơn không thuộc thẩm quyền đã chuyển")
	case "03/GQKN", "04/GQTC":
		complaint := s.r.Form.Code == "03/GQKN"
		s.source(1, fmt.Sprintf("= cột %d của biểu 02/XLD", copiedFrom[s.r.Form.Code]))
		s.source(2, "hồ sơ của các đơn ở cột 1 (kể cả hồ sơ mở từ lượt tiếp công dân không có đơn riêng), mỗi hồ sơ một lần; tình trạng ở ngày cuối kỳ")
		s.source(5, "hồ sơ đã chuyển sang bước hướng dẫn (không thụ lý) đến ngày cuối kỳ")
		s.source(6, "hồ sơ đóng do rút đơn (đình chỉ) đến ngày cuối kỳ")
		s.source(7, "quyết định / kết luận có ngày ban hành trong kỳ")
		if complaint {
			s.source(11, "quyết định lần 2 kết luận khiếu nại sai: công nhận kết quả lần đầu")
			s.source(12, "quyết định lần 2 kết luận khiếu nại đúng hoặc đúng một phần: hủy, sửa kết quả lần đầu")
			s.source(13, "tổng kết quả giải quyết (ghi theo từng hồ sơ) của các quyết định ở cột 7")
		} else {
			s.empty(noNextRound, 11, 12, 13)
			s.source(14, "tổng kết quả giải quyết (ghi theo từng hồ sơ) của các kết luận ở cột 7")
		}
	case "05/KQTH":
		s.source(1, "quyết định ban hành đến ngày cuối kỳ chưa thi hành xong trước ngày đầu kỳ (thi hành xong: ngày ghi trong kết quả, hoặc ngày đóng hồ sơ)")
		s.source(2, "quyết định ở cột 1 thi hành xong trong kỳ")
		s.source(3, "tổng kết quả (ghi theo từng hồ sơ) của các quyết định ở cột 1; số đã thu, đã trả, đã xử lý là số đang ghi, không theo ngày")
		s.source(16, "như cột 1, với kết luận nội dung tố cáo")
		s.source(17, "như cột 2, với kết luận nội dung tố cáo")
	case "06/QLKNTC": // kntc holds none of its sources yet
		for _, c := range s.r.Form.Columns {
			s.empty(noStateMgmt, c.No)
		}
	}
}
