package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/report"
)

// reportJSON is a filled form: column keys are the form's MS numbers; a column
// kntc has no source for is null in every row and says why in "empty".
type reportJSON struct {
	Form    string            `json:"form"`
	Title   string            `json:"title"`
	Unit    string            `json:"unit"`
	Period  string            `json:"period"` // "2026-Q1", "" for a free range
	From    string            `json:"from"`
	To      string            `json:"to"`
	Rows    []reportRowJSON   `json:"rows"`
	Total   reportRowJSON     `json:"total"`
	Empty   map[string]string `json:"empty"`   // column → why it stays empty
	Sources map[string]string `json:"sources"` // column → how it is counted
	Checks  []reportCheckJSON `json:"checks"`  // the rules that failed
	Checked int               `json:"checked"` // how many were evaluated
}

type reportRowJSON struct {
	Unit    string              `json:"unit"`
	Name    string              `json:"name"`
	Columns map[string]*float64 `json:"columns"`
}

type reportCheckJSON struct {
	Rule   string  `json:"rule"`
	Row    string  `json:"row"` // a unit code, "" for the total row
	Left   float64 `json:"left"`
	Right  float64 `json:"right"`
	Detail string  `json:"detail"`
}

// reportCellJSON is what one number counts (?cell=ROW,COLUMN).
type reportCellJSON struct {
	Form   string   `json:"form"`
	Row    string   `json:"row"` // a unit code or "total"
	Column int      `json:"column"`
	Value  *float64 `json:"value"`
	Empty  string   `json:"empty,omitempty"`
	// Refs are case codes, "don-ID" (a petition of the register) and "tiep-ID"
	// (a visit of the reception log): never a person.
	Refs []string `json:"refs"`
}

func newReportRowJSON(r *report.Report, row report.Row) reportRowJSON {
	out := reportRowJSON{Unit: row.Code, Name: row.Name, Columns: make(map[string]*float64, len(row.Values))}
	for i, v := range row.Values {
		if _, none := r.Empty[i+1]; none {
			out.Columns[strconv.Itoa(i+1)] = nil
			continue
		}
		out.Columns[strconv.Itoa(i+1)] = &v
	}
	return out
}

func newReportJSON(r *report.Report) reportJSON {
	out := reportJSON{Form: r.Form.Code, Title: r.Form.Title, Unit: r.Unit.Code, Period: r.Period.Name,
		From: cases.FormatDate(r.Period.From), To: cases.FormatDate(r.Period.To), Rows: make([]reportRowJSON, 0, len(r.Rows)),
		Total: newReportRowJSON(r, r.Total), Empty: map[string]string{}, Sources: map[string]string{},
		Checks: make([]reportCheckJSON, 0, len(r.Checks)), Checked: r.Checked}
	out.Total.Name = "Tổng cộng"
	for _, row := range r.Rows {
		out.Rows = append(out.Rows, newReportRowJSON(r, row))
	}
	for k, v := range r.Empty {
		out.Empty[strconv.Itoa(k)] = v
	}
	for k, v := range r.Sources {
		out.Sources[strconv.Itoa(k)] = v
	}
	for _, c := range r.Checks {
		out.Checks = append(out.Checks, reportCheckJSON{Rule: c.Rule, Row: c.Row, Left: c.Left, Right: c.Right, Detail: c.Detail})
	}
	return out
}

// ReportJSON is r as the API gives it, for the command line's --json.
func ReportJSON(r *report.Report) any { return newReportJSON(r) }

