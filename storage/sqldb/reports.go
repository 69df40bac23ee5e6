package sqldb

import (
	"context"
	"time"

	"kntc/cases"
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
