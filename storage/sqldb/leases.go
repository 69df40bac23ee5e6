package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// nowMS is the SQL for the database's clock in milliseconds since 1970: every node
// of a cluster compares lease expiries on the one clock they share.
func (db *DB) nowMS() string {
	if db.d.Name == "postgres" {
		return `CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)`
	}
	return `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`
}

// AcquireLease takes lease name for holder for ttl when nobody holds it, its
// holder's time ran out, or holder already holds it (then it is renewed). It
// returns the lease's token (one more each time the lease changes hands) and
// whether holder now holds it. One statement, a compare-and-set: of two nodes
// asking at once, one gets it. Safe for concurrent use.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration) (token int64, ok bool, err error) {
	now := db.nowMS()
	err = db.sql.QueryRowContext(ctx, db.q(`INSERT INTO leases (name, holder, token, expires_ms) VALUES (?, ?, 1, `+now+` + ?)
		ON CONFLICT (name) DO UPDATE SET
			token = CASE WHEN leases.holder = excluded.holder AND leases.expires_ms > `+now+` THEN leases.token ELSE leases.token + 1 END,
			holder = excluded.holder, expires_ms = excluded.expires_ms
		WHERE leases.holder = excluded.holder OR leases.expires_ms <= `+now+`
		RETURNING token`), name, holder, ttl.Milliseconds()).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil // held by another node
	}
	if err != nil {
		return 0, false, db.classify("acquire lease "+name, err)
	}
	return token, true, nil
}

// RenewLease extends holder's lease name (with token) by ttl from now. It returns
// false when the lease is no longer holder's: its time ran out (another node may
// have it, or may take it at any moment) or another node took it.
func (db *DB) RenewLease(ctx context.Context, name, holder string, token int64, ttl time.Duration) (bool, error) {
	now := db.nowMS()
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE leases SET expires_ms = `+now+` + ?
		WHERE name = ? AND holder = ? AND token = ? AND expires_ms > `+now), ttl.Milliseconds(), name, holder, token)
	if err != nil {
		return false, db.classify("renew lease "+name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("renew lease %s: %w", name, err)
	}
	return n == 1, nil
}

// ReleaseLease gives holder's lease name (with token) up, so another node takes
// it at once instead of after its expiry. Releasing a lease no longer held does
// nothing.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string, token int64) error {
	_, err := db.sql.ExecContext(ctx, db.q(`UPDATE leases SET expires_ms = 0 WHERE name = ? AND holder = ? AND token = ?`), name, holder, token)
	return db.classify("release lease "+name, err)
}

// Lease is a lease's row.
type Lease struct {
	Name, Holder string
	Token        int64
	// Left is how long the lease still runs (by the database's clock); 0 or less
	// when it ran out.
	Left time.Duration
}

// Leases lists every lease, by name (for tests and administrators).
func (db *DB) Leases(ctx context.Context) ([]Lease, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT name, holder, token, expires_ms - `+db.nowMS()+` FROM leases ORDER BY name`)
	if err != nil {
		return nil, db.classify("list leases", err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		var left int64
		if err := rows.Scan(&l.Name, &l.Holder, &l.Token, &left); err != nil {
			return nil, db.classify("list leases", err)
		}
		l.Left = time.Duration(left) * time.Millisecond
		out = append(out, l)
	}
	return out, db.classify("list leases", rows.Err())
}
