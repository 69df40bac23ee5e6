package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"kntc/auth"
	"kntc/cases"
	"kntc/report/chart"
)

// ChartQuery is what a Charter counts: the units of a tree, each in its row of
// the report (as CountQuery), over a period, with today's date for the
// deadlines.
type ChartQuery struct {
	RowOf    map[int64]int
	From, To time.Time // the period's first and last days, both included
	Today    time.Time // a case is overdue when its deadline is before this day
}

// ChartCounts are the numbers of the leaders' charts.
type ChartCounts struct {
	// PetitionsByMonth: petitions of the register received in the period, per
	// calendar month ("2026-01").
	PetitionsByMonth map[string]int
	// CasesByKindStatus: cases received in the period, by kind and their
	// status today.
	CasesByKindStatus map[cases.Kind]map[cases.Status]int
	// OverdueByRow: open cases whose deadline is before Today, per row of the
	// report (the unit itself, then each child with its subtree).
	OverdueByRow []int
	// Results: the decisions (complaints) and conclusions (denunciations)
	// issued in the period, by kind and result (đúng, sai, đúng một phần).
	Results map[cases.Kind]map[cases.Result]int
}

// Charter counts the charts' numbers in the database. The SQL stores implement
// it, both dialects. Safe for concurrent use.
type Charter interface {
	ChartCounts(ctx context.Context, q ChartQuery) (ChartCounts, error)
}

// ChartData is the charts' numbers for a unit tree and a period.
type ChartData struct {
	Unit   auth.Unit
	Period Period
	Today  time.Time
	// Rows are the report's rows: the unit itself, then each unit directly
	// below it (with its subtree), as in a form.
	Rows   []auth.Unit
	Counts ChartCounts
}

// ChartData counts the leaders' charts for the unit with code unitCode (the
// actor's own unit when empty) and its sub-units over p, with the same rights
// and scope as the forms (cases.PermReportRead, the actor's subtree).
func (s *Service) ChartData(ctx context.Context, a cases.Actor, unitCode string, p Period) (*ChartData, error) {
	fr, err := s.frameFor(ctx, a, unitCode, p)
	if err != nil {
		return nil, err
	}
	charter, ok := s.Cases.Store.(Charter)
	if !ok {
		return nil, fmt.Errorf("the case store %T cannot count the charts", s.Cases.Store)
	}
	now := time.Now()
	if s.Cases.Now != nil {
		now = s.Cases.Now()
	}
	today := cases.Date(now.In(time.FixedZone("ICT", 7*3600)))
	counts, err := charter.ChartCounts(ctx, ChartQuery{RowOf: fr.rowOf, From: p.From, To: p.To, Today: today})
	if err != nil {
		return nil, fmt.Errorf("chart counts: %w", err)
	}
	return &ChartData{Unit: fr.root, Period: p, Today: today, Rows: fr.rows, Counts: counts}, nil
}

// The charts' IDs, in the order Charts returns them.
const (
	ChartMonths   = "chart-months"
	ChartCases    = "chart-cases"
	ChartOverdue  = "chart-overdue"
	ChartResults  = "chart-results"
	chartCountAll = 4
)

// chartKinds are the kinds of case, in the charts' order.
var chartKinds = []cases.Kind{cases.KindComplaint, cases.KindDenunciation, cases.KindPetition, cases.KindMixed}

// ChartWords gives the text of a message key in one language, formatted with
// args when there are any (the staff pages' printer T has this signature). The
// charts ask for the keys of VietnameseChartWords, and for "kind.KIND" and
// "status.STATUS" (a case's kind and a workflow status, the pages' keys).
type ChartWords func(key string, args ...any) string

// chartWordsVi are the charts' own words in Vietnamese: the API's charts and
// the PDF's. The staff pages' catalogue (web/locale/reports.json) has the same
// keys in every language, its Vietnamese the same as these (tested there).
var chartWordsVi = map[string]string{
	"chart.months.title":          "Số đơn tiếp nhận theo tháng (%s – %s)",
	"chart.months.month":          "Tháng %s",
	"chart.months.unit":           "đơn",
	"chart.months.series":         "Số đơn",
	"chart.cases.title":           "Vụ việc tiếp nhận theo loại và trạng thái (%s – %s)",
	"chart.cases.unit":            "vụ việc",
	"chart.cases.series":          "Số vụ việc",
	"chart.overdue.title":         "Vụ việc quá hạn theo đơn vị (ngày %s)",
	"chart.overdue.itself":        "%s (trực tiếp)",
	"chart.overdue.unit":          "vụ việc",
	"chart.overdue.series":        "Quá hạn",
	"chart.results.title":         "Kết quả giải quyết: đúng, sai, đúng một phần (%s – %s)",
	"chart.results.unit":          "quyết định, kết luận",
	"chart.results.right":         "Đúng",
	"chart.results.wrong":         "Sai",
	"chart.results.partly":        "Đúng một phần",
	"chart.results.complaints":    "Khiếu nại (quyết định)",
	"chart.results.denunciations": "Tố cáo (kết luận)",
}

