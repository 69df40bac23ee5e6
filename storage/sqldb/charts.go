package sqldb

import (
	"context"
	"database/sql"
	"strings"

	"kntc/cases"
	"kntc/report"
)

// ChartCounts implements report.Charter: four grouped counts over the unit
// tree (the CTE ur of the forms), each a single query on both dialects. The
// dates compared are the 'YYYY-MM-DD' text kntc keeps for the law's days.
func (db *DB) ChartCounts(ctx context.Context, q report.ChartQuery) (report.ChartCounts, error) {
	out := report.ChartCounts{PetitionsByMonth: map[string]int{}, CasesByKindStatus: map[cases.Kind]map[cases.Status]int{},
		Results: map[cases.Kind]map[cases.Result]int{}}
	rows := 0
	for _, r := range q.RowOf {
		rows = max(rows, r+1)
	}
	out.OverdueByRow = make([]int, rows)
	ur := unitRows(q.RowOf)
	from, to, today := dayLit(q.From), dayLit(q.To), dayLit(q.Today)

	err := db.reportRows(ctx, "count petitions per month", ur+`SELECT substr(p.received_on, 1, 7), COUNT(*)
		FROM petitions p JOIN ur ON ur.unit_id = p.unit_id
		WHERE p.received_on >= `+from+` AND p.received_on <= `+to+` GROUP BY substr(p.received_on, 1, 7)`, nil,
		func(r *sql.Rows) error {
			var month string
			var n int
			if err := r.Scan(&month, &n); err != nil {
				return err
			}
			out.PetitionsByMonth[month] = n
			return nil
		})
	if err != nil {
		return out, err
	}
	err = db.reportRows(ctx, "count cases by kind and status", ur+`SELECT c.kind, c.status, COUNT(*)
		FROM cases c JOIN ur ON ur.unit_id = c.unit_id
		WHERE c.received_on >= `+from+` AND c.received_on <= `+to+` GROUP BY c.kind, c.status`, nil,
		func(r *sql.Rows) error {
			var k cases.Kind
			var st cases.Status
			var n int
			if err := r.Scan(&k, &st, &n); err != nil {
				return err
			}
			if out.CasesByKindStatus[k] == nil {
				out.CasesByKindStatus[k] = map[cases.Status]int{}
			}
			out.CasesByKindStatus[k][st] = n
			return nil
		})
	if err != nil {
		return out, err
	}
	// Overdue as the dashboards count it (DueCounts): open, due before today.
	err = db.reportRows(ctx, "count overdue cases per unit", ur+`SELECT ur.row_no, COUNT(*)
		FROM cases c JOIN ur ON ur.unit_id = c.unit_id
		WHERE c.`+openCase+` AND c.due_on <> '' AND c.due_on < `+today+` GROUP BY ur.row_no`, nil,
		func(r *sql.Rows) error {
			var row, n int
			if err := r.Scan(&row, &n); err != nil {
				return err
			}
			if row >= 0 && row < rows {
				out.OverdueByRow[row] = n
			}
			return nil
		})
	if err != nil {
		return out, err
	}
	results := []string{string(cases.ResultRight), string(cases.ResultWrong), string(cases.ResultPartly)}
	err = db.reportRows(ctx, "count results", ur+`SELECT c.kind, c.result, COUNT(*)
		FROM cases c JOIN ur ON ur.unit_id = c.unit_id
		WHERE c.kind IN ('`+string(cases.KindComplaint)+`', '`+string(cases.KindDenunciation)+`')
		AND c.result IN ('`+strings.Join(results, "', '")+`')
		AND c.decided_on >= `+from+` AND c.decided_on <= `+to+` GROUP BY c.kind, c.result`, nil,
		func(r *sql.Rows) error {
			var k cases.Kind
			var res cases.Result
			var n int
			if err := r.Scan(&k, &res, &n); err != nil {
				return err
			}
			if out.Results[k] == nil {
				out.Results[k] = map[cases.Result]int{}
			}
			out.Results[k][res] = n
			return nil
		})
	return out, err
}
