package sqldb

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"kntc/auth"
)

// CreateUnit implements auth.Store.
func (db *DB) CreateUnit(ctx context.Context, u *auth.Unit) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	u.CreatedAt = ts(u.CreatedAt)
	err := db.sql.QueryRowContext(ctx, db.q(`INSERT INTO units (code, name, level, parent_id, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), u.Code, u.Name, u.Level, nullID(u.ParentID), u.CreatedAt).Scan(&u.ID)
	return db.classify("create unit "+u.Code, err)
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

// CreateUser implements auth.Store.
func (db *DB) CreateUser(ctx context.Context, u *auth.User) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now()
	}
	u.CreatedAt = ts(u.CreatedAt)
	u.UpdatedAt = u.CreatedAt
	err := db.sql.QueryRowContext(ctx, db.q(`INSERT INTO users (username, full_name, role, unit_id, scope_unit_id,
		password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		u.Username, u.FullName, u.Role, u.UnitID, u.ScopeUnitID, u.PasswordHash, u.Disabled, u.CreatedAt, u.UpdatedAt).Scan(&u.ID)
	return db.classify("create user "+u.Username, err)
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

// UpdateUser implements auth.Store.
func (db *DB) UpdateUser(ctx context.Context, u *auth.User) error {
	u.UpdatedAt = now()
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE users SET username = ?, full_name = ?, role = ?, unit_id = ?,
		scope_unit_id = ?, password_hash = ?, disabled = ?, updated_at = ? WHERE id = ?`),
		u.Username, u.FullName, u.Role, u.UnitID, u.ScopeUnitID, u.PasswordHash, u.Disabled, u.UpdatedAt, u.ID)
	return db.mustAffect("update user "+u.Username, res, err)
}

// SetPassword implements auth.Store.
func (db *DB) SetPassword(ctx context.Context, id int64, hash string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`), hash, now(), id)
		if err := db.mustAffect("set password of user "+strconv.FormatInt(id, 10), res, err); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, db.q(`DELETE FROM tokens WHERE user_id = ?`), id)
		return db.classify("revoke tokens of user "+strconv.FormatInt(id, 10), err)
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
