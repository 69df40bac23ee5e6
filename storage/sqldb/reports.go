package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/report"
)

// A unit tree's whole registers, streamed in one query each, without the lists'
// count and pages, in no particular order: the report package's tests classify
// them in Go (the way the forms were filled before they were counted in SQL,
// below) to check the SQL's counts.

// EachCase calls fn for every case of the units.
func (db *DB) EachCase(ctx context.Context, unitIDs []int64, fn func(cases.Case) error) error {
	w, args := inList("unit_id", unitIDs)
	return each(ctx, db, "cases of the units", `SELECT `+caseColumns+` FROM cases WHERE `+w, args, scanCase, fn)
}

// EachPetition calls fn for every petition of the units received by day to.
func (db *DB) EachPetition(ctx context.Context, unitIDs []int64, to time.Time, fn func(cases.Petition) error) error {
	w, args := inList("unit_id", unitIDs)
	args = append(args, cases.FormatDate(cases.Date(to)))
	return each(ctx, db, "petitions of the units", `SELECT `+petitionColumns+` FROM petitions WHERE `+w+` AND received_on <= ?`, args, scanPetition, fn)
}

// EachReception calls fn for every visit of the units at or after from and
// before to.
func (db *DB) EachReception(ctx context.Context, unitIDs []int64, from, to time.Time, fn func(cases.Reception) error) error {
	w, args := inList("unit_id", unitIDs)
	args = append(args, ts(from), ts(to))
	return each(ctx, db, "visits of the units", `SELECT `+receptionColumns+` FROM receptions WHERE `+w+` AND at >= ? AND at < ?`, args, scanReception, fn)
}

