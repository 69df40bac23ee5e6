// Package sqldb is the SQL shared by kntc's two metadata databases: SQLite (the
// embedded default) and PostgreSQL (production). The queries are plain SQL that both
// accept; a Dialect supplies what differs (placeholders, migrations, error codes).
// storage/sqlite and storage/postgres open a DB with their dialect.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"kntc/internal/errs"
)

// Dialect is what differs between the databases.
type Dialect struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Migrations holds NNNN_name.sql files applied in order.
	Migrations fs.FS
	// GoMigrations are numbered steps run as code, merged with the files by version.
	GoMigrations []Migration
	// DollarPlaceholders rewrites the queries' "?" to "$1, $2, …" (PostgreSQL).
	DollarPlaceholders bool
	// Classify maps a driver error to errs.ErrConflict (unique violation) or
	// errs.ErrNotFound (a foreign key to a missing row); other errors it returns as they are.
	Classify func(error) error
	// LockMigrations, when set, runs first in the migration transaction so two
	// processes starting at once do not both migrate (PostgreSQL advisory lock).
	LockMigrations func(ctx context.Context, tx *sql.Tx) error
	// LockAudit, when set, runs in a transaction before it reads the last audit entry,
	// so concurrent appends (from any process) chain one after another and never fork
	// the chain (PostgreSQL advisory lock). SQLite needs none: its transactions begin
	// IMMEDIATE, so writers are serialised already.
	LockAudit func(ctx context.Context, tx *sql.Tx) error
}

// DB is a metadata database. It implements ingest.DocumentStore, auth.Store and
// cases.Store.
// Safe for concurrent use.
type DB struct {
	sql *sql.DB
	d   Dialect

	mu      sync.Mutex
	rebinds map[string]string
	closers []func()

	// auditKey keys the audit chain (cases.ChainMAC); see SetAuditKey.
	auditKey []byte
}

// New wraps an open database handle. Call Migrate or CheckSchema before use.
func New(db *sql.DB, d Dialect) *DB {
	return &DB{sql: db, d: d, rebinds: map[string]string{}}
}

// SQL returns the underlying handle (for the job queue, which shares the database).
func (db *DB) SQL() *sql.DB { return db.sql }

// Dialect returns the dialect's name, "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.Name }

// OnClose registers fn to run after Close closes the handle (a driver's own pool).
func (db *DB) OnClose(fn func()) { db.closers = append(db.closers, fn) }

// Close closes the database.
func (db *DB) Close() error {
	err := db.sql.Close()
	for _, fn := range db.closers {
		fn()
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// q turns a query written with "?" placeholders into the dialect's form.
func (db *DB) q(query string) string {
	if !db.d.DollarPlaceholders {
		return query
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if r, ok := db.rebinds[query]; ok {
		return r
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	db.rebinds[query] = b.String()
	return b.String()
}

// classify turns driver errors into the shared ones, keeping the original text.
func (db *DB) classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, errs.ErrNotFound)
	}
	if db.d.Classify != nil {
		if c := db.d.Classify(err); c != nil && !errors.Is(err, c) {
			return fmt.Errorf("%s: %w: %w", op, c, err)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// now is the database's notion of a timestamp: UTC, microseconds (PostgreSQL's precision).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// InTx runs fn in a transaction, committing when fn returns nil.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error { return db.inTx(ctx, fn) }

// inTx runs fn in a transaction, committing when fn returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(...any) error }

// listPage counts the rows of table that match where and returns one page of them
// in order, scanned by scan: the shape of every list the stores offer. limit and
// offset are the caller's (see listLimit).
func listPage[T any](ctx context.Context, db *DB, table, columns string, where []string, args []any,
	order string, limit, offset int, scan func(rowScanner) (T, error)) ([]T, int, error) {
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.sql.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM `+table+cond), args...).Scan(&total); err != nil {
		return nil, 0, db.classify("count "+table, err)
	}
	out, err := listRows(ctx, db, table, columns, where, args, order, limit, offset, scan)
	return out, total, err
}

// listRows is listPage without the count, for a caller that reads no total.
func listRows[T any](ctx context.Context, db *DB, table, columns string, where []string, args []any,
	order string, limit, offset int, scan func(rowScanner) (T, error)) ([]T, error) {
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT `+columns+` FROM `+table+cond+` ORDER BY `+order+
		` LIMIT ? OFFSET ?`), append(slices.Clip(args), limit, max(offset, 0))...)
	if err != nil {
		return nil, db.classify("list "+table, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, db.classify("list "+table, err)
		}
		out = append(out, v)
	}
	return out, db.classify("list "+table, rows.Err())
}
