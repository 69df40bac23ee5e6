package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"kntc/cases"
)

// Holidays implements cases.Store.
func (db *DB) Holidays(ctx context.Context, year int) ([]cases.Holiday, error) {
	query, args := `SELECT day, name, working FROM holidays`, []any{}
	if year != 0 {
		// Days are 'YYYY-MM-DD' text: the year's days sort between these two.
		query += ` WHERE day >= ? AND day < ?`
		args = append(args, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-01-01", year+1))
	}
	rows, err := db.sql.QueryContext(ctx, db.q(query+` ORDER BY day`), args...)
	if err != nil {
		return nil, db.classify("list holidays", err)
	}
	defer rows.Close()
	var out []cases.Holiday
	for rows.Next() {
		var h cases.Holiday
		var day string
		if err := rows.Scan(&day, &h.Name, &h.Working); err != nil {
			return nil, db.classify("scan holiday", err)
		}
		if h.Day, err = cases.ParseDate(day); err != nil {
			return nil, fmt.Errorf("holiday %q: %w", day, err)
		}
		out = append(out, h)
	}
	return out, db.classify("list holidays", rows.Err())
}

// PutHoliday implements cases.Store.
func (db *DB) PutHoliday(ctx context.Context, h cases.Holiday, rec cases.Record) error {
	day := cases.FormatDate(cases.Date(h.Day))
	if day == "" {
		return cases.ErrIllegal.Errorf("put holiday: no day")
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO holidays (day, name, working) VALUES (?, ?, ?)
			ON CONFLICT (day) DO UPDATE SET name = excluded.name, working = excluded.working`), day, h.Name, h.Working)
		if err != nil {
			return db.classify("put holiday "+day, err)
		}
		return db.appendAudit(ctx, tx, rec)
	})
}

// DeleteHoliday implements cases.Store.
func (db *DB) DeleteHoliday(ctx context.Context, day time.Time, rec cases.Record) error {
	d := cases.FormatDate(cases.Date(day))
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM holidays WHERE day = ?`), d)
		if err := db.mustAffect("delete holiday "+d, res, err); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, rec)
	})
}
