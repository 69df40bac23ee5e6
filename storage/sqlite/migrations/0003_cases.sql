-- Case files (hồ sơ vụ việc): cases with their timeline, parties and grants, the
-- petition register, the reception log, link suggestions for unlinked documents, and
-- the hash-chained audit log.
--
-- Dates the law counts with (received, thụ lý, due…) are TEXT 'YYYY-MM-DD', or ''
-- for none: they compare and sort as text on both databases.
-- Kinds, statuses and the like are not CHECKed here: the cases package validates
-- them, and a changed list would otherwise mean rebuilding the table on SQLite.

-- Documents: a confidential document carries a denouncer's identity; a published
-- one is the public copy of a decision.
ALTER TABLE documents ADD COLUMN confidential BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN published BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX documents_meta_number ON documents (meta_number);

-- The last number given per code prefix and year: KN-2026-000123 is (KN, 2026, 123).
CREATE TABLE case_counters (
	prefix TEXT NOT NULL,
	year   INTEGER NOT NULL,
	last   INTEGER NOT NULL,
	PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
	id                INTEGER PRIMARY KEY,
	code              TEXT NOT NULL UNIQUE,
	kind              TEXT NOT NULL,
	source            TEXT NOT NULL DEFAULT '',
	received_on       TEXT NOT NULL DEFAULT '',
	subject           TEXT NOT NULL DEFAULT '',
	-- subject_key is the subject folded in Go (lower case, no diacritics) for the text
	-- filter: SQLite's LOWER() knows only ASCII, PostgreSQL's depends on the locale.
	subject_key       TEXT NOT NULL DEFAULT '',
	summary           TEXT NOT NULL DEFAULT '',
	unit_id           INTEGER NOT NULL REFERENCES units (id),
	handler_id        INTEGER REFERENCES users (id), -- NULL while unassigned
	round             INTEGER NOT NULL DEFAULT 1,
	complex           BOOLEAN NOT NULL DEFAULT 0,
	remote            BOOLEAN NOT NULL DEFAULT 0,
	status            TEXT NOT NULL,
	result            TEXT NOT NULL DEFAULT '',
	accepted_on       TEXT NOT NULL DEFAULT '',
	decided_on        TEXT NOT NULL DEFAULT '',
	closed_on         TEXT NOT NULL DEFAULT '',
	decision_document TEXT NOT NULL DEFAULT '',
	published_on      TEXT NOT NULL DEFAULT '',
	extensions        TEXT NOT NULL DEFAULT '[]', -- JSON array of cases.Extension
	due_on            TEXT NOT NULL DEFAULT '',
	pin_hash          TEXT NOT NULL DEFAULT '',
	version           INTEGER NOT NULL DEFAULT 1,
	created_by        INTEGER NOT NULL DEFAULT 0,
	created_at        TIMESTAMP NOT NULL,
	updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX cases_unit_status ON cases (unit_id, status);
CREATE INDEX cases_unit_due ON cases (unit_id, due_on);
CREATE INDEX cases_due ON cases (due_on);
CREATE INDEX cases_handler ON cases (handler_id, due_on);
CREATE INDEX cases_status ON cases (status);

-- The timeline. Cases are never deleted (they are archives), so nothing cascades.
CREATE TABLE case_events (
	id          INTEGER PRIMARY KEY,
	case_id     INTEGER NOT NULL REFERENCES cases (id),
	at          TIMESTAMP NOT NULL,
	user_id     INTEGER NOT NULL DEFAULT 0, -- 0: the system
	type        TEXT NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status   TEXT NOT NULL DEFAULT '',
	document_id TEXT NOT NULL DEFAULT '',
	note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, at, id);

-- A secret party's identity is only in sealed; the plain columns stay empty.
CREATE TABLE parties (
	id         INTEGER PRIMARY KEY,
	case_id    INTEGER NOT NULL REFERENCES cases (id),
	role       TEXT NOT NULL,
	secret     BOOLEAN NOT NULL DEFAULT 0,
	name       TEXT NOT NULL DEFAULT '',
	id_number  TEXT NOT NULL DEFAULT '',
	address    TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	sealed     TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	CHECK (NOT secret OR (name = '' AND id_number = '' AND address = '' AND phone = '' AND sealed <> ''))
);
CREATE INDEX parties_case ON parties (case_id, id);

CREATE TABLE case_grants (
	case_id    INTEGER NOT NULL REFERENCES cases (id),
	user_id    INTEGER NOT NULL REFERENCES users (id),
	granted_by INTEGER NOT NULL DEFAULT 0,
	granted_at TIMESTAMP NOT NULL,
	PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_grants_user ON case_grants (user_id);

-- The petition register (sổ theo dõi đơn thư). id_key and name_key are blind
-- indexes of the petitioner, for duplicate detection.
CREATE TABLE petitions (
	id             INTEGER PRIMARY KEY,
	unit_id        INTEGER NOT NULL REFERENCES units (id),
	received_on    TEXT NOT NULL DEFAULT '',
	source         TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL DEFAULT '',
	name           TEXT NOT NULL DEFAULT '',
	id_number      TEXT NOT NULL DEFAULT '',
	address        TEXT NOT NULL DEFAULT '',
	phone          TEXT NOT NULL DEFAULT '',
	secret         BOOLEAN NOT NULL DEFAULT 0,
	sealed         TEXT NOT NULL DEFAULT '',
	id_key         TEXT NOT NULL DEFAULT '',
	name_key       TEXT NOT NULL DEFAULT '',
	subject        TEXT NOT NULL DEFAULT '',
	content        TEXT NOT NULL DEFAULT '',
	admissibility  TEXT NOT NULL DEFAULT '',
	competence     TEXT NOT NULL DEFAULT '',
	handling       TEXT NOT NULL DEFAULT '',
	transferred_to TEXT NOT NULL DEFAULT '',
	duplicate_of   INTEGER NOT NULL DEFAULT 0,
	case_id        INTEGER REFERENCES cases (id), -- NULL when none
	document_id    TEXT NOT NULL DEFAULT '',
	created_by     INTEGER NOT NULL DEFAULT 0,
	created_at     TIMESTAMP NOT NULL,
	updated_at     TIMESTAMP NOT NULL,
	CHECK (NOT secret OR (name = '' AND id_number = '' AND address = '' AND phone = '' AND sealed <> ''))
);
CREATE INDEX petitions_unit ON petitions (unit_id, received_on);
CREATE INDEX petitions_id_key ON petitions (id_key);
CREATE INDEX petitions_name_key ON petitions (name_key);

-- The reception log (sổ tiếp công dân). visitors is a JSON array of cases.Person,
-- '[]' when they are sealed.
CREATE TABLE receptions (
	id         INTEGER PRIMARY KEY,
	unit_id    INTEGER NOT NULL REFERENCES units (id),
	at         TIMESTAMP NOT NULL,
	officer_id INTEGER REFERENCES users (id), -- NULL when not recorded
	visitors   TEXT NOT NULL DEFAULT '[]',
	secret     BOOLEAN NOT NULL DEFAULT 0,
	sealed     TEXT NOT NULL DEFAULT '',
	group_size INTEGER NOT NULL DEFAULT 0,
	kind       TEXT NOT NULL DEFAULT '',
	content    TEXT NOT NULL DEFAULT '',
	outcome    TEXT NOT NULL DEFAULT '',
	case_id    INTEGER REFERENCES cases (id), -- NULL when none
	created_by INTEGER NOT NULL DEFAULT 0,
	created_at TIMESTAMP NOT NULL,
	CHECK (NOT secret OR (visitors = '[]' AND sealed <> ''))
);
CREATE INDEX receptions_unit_at ON receptions (unit_id, at);
CREATE INDEX receptions_at ON receptions (at);

-- Cases proposed for unlinked documents (the triage inbox).
CREATE TABLE document_suggestions (
	id          INTEGER PRIMARY KEY,
	document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
	case_code   TEXT NOT NULL REFERENCES cases (code),
	reason      TEXT NOT NULL,
	detail      TEXT NOT NULL DEFAULT '',
	score       REAL NOT NULL DEFAULT 0
);
CREATE INDEX document_suggestions_document ON document_suggestions (document_id);

-- The audit trail: numbered from 1 without gaps, each row chained to the previous
-- one by hash (cases.ChainHash). Rows are only ever added; the triggers refuse the
-- rest, and the chain shows an edit made around them.
CREATE TABLE audit_log (
	seq       INTEGER PRIMARY KEY,
	at        TIMESTAMP NOT NULL,
	user_id   INTEGER NOT NULL DEFAULT 0,
	username  TEXT NOT NULL DEFAULT '',
	action    TEXT NOT NULL,
	object    TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE INDEX audit_log_object ON audit_log (object, seq);
CREATE INDEX audit_log_user ON audit_log (user_id, seq);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only: its rows cannot be changed (nhật ký chỉ được ghi thêm)');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only: its rows cannot be deleted (nhật ký chỉ được ghi thêm)');
END;
