package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"kntc/cases"
)

// SetAuditKey sets the key that chains new audit entries (HMAC-SHA256, version 2).
// The key lives with the application, never in the database. Without one, entries
// are chained the old, unkeyed way while the chain has no keyed entry, and refused
// after (cases.ErrNoAuditKey), and without their unit (an unkeyed hash cannot
// cover it). Call it before the DB is used.
func (db *DB) SetAuditKey(key []byte) { db.auditKey = key }

// AuditKey is the key SetAuditKey set (nil when none).
func (db *DB) AuditKey() []byte { return db.auditKey }

// appendAudit adds rec to the audit chain inside tx, as the last statement of the
// transaction that makes the change it records: the chain is locked from here to
// the commit (LockAudit on PostgreSQL, the write lock on SQLite), and nothing else
// waits on a lock while holding it. The seq primary key refuses a fork even if the
// lock were missing. A record without a unit gets the unit of its object.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, rec cases.Record) error {
	if db.d.LockAudit != nil {
		if err := db.d.LockAudit(ctx, tx); err != nil {
			return fmt.Errorf("lock audit chain: %w", err)
		}
	}
	if rec.At.IsZero() {
		rec.At = now()
	}
	switch {
	case db.auditKey == nil:
		rec.Unit = "" // an unkeyed entry cannot cover its unit
	case rec.Unit == "":
		unit, err := db.unitOf(ctx, tx, rec.Object)
		if err != nil {
			return err
		}
		rec.Unit = unit
	}
	var last cases.AuditEntry
	err := tx.QueryRowContext(ctx, `SELECT seq, hash_version, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&last.Seq, &last.Version, &last.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return db.classify("read the last audit entry", err)
	}
	e, err := cases.Chain(last, rec, db.auditKey)
	if err != nil {
		return fmt.Errorf("append audit entry (%s %s): %w", rec.Action, rec.Object, err)
	}
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO audit_log (seq, at, user_id, username, action, object, detail,
		unit, hash_version, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		e.Seq, e.At, e.UserID, e.Username, e.Action, e.Object, e.Detail, e.Unit, e.Version, e.PrevHash, e.Hash)
	return db.classify(fmt.Sprintf("append audit entry %d (%s %s)", e.Seq, e.Action, e.Object), err)
}

// unitOf is the code of the unit an audited object belongs to, read in tx: a
// case's handling unit, a petition's or reception's unit, a document's routing
// unit. Objects of no unit (or gone) give "".
func (db *DB) unitOf(ctx context.Context, tx *sql.Tx, object string) (string, error) {
	kind, id, _ := strings.Cut(object, ":")
	var query string
	var arg any = id
	switch kind {
	case "case":
		query = `SELECT u.code FROM cases c JOIN units u ON u.id = c.unit_id WHERE c.code = ?`
	case "document":
		query = `SELECT unit_code FROM documents WHERE id = ?`
	case "petition", "reception":
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return "", nil
		}
		arg = n
		query = `SELECT u.code FROM ` + kind + `s x JOIN units u ON u.id = x.unit_id WHERE x.id = ?`
	case "unit":
		return id, nil
	case "user":
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return "", nil
		}
		arg = n
		query = `SELECT u.code FROM users x JOIN units u ON u.id = x.unit_id WHERE x.id = ?`
	default:
		return "", nil
	}
	var unit string
	err := tx.QueryRowContext(ctx, db.q(query), arg).Scan(&unit)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return unit, db.classify("unit of "+object, err)
}

// Audit implements cases.Store.
func (db *DB) Audit(ctx context.Context, rec cases.Record) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.appendAudit(ctx, tx, rec) })
}

const auditColumns = `seq, at, user_id, username, action, object, detail, unit, hash_version, prev_hash, hash`

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
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, ts(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, ts(f.To))
	}
	if f.Units != nil {
		w, a := inList("unit", f.Units)
		where, args = append(where, w), append(args, a...)
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
		if err := rows.Scan(&e.Seq, &e.At, &e.UserID, &e.Username, &e.Action, &e.Object, &e.Detail, &e.Unit,
			&e.Version, &e.PrevHash, &e.Hash); err != nil {
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
	err := db.sql.QueryRowContext(ctx, `SELECT seq, hash_version, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&e.Seq, &e.Version, &e.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.AuditEntry{}, nil
	}
	return e, db.classify("read the last audit entry", err)
}
