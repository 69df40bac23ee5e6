-- A scan batch cut at its QR cover sheets into one document per cover ends with
-- status 'split' (ingest.StatusSplit).
--
-- SQLite cannot change a CHECK constraint, so documents is rebuilt
-- (https://sqlite.org/lang_altertable.html#otheralter). The usual recipe turns
-- foreign keys off first, but kntc runs each migration in a transaction with foreign
-- keys on, where PRAGMA foreign_keys does nothing: dropping the old documents table
-- would delete its children's rows (ON DELETE CASCADE), and renaming it would move
-- their REFERENCES along with it. So the tables that reference documents (pages,
-- document_suggestions) are rebuilt too, referencing the new table from the start;
-- the old tables are dropped children first, and renaming the new documents table
-- carries their REFERENCES over to its final name.

-- The rebuild knows the schema as migration 3 left it. A database that differs
-- (another column, another table referencing documents) stops here, unchanged,
-- rather than losing what the rebuild does not know about.
CREATE TEMP TABLE migration_0004_guard (what TEXT NOT NULL, ok BOOLEAN NOT NULL CHECK (ok));
INSERT INTO migration_0004_guard VALUES
	('documents has 24 columns', (SELECT count(*) FROM pragma_table_info('documents')) = 24),
	('pages has 11 columns', (SELECT count(*) FROM pragma_table_info('pages')) = 11),
	('document_suggestions has 6 columns', (SELECT count(*) FROM pragma_table_info('document_suggestions')) = 6),
	('only pages and document_suggestions reference documents',
		(SELECT group_concat(name, ',') FROM (SELECT DISTINCT m.name FROM sqlite_schema AS m, pragma_foreign_key_list(m.name) AS f
			WHERE m.type = 'table' AND f."table" = 'documents' ORDER BY m.name)) = 'document_suggestions,pages');
DROP TABLE migration_0004_guard;

CREATE TABLE documents_new (
	id           TEXT PRIMARY KEY,
	status       TEXT NOT NULL CHECK (status IN ('received', 'processing', 'stored', 'failed', 'quarantined', 'duplicate', 'split')),
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
	updated_at   TIMESTAMP NOT NULL,
	confidential BOOLEAN NOT NULL DEFAULT 0,
	published    BOOLEAN NOT NULL DEFAULT 0
);
INSERT INTO documents_new (id, status, sha256, size, filename, source_path, content_type, unit_code, case_code,
	duplicate_of, pages, kind, meta_number, meta_date, meta_issuer, meta_type, meta_subject, error, attempts,
	pipeline, created_at, updated_at, confidential, published)
SELECT id, status, sha256, size, filename, source_path, content_type, unit_code, case_code,
	duplicate_of, pages, kind, meta_number, meta_date, meta_issuer, meta_type, meta_subject, error, attempts,
	pipeline, created_at, updated_at, confidential, published
FROM documents;

CREATE TABLE pages_new (
	document_id TEXT NOT NULL REFERENCES documents_new (id) ON DELETE CASCADE,
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
INSERT INTO pages_new (document_id, page_no, text, confidence, words_key, width, height, dpi, source, duration_ms, created_at)
SELECT document_id, page_no, text, confidence, words_key, width, height, dpi, source, duration_ms, created_at FROM pages;

CREATE TABLE document_suggestions_new (
	id          INTEGER PRIMARY KEY,
	document_id TEXT NOT NULL REFERENCES documents_new (id) ON DELETE CASCADE,
	case_code   TEXT NOT NULL REFERENCES cases (code),
	reason      TEXT NOT NULL,
	detail      TEXT NOT NULL DEFAULT '',
	score       REAL NOT NULL DEFAULT 0
);
INSERT INTO document_suggestions_new (id, document_id, case_code, reason, detail, score)
SELECT id, document_id, case_code, reason, detail, score FROM document_suggestions;

DROP TABLE pages;
DROP TABLE document_suggestions;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
ALTER TABLE pages_new RENAME TO pages;
ALTER TABLE document_suggestions_new RENAME TO document_suggestions;

CREATE INDEX documents_sha256 ON documents (sha256);
CREATE INDEX documents_status ON documents (status, created_at);
CREATE INDEX documents_case ON documents (case_code, created_at);
CREATE INDEX documents_created ON documents (created_at);
CREATE INDEX documents_meta_number ON documents (meta_number);
CREATE INDEX document_suggestions_document ON document_suggestions (document_id);
