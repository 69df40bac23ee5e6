package sqldb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/report"
)

// The report forms (package report) read a unit tree's whole register at once:
// these stream the rows in one query each, without the lists' count and pages,
// in no particular order (sorting hundreds of thousands of rows is cheaper in Go
// than in SQLite's temporary b-tree).

// EachCase calls fn for every case of the units.
func (db *DB) EachCase(ctx context.Context, unitIDs []int64, fn func(cases.Case) error) error {
	w, args := inIDs("unit_id", unitIDs)
	return each(ctx, db, "cases of the units", `SELECT `+caseColumns+` FROM cases WHERE `+w, args, scanCase, fn)
}

// EachPetition calls fn for every petition of the units received by day to.
func (db *DB) EachPetition(ctx context.Context, unitIDs []int64, to time.Time, fn func(cases.Petition) error) error {
	w, args := inIDs("unit_id", unitIDs)
	args = append(args, cases.FormatDate(cases.Date(to)))
	return each(ctx, db, "petitions of the units", `SELECT `+petitionColumns+` FROM petitions WHERE `+w+` AND received_on <= ?`, args, scanPetition, fn)
}

// EachReception calls fn for every visit of the units at or after from and
// before to.
func (db *DB) EachReception(ctx context.Context, unitIDs []int64, from, to time.Time, fn func(cases.Reception) error) error {
	w, args := inIDs("unit_id", unitIDs)
	args = append(args, ts(from), ts(to))
	return each(ctx, db, "visits of the units", `SELECT `+receptionColumns+` FROM receptions WHERE `+w+` AND at >= ? AND at < ?`, args, scanReception, fn)
}

// EachLeftWorkflow calls fn with the first move of each case of the units to
// guided (hướng dẫn) or transferred (chuyển đơn), and when it was made.
func (db *DB) EachLeftWorkflow(ctx context.Context, unitIDs []int64, fn func(caseID int64, to cases.Status, at time.Time) error) error {
	w, args := inIDs("c.unit_id", unitIDs)
	args = append(args, cases.EventTransition, cases.StatusGuided, cases.StatusTransferred)
	type move struct {
		caseID int64
		to     cases.Status
		at     time.Time
	}
	seen := map[int64]bool{}
	return each(ctx, db, "moves out of the workflow", `SELECT e.case_id, e.to_status, e.at FROM case_events e JOIN cases c ON c.id = e.case_id
		WHERE `+w+` AND e.type = ? AND e.to_status IN (?, ?) ORDER BY e.case_id, e.at, e.id`, args,
		func(r rowScanner) (move, error) {
			var m move
			err := r.Scan(&m.caseID, &m.to, &m.at)
			return m, err
		},
		func(m move) error {
			if seen[m.caseID] {
				return nil
			}
			seen[m.caseID] = true
			return fn(m.caseID, m.to, ts(m.at))
		})
}

