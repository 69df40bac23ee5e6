-- Accounts: the unit tree, users, API tokens.
CREATE TABLE units (
	id         INTEGER PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	level      TEXT NOT NULL CHECK (level IN ('province', 'department', 'district', 'commune')),
	parent_id  INTEGER REFERENCES units (id),
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	full_name     TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('administrator', 'clerk', 'handler', 'leader', 'inspector')),
	unit_id       INTEGER NOT NULL REFERENCES units (id),
	scope_unit_id INTEGER NOT NULL REFERENCES units (id),
	password_hash TEXT NOT NULL,
	disabled      BOOLEAN NOT NULL DEFAULT 0,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE tokens (
	hash       TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX tokens_user ON tokens (user_id);

-- Documents and their pages.
CREATE TABLE documents (
	id           TEXT PRIMARY KEY,
	status       TEXT NOT NULL CHECK (status IN ('received', 'processing', 'stored', 'failed', 'quarantined', 'duplicate')),
	sha256       TEXT NOT NULL,
	size         INTEGER NOT NULL,
	filename     TEXT NOT NULL DEFAULT '',
	source_path  TEXT NOT NULL DEFAULT '',
	content_type TEXT NOT NULL DEFAULT '',
	unit_code    TEXT NOT NULL DEFAULT '',
	case_code    TEXT NOT NULL DEFAULT '',
	duplicate_of TEXT NOT NULL DEFAULT '',
	pages        INTEGER NOT NULL DEFAULT 0,
	kind         TEXT NOT NULL DEFAULT '',
	meta_number  TEXT NOT NULL DEFAULT '',
	meta_date    TEXT NOT NULL DEFAULT '',
	meta_issuer  TEXT NOT NULL DEFAULT '',
	meta_type    TEXT NOT NULL DEFAULT '',
	meta_subject TEXT NOT NULL DEFAULT '',
	error        TEXT NOT NULL DEFAULT '',
	attempts     INTEGER NOT NULL DEFAULT 0,
	pipeline     TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX documents_sha256 ON documents (sha256);
CREATE INDEX documents_status ON documents (status, created_at);
CREATE INDEX documents_case ON documents (case_code, created_at);
CREATE INDEX documents_created ON documents (created_at);

CREATE TABLE pages (
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	page_no     INTEGER NOT NULL,
	text        TEXT NOT NULL DEFAULT '',
	confidence  REAL NOT NULL DEFAULT 0,
	words_key   TEXT NOT NULL DEFAULT '',
	width       INTEGER NOT NULL DEFAULT 0,
	height      INTEGER NOT NULL DEFAULT 0,
	dpi         INTEGER NOT NULL DEFAULT 0,
	source      TEXT NOT NULL DEFAULT '',
	duration_ms INTEGER NOT NULL DEFAULT 0,
	created_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (document_id, page_no)
);