// ChartKeys are the charts' own message keys (besides "kind.*" and
// "status.*"), sorted.
func ChartKeys() []string {
	keys := make([]string, 0, len(chartWordsVi))
	for k := range chartWordsVi {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// VietnameseChartWords are the charts' words in Vietnamese (ChartWords):
// kinds and statuses as cases labels them; an unknown key is itself.
func VietnameseChartWords(key string, args ...any) string {
	text, ok := chartWordsVi[key]
	switch {
	case ok:
	case strings.HasPrefix(key, "kind."):
		text = cases.Kind(strings.TrimPrefix(key, "kind.")).Label()
	case strings.HasPrefix(key, "status."):
		text = cases.Status(strings.TrimPrefix(key, "status.")).Label()
	default:
		text = key
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// Charts lays out the four charts in Vietnamese (ChartsIn).
func (d *ChartData) Charts() []chart.Chart { return d.ChartsIn(VietnameseChartWords) }

// ChartsIn lays out the four charts with the words of w, in this order:
// petitions received per month (ChartMonths), cases by kind and status
// (ChartCases, stacked), overdue cases by unit (ChartOverdue), results of the
// decisions (ChartResults). Units keep their names.
func (d *ChartData) ChartsIn(w ChartWords) []chart.Chart {
	out := make([]chart.Chart, 0, chartCountAll)
	from, to := d.Period.From.Format("02/01/2006"), d.Period.To.Format("02/01/2006")
	// A status of no workflow has no message: its code, as Label says it.
	statusName := func(st cases.Status) string {
		if slices.Contains(cases.Statuses, st) {
			return w("status." + string(st))
		}
		return st.Label()
	}

	// Petitions per calendar month of the period.
	var months []string
	var perMonth []float64
	for m := time.Date(d.Period.From.Year(), d.Period.From.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(d.Period.To); m = m.AddDate(0, 1, 0) {
		months = append(months, w("chart.months.month", m.Format("01/2006")))
		perMonth = append(perMonth, float64(d.Counts.PetitionsByMonth[m.Format("2006-01")]))
	}
	out = append(out, chart.Bars(ChartMonths, w("chart.months.title", from, to), w("chart.months.unit"), months,
		[]chart.Series{{Name: w("chart.months.series"), Values: perMonth}}, false))

	// Cases by kind, stacked by status (the statuses present, workflow order).
	var kinds []string
	var series []chart.Series
	for _, st := range cases.Statuses {
		vals := make([]float64, len(chartKinds))
		any := false
		for i, k := range chartKinds {
			vals[i] = float64(d.Counts.CasesByKindStatus[k][st])
			any = any || vals[i] != 0
		}
		if any {
			series = append(series, chart.Series{Name: statusName(st), Values: vals})
		}
	}
	var other []cases.Status // a status of no workflow (none today): last, by name
	for _, byStatus := range d.Counts.CasesByKindStatus {
		for st := range byStatus {
			if !slices.Contains(cases.Statuses, st) && !slices.Contains(other, st) {
				other = append(other, st)
			}
		}
	}
	slices.Sort(other)
	for _, st := range other {
		vals := make([]float64, len(chartKinds))
		for i, k := range chartKinds {
			vals[i] = float64(d.Counts.CasesByKindStatus[k][st])
		}
		series = append(series, chart.Series{Name: statusName(st), Values: vals})
	}
	for _, k := range chartKinds {
		kinds = append(kinds, w("kind."+string(k)))
	}
	if len(series) == 0 {
		series = []chart.Series{{Name: w("chart.cases.series"), Values: make([]float64, len(chartKinds))}}
	}
	out = append(out, chart.Bars(ChartCases, w("chart.cases.title", from, to), w("chart.cases.unit"), kinds, series, true))

	// Overdue cases per row of the report.
	var units []string
	overdue := make([]float64, len(d.Rows))
	for i, u := range d.Rows {
		name := u.Name
		if i == 0 && len(d.Rows) > 1 {
			name = w("chart.overdue.itself", name)
		}
		units = append(units, name)
		if i < len(d.Counts.OverdueByRow) {
			overdue[i] = float64(d.Counts.OverdueByRow[i])
		}
	}
	out = append(out, chart.Bars(ChartOverdue, w("chart.overdue.title", d.Today.Format("02/01/2006")), w("chart.overdue.unit"), units,
		[]chart.Series{{Name: w("chart.overdue.series"), Values: overdue}}, false))

	// Results: complaints and denunciations, đúng / sai / đúng một phần.
	results := []cases.Result{cases.ResultRight, cases.ResultWrong, cases.ResultPartly}
	names := []string{w("chart.results.right"), w("chart.results.wrong"), w("chart.results.partly")}
	resKinds := []cases.Kind{cases.KindComplaint, cases.KindDenunciation}
	series = nil
	for j, r := range results {
		vals := make([]float64, len(resKinds))
		for i, k := range resKinds {
			vals[i] = float64(d.Counts.Results[k][r])
		}
		series = append(series, chart.Series{Name: names[j], Values: vals, Color: []string{"#38761d", "#990000", "#b45f06"}[j]})
	}
	out = append(out, chart.Bars(ChartResults, w("chart.results.title", from, to), w("chart.results.unit"),
		[]string{w("chart.results.complaints"), w("chart.results.denunciations")}, series, false))
	return out
}