func each[T any](ctx context.Context, db *DB, what, q string, args []any, scan func(rowScanner) (T, error), fn func(T) error) error {
	rows, err := db.sql.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return db.classify(what, err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return db.classify(what, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return db.classify(what, rows.Err())
}

// The forms' columns counted in SQL (report.Counter): per form, the register it
// reads and, per column, the condition an item must meet and the number it adds
// (1 by default). CountForm sums each column per row of the report in one
// query; EachRef lists what a column counts with the same conditions, so a
// number and its drill-down cannot disagree. The rules are the README's
// (Statistics) and report's test oracle's, which checks them on random data.

// reportColumn is one counted column of a form.
type reportColumn struct {
	no    int
	when  string // the condition an item meets to count
	value string // what it adds; "" for 1
	// matter, when set, makes the column count distinct matters per row: an
	// integer naming the matter, and matterRef, what the drill-down lists.
	matter, matterRef string
}

// reportSource is the register a form reads: the FROM clause (joined with ur,
// the units of the tree and their rows), the WHERE clause, the item's ID
// (the drill-down's order) and reference.
type reportSource struct {
	from, where, id, ref string
	args                 []any
	cols                 []reportColumn
}

// ictDay is the Vietnam-time day of a timestamp column, as YYYY-MM-DD.
func (db *DB) ictDay(col string) string {
	if db.d.Name == "postgres" {
		return "to_char((" + col + " AT TIME ZONE 'UTC') + INTERVAL '7 hours', 'YYYY-MM-DD')"
	}
	// SQLite keeps kntc's UTC timestamps as Go writes them: "2006-01-02 15:04:05.999999 +0000 UTC".
	return "date(substr(" + col + ", 1, 19), '+7 hours')"
}

// dayLit is day d as an SQL literal: the dates the law counts with are
// 'YYYY-MM-DD' text on both databases, and compare as text.
func dayLit(d time.Time) string { return "'" + cases.Date(d).Format(time.DateOnly) + "'" }

// outcomeNames are cases.Outcome's JSON fields the forms sum.
var outcomeNames = []string{"recover_money", "recover_land", "return_money", "return_land", "return_orgs",
	"return_people", "discipline_orgs", "discipline_people", "discipline_officials", "investigation_cases",
	"investigation_people", "investigation_officials", "recovered_money", "recovered_land", "returned_money",
	"returned_land", "disciplined_orgs", "disciplined_people", "disciplined_officials", "prosecuted_cases",
	"prosecuted_people", "prosecuted_officials"}

// outcomeJoin reads a case's outcome (JSON) once per row on PostgreSQL; SQLite's
// json_extract keeps the last documents it parsed.
func (db *DB) outcomeJoin() string {
	if db.d.Name != "postgres" {
		return ""
	}
	cols := make([]string, 0, len(outcomeNames)+1)
	for _, n := range outcomeNames {
		cols = append(cols, n+" DOUBLE PRECISION")
	}
	cols = append(cols, "enforced_on TEXT")
	return ` LEFT JOIN LATERAL jsonb_to_record(CASE WHEN c.outcome <> '{}' THEN c.outcome::jsonb END) AS o(` +
		strings.Join(cols, ", ") + `) ON TRUE`
}

// outcome is field name of the case's outcome, 0 when absent.
func (db *DB) outcome(name string) string {
	if db.d.Name == "postgres" {
		return "COALESCE(o." + name + ", 0)"
	}
	return "COALESCE(json_extract(c.outcome, '$." + name + "'), 0)"
}

// enforcedDay is the day the outcome records the decision carried out, '' when
// none (the zero time Go writes is 0001-01-01).
func (db *DB) enforcedDay() string {
	e := "COALESCE(substr(json_extract(c.outcome, '$.enforced_on'), 1, 10), '')"
	if db.d.Name == "postgres" {
		e = "COALESCE(substr(o.enforced_on, 1, 10), '')"
	}
	return "(CASE WHEN " + e + " IN ('', '0001-01-01') THEN '' ELSE " + e + " END)"
}

// reportSourceOf is the SQL of form q.Form.
func (db *DB) reportSourceOf(q report.CountQuery) (reportSource, error) {
	from, to := dayLit(q.From), dayLit(q.To)
	inTree := "unit_id IN (SELECT unit_id FROM ur)"
	switch q.Form {
	case "01/TCD":
		// A visit's day is its day in Vietnam; its matter is the case opened
		// from it (when the case is in the tree), else the visit itself.
		ict := time.FixedZone("ICT", 7*3600)
		start := time.Date(q.From.Year(), q.From.Month(), q.From.Day(), 0, 0, 0, 0, ict)
		end := time.Date(q.To.Year(), q.To.Month(), q.To.Day()+1, 0, 0, 0, 0, ict)
		people := "(CASE WHEN r.group_size > 1 THEN r.group_size ELSE 1 END)"
		group := people + " >= 5"
		return reportSource{
			from: `receptions r JOIN ur ON ur.unit_id = r.unit_id LEFT JOIN cases rc ON rc.id = r.case_id AND rc.` + inTree,
			where: `r.at >= ? AND r.at < ?`, args: []any{ts(start), ts(end)},
			id: "r.id", ref: "'tiep-' || r.id",
			cols: []reportColumn{
				{no: 5, when: "1 = 1"},
				{no: 6, when: "1 = 1", value: people},
				{no: 7, when: "1 = 1", matter: "COALESCE(2 * rc.id, 2 * r.id + 1)", matterRef: "COALESCE(rc.code, 'tiep-' || r.id)"},
				{no: 8, when: group},
				{no: 9, when: group, value: people},
			},
		}, nil
	case "02/XLD":
		// Counted: received in the period, or before it and not handled by its
		// first day; handled: a handling set by its last day.
		in := `((p.received_on >= ` + from + ` AND p.received_on <= ` + to + `) OR (p.received_on < ` + from +
			` AND (p.handled_on = '' OR p.handled_on >= ` + from + `)))`
		handled := in + ` AND p.handling <> '' AND p.handled_on <> '' AND p.handled_on <= ` + to
		admissible := handled + ` AND (p.admissibility = '` + string(cases.Admissible) + `' OR p.admissibility = '' AND p.handling = '` + string(cases.HandlingAccept) + `')`
		competent := `(p.competence = '` + string(cases.Competent) + `' OR p.competence = '' AND p.handling = '` + string(cases.HandlingAccept) + `')`
		inCompetence := admissible + ` AND ` + competent
		outside := admissible + ` AND NOT ` + competent
		complaint := inCompetence + ` AND p.kind = '` + string(cases.KindComplaint) + `'`
		second := `pc.id IS NOT NULL AND pc.round = 2`
		denunciation := inCompetence + ` AND p.kind = '` + string(cases.KindDenunciation) + `'`
		original := `(CASE WHEN p.duplicate_of <> 0 THEN p.duplicate_of ELSE p.id END)`
		return reportSource{
			from: `petitions p JOIN ur ON ur.unit_id = p.unit_id LEFT JOIN cases pc ON pc.id = p.case_id AND pc.` + inTree,
			where: `p.received_on <= ` + to, id: "p.id", ref: "'don-' || p.id",
			cols: []reportColumn{
				{no: 1, when: in},
				{no: 2, when: handled},
				{no: 3, when: admissible},
				{no: 4, when: inCompetence},
				{no: 5, when: inCompetence, matter: "COALESCE(2 * pc.id, 2 * " + original + " + 1)", matterRef: "COALESCE(pc.code, 'don-' || " + original + ")"},
				{no: 6, when: complaint},
				{no: 7, when: complaint + ` AND NOT (` + second + `)`},
				{no: 8, when: complaint + ` AND ` + second},
				{no: 12, when: denunciation},
				{no: 13, when: denunciation},
				{no: 19, when: inCompetence + ` AND p.kind NOT IN ('` + string(cases.KindComplaint) + `', '` + string(cases.KindDenunciation) + `')`},
				{no: 23, when: outside},
				{no: 24, when: outside + ` AND p.handling = '` + string(cases.HandlingGuide) + `'`},
				{no: 25, when: outside + ` AND p.handling = '` + string(cases.HandlingTransfer) + `'`},
			},
		}, nil
	case "03/GQKN", "04/GQTC":
		return db.resolutionSource(q)
	case "05/KQTH":
		return db.enforcementSource(q)
	}
	return reportSource{}, fmt.Errorf("form %q: no columns counted: %w", q.Form, errs.ErrNotFound)
}

// caseFrom is the cases of the tree with their first move out of the workflow
// (lw: guided or transferred, its Vietnam day) while not accepted, and their
// outcome.
func (db *DB) caseFrom() string {
	return `cases c JOIN ur ON ur.unit_id = c.unit_id
		LEFT JOIN (SELECT e.case_id, e.to_status, ` + db.ictDay("e.at") + ` AS on_day,
				ROW_NUMBER() OVER (PARTITION BY e.case_id ORDER BY e.at, e.id) AS n
			FROM case_events e WHERE e.type = '` + cases.EventTransition + `' AND e.to_status IN ('` +
		string(cases.StatusGuided) + `', '` + string(cases.StatusTransferred) + `')) lw
			ON lw.case_id = c.id AND lw.n = 1 AND c.accepted_on = ''` + db.outcomeJoin()
}

// Where a case stood at the end of day t (report's stateAt).
const (
	stNone = iota
	stScreening
	stAccepted
	stNotAccepted
	stWithdrawn
	stTransferred
)

func caseStateAt(t string) string {
	return fmt.Sprintf(`(CASE WHEN c.received_on > %[1]s THEN %[2]d
		WHEN c.result = '%[3]s' AND c.closed_on <> '' AND c.closed_on <= %[1]s THEN %[4]d
		WHEN c.accepted_on <> '' AND c.accepted_on <= %[1]s THEN %[5]d
		WHEN lw.on_day IS NOT NULL AND lw.on_day <= %[1]s THEN (CASE WHEN lw.to_status = '%[6]s' THEN %[7]d ELSE %[8]d END)
		ELSE %[9]d END)`, t, stNone, cases.ResultWithdrawn, stWithdrawn, stAccepted, cases.StatusTransferred,
		stTransferred, stNotAccepted, stScreening)
}

// caseDecided: the case's decision (not a withdrawal) was issued by day t.
func caseDecided(t string) string {
	return `(c.decided_on <> '' AND c.decided_on <= ` + t + ` AND c.result NOT IN ('` + string(cases.ResultWithdrawn) + `', ''))`
}

// resolutionSource is 03/GQKN (complaints) or 04/GQTC (denunciations).
func (db *DB) resolutionSource(q report.CountQuery) (reportSource, error) {
	complaint := q.Form == "03/GQKN"
	kind := cases.KindDenunciation
	if complaint {
		kind = cases.KindComplaint
	}
	from, to := dayLit(q.From), dayLit(q.To)
	before := dayLit(q.From.AddDate(0, 0, -1))
	st := caseStateAt(before)
	pending := fmt.Sprintf(`(%[1]s = %[2]d OR %[1]s = %[3]d AND (c.decided_on = '' OR c.decided_on > %[4]s))`, st, stScreening, stAccepted, before)
	inScope := `((c.received_on >= ` + from + ` AND c.received_on <= ` + to + `) OR (c.received_on < ` + from + ` AND ` + pending + `))`
	end := caseStateAt(to)
	var cols []reportColumn
	for col, state := range map[int]int{3: stScreening, 4: stAccepted, 5: stNotAccepted, 6: stWithdrawn} {
		cols = append(cols, reportColumn{no: col, when: inScope + ` AND ` + end + ` = ` + strconv.Itoa(state)})
	}
	// The decisions of the period, by result; a second complaint's upholds
	// (sai) or annuls (đúng, đúng một phần) the first.
	var dc strings.Builder
	dc.WriteString("(CASE")
	if complaint {
		fmt.Fprintf(&dc, ` WHEN c.round = 2 AND c.result = '%s' THEN 11 WHEN c.round = 2 THEN 12`, cases.ResultWrong)
	}
	fmt.Fprintf(&dc, ` WHEN c.result = '%s' THEN 8 WHEN c.result = '%s' THEN 9 WHEN c.result = '%s' THEN 10 ELSE 0 END)`,
		cases.ResultRight, cases.ResultWrong, cases.ResultPartly)
	decision := caseDecided(to) + ` AND c.decided_on >= ` + from
	last := 10
	if complaint {
		last = 12
	}
	for col := 8; col <= last; col++ {
		cols = append(cols, reportColumn{no: col, when: decision + ` AND ` + dc.String() + ` = ` + strconv.Itoa(col)})
	}
	names := []string{"recover_money", "recover_land", "return_money", "return_land", "return_orgs", "return_people"}
	base := 13
	if complaint { // 19–23
		names = append(names, "discipline_people", "discipline_officials", "investigation_cases", "investigation_people", "investigation_officials")
	} else { // 20–25
		base = 14
		names = append(names, "discipline_orgs", "discipline_people", "discipline_officials", "investigation_cases", "investigation_people", "investigation_officials")
	}
	for i, n := range names {
		v := db.outcome(n)
		cols = append(cols, reportColumn{no: base + i, when: decision + ` AND ` + dc.String() + ` <> 0 AND ` + v + ` <> 0`, value: v})
	}
	slices.SortFunc(cols, func(x, y reportColumn) int { return x.no - y.no })
	return reportSource{from: db.caseFrom(), where: `c.kind = '` + string(kind) + `'`, id: "c.id", ref: "c.code", cols: cols}, nil
}

// enforcementSource is 05/KQTH: the decisions to carry out in the period, by
// kind, and their outcomes.
func (db *DB) enforcementSource(q report.CountQuery) (reportSource, error) {
	from, to := dayLit(q.From), dayLit(q.To)
	done := `(CASE WHEN ` + db.enforcedDay() + ` <> '' THEN ` + db.enforcedDay() + ` ELSE c.closed_on END)`
	var cols []reportColumn
	for _, k := range []struct {
		kind  cases.Kind
		base  int
		names []string
	}{
		{cases.KindComplaint, 1, []string{"recover_money", "recover_land", "recovered_money", "recovered_land", "return_money",
			"return_land", "returned_money", "returned_land", "disciplined_people", "disciplined_officials",
			"prosecuted_cases", "prosecuted_people", "prosecuted_officials"}},
		{cases.KindDenunciation, 16, []string{"recover_money", "recover_land", "recovered_money", "recovered_land", "return_money",
			"return_land", "returned_money", "returned_land", "disciplined_orgs", "disciplined_people", "disciplined_officials",
			"prosecuted_cases", "prosecuted_people", "prosecuted_officials"}},
	} {
		of := `c.kind = '` + string(k.kind) + `'`
		cols = append(cols, reportColumn{no: k.base, when: of},
			reportColumn{no: k.base + 1, when: of + ` AND ` + done + ` <> '' AND ` + done + ` <= ` + to})
		for i, n := range k.names {
			v := db.outcome(n)
			cols = append(cols, reportColumn{no: k.base + 2 + i, when: of + ` AND ` + v + ` <> 0`, value: v})
		}
	}
	return reportSource{from: db.caseFrom(),
		where: `c.kind IN ('` + string(cases.KindComplaint) + `', '` + string(cases.KindDenunciation) + `') AND ` + caseDecided(to) +
			` AND NOT (` + done + ` <> '' AND ` + done + ` < ` + from + `)`,
		id: "c.id", ref: "c.code", cols: cols}, nil
}

// unitRows is the CTE ur (unit_id, row_no): every unit of the tree and its row.
func unitRows(rowOf map[int64]int) string {
	ids := make([]int64, 0, len(rowOf))
	for id := range rowOf {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	b.WriteString("WITH ur (unit_id, row_no) AS (VALUES ")
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(%d, %d)", id, rowOf[id])
	}
	b.WriteString(") ")
	return b.String()
}

// CountForm implements report.Counter: one query, a row of sums per row of the
// report.
func (db *DB) CountForm(ctx context.Context, q report.CountQuery) (map[int][]float64, error) {
	src, err := db.reportSourceOf(q)
	if err != nil {
		return nil, err
	}
	rows := 0
	for _, r := range q.RowOf {
		rows = max(rows, r+1)
	}
	var sel strings.Builder
	sel.WriteString("ur.row_no")
	for _, c := range src.cols {
		switch {
		case c.matter != "":
			fmt.Fprintf(&sel, ", CAST(COUNT(DISTINCT CASE WHEN %s THEN %s END) AS DOUBLE PRECISION)", c.when, c.matter)
		case c.value != "":
			fmt.Fprintf(&sel, ", CAST(SUM(CASE WHEN %s THEN %s ELSE 0 END) AS DOUBLE PRECISION)", c.when, c.value)
		default:
			fmt.Fprintf(&sel, ", CAST(SUM(CASE WHEN %s THEN 1 ELSE 0 END) AS DOUBLE PRECISION)", c.when)
		}
	}
	query := unitRows(q.RowOf) + `SELECT ` + sel.String() + ` FROM ` + src.from + ` WHERE ` + src.where + ` GROUP BY ur.row_no`
	out := make(map[int][]float64, len(src.cols))
	for _, c := range src.cols {
		out[c.no] = make([]float64, rows)
	}
	what := "count " + q.Form
	r, err := db.sql.QueryContext(ctx, db.q(query), src.args...)
	if err != nil {
		return nil, db.classify(what, err)
	}
	defer r.Close()
	vals := make([]float64, len(src.cols))
	dest := make([]any, len(src.cols)+1)
	var row int
	dest[0] = &row
	for i := range vals {
		dest[i+1] = &vals[i]
	}
	for r.Next() {
		if err := r.Scan(dest...); err != nil {
			return nil, db.classify(what, err)
		}
		if row < 0 || row >= rows {
			return nil, fmt.Errorf("%s: row %d out of range", what, row)
		}
		for i, c := range src.cols {
			out[c.no][row] = vals[i]
		}
	}
	return out, db.classify(what, r.Err())
}

// EachRef implements report.Counter: one query in ID order, with a flag per
// column asked for.
func (db *DB) EachRef(ctx context.Context, q report.CountQuery, col, row int, fn func(row, col int, ref string) error) error {
	src, err := db.reportSourceOf(q)
	if err != nil {
		return err
	}
	cols := src.cols
	if col != 0 {
		cols = nil
		for _, c := range src.cols {
			if c.no == col {
				cols = append(cols, c)
			}
		}
		if len(cols) == 0 {
			return fmt.Errorf("form %s counts no column %d: %w", q.Form, col, errs.ErrNotFound)
		}
	}
	var sel strings.Builder
	sel.WriteString("ur.row_no, " + src.ref)
	some := make([]string, len(cols))
	for i, c := range cols {
		ref := "''"
		if c.matterRef != "" {
			ref = c.matterRef
		}
		fmt.Fprintf(&sel, ", CASE WHEN %s THEN 1 ELSE 0 END, %s", c.when, ref)
		some[i] = "(" + c.when + ")"
	}
	where := src.where + ` AND (` + strings.Join(some, " OR ") + `)`
	args := src.args
	if row >= 0 {
		where += ` AND ur.row_no = ?`
		args = append(slices.Clone(args), row)
	}
	query := unitRows(q.RowOf) + `SELECT ` + sel.String() + ` FROM ` + src.from + ` WHERE ` + where + ` ORDER BY ` + src.id
	what := "list " + q.Form
	r, err := db.sql.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return db.classify(what, err)
	}
	defer r.Close()
	flags := make([]int, len(cols))
	matters := make([]string, len(cols))
	var at int
	var ref string
	dest := []any{&at, &ref}
	for i := range cols {
		dest = append(dest, &flags[i], &matters[i])
	}
	for r.Next() {
		if err := r.Scan(dest...); err != nil {
			return db.classify(what, err)
		}
		for i, c := range cols {
			if flags[i] == 0 {
				continue
			}
			out := ref
			if c.matterRef != "" {
				out = matters[i]
			}
			if err := fn(at, c.no, out); err != nil {
				return err
			}
		}
	}
	return db.classify(what, r.Err())
}
