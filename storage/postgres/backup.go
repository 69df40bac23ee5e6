package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"kntc/storage/sqldb"
)

// Backups of PostgreSQL use the server's own tools: pg_dump in its custom format (one
// snapshot transaction, so the dump is of one moment; compressed; restorable table
// by table) and pg_restore. They must be installed (Debian: postgresql-client) at a
// version no older than the server's.

// Dump writes a pg_dump custom-format archive of the database at dbURL to path.
func Dump(ctx context.Context, dbURL, path string) error {
	return pgTool(ctx, dbURL, "pg_dump", "--format=custom", "--file="+path)
}

// Restore loads the pg_dump archive at path into the (empty) database at dbURL in
// one transaction: it is all there, or nothing is.
func Restore(ctx context.Context, dbURL, path string) error {
	return pgTool(ctx, dbURL, "pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", path)
}

// CheckDump reads the whole pg_dump archive at path (its table of contents and every
// data block, decompressed), as a restore would, without a database.
func CheckDump(ctx context.Context, path string) error {
	return pgTool(ctx, "", "pg_restore", "--file="+os.DevNull, path)
}

// Empty reports whether the database holds no table outside the system schemas.
func Empty(ctx context.Context, db *sqldb.DB) (bool, error) {
	var n int
	err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("count tables: %w", err)
	}
	return n == 0, nil
}

// pgTool runs a PostgreSQL client program. The password travels in PGPASSWORD, not
// on the command line, where every local user could read it.
func pgTool(ctx context.Context, dbURL, tool string, args ...string) error {
	bin, err := exec.LookPath(tool)
	if err != nil {
		return fmt.Errorf("%s không có trên máy này; cài postgresql-client (%s not found; install postgresql-client): %w", tool, tool, err)
	}
	env := os.Environ()
	if dbURL != "" {
		u, err := url.Parse(dbURL)
		if err != nil {
			return fmt.Errorf("parse PostgreSQL URL: %w", err)
		}
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
		args = append([]string{"--dbname=" + u.String()}, args...)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 2000 {
			msg = msg[:2000] + "…"
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) && msg != "" {
			return fmt.Errorf("%s: %s", tool, msg)
		}
		return fmt.Errorf("%s: %w: %s", tool, err, msg)
	}
	return nil
}
