package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/report"
)

// The statistics pages (thống kê): a form of Thông tư 06/2025/TT-TTCP for a unit
// tree and a period as the printed table, what one of its numbers counts, and
// the form's files. They call report.Service as GET /api/v1/reports does: the
// same permission (report.read) and the same unit scope.

// reportKinds are the periods the page offers, in the circular's order; "range"
// is a free range of days.
var reportKinds = []string{"Q1", "Q2", "Q3", "Q4", "H1", "9M", "Y", "range"}

// reportChoice is the page's choice as the URL holds it:
// /reports?form=03-GQKN&unit=A&year=2026&kind=Q1 (or kind=range&from=&to=, or
// period=2026-Q1 as the API writes it).
type reportChoice struct {
	Form     string // the form's slug, "03-GQKN"
	Unit     string // a unit code; "" the user's own
	Year     string
	Kind     string // one of reportKinds
	From, To string // YYYY-MM-DD, for kind=range
}

// period reads the chosen period (errs.Invalid when it is not one).
func (c reportChoice) period() (report.Period, error) {
	if c.Kind == "range" {
		return report.PeriodOf("", c.From, c.To)
	}
	name := c.Year + "-" + c.Kind
	if c.Kind == "Y" {
		name = c.Year
	}
	return report.PeriodOf(name, "", "")
}

// query is the choice as the API's and the drill-down's query: unit and period
// (or from and to).
func (c reportChoice) query() url.Values {
	q := url.Values{}
	if c.Unit != "" {
		q.Set("unit", c.Unit)
	}
	if c.Kind == "range" {
		q.Set("from", c.From)
		q.Set("to", c.To)
		return q
	}
	if c.Kind == "Y" {
		q.Set("period", c.Year)
	} else {
		q.Set("period", c.Year+"-"+c.Kind)
	}
	return q
}

// pageURL is the report page of the choice.
func (c reportChoice) pageURL() string {
	q := c.query()
	q.Set("form", c.Form)
	return "/reports?" + q.Encode()
}