// EachLeftWorkflow calls fn with the first move of each case of the units to
// guided (hướng dẫn) or transferred (chuyển đơn), and when it was made.
func (db *DB) EachLeftWorkflow(ctx context.Context, unitIDs []int64, fn func(caseID int64, to cases.Status, at time.Time) error) error {
	w, args := inList("c.unit_id", unitIDs)
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

// The forms' columns counted in SQL (report.Counter). Per form, an inner query
// reads the register of the tree (joined with ur, the units and their rows)
// and works out each item's facts once (its state at the period's end, the
// class of its decision…); per column, a condition on those facts and the
// number an item adds (1 by default). CountForm sums every column per row of
// the report in one query; EachRef lists what a column counts with the same
// conditions, so a number and its drill-down cannot disagree. The rules are
// the README's (Statistics); report's tests check them against the old
// classification in Go on random data.

// reportColumn is one counted column of a form: conditions and values over the
// facts (x.name).
type reportColumn struct {
	no    int
	when  string // the condition an item meets to count
	value string // what it adds; "" for 1
	// distinct, when set, is added to the column: the number of distinct
	// non-NULL values of this integer fact (01/TCD 7 and 02/XLD 5 count
	// distinct matters); distinctRef is what the drill-down lists for the items
	// counted through it, ref for the others.
	distinct, distinctRef string
}

// reportSource is a form's inner query: facts selects at least row_no, id
// (the drill-down's order) and ref (what it lists) from the FROM and WHERE
// clauses.
type reportSource struct {
	facts, from, where string
	args               []any
	cols               []reportColumn
	// order is the drill-down's order over the facts; "" for x.id.
	order string
}

// ictDay is the Vietnam-time day of a timestamp column, as YYYY-MM-DD.
func (db *DB) ictDay(col string) string {
	if db.d.Name == "postgres" {
		return "to_char((" + col + " AT TIME ZONE 'UTC') + INTERVAL '7 hours', 'YYYY-MM-DD')"
	}
	// SQLite keeps kntc's UTC timestamps as Go writes them: "2006-01-02 15:04:05.999999 +0000 UTC".
	return "date(substr(" + col + ", 1, 19), '+7 hours')"
}

// fence keeps the inner query a query of its own, so its facts are worked out
// once per item and not copied into every column's expression.
func (db *DB) fence() string {
	if db.d.Name == "postgres" {
		return " OFFSET 0"
	}
	return " LIMIT -1"
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

// outcomeFacts are the facts carrying a case's outcome (JSON): PostgreSQL reads
// it once per case into columns o_NAME; SQLite passes the text on, and
// json_extract keeps the last documents it parsed.
func (db *DB) outcomeFacts() (facts, join string) {
	if db.d.Name != "postgres" {
		return "c.outcome AS outcome", ""
	}
	cols := make([]string, 0, len(outcomeNames)+1)
	sel := make([]string, 0, len(outcomeNames)+1)
	for _, n := range outcomeNames {
		cols = append(cols, n+" DOUBLE PRECISION")
		sel = append(sel, "o."+n+" AS o_"+n)
	}
	cols = append(cols, "enforced_on TEXT")
	sel = append(sel, "o.enforced_on AS o_enforced_on")
	return strings.Join(sel, ", "), ` LEFT JOIN LATERAL jsonb_to_record(CASE WHEN c.outcome <> '{}' THEN c.outcome::jsonb END) AS o(` +
		strings.Join(cols, ", ") + `) ON TRUE`
}

// outcome is field name of the outcome fact, 0 when absent.
func (db *DB) outcome(name string) string {
	if db.d.Name == "postgres" {
		return "COALESCE(x.o_" + name + ", 0)"
	}
	return "COALESCE(json_extract(x.outcome, '$." + name + "'), 0)"
}

// enforcedDay is the day the outcome (of case c, in the inner query) records
// the decision carried out, ” when none (the zero time Go writes is 0001-01-01).
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
		start, end := ictBounds(q)
		return reportSource{
			facts: `ur.row_no AS row_no, r.id AS id, 'tiep-' || r.id AS ref, rc.id AS case_id, rc.code AS case_code,
				CASE WHEN r.group_size > 1 THEN r.group_size ELSE 1 END AS people`,
			from:  `receptions r JOIN ur ON ur.unit_id = r.unit_id LEFT JOIN cases rc ON rc.id = r.case_id AND rc.` + inTree,
			where: `r.at >= ? AND r.at < ?`, args: []any{ts(start), ts(end)},
			cols: []reportColumn{
				{no: 5, when: "1 = 1"},
				{no: 6, when: "1 = 1", value: "x.people"},
				// The visits without a case are matters of their own; a case
				// counts once in its row.
				{no: 7, when: "x.case_id IS NULL", distinct: "x.case_id", distinctRef: "x.case_code"},
				{no: 8, when: "x.people >= 5"},
				{no: 9, when: "x.people >= 5", value: "x.people"},
			},
		}, nil
	case "02/XLD":
		// Counted: received in the period, or before it and not handled by its
		// first day; handled: a handling set by its last day. The register is
		// the petitions and the visits cases were opened from (letters).
		_, handled, admissible, competent := petitionStages(from, to)
		letters, args := db.letters(q, true, "")
		// stage: 2 handled, 3 admissible and not competent, 4 competent.
		stage := `(CASE WHEN NOT ` + handled + ` THEN 1 WHEN NOT ` + admissible + ` THEN 2 WHEN NOT ` + competent + ` THEN 3 ELSE 4 END)`
		k := `(CASE p.kind WHEN '` + string(cases.KindComplaint) + `' THEN 1 WHEN '` + string(cases.KindDenunciation) + `' THEN 2 ELSE 3 END)`
		// A duplicate's matter is its original petition.
		original := `(CASE WHEN p.duplicate_of <> 0 THEN p.duplicate_of ELSE p.id END)`
		in4 := "x.stage = 4"
		return reportSource{
			facts: `p.row_no AS row_no, p.src AS src, p.id AS id, (CASE WHEN p.src = 1 THEN 'tiep-' ELSE 'don-' END) || p.id AS ref, ` +
				stage + ` AS stage, ` + k + ` AS k, p.handling AS handling, p.tree_case AS case_id, p.tree_code AS case_code,
				COALESCE(p.tree_round, 1) AS round, ` + original + ` AS original`,
			from:  letters,
			where: `1 = 1`, args: args,
			// The petitions in the order they were entered, then the visits.
			order: "x.src, x.id",
			cols: []reportColumn{
				{no: 1, when: "1 = 1"},
				{no: 2, when: "x.stage >= 2"},
				{no: 3, when: "x.stage >= 3"},
				{no: 4, when: in4},
				// A matter: the letter's case, else its original petition, else
				// the visit; cases, petitions and visits are counted apart (they
				// are never the same).
				{no: 5, when: "1 = 0", distinct: "CASE WHEN " + in4 + " AND x.case_id IS NOT NULL THEN 3 * x.case_id WHEN " + in4 +
					" AND x.src = 1 THEN 3 * x.original + 2 WHEN " + in4 + " THEN 3 * x.original + 1 END",
					distinctRef: "COALESCE(x.case_code, (CASE WHEN x.src = 1 THEN 'tiep-' ELSE 'don-' END) || x.original)"},
				{no: 6, when: in4 + " AND x.k = 1"},
				{no: 7, when: in4 + " AND x.k = 1 AND x.round <> 2"},
				{no: 8, when: in4 + " AND x.k = 1 AND x.round = 2"},
				{no: 12, when: in4 + " AND x.k = 2"},
				{no: 13, when: in4 + " AND x.k = 2"},
				{no: 19, when: in4 + " AND x.k = 3"},
				{no: 23, when: "x.stage = 3"},
				{no: 24, when: "x.stage = 3 AND x.handling = '" + string(cases.HandlingGuide) + "'"},
				{no: 25, when: "x.stage = 3 AND x.handling = '" + string(cases.HandlingTransfer) + "'"},
			},
		}, nil
	case "03/GQKN", "04/GQTC":
		return db.resolutionSource(q), nil
	case "05/KQTH":
		return db.enforcementSource(q), nil
	}
	return reportSource{}, fmt.Errorf("form %q: no columns counted: %w", q.Form, errs.ErrNotFound)
}

