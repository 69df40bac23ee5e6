package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kntc/auth"
	"kntc/cases"
)

// auditAccount appends the record of an account change to the audit trail in tx,
// the transaction that makes the change, under the user auth.WithActingUser put in
// ctx ("system" when none). Every auth.Store method that changes a unit, a user
// or a role calls it: one place decides who is recorded. object is "unit:CODE" or
// "user:ID"; the entry belongs to that unit, or to the user's unit.
func (db *DB) auditAccount(ctx context.Context, tx *sql.Tx, action, object, detail string) error {
	by, ok := auth.ActingUser(ctx)
	if !ok || by.Username == "" {
		by = cases.System.User
	}
	return db.appendAudit(ctx, tx, cases.Record{UserID: by.ID, Username: by.Username, Action: action,
		Object: object, Detail: detail})
}

// CreateUnit implements auth.Store; the creation is audited.
func (db *DB) CreateUnit(ctx context.Context, u *auth.Unit) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	u.CreatedAt = ts(u.CreatedAt)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO units (code, name, level, parent_id, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), u.Code, u.Name, u.Level, nullID(u.ParentID), u.CreatedAt).Scan(&u.ID)
		if err != nil {
			return db.classify("create unit "+u.Code, err)
		}
		return db.auditAccount(ctx, tx, cases.ActionCreate, "unit:"+u.Code,
			fmt.Sprintf("level=%s parent=%d", u.Level, u.ParentID))
	})
}

const unitColumns = `id, code, name, level, COALESCE(parent_id, 0), created_at`

func scanUnit(row interface{ Scan(...any) error }) (auth.Unit, error) {
	var u auth.Unit
	err := row.Scan(&u.ID, &u.Code, &u.Name, &u.Level, &u.ParentID, &u.CreatedAt)
	u.CreatedAt = ts(u.CreatedAt)
	return u, err
}

// Unit implements auth.Store.
func (db *DB) Unit(ctx context.Context, id int64) (auth.Unit, error) {
	u, err := scanUnit(db.sql.QueryRowContext(ctx, db.q(`SELECT `+unitColumns+` FROM units WHERE id = ?`), id))
	return u, db.classify("get unit "+strconv.FormatInt(id, 10), err)
}

// UnitByCode implements auth.Store.
func (db *DB) UnitByCode(ctx context.Context, code string) (auth.Unit, error) {
	u, err := scanUnit(db.sql.QueryRowContext(ctx, db.q(`SELECT `+unitColumns+` FROM units WHERE code = ?`), code))
	return u, db.classify("get unit "+code, err)
}

// Units implements auth.Store.
func (db *DB) Units(ctx context.Context) ([]auth.Unit, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+unitColumns+` FROM units ORDER BY id`)
	if err != nil {
		return nil, db.classify("list units", err)
	}
	defer rows.Close()
	units := []auth.Unit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, db.classify("list units", err)
		}
		units = append(units, u)
	}
	return units, db.classify("list units", rows.Err())
}

const userColumns = `id, username, full_name, role, unit_id, scope_unit_id, password_hash, disabled, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (auth.User, error) {
	var u auth.User
	err := row.Scan(&u.ID, &u.Username, &u.FullName, &u.Role, &u.UnitID, &u.ScopeUnitID, &u.PasswordHash,
		&u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	u.CreatedAt, u.UpdatedAt = ts(u.CreatedAt), ts(u.UpdatedAt)
	return u, err
}

// CreateUser implements auth.Store; the creation is audited.
func (db *DB) CreateUser(ctx context.Context, u *auth.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	u.CreatedAt = ts(u.CreatedAt)
	u.UpdatedAt = u.CreatedAt
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, db.q(`INSERT INTO users (username, full_name, role, unit_id, scope_unit_id,
		password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			u.Username, u.FullName, u.Role, u.UnitID, u.ScopeUnitID, u.PasswordHash, u.Disabled, u.CreatedAt, u.UpdatedAt).Scan(&u.ID)
		if err != nil {
			return db.classify("create user "+u.Username, err)
		}
		return db.auditAccount(ctx, tx, cases.ActionCreate, "user:"+strconv.FormatInt(u.ID, 10),
			fmt.Sprintf("username=%s role=%s unit=%d scope=%d disabled=%t", u.Username, u.Role, u.UnitID, u.ScopeUnitID, u.Disabled))
	})
}