// readReportChoice reads the choice from the query: the form (01-TCD when
// absent), the unit, and the period as period= (the API's) or year=&kind= (the
// page's form), the period of today by default.
func readReportChoice(q url.Values, now time.Time) (reportChoice, report.Form, error) {
	slug := strings.TrimSpace(q.Get("form"))
	if slug == "" {
		slug = "01-TCD"
	}
	f, err := report.FormByCode(slug)
	if err != nil {
		return reportChoice{}, report.Form{}, fmt.Errorf("%w: %w", err, errs.ErrNotFound)
	}
	c := reportChoice{Form: f.Slug(), Unit: strings.TrimSpace(q.Get("unit")), Year: strings.TrimSpace(q.Get("year")),
		Kind: strings.TrimSpace(q.Get("kind")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	if name := strings.ToUpper(strings.TrimSpace(q.Get("period"))); name != "" {
		p, err := report.ParsePeriod(name)
		if err != nil {
			return c, f, errs.Errorf(errs.Invalid, "%s", err)
		}
		c.Year, c.Kind = strconv.Itoa(p.To.Year()), "Y"
		if _, k, ok := strings.Cut(p.Name, "-"); ok {
			c.Kind = k
		}
		return c, f, nil
	}
	if c.Kind == "" && (c.From != "" || c.To != "") {
		c.Kind = "range"
	}
	if c.Kind == "" {
		c.Year, c.Kind = currentPeriod(now)
	}
	if !slices.Contains(reportKinds, c.Kind) {
		return c, f, errs.Errorf(errs.Invalid, "kỳ %q không có (no such period)", c.Kind)
	}
	if c.Kind != "range" {
		c.From, c.To = "", ""
		if c.Year == "" {
			c.Year, _ = currentPeriod(now)
		}
	}
	return c, f, nil
}

// currentPeriod is the quarter whose days (Điều 7's cut-off dates) hold day:
// from 15/12 on, the next year's first quarter.
func currentPeriod(day time.Time) (year, kind string) {
	for _, y := range []int{day.Year(), day.Year() + 1} {
		for _, k := range []string{"Q1", "Q2", "Q3", "Q4"} {
			if p, err := report.ParsePeriod(strconv.Itoa(y) + "-" + k); err == nil && p.Contains(day) {
				return strconv.Itoa(y), k
			}
		}
	}
	return strconv.Itoa(day.Year()), "Q1"
}

// reportCellView is one number of the table.
type reportCellView struct {
	Text  string
	Href  string // its drill-down; "" for a zero or an empty column
	Empty bool   // kntc has no source for the column
	Label string // what the link lists, for a screen reader
}

// reportRowView is one row of the table.
type reportRowView struct {
	ID    string // the row's anchor ("row-A", "row-total")
	Name  string
	Total bool
	Cells []reportCellView
}

// reportCheckView is a rule the report breaks, and where.
type reportCheckView struct {
	Row, Anchor string
	Rule        string
	Left, Right string
}

// reportEmptyView is the columns left empty for one reason.
type reportEmptyView struct {
	Cols string
	Why  string
}

// reportPage is what the statistics page shows.
type reportPage struct {
	Choice    reportChoice
	Forms     []option
	Units     []option
	Years     []string
	Kinds     []option
	Form      report.Form
	Shown     bool // the report was built (the choice was valid)
	From, To  time.Time
	UnitName  string
	Heads     [][]report.HeadingCell
	Depth     int
	MS        []string
	Rows      []reportRowView
	Checks    []reportCheckView
	Checked   int
	Empty     []reportEmptyView
	XLSX, PDF string
	ChoiceURL string
	Guidance  []string
	Charts    []reportChart
}

// reportChart is one of the leaders' charts, drawn on the server as SVG.
type reportChart struct {
	SVG template.HTML // from report/chart: escaped there, no style attribute
}

// reportNumber writes v in the page's language: a decimal comma in Vietnamese.
func reportNumber(l *printer, v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if l.lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// reportUnits are the units the user may report on: their scope.
func (p *pages) reportUnits(r *http.Request, a cases.Actor) ([]option, error) {
	units, err := p.deps.Accounts.Store.Units(r.Context())
	if err != nil {
		return nil, err
	}
	var out []option
	for _, u := range units {
		if a.UnitIDs != nil && !slices.Contains(a.UnitIDs, u.ID) {
			continue
		}
		out = append(out, option{Value: u.Code, Label: u.Name + " (" + u.Code + ")"})
	}
	return out, nil
}

// handleReportPage shows a form for a unit tree and a period as the printed
// table: merged multi-level headings, the MS row, a row per unit and the total,
// each number linking to what it counts; the rules the numbers break above it;
// the files to download. A choice that is not valid keeps the choice and says
// why (422).
func (p *pages) handleReportPage(reports *report.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		if err := a.Require(cases.PermReportRead); err != nil {
			p.fail(w, r, err)
			return
		}
		v := p.view(r, "reports", "reports.title")
		now := today(p.deps.Cases)
		c, f, err := readReportChoice(r.URL.Query(), now)
		if errors.Is(err, errs.ErrNotFound) {
			p.fail(w, r, err)
			return
		}
		d := reportPage{Choice: c, Form: f}
		for _, x := range report.Forms() {
			d.Forms = append(d.Forms, option{Value: x.Slug(), Label: x.Code + " — " + x.Title})
		}
		if d.Units, err = p.reportUnits(r, a); err != nil {
			p.fail(w, r, err)
			return
		}
		for y := now.Year() + 1; y >= now.Year()-5; y-- {
			d.Years = append(d.Years, strconv.Itoa(y))
		}
		for _, k := range reportKinds {
			d.Kinds = append(d.Kinds, option{Value: k, Label: v.L.T("reports.kind." + k)})
		}
		status := http.StatusOK
		var per report.Period
		if err == nil {
			per, err = c.period()
		}
		var rep *report.Report
		if err == nil {
			rep, err = reports.Numbers(ctx, a, f, c.Unit, per)
		}
		switch {
		case errors.Is(err, errs.ErrInvalid):
			status, v.Error = http.StatusUnprocessableEntity, v.L.T("reports.bad", errs.MessageOf(err))
		case errors.Is(err, errs.ErrNotFound):
			status, v.Error = http.StatusNotFound, v.L.T("reports.nounit", c.Unit)
		case err != nil:
			p.fail(w, r, err)
			return
		}
		if rep != nil {
			p.fillReportPage(&d, v.L, rep, c)
			if err := p.fillCharts(r, reports, &d, v.L, a, rep); err != nil {
				p.fail(w, r, err)
				return
			}
		}
		v.Data = d
		p.render(w, r, status, "reports", v)
	})
}

// fillReportPage lays rep out for the page.
func (p *pages) fillReportPage(d *reportPage, l *printer, rep *report.Report, c reportChoice) {
	d.Shown, d.From, d.To, d.UnitName = true, rep.Period.From, rep.Period.To, rep.Unit.Name
	d.Choice.Unit = rep.Unit.Code
	c.Unit = rep.Unit.Code
	d.Heads, d.Depth = rep.Form.HeadingRows(), rep.Form.HeadingDepth()
	d.Guidance = rep.Form.Guidance
	d.ChoiceURL = c.pageURL()
	for _, col := range rep.Form.Columns {
		d.MS = append(d.MS, col.MS)
	}
	q := c.query()
	dl := url.Values{}
	for k, vs := range q {
		dl[k] = vs
	}
	dl.Set("format", "xlsx")
	d.XLSX = "/reports/" + rep.Form.Slug() + "/file?" + dl.Encode()
	dl.Set("format", "pdf")
	d.PDF = "/reports/" + rep.Form.Slug() + "/file?" + dl.Encode()
	rows := append(append([]report.Row(nil), rep.Rows...), rep.Total)
	for i, row := range rows {
		total := i == len(rows)-1
		key := row.Code
		rv := reportRowView{ID: "row-" + row.Code, Name: row.Name, Total: total}
		if total {
			key, rv.ID, rv.Name = "total", "row-total", l.T("reports.total")
		}
		for _, col := range rep.Form.Columns {
			if _, none := rep.Empty[col.No]; none {
				rv.Cells = append(rv.Cells, reportCellView{Text: "—", Empty: true})
				continue
			}
			val := row.Values[col.No-1]
			cv := reportCellView{Text: reportNumber(l, val)}
			if val != 0 {
				cq := url.Values{}
				for k, vs := range q {
					cq[k] = vs
				}
				cq.Set("row", key)
				cv.Href = "/reports/" + rep.Form.Slug() + "/cells/" + strconv.Itoa(col.No) + "?" + cq.Encode()
				cv.Label = l.T("reports.cell.label", col.No, rv.Name)
			}
			rv.Cells = append(rv.Cells, cv)
		}
		d.Rows = append(d.Rows, rv)
	}
	names := map[string]string{}
	for _, row := range rep.Rows {
		names[row.Code] = row.Name
	}
	for _, ch := range rep.Checks {
		cv := reportCheckView{Row: l.T("reports.total"), Anchor: "#row-total", Rule: ch.Rule,
			Left: reportNumber(l, ch.Left), Right: reportNumber(l, ch.Right)}
		if ch.Row != "" {
			cv.Row, cv.Anchor = names[ch.Row], "#row-"+ch.Row
		}
		d.Checks = append(d.Checks, cv)
	}
	d.Checked = rep.Checked
	byWhy := map[string][]int{}
	var whys []string
	for no, why := range rep.Empty {
		if _, seen := byWhy[why]; !seen {
			whys = append(whys, why)
		}
		byWhy[why] = append(byWhy[why], no)
	}
	for _, why := range whys {
		slices.Sort(byWhy[why])
	}
	slices.SortFunc(whys, func(x, y string) int { return byWhy[x][0] - byWhy[y][0] })
	for _, why := range whys {
		cols := make([]string, len(byWhy[why]))
		for i, n := range byWhy[why] {
			cols[i] = strconv.Itoa(n)
		}
		d.Empty = append(d.Empty, reportEmptyView{Cols: strings.Join(cols, ", "), Why: why})
	}
}

// fillCharts draws the leaders' charts (report/chart) for the report's unit
// tree and period, as SVG inline in the page: presentation attributes only,
// which the pages' CSP lets through. Their titles, labels and descriptions
// are the page's language (the catalogue's chart.*, kind.* and status.*
// keys); the API's charts and the PDF's stay Vietnamese.
func (p *pages) fillCharts(r *http.Request, reports *report.Service, d *reportPage, l *printer, a cases.Actor, rep *report.Report) error {
	data, err := reports.ChartData(r.Context(), a, rep.Unit.Code, rep.Period)
	if err != nil {
		return err
	}
	for _, c := range data.ChartsIn(l.T) {
		d.Charts = append(d.Charts, reportChart{SVG: template.HTML(c.SVG())}) //nolint:gosec // the chart package escapes every text it writes
	}
	return nil
}

// reportItem is one thing a number counts, as the drill-down lists it: a case,
// a petition of the register or a visit of the reception log — never a person.
type reportItem struct {
	Kind     string // "case", "petition", "visit"
	Ref      string // the case code, or the petition's or visit's number
	Date     time.Time
	Class    string // a kind of case or petition (kind.* key), "" when none
	Subject  string
	State    string // a message key: the case's status, the petition's handling, the visit's outcome
	People   int    // a visit's group size
	CaseCode string // the case page to open; "" when none or not visible
	Hidden   bool   // outside the user's scope now
}

// reportCellPage is what the drill-down page shows.
type reportCellPage struct {
	Form          report.Form
	Column        report.Column
	Heading       string
	RowName       string
	From, To      time.Time
	Value         string
	Empty         string
	Items         []reportItem
	Total         int
	Page, Pages   int
	Prev, Next    string
	Back          string
	FirstItemNo   int
	CountsPersons bool
}

// reportCellPageSize is how many items a page of a drill-down lists.
const reportCellPageSize = 50

// handleReportCellPage lists what one number of a form counts:
// /reports/{form}/cells/{col}?unit=&period=&row= (row: a unit code of the
// report, "total" when absent), through report.Service.Cell as the API's
// drill-down. Cases link to their page; petitions and visits to the case they
// opened; no person is ever shown.
func (p *pages) handleReportCellPage(reports *report.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		if err := a.Require(cases.PermReportRead); err != nil {
			p.fail(w, r, err)
			return
		}
		q := r.URL.Query()
		q.Set("form", chi.URLParam(r, "form"))
		c, f, err := readReportChoice(q, today(p.deps.Cases))
		if err != nil {
			p.fail(w, r, err)
			return
		}
		col, err := strconv.Atoi(chi.URLParam(r, "col"))
		if err != nil || col < 1 || col > len(f.Columns) {
			p.fail(w, r, errs.ErrNotFound)
			return
		}
		per, err := c.period()
		if err != nil {
			p.fail(w, r, fmt.Errorf("%w: %w", err, errs.ErrNotFound))
			return
		}
		row := strings.TrimSpace(q.Get("row"))
		if row == "" {
			row = "total"
		}
		rep, err := reports.Cell(ctx, a, f, c.Unit, per, row, col)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		cell, err := reportCell(rep, row+","+strconv.Itoa(col))
		if err != nil { // a row the report does not have
			p.fail(w, r, fmt.Errorf("%w: %w", err, errs.ErrNotFound))
			return
		}
		v := p.view(r, "reports", "reports.cell.title")
		c.Unit = rep.Unit.Code
		d := reportCellPage{Form: f, Column: f.Columns[col-1], Heading: strings.Join(f.Columns[col-1].Heading, " › "),
			From: rep.Period.From, To: rep.Period.To, Empty: cell.Empty, Total: len(cell.Refs), Back: c.pageURL()}
		d.RowName = v.L.T("reports.total")
		for _, x := range rep.Rows {
			if strings.EqualFold(x.Code, row) {
				d.RowName = x.Name
			}
		}
		if cell.Value != nil {
			d.Value = reportNumber(v.L, *cell.Value)
		}
		v.Title = v.L.T("reports.cell.heading", f.Code, col)
		d.Page, d.Pages = 1, max(1, (d.Total+reportCellPageSize-1)/reportCellPageSize)
		if n, err := strconv.Atoi(q.Get("page")); err == nil && n >= 1 && n <= d.Pages {
			d.Page = n
		}
		start := (d.Page - 1) * reportCellPageSize
		refs := cell.Refs[start:min(len(cell.Refs), start+reportCellPageSize)]
		d.FirstItemNo = start + 1
		for _, ref := range refs {
			it, err := p.reportItem(r, a, ref)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			d.Items = append(d.Items, it)
		}
		pageURL := func(n int) string {
			u := *r.URL
			uq := u.Query()
			uq.Set("page", strconv.Itoa(n))
			u.RawQuery = uq.Encode()
			return u.RequestURI()
		}
		if d.Page > 1 {
			d.Prev = pageURL(d.Page - 1)
		}
		if d.Page < d.Pages {
			d.Next = pageURL(d.Page + 1)
		}
		v.Data = d
		p.render(w, r, http.StatusOK, "report_cell", v)
	})
}