// petitionStages are 02/XLD's conditions on a petition p of the tree, for the
// period from–to (SQL day literals): counted (received in the period, or before
// it and not handled by its first day), handled by its last day, admissible,
// competent. 03/GQKN and 04/GQTC read the same ones for their cases.
func petitionStages(from, to string) (in, handled, admissible, competent string) {
	in = `((p.received_on >= ` + from + ` AND p.received_on <= ` + to + `) OR (p.received_on < ` + from +
		` AND (p.handled_on = '' OR p.handled_on >= ` + from + `)))`
	handled = `(p.handling <> '' AND p.handled_on <> '' AND p.handled_on <= ` + to + `)`
	admissible = `(p.admissibility = '` + string(cases.Admissible) + `' OR p.admissibility = '' AND p.handling = '` + string(cases.HandlingAccept) + `')`
	competent = `(p.competence = '` + string(cases.Competent) + `' OR p.competence = '' AND p.handling = '` + string(cases.HandlingAccept) + `')`
	return in, handled, admissible, competent
}

// ictBounds are the instants the period of q starts and ends at in Vietnam:
// 00:00 on its first day and 00:00 after its last.
func ictBounds(q report.CountQuery) (start, end time.Time) {
	ict := time.FixedZone("ICT", 7*3600)
	start = time.Date(q.From.Year(), q.From.Month(), q.From.Day(), 0, 0, 0, 0, ict)
	end = time.Date(q.To.Year(), q.To.Month(), q.To.Day()+1, 0, 0, 0, 0, ict)
	return start, end
}

