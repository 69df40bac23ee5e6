package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"kntc/cases"
)

// appendAudit adds rec to the audit chain inside tx, as the last statement of the
// transaction that makes the change it records: the chain is locked from here to
// the commit (LockAudit on PostgreSQL, the write lock on SQLite), and nothing else
// waits on a lock while holding it. The seq primary key refuses a fork even if the
// lock were missing.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, rec cases.Record) error {
	if db.d.LockAudit != nil {
		if err := db.d.LockAudit(ctx, tx); err != nil {
			return fmt.Errorf("lock audit chain: %w", err)
		}
	}
	if rec.At.IsZero() {
		rec.At = now()
	}
	var last cases.AuditEntry
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&last.Seq, &last.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return db.classify("read the last audit entry", err)
	}
	e := cases.Chain(last, rec)
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO audit_log (seq, at, user_id, username, action, object, detail,
		prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		e.Seq, e.At, e.UserID, e.Username, e.Action, e.Object, e.Detail, e.PrevHash, e.Hash)
	return db.classify(fmt.Sprintf("append audit entry %d (%s %s)", e.Seq, e.Action, e.Object), err)
}

// Audit implements cases.Store.
func (db *DB) Audit(ctx context.Context, rec cases.Record) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, rec) })
}

const auditColumns = `seq, at, user_id, username, action, object, detail, prev_hash, hash`

// AuditEntries implements cases.Store.
func (db *DB) AuditEntries(ctx context.Context, f cases.AuditFilter) ([]cases.AuditEntry, error) {
	where := []string{"seq > ?"}
	args := []any{f.AfterSeq}
	if f.Object != "" {
		where, args = append(where, "object = ?"), append(args, f.Object)
	}
	if f.UserID != 0 {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT `+auditColumns+` FROM audit_log WHERE `+
		strings.Join(where, " AND ")+` ORDER BY seq LIMIT ?`), append(args, listLimit(f.Limit, 100))...)
	if err != nil {
		return nil, db.classify("list audit entries", err)
	}
	defer rows.Close()
	out := []cases.AuditEntry{}
	for rows.Next() {
		var e cases.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.Username, &e.Action, &e.Object, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, db.classify("list audit entries", err)
		}
		e.At = ts(e.At)
		out = append(out, e)
	}
	return out, db.classify("list audit entries", rows.Err())
}

// WalkAudit implements cases.Store. Each batch is read whole before fn sees it, so
// fn may use the database.
func (db *DB) WalkAudit(ctx context.Context, fn func(cases.AuditEntry) error) error {
	var after int64
	for {
		batch, err := db.AuditEntries(ctx, cases.AuditFilter{AfterSeq: after, Limit: 1000})
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < 1000 {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
}

// AuditHead implements cases.Store.
func (db *DB) AuditHead(ctx context.Context) (cases.AuditEntry, error) {
	var e cases.AuditEntry
	err := db.sql.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.AuditEntry{}, nil
	}
	return e, db.classify("read the last audit entry", err)
}
