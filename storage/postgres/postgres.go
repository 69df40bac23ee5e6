// Package postgres opens kntc's production metadata database on PostgreSQL through
// pgx. The SQL itself is storage/sqldb's, shared with SQLite.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLockID is the advisory lock that serialises migrations across processes
// ("kntc" in ASCII).
const migrationLockID = 0x6b6e7463

// auditLockID is the advisory lock that serialises appends to the audit chain
// ("kntcaudt" in ASCII).
const auditLockID = 0x6b6e746361756474

// Dialect is PostgreSQL's sqldb.Dialect.
func Dialect() sqldb.Dialect {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	return sqldb.Dialect{
		Name:               "postgres",
		Migrations:         sub,
		GoMigrations:       []sqldb.Migration{{Version: 2, Name: "job_queue", Func: migrateQueue}},
		DollarPlaceholders: true,
		Classify:           classify,
		LockMigrations: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockID)
			return err
		},
		LockAudit: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(auditLockID))
			return err
		},
	}
}

// migrateQueue creates the job queue's tables (River's own migrations, recorded in
// river_migration as well as in schema_migrations). River's versions cannot share
// one transaction on PostgreSQL (one adds an enum value the next uses), so they run
// on db, each in its own transaction; River skips the versions already applied, so a
// crash before our record commits is harmless.
func migrateQueue(ctx context.Context, db *sql.DB, _ *sql.Tx) error {
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// Open connects to the database at url (postgres://user:pass@host:port/db?sslmode=…).
// It does not migrate. Pool returns the pgx pool behind the handle for the job queue.
func Open(ctx context.Context, url string) (*sqldb.DB, *pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, nil, fmt.Errorf("parse PostgreSQL URL: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("connect to PostgreSQL %s: %w", cfg.ConnConfig.Host, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("connect to PostgreSQL %s:%d/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, err)
	}
	db := sqldb.New(stdlib.OpenDBFromPool(pool), Dialect())
	db.OnClose(pool.Close)
	return db, pool, nil
}

func classify(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505": // unique_violation
		return errs.ErrConflict
	case "23503": // foreign_key_violation
		return errs.ErrNotFound
	}
	return err
}