// User implements auth.Store.
func (db *DB) User(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, db.q(`SELECT `+userColumns+` FROM users WHERE id = ?`), id))
	return u, db.classify("get user "+strconv.FormatInt(id, 10), err)
}

// UserByUsername implements auth.Store.
func (db *DB) UserByUsername(ctx context.Context, username string) (auth.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, db.q(`SELECT `+userColumns+` FROM users WHERE username = ?`), username))
	return u, db.classify("get user "+username, err)
}

// Users implements auth.Store.
func (db *DB) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, db.classify("list users", err)
	}
	defer rows.Close()
	users := []auth.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, db.classify("list users", err)
		}
		users = append(users, u)
	}
	return users, db.classify("list users", rows.Err())
}

// UpdateUser implements auth.Store; the change (which fields, never the password
// hash) is audited.
func (db *DB) UpdateUser(ctx context.Context, u *auth.User) error {
	u.UpdatedAt = now()
	return db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanUser(tx.QueryRowContext(ctx, db.q(`SELECT `+userColumns+` FROM users WHERE id = ?`), u.ID))
		if err != nil {
			return db.classify("update user "+u.Username, err)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE users SET username = ?, full_name = ?, role = ?, unit_id = ?,
		scope_unit_id = ?, password_hash = ?, disabled = ?, updated_at = ? WHERE id = ?`),
			u.Username, u.FullName, u.Role, u.UnitID, u.ScopeUnitID, u.PasswordHash, u.Disabled, u.UpdatedAt, u.ID)
		if err := db.mustAffect("update user "+u.Username, res, err); err != nil {
			return err
		}
		if u.Disabled && !old.Disabled {
			// A disabled account keeps no session: enabling it again later must not
			// bring back the tokens it held.
			if err := db.revokeSessions(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		// The audit entry first: on PostgreSQL it takes the audit chain's lock,
		// which serialises account changes, so the count below sees every change
		// committed before this one (two administrators demoting each other at
		// once cannot both succeed).
		if err := db.auditAccount(ctx, tx, cases.ActionUpdate, "user:"+strconv.FormatInt(u.ID, 10), userChanges(old, *u)); err != nil {
			return err
		}
		if activeAdministrator(old) && !activeAdministrator(*u) {
			var n int
			err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM users WHERE role = ? AND disabled = ?`),
				auth.RoleAdministrator, false).Scan(&n)
			if err != nil {
				return db.classify("count administrators", err)
			}
			if n == 0 {
				return fmt.Errorf("update user %s: %w", u.Username, auth.ErrLastAdministrator)
			}
		}
		return nil
	})
}

func activeAdministrator(u auth.User) bool { return u.Role == auth.RoleAdministrator && !u.Disabled }

// RenameUnit implements auth.Store; the change is audited.
func (db *DB) RenameUnit(ctx context.Context, id int64, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanUnit(tx.QueryRowContext(ctx, db.q(`SELECT `+unitColumns+` FROM units WHERE id = ?`), id))
		if err != nil {
			return db.classify("rename unit "+strconv.FormatInt(id, 10), err)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE units SET name = ? WHERE id = ?`), name, id)
		if err := db.mustAffect("rename unit "+old.Code, res, err); err != nil {
			return err
		}
		detail := "name unchanged"
		if old.Name != name {
			detail = "name=" + old.Name + "→" + name // unit names are public
		}
		return db.auditAccount(ctx, tx, cases.ActionUpdate, "unit:"+old.Code, detail)
	})
}

// userChanges says what changed from old to u, for the audit trail.
func userChanges(old, u auth.User) string {
	var out []string
	if old.Username != u.Username {
		out = append(out, "username="+old.Username+"→"+u.Username)
	}
	if old.FullName != u.FullName {
		out = append(out, "full_name")
	}
	if old.Role != u.Role {
		out = append(out, "role="+string(old.Role)+"→"+string(u.Role))
	}
	if old.UnitID != u.UnitID {
		out = append(out, fmt.Sprintf("unit=%d→%d", old.UnitID, u.UnitID))
	}
	if old.ScopeUnitID != u.ScopeUnitID {
		out = append(out, fmt.Sprintf("scope=%d→%d", old.ScopeUnitID, u.ScopeUnitID))
	}
	if old.PasswordHash != u.PasswordHash {
		out = append(out, "password")
	}
	if old.Disabled != u.Disabled {
		out = append(out, fmt.Sprintf("disabled=%t", u.Disabled))
	}
	if len(out) == 0 {
		return "username=" + u.Username + " unchanged"
	}
	return "username=" + u.Username + " " + strings.Join(out, " ")
}

// SetPassword implements auth.Store: the new hash, every token of the user
// revoked and the change audited, in one transaction.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`), hash, now(), id)
		if err := db.mustAffect("set password of user "+strconv.FormatInt(id, 10), res, err); err != nil {
			return err
		}
		if err := db.revokeSessions(ctx, tx, id); err != nil {
			return err
		}
		return db.auditAccount(ctx, tx, cases.ActionUpdate, "user:"+strconv.FormatInt(id, 10), "password set, sessions revoked")
	})
}