// letters is the register 02/XLD counts, aliased p, with the columns
// petitionStages reads and each letter's row (row_no), already limited to the
// letters of the tree counted in the period of q (column 1): the petitions,
// and the visits a case was opened from with no petition (src 1). A complaint
// or denunciation a citizen presents at a visit is recorded in writing there,
// and that record is a petition received through citizen reception (02/XLD's
// guidance); kntc keeps it as the visit itself when a case is opened from it.
// Such a letter is received on the visit's day (in Vietnam), classified as the
// visit is, and handled (thụ lý: a case opened, so admissible and competent, as
// a petition accepted without marks) on the day its case was opened — the
// Vietnam day of the case's "created" event. A case is opened from one letter
// or one visit, never both, so nothing is counted twice. With treeCase, each
// letter also has its case when the case is in the tree (tree_case, tree_code,
// tree_round; NULL otherwise). With kind, only the letters of that kind with
// a case. Each branch joins what it needs itself, so the union is read once,
// in one pass.
func (db *DB) letters(q report.CountQuery, treeCase bool, kind cases.Kind) (string, []any) {
	from, to := dayLit(q.From), dayLit(q.To)
	in, _, _, _ := petitionStages(from, to)
	_, end := ictBounds(q)
	opened := `COALESCE((SELECT ` + db.ictDay("MIN(e.at)") + ` FROM case_events e WHERE e.case_id = r.case_id AND e.type = '` +
		cases.EventCreated + `'), '')`
	cols := `p.id, p.unit_id, p.received_on, p.kind, p.handling, p.handled_on, p.admissibility, p.competence, p.duplicate_of, p.case_id`
	pCase, pJoin := "", ""
	if treeCase {
		pCase = `, pc.id AS tree_case, pc.code AS tree_code, pc.round AS tree_round`
		pJoin = ` LEFT JOIN cases pc ON pc.id = p.case_id AND pc.unit_id IN (SELECT unit_id FROM ur)`
	}
	pKind, rKind := "", ""
	if kind != "" {
		pKind, rKind = ` AND p.kind = '`+string(kind)+`' AND p.case_id > 0`, ` AND r.kind = '`+string(kind)+`'`
	}
	// The visits are read by unit and time from the reports' index and
	// filtered down to those a case was opened from before they meet ur.
	return `(SELECT 0 AS src, ur.row_no, ` + cols + pCase + ` FROM petitions p JOIN ur ON ur.unit_id = p.unit_id` + pJoin + `
			WHERE p.received_on <= ` + to + ` AND ` + in + pKind + `
		UNION ALL
		SELECT 1, ur.row_no, ` + cols + pCase + ` FROM (SELECT r.id, r.unit_id, ` + db.ictDay("r.at") + ` AS received_on, r.kind,
				'` + string(cases.HandlingAccept) + `' AS handling, ` + opened + ` AS handled_on, '' AS admissibility,
				'' AS competence, 0 AS duplicate_of, r.case_id
			FROM receptions r WHERE r.unit_id IN (SELECT unit_id FROM ur) AND r.case_id IS NOT NULL AND r.at < ?
				AND r.outcome = '` + cases.OutcomeCaseOpened + `'` + rKind + db.fence() + `) p
			JOIN ur ON ur.unit_id = p.unit_id` + pJoin + `
			WHERE ` + in + `) p`, []any{ts(end)}
}