// handleReport fills a form: GET /reports/{form}?unit=&period= (or from=&to=),
// format=json (default), xlsx or pdf (the form to sign and the charts);
// cell=ROW,COLUMN lists what one number counts
// (ROW a unit code of the report or "total").
func handleReport(logger *slog.Logger, reports *report.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f, err := report.FormByCode(chi.URLParam(r, "form"))
		if err != nil {
			respondError(w, r, logger, fmt.Errorf("%w: %w", err, errs.ErrNotFound))
			return
		}
		p, err := report.PeriodOf(q.Get("period"), q.Get("from"), q.Get("to"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		format := q.Get("format")
		if format != "" && format != "json" && format != "xlsx" && format != "pdf" {
			respondError(w, r, logger, errs.Errorf(errs.Invalid, "format %q: dùng json, xlsx hoặc pdf (use json, xlsx or pdf)", format))
			return
		}
		// The form's numbers are counted in the database; a drill-down lists the
		// one cell asked for (reportCell refuses a bad one after).
		var rep *report.Report
		unit, cell := strings.TrimSpace(q.Get("unit")), q.Get("cell")
		if cell != "" {
			row, colText, _ := strings.Cut(cell, ",")
			col, _ := strconv.Atoi(strings.TrimSpace(colText))
			rep, err = reports.Cell(r.Context(), currentActor(r.Context()), f, unit, p, strings.TrimSpace(row), col)
		} else {
			rep, err = reports.Numbers(r.Context(), currentActor(r.Context()), f, unit, p)
		}
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if cell != "" {
			out, err := reportCell(rep, cell)
			if err != nil {
				respondError(w, r, logger, err)
				return
			}
			writeJSON(w, http.StatusOK, out)
			return
		}
		if format == "xlsx" {
			var buf bytes.Buffer
			if err := report.WriteXLSX(&buf, rep); err != nil {
				respondError(w, r, logger, err)
				return
			}
			name := fmt.Sprintf("%s_%s_%s.xlsx", f.Slug(), rep.Unit.Code, periodLabel(rep.Period))
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
			w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
			_, _ = w.Write(buf.Bytes())
			return
		}
		if format == "pdf" {
			// The form to sign, and the leaders' charts of the same tree and
			// period on the pages after it.
			body, err := reportPDF(r.Context(), reports, currentActor(r.Context()), rep)
			if err != nil {
				respondError(w, r, logger, err)
				return
			}
			w.Header().Set("Content-Type", "application/pdf")
			w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", report.PDFName(rep)))
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			_, _ = w.Write(body)
			return
		}
		writeJSON(w, http.StatusOK, newReportJSON(rep))
	})
}

// handleReportCell is GET /reports/{form}/cells/{ms}?unit=&period=&row=: what
// number MS of the row (a unit code; the total when absent) counts — the same
// answer as ?cell=ROW,MS.
func handleReportCell(logger *slog.Logger, reports *report.Service) http.Handler {
	inner := handleReport(logger, reports)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		row := strings.TrimSpace(q.Get("row"))
		if row == "" {
			row = "total"
		}
		q.Del("row")
		q.Del("format")
		q.Set("cell", row+","+chi.URLParam(r, "ms"))
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		inner.ServeHTTP(w, r2)
	})
}

// handleReportChart is GET /reports/charts/{chart}?unit=&period= (or
// from=&to=): one of the leaders' charts (report.ChartMonths, ChartCases,
// ChartOverdue, ChartResults, without the "chart-" prefix) of the unit tree
// as an SVG image, with the forms' rights and scope.
func handleReportChart(logger *slog.Logger, reports *report.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		id := "chart-" + chi.URLParam(r, "chart")
		if !slices.Contains([]string{report.ChartMonths, report.ChartCases, report.ChartOverdue, report.ChartResults}, id) {
			respondError(w, r, logger, fmt.Errorf("biểu đồ %q không có; dùng months, cases, overdue, results (unknown chart): %w",
				chi.URLParam(r, "chart"), errs.ErrNotFound))
			return
		}
		p, err := report.PeriodOf(q.Get("period"), q.Get("from"), q.Get("to"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		data, err := reports.ChartData(r.Context(), currentActor(r.Context()), strings.TrimSpace(q.Get("unit")), p)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		for _, c := range data.Charts() {
			if c.ID == id {
				w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
				_ = c.WriteSVG(w)
				return
			}
		}
	})
}