// CountUsers implements auth.Store.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, db.classify("count users", err)
}

// CreateToken implements auth.Store.
func (db *DB) CreateToken(ctx context.Context, t auth.Token) error {
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO tokens (hash, user_id, name, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`), t.Hash, t.UserID, t.Name, ts(t.CreatedAt), ts(t.ExpiresAt))
	return db.classify("create token", err)
}

// TokenUser implements auth.Store.
func (db *DB) TokenUser(ctx context.Context, hash string, at time.Time) (auth.User, error) {
	var expires time.Time
	var userID int64
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT user_id, expires_at FROM tokens WHERE hash = ?`), hash).Scan(&userID, &expires)
	if err != nil {
		return auth.User{}, db.classify("token", err)
	}
	// Compared here, not in SQL: SQLite keeps timestamps as text.
	if !at.Before(expires) {
		return auth.User{}, db.classify("token expired", sql.ErrNoRows)
	}
	return db.User(ctx, userID)
}

// DeleteToken implements auth.Store.
func (db *DB) DeleteToken(ctx context.Context, hash string) error {
	_, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM tokens WHERE hash = ?`), hash)
	return db.classify("delete token", err)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// revokeSessions deletes every API token and browser session of a user, in tx.
func (db *DB) revokeSessions(ctx context.Context, tx *sql.Tx, userID int64) error {
	for _, table := range []string{"tokens", "sessions"} {
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM `+table+` WHERE user_id = ?`), userID); err != nil {
			return db.classify("revoke "+table+" of user "+strconv.FormatInt(userID, 10), err)
		}
	}
	return nil
}

// CreateSession implements auth.Store. The user's sessions that expired before
// this one began go in the same transaction: a session never presented again
// does not stay for ever.
func (db *DB) CreateSession(ctx context.Context, s auth.Session) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?`), s.UserID, ts(s.CreatedAt)); err != nil {
			return db.classify("sweep expired sessions", err)
		}
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO sessions (hash, user_id, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`), s.Hash, s.UserID, ts(s.CreatedAt), ts(s.LastSeenAt), ts(s.ExpiresAt))
		return db.classify("create session", err)
	})
}

// Session implements auth.Store.
func (db *DB) Session(ctx context.Context, hash string) (auth.Session, auth.User, error) {
	s := auth.Session{Hash: hash}
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT user_id, created_at, last_seen_at, expires_at FROM sessions WHERE hash = ?`), hash).
		Scan(&s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if err != nil {
		return auth.Session{}, auth.User{}, db.classify("session", err)
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = s.CreatedAt.UTC(), s.LastSeenAt.UTC(), s.ExpiresAt.UTC()
	u, err := db.User(ctx, s.UserID)
	if err != nil {
		return auth.Session{}, auth.User{}, err
	}
	return s, u, nil
}

// TouchSession implements auth.Store.
func (db *DB) TouchSession(ctx context.Context, hash string, at time.Time) error {
	_, err := db.sql.ExecContext(ctx, db.q(`UPDATE sessions SET last_seen_at = ? WHERE hash = ?`), ts(at), hash)
	return db.classify("touch session", err)
}

// DeleteSession implements auth.Store.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE hash = ?`), hash)
	return db.classify("delete session", err)
}