// caseFrom is the cases of the tree that meet where, each with its row_no and
// lw: the Vietnam day (YYYY-MM-DD) and status of its first move out of the
// workflow (guided or transferred) while not accepted, NULL when none; join
// reads the outcome.
func (db *DB) caseFrom(where, join string) string {
	return `(SELECT c.id, c.code, c.kind, c.received_on, c.accepted_on, c.decided_on, c.closed_on, c.result, c.round,
			c.outcome, ur.row_no,
			CASE WHEN c.accepted_on = '' THEN (SELECT ` + db.ictDay("e.at") + ` || e.to_status FROM case_events e
				WHERE e.case_id = c.id AND e.type = '` + cases.EventTransition + `' AND e.to_status IN ('` +
		string(cases.StatusGuided) + `', '` + string(cases.StatusTransferred) + `') ORDER BY e.at, e.id LIMIT 1) END AS lw
		FROM cases c JOIN ur ON ur.unit_id = c.unit_id WHERE ` + where + db.fence() + `) c` + join
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
		WHEN c.lw IS NOT NULL AND substr(c.lw, 1, 10) <= %[1]s THEN (CASE WHEN substr(c.lw, 11) = '%[6]s' THEN %[7]d ELSE %[8]d END)
		ELSE %[9]d END)`, t, stNone, cases.ResultWithdrawn, stWithdrawn, stAccepted, cases.StatusTransferred,
		stTransferred, stNotAccepted, stScreening)
}

// caseDecided: the case's decision (not a withdrawal) was issued by day t.
func caseDecided(t string) string {
	return `(c.decided_on <> '' AND c.decided_on <= ` + t + ` AND c.result NOT IN ('` + string(cases.ResultWithdrawn) + `', ''))`
}

// resolutionSource is 03/GQKN (complaints) or 04/GQTC (denunciations).
func (db *DB) resolutionSource(q report.CountQuery) reportSource {
	complaint := q.Form == "03/GQKN"
	kind := cases.KindDenunciation
	if complaint {
		kind = cases.KindComplaint
	}
	from, to := dayLit(q.From), dayLit(q.To)
	// In columns 2–6: the cases (vụ việc) of the letters column 1 counts —
	// 02/XLD's column 6 (12): the period's competent, admissible complaints
	// (denunciations) of the tree, handled by its last day, a petition or a
	// visit a case was opened from — so that column 2 <= column 1 as the
	// circular prints it; then each case's state on the last day. A case
	// carried over whose letter was handled in an earlier period, or opened
	// with neither petition nor visit, is not in 2–6 (its decision of the
	// period still is in 7–).
	_, handled, admissible, competent := petitionStages(from, to)
	letters, args := db.letters(q, false, kind)
	counted := ` LEFT JOIN (SELECT DISTINCT p.case_id FROM ` + letters + `
		WHERE ` + handled + ` AND ` + admissible + ` AND ` + competent +
		db.fence() + `) pk ON pk.case_id = c.id`
	state := `(CASE WHEN pk.case_id IS NOT NULL THEN ` + caseStateAt(to) + ` ELSE 0 END)`
	// The decisions of the period, by result; a second complaint's upholds
	// (sai) or annuls (đúng, đúng một phần) the first.
	var dc strings.Builder
	dc.WriteString("(CASE WHEN NOT (" + caseDecided(to) + " AND c.decided_on >= " + from + ") THEN 0")
	if complaint {
		fmt.Fprintf(&dc, ` WHEN c.round = 2 AND c.result = '%s' THEN 11 WHEN c.round = 2 THEN 12`, cases.ResultWrong)
	}
	fmt.Fprintf(&dc, ` WHEN c.result = '%s' THEN 8 WHEN c.result = '%s' THEN 9 WHEN c.result = '%s' THEN 10 ELSE 0 END)`,
		cases.ResultRight, cases.ResultWrong, cases.ResultPartly)
	var cols []reportColumn
	for _, c := range []struct{ col, state int }{{3, stScreening}, {4, stAccepted}, {5, stNotAccepted}, {6, stWithdrawn}} {
		cols = append(cols, reportColumn{no: c.col, when: "x.state = " + strconv.Itoa(c.state)})
	}
	last := 10
	if complaint {
		last = 12
	}
	for col := 8; col <= last; col++ {
		cols = append(cols, reportColumn{no: col, when: "x.dc = " + strconv.Itoa(col)})
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
		cols = append(cols, reportColumn{no: base + i, when: `x.dc <> 0 AND x.has_outcome = 1 AND ` + v + ` <> 0`, value: v})
	}
	facts, join := db.outcomeFacts()
	return reportSource{
		facts: `c.row_no AS row_no, c.id AS id, c.code AS ref, ` + state + ` AS state, ` + dc.String() + ` AS dc,
			CASE WHEN c.outcome <> '{}' THEN 1 ELSE 0 END AS has_outcome, ` + facts,
		from: db.caseFrom(`c.kind = '`+string(kind)+`'`, join+counted), where: `1 = 1`, args: args, cols: cols}
}

// enforcementSource is 05/KQTH: the decisions to carry out in the period (issued
// by its last day, not carried out before its first), by kind, and their
// outcomes.
func (db *DB) enforcementSource(q report.CountQuery) reportSource {
	from, to := dayLit(q.From), dayLit(q.To)
	done := `(CASE WHEN ` + db.enforcedDay() + ` <> '' THEN ` + db.enforcedDay() + ` ELSE c.closed_on END)`
	var cols []reportColumn
	for _, k := range []struct {
		kind  int
		base  int
		names []string
	}{
		{1, 1, []string{"recover_money", "recover_land", "recovered_money", "recovered_land", "return_money",
			"return_land", "returned_money", "returned_land", "disciplined_people", "disciplined_officials",
			"prosecuted_cases", "prosecuted_people", "prosecuted_officials"}},
		{2, 16, []string{"recover_money", "recover_land", "recovered_money", "recovered_land", "return_money",
			"return_land", "returned_money", "returned_land", "disciplined_orgs", "disciplined_people", "disciplined_officials",
			"prosecuted_cases", "prosecuted_people", "prosecuted_officials"}},
	} {
		of := `x.k = ` + strconv.Itoa(k.kind)
		cols = append(cols, reportColumn{no: k.base, when: of},
			reportColumn{no: k.base + 1, when: of + ` AND x.done <> '' AND x.done <= ` + to})
		for i, n := range k.names {
			v := db.outcome(n)
			cols = append(cols, reportColumn{no: k.base + 2 + i, when: of + ` AND x.has_outcome = 1 AND ` + v + ` <> 0`, value: v})
		}
	}
	facts, join := db.outcomeFacts()
	return reportSource{
		facts: `c.row_no AS row_no, c.id AS id, c.code AS ref, CASE WHEN c.kind = '` + string(cases.KindComplaint) + `' THEN 1 ELSE 2 END AS k, ` +
			done + ` AS done, CASE WHEN c.outcome <> '{}' THEN 1 ELSE 0 END AS has_outcome, ` + facts,
		from:  db.caseFrom(`c.kind IN ('`+string(cases.KindComplaint)+`', '`+string(cases.KindDenunciation)+`') AND `+caseDecided(to), join),
		where: `NOT (` + done + ` <> '' AND ` + done + ` < ` + from + `)`,
		cols:  cols}
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

// inner is the source's inner query, aliased x.
func (db *DB) inner(src reportSource) string {
	return `(SELECT ` + src.facts + ` FROM ` + src.from + ` WHERE ` + src.where + db.fence() + `) x`
}

// CountForm implements report.Counter: one query, a line of sums per row of the
// report.
func (db *DB) CountForm(ctx context.Context, q report.CountQuery) (map[int][]float64, error) {
	src, err := db.reportSourceOf(q)
	if err != nil {
		return nil, err
	}
	if q.Cols != nil {
		src.cols = slices.DeleteFunc(src.cols, func(c reportColumn) bool { return !slices.Contains(q.Cols, c.no) })
	}
	rows := 0
	for _, r := range q.RowOf {
		rows = max(rows, r+1)
	}
	var sel strings.Builder
	sel.WriteString("x.row_no")
	for _, c := range src.cols {
		v := "1"
		if c.value != "" {
			v = c.value
		}
		sum := "SUM(CASE WHEN " + c.when + " THEN " + v + " ELSE 0 END)"
		if c.distinct != "" {
			sum += " + COUNT(DISTINCT " + c.distinct + ")"
		}
		sel.WriteString(", CAST(" + sum + " AS DOUBLE PRECISION)")
	}
	query := unitRows(q.RowOf) + `SELECT ` + sel.String() + ` FROM ` + db.inner(src) + ` GROUP BY x.row_no`
	out := make(map[int][]float64, len(src.cols))
	for _, c := range src.cols {
		out[c.no] = make([]float64, rows)
	}
	what := "count " + q.Form
	vals := make([]float64, len(src.cols))
	dest := make([]any, len(src.cols)+1)
	var row int
	dest[0] = &row
	for i := range vals {
		dest[i+1] = &vals[i]
	}
	err = db.reportRows(ctx, what, query, src.args, func(r *sql.Rows) error {
		if err := r.Scan(dest...); err != nil {
			return err
		}
		if row < 0 || row >= rows {
			return fmt.Errorf("row %d out of range", row)
		}
		for i, c := range src.cols {
			out[c.no][row] = vals[i]
		}
		return nil
	})
	return out, err
}

// reportRows runs a statistics query, calling each for every row. PostgreSQL
// runs it without JIT compilation: compiling the forms' long CASE expressions
// takes longer than the query itself.
func (db *DB) reportRows(ctx context.Context, what, query string, args []any, each func(*sql.Rows) error) error {
	var rows *sql.Rows
	var err error
	if db.d.Name == "postgres" {
		tx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return db.classify(what, err)
		}
		defer func() { _ = tx.Rollback() }()
		if _, err := tx.ExecContext(ctx, "SET LOCAL jit = off"); err != nil {
			return db.classify(what, err)
		}
		rows, err = tx.QueryContext(ctx, db.q(query), args...)
		if err != nil {
			return db.classify(what, err)
		}
	} else if rows, err = db.sql.QueryContext(ctx, db.q(query), args...); err != nil {
		return db.classify(what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return db.classify(what, err)
		}
	}
	return db.classify(what, rows.Err())
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
	// Per column: 1 when the item counts through the condition, 2 through the
	// distinct fact, 0 when not; and the reference it lists then.
	var sel strings.Builder
	sel.WriteString("x.row_no, x.ref")
	some := make([]string, 0, 2*len(cols))
	for _, c := range cols {
		flag := "CASE WHEN " + c.when + " THEN 1"
		some = append(some, "("+c.when+")")
		ref := "''"
		if c.distinct != "" {
			flag += " WHEN " + c.distinct + " IS NOT NULL THEN 2"
			some = append(some, "("+c.distinct+" IS NOT NULL)")
			ref = c.distinctRef
		}
		sel.WriteString(", " + flag + " ELSE 0 END, " + ref)
	}
	where := "(" + strings.Join(some, " OR ") + ")"
	args := src.args
	if row >= 0 {
		where += ` AND x.row_no = ?`
		args = append(slices.Clone(args), row)
	}
	order := src.order
	if order == "" {
		order = "x.id"
	}
	query := unitRows(q.RowOf) + `SELECT ` + sel.String() + ` FROM ` + db.inner(src) + ` WHERE ` + where + ` ORDER BY ` + order
	what := "list " + q.Form
	flags := make([]int, len(cols))
	refs := make([]sql.NullString, len(cols))
	var at int
	var ref string
	dest := []any{&at, &ref}
	for i := range cols {
		dest = append(dest, &flags[i], &refs[i])
	}
	var stop error // fn's own error, returned as it is
	err = db.reportRows(ctx, what, query, args, func(r *sql.Rows) error {
		if err := r.Scan(dest...); err != nil {
			return err
		}
		for i, c := range cols {
			out := ref
			switch flags[i] {
			case 0:
				continue
			case 2:
				out = refs[i].String
			}
			if stop = fn(at, c.no, out); stop != nil {
				return stop
			}
		}
		return nil
	})
	if stop != nil {
		return stop
	}
	return err
}
