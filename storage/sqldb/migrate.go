package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
	// Func, when set, runs instead of SQL: a step that a library owns, such as
	// the job queue's own migrations. It runs inside the migration's transaction tx,
	// whose commit records it; a step that cannot run in one transaction may use db,
	// and must then be safe to run again after a crash.
	Func func(ctx context.Context, db *sql.DB, tx *sql.Tx) error
}

// ErrSchemaTooNew: the database was migrated by a newer kntc; this binary must not
// touch it.
var ErrSchemaTooNew = errors.New("database schema is newer than this kntc knows")

// ErrSchemaStale: the database has migrations this kntc has not applied yet.
var ErrSchemaStale = errors.New("database schema is older than this kntc; run migrations")

// Migrations returns the dialect's migrations in version order.
func (db *DB) Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(db.d.Migrations, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".sql" {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %q: name must be NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(db.d.Migrations, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %q: %w", name, err)
		}
		ms = append(ms, Migration{Version: v, Name: rest, SQL: string(body)})
	}
	ms = append(ms, db.d.GoMigrations...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations must be numbered 1, 2, 3… without gaps or repeats; found %d at position %d", m.Version, i+1)
		}
	}
	return ms, nil
}

// KnownVersion is the newest schema version this binary has.
func (db *DB) KnownVersion() int {
	ms, err := db.Migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at TEXT NOT NULL
)`

// SchemaVersion returns the highest applied migration (0 for an empty database).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	if _, err := db.sql.ExecContext(ctx, migrationsTable); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	var v sql.NullInt64
	if err := db.sql.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// CheckSchema returns nil when the database is at exactly the known version, an
// error wrapping ErrSchemaTooNew when a newer kntc migrated it, and one wrapping
// ErrSchemaStale when migrations are pending.
func (db *DB) CheckSchema(ctx context.Context) error {
	cur, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	known := db.KnownVersion()
	switch {
	case cur > known:
		return fmt.Errorf("%s database is at schema version %d, this kntc knows up to %d; upgrade kntc (cơ sở dữ liệu do phiên bản kntc mới hơn tạo, hãy cập nhật kntc): %w", db.d.Name, cur, known, ErrSchemaTooNew)
	case cur < known:
		return fmt.Errorf("%s database is at schema version %d, this kntc has %d: %w", db.d.Name, cur, known, ErrSchemaStale)
	}
	return nil
}

// Migrate applies every pending migration, each in its own transaction together
// with its record in schema_migrations, and returns the versions applied. It refuses
// (ErrSchemaTooNew) a database that a newer kntc has migrated.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := db.Migrations()
	if err != nil {
		return nil, err
	}
	if _, err := db.SchemaVersion(ctx); err != nil {
		return nil, err
	}
	var applied []int
	for {
		done, v, err := db.migrateOne(ctx, ms)
		if err != nil {
			return applied, err
		}
		if done {
			return applied, nil
		}
		applied = append(applied, v)
	}
}

// migrateOne applies the next pending migration inside one transaction, reading the
// current version under the lock so concurrent starters apply each migration once.
func (db *DB) migrateOne(ctx context.Context, ms []Migration) (done bool, version int, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if db.d.LockMigrations != nil {
			if err := db.d.LockMigrations(ctx, tx); err != nil {
				return fmt.Errorf("lock migrations: %w", err)
			}
		}
		var cur sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&cur); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		c := int(cur.Int64)
		if c > len(ms) {
			return fmt.Errorf("%s database is at schema version %d, this kntc knows up to %d; upgrade kntc: %w", db.d.Name, c, len(ms), ErrSchemaTooNew)
		}
		if c == len(ms) {
			done = true
			return nil
		}
		m := ms[c]
		var aerr error
		if m.Func != nil {
			aerr = m.Func(ctx, db.sql, tx)
		} else {
			_, aerr = tx.ExecContext(ctx, m.SQL)
		}
		if aerr != nil {
			return fmt.Errorf("apply migration %04d_%s: %w", m.Version, m.Name, aerr)
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			m.Version, m.Name, time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
			return fmt.Errorf("record migration %04d: %w", m.Version, err)
		}
		version = m.Version
		return nil
	})
	return done, version, err
}
