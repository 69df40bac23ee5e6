// Package sqlite opens kntc's embedded metadata database: one SQLite file
// (modernc.org/sqlite, pure Go) in WAL mode with foreign keys on and a busy timeout.
// The SQL itself is storage/sqldb's, shared with PostgreSQL.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is SQLite's sqldb.Dialect.
func Dialect() sqldb.Dialect {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded directory is part of the binary
	}
	return sqldb.Dialect{
		Name:         "sqlite",
		Migrations:   sub,
		GoMigrations: []sqldb.Migration{{Version: 2, Name: "job_queue", Func: migrateQueue}},
		Classify:     classify,
	}
}

// migrateQueue creates the job queue's tables (River's own migrations, recorded in
// river_migration as well as in schema_migrations), inside the migration's transaction.
func migrateQueue(ctx context.Context, _ *sql.DB, tx *sql.Tx) error {
	m, err := rivermigrate.New(riversqlite.New(nil), nil)
	if err != nil {
		return err
	}
	// MigrateTx is deprecated because some River migrations cannot share one
	// transaction on PostgreSQL; on SQLite the whole schema change must stay in
	// kntc's migration transaction, which holds the only write lock (Migrate on
	// the *sql.DB would wait for it forever). The conformance suite migrates a
	// fresh SQLite database through it on every run.
	_, err = m.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil) //nolint:staticcheck // SA1019: see above

	return err
}

// Open opens (creating when absent) the database file at path. It does not migrate.
func Open(ctx context.Context, path string) (*sqldb.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"foreign_keys(ON)",
		"busy_timeout(10000)",
		// FULL: a committed row survives a power cut, which "nothing is lost" needs;
		// NORMAL only survives a crash of the process.
		"synchronous(FULL)",
		// Pages read through a memory map, shared by every connection, rather
		// than a read system call into each connection's 2 MB page cache: a
		// province's tables are far larger than that cache (make bench-web,
		// make bench-reports).
		"mmap_size(1073741824)",
	} {
		q.Add("_pragma", p)
	}
	// Writers take the lock when the transaction begins, so two read-then-write
	// transactions never deadlock on the upgrade.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return sqldb.New(db, Dialect()), nil
}

func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return errs.ErrConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return errs.ErrNotFound
	}
	return err
}