// reportItem reads what a reference of a drill-down names, as a list shows it
// (cases.Service's listing reads: a sealed identity stays sealed, nothing is
// opened or recorded). One no longer in the user's scope is listed by its
// reference alone.
func (p *pages) reportItem(r *http.Request, a cases.Actor, ref string) (reportItem, error) {
	ctx, svc := r.Context(), p.deps.Cases
	caseOf := func(it *reportItem, id int64) error {
		if id == 0 {
			return nil
		}
		c, err := svc.CaseByID(ctx, a, id)
		switch {
		case errors.Is(err, errs.ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		it.CaseCode = c.Code
		return nil
	}
	hidden := func(it reportItem, err error) (reportItem, error) {
		if errors.Is(err, errs.ErrNotFound) || errors.Is(err, errs.ErrForbidden) {
			it.Hidden = true
			return it, nil
		}
		return it, err
	}
	switch {
	case strings.HasPrefix(ref, "don-"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(ref, "don-"), 10, 64)
		it := reportItem{Kind: "petition", Ref: strconv.FormatInt(id, 10)}
		pt, err := svc.PetitionListed(ctx, a, id)
		if err != nil {
			return hidden(it, err)
		}
		it.Date, it.Subject = pt.ReceivedOn, pt.Subject
		if pt.Kind != "" {
			it.Class = "kind." + string(pt.Kind)
		}
		it.State = "reports.handling.none"
		if pt.Handling != "" {
			it.State = "reports.handling." + string(pt.Handling)
		}
		return it, caseOf(&it, pt.CaseID)
	case strings.HasPrefix(ref, "tiep-"):
		id, _ := strconv.ParseInt(strings.TrimPrefix(ref, "tiep-"), 10, 64)
		it := reportItem{Kind: "visit", Ref: strconv.FormatInt(id, 10)}
		rc, err := svc.ReceptionListed(ctx, a, id)
		if err != nil {
			return hidden(it, err)
		}
		it.Date, it.People = cases.Date(rc.At.In(vietnam)), max(1, rc.GroupSize)
		if rc.Kind != "" {
			it.Class = "kind." + string(rc.Kind)
		}
		it.State = "forms.visit.outcome.none"
		if rc.Outcome != "" {
			it.State = "forms.visit.outcome." + rc.Outcome
		}
		return it, caseOf(&it, rc.CaseID)
	default:
		it := reportItem{Kind: "case", Ref: ref}
		c, err := svc.Case(ctx, a, ref)
		if err != nil {
			return hidden(it, err)
		}
		it.Date, it.Class, it.Subject, it.State, it.CaseCode = c.ReceivedOn, "kind."+string(c.Kind), c.Subject, "status."+string(c.Status), c.Code
		return it, nil
	}
}

// handleReportFile gives a form as a file: /reports/{form}/file?format=xlsx or
// pdf (the workbook and the PDF to sign the API gives) with the page's unit and
// period.
func (p *pages) handleReportFile(reports *report.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentActor(ctx)
		if err := a.Require(cases.PermReportRead); err != nil {
			p.fail(w, r, err)
			return
		}
		q := r.URL.Query()
		q.Set("form", chi.URLParam(r, "form"))
		c, f, err := readReportChoice(q, today(p.deps.Cases))
		if err != nil {
			p.fail(w, r, fmt.Errorf("%w: %w", err, errs.ErrNotFound))
			return
		}
		per, err := c.period()
		if err != nil {
			p.fail(w, r, fmt.Errorf("%w: %w", err, errs.ErrNotFound))
			return
		}
		format := q.Get("format")
		if format != "xlsx" && format != "pdf" {
			p.fail(w, r, errs.ErrNotFound)
			return
		}
		rep, err := reports.Numbers(ctx, a, f, c.Unit, per)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		var body []byte
		var ctype, name string
		if format == "pdf" {
			body, err = reportPDF(ctx, reports, a, rep)
			ctype, name = "application/pdf", report.PDFName(rep)
		} else {
			var buf bytes.Buffer
			err = report.WriteXLSX(&buf, rep)
			body, ctype = buf.Bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			name = fmt.Sprintf("%s_%s_%s.xlsx", f.Slug(), rep.Unit.Code, periodLabel(rep.Period))
		}
		if err != nil {
			p.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body)
	})
}

// addReportPages declares the statistics pages (ui_routes.go calls it).
func addReportPages(r chi.Router, p *pages) {
	reports := &report.Service{Cases: p.deps.Cases}
	r.Method("GET", "/reports", p.handleReportPage(reports))
	r.Method("GET", "/reports/{form}/cells/{col}", p.handleReportCellPage(reports))
	r.Method("GET", "/reports/{form}/file", p.handleReportFile(reports))
}
