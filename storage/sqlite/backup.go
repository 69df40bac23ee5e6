package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"kntc/storage/sqldb"
)

// Snapshot writes a consistent copy of the database into the new file at path with
// VACUUM INTO: one read transaction, so the copy is of one moment while writers go
// on (WAL), and compact, without free pages.
func Snapshot(ctx context.Context, db *sqldb.DB, path string) error {
	if _, err := db.SQL().ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("sqlite VACUUM INTO: %w", err)
	}
	return nil
}

// CheckFile opens the database file at path read-only, runs PRAGMA integrity_check
// and returns its schema version: a snapshot that passes is a database kntc can
// open.
func CheckFile(ctx context.Context, path string) (int, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "query_only(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return 0, fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("integrity check: %s", res)
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return int(v.Int64), nil
}
