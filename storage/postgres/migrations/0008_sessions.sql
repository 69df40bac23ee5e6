-- Browser sessions of the staff pages (issue 12): a cookie holds a random token,
-- the server keeps only its SHA-256, so a session can be revoked (logout, a new
-- password, a disabled account) and a copied database holds no usable cookie.
-- last_seen_at gives the idle expiry, expires_at the absolute one.
CREATE TABLE sessions (
	hash         TEXT PRIMARY KEY,
	user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   TIMESTAMPTZ NOT NULL,
	last_seen_at TIMESTAMPTZ NOT NULL,
	expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