// reportPDF is rep as the PDF to sign, with the leaders' charts of the same
// tree and period on the pages after it (the API and the staff page give it).
func reportPDF(ctx context.Context, reports *report.Service, a cases.Actor, rep *report.Report) ([]byte, error) {
	data, err := reports.ChartData(ctx, a, rep.Unit.Code, rep.Period)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := report.WritePDF(&buf, rep, data.Charts()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func periodLabel(p report.Period) string {
	if p.Name != "" {
		return p.Name
	}
	return p.From.Format(time.DateOnly) + "_" + p.To.Format(time.DateOnly)
}

// reportCell reads "ROW,COLUMN".
func reportCell(rep *report.Report, s string) (reportCellJSON, error) {
	rowKey, colText, ok := strings.Cut(s, ",")
	col, err := strconv.Atoi(strings.TrimSpace(colText))
	if !ok || err != nil || col < 1 || col > len(rep.Form.Columns) {
		return reportCellJSON{}, errs.Errorf(errs.Invalid, "cell %q: dùng DÒNG,CỘT, ví dụ total,1 hoặc HT,5; cột 1–%d (cell must be ROW,COLUMN)", s, len(rep.Form.Columns))
	}
	rowKey = strings.TrimSpace(rowKey)
	row, found := rep.Total, strings.EqualFold(rowKey, "total")
	for _, x := range rep.Rows {
		if !found && strings.EqualFold(x.Code, rowKey) {
			row, found = x, true
		}
	}
	if !found {
		return reportCellJSON{}, errs.Errorf(errs.Invalid, "cell %q: báo cáo không có dòng %q (no such row)", s, rowKey)
	}
	out := reportCellJSON{Form: rep.Form.Code, Row: rowKey, Column: col, Refs: append([]string{}, row.Refs[col-1]...)}
	if why, none := rep.Empty[col]; none {
		out.Empty = why
	} else {
		v := row.Values[col-1]
		out.Value = &v
	}
	return out, nil
}

// outcomeRequest records a decision's outcome (PUT /cases/{code}/outcome): the
// whole outcome is replaced; absent numbers are 0.
type outcomeRequest struct {
	Version int `json:"version"`
	outcomeJSON
}

// outcomeJSON is cases.Outcome on the wire (money in triệu đồng, land in m2).
type outcomeJSON struct {
	RecoverMoney           float64 `json:"recover_money"`
	RecoverLand            float64 `json:"recover_land"`
	ReturnMoney            float64 `json:"return_money"`
	ReturnLand             float64 `json:"return_land"`
	ReturnOrgs             int     `json:"return_orgs"`
	ReturnPeople           int     `json:"return_people"`
	DisciplineOrgs         int     `json:"discipline_orgs"`
	DisciplinePeople       int     `json:"discipline_people"`
	DisciplineOfficials    int     `json:"discipline_officials"`
	InvestigationCases     int     `json:"investigation_cases"`
	InvestigationPeople    int     `json:"investigation_people"`
	InvestigationOfficials int     `json:"investigation_officials"`
	RecoveredMoney         float64 `json:"recovered_money"`
	RecoveredLand          float64 `json:"recovered_land"`
	ReturnedMoney          float64 `json:"returned_money"`
	ReturnedLand           float64 `json:"returned_land"`
	DisciplinedOrgs        int     `json:"disciplined_orgs"`
	DisciplinedPeople      int     `json:"disciplined_people"`
	DisciplinedOfficials   int     `json:"disciplined_officials"`
	ProsecutedCases        int     `json:"prosecuted_cases"`
	ProsecutedPeople       int     `json:"prosecuted_people"`
	ProsecutedOfficials    int     `json:"prosecuted_officials"`
	EnforcedOn             string  `json:"enforced_on"` // YYYY-MM-DD; "" while not carried out
}

// newOutcomeJSON is o on the wire.
func newOutcomeJSON(o cases.Outcome) outcomeJSON {
	return outcomeJSON{o.RecoverMoney, o.RecoverLand, o.ReturnMoney, o.ReturnLand, o.ReturnOrgs, o.ReturnPeople,
		o.DisciplineOrgs, o.DisciplinePeople, o.DisciplineOfficials, o.InvestigationCases, o.InvestigationPeople,
		o.InvestigationOfficials, o.RecoveredMoney, o.RecoveredLand, o.ReturnedMoney, o.ReturnedLand, o.DisciplinedOrgs,
		o.DisciplinedPeople, o.DisciplinedOfficials, o.ProsecutedCases, o.ProsecutedPeople, o.ProsecutedOfficials,
		cases.FormatDate(o.EnforcedOn)}
}

func (o outcomeJSON) outcome(enforced time.Time) cases.Outcome {
	return cases.Outcome{RecoverMoney: o.RecoverMoney, RecoverLand: o.RecoverLand, ReturnMoney: o.ReturnMoney,
		ReturnLand: o.ReturnLand, ReturnOrgs: o.ReturnOrgs, ReturnPeople: o.ReturnPeople, DisciplineOrgs: o.DisciplineOrgs,
		DisciplinePeople: o.DisciplinePeople, DisciplineOfficials: o.DisciplineOfficials, InvestigationCases: o.InvestigationCases,
		InvestigationPeople: o.InvestigationPeople, InvestigationOfficials: o.InvestigationOfficials,
		RecoveredMoney: o.RecoveredMoney, RecoveredLand: o.RecoveredLand, ReturnedMoney: o.ReturnedMoney,
		ReturnedLand: o.ReturnedLand, DisciplinedOrgs: o.DisciplinedOrgs, DisciplinedPeople: o.DisciplinedPeople,
		DisciplinedOfficials: o.DisciplinedOfficials, ProsecutedCases: o.ProsecutedCases, ProsecutedPeople: o.ProsecutedPeople,
		ProsecutedOfficials: o.ProsecutedOfficials, EnforcedOn: enforced}
}

// handleCaseOutcome records what a decision sets out and its enforcement; the
// report forms 03/GQKN, 04/GQTC and 05/KQTH sum it.
func handleCaseOutcome(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req outcomeRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		on := probs.date("enforced_on", req.EnforcedOn)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		c, err := svc.SetOutcome(r.Context(), currentActor(r.Context()), caseCode(r), req.Version, req.outcome(on))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newCaseJSON(svc, c))
	})
}
