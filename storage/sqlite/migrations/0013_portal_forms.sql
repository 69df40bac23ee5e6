-- The citizens' portal's forms (issue 13 items 4–6).
--
-- online_petitions: a petition a citizen sent through the portal (source
-- truc_tuyen in petitions) and what the portal gave them: the lookup code
-- (DT-YYYY-NNNNNN) and the argon2id hash of its PIN (never the PIN), whether it is
-- an anonymous denunciation (Luật Tố cáo 2018, Điều 25: taken as information, not
-- handled as a denunciation), and the documents its attachments became, in the
-- order sent (space-separated IDs).
CREATE TABLE online_petitions (
	petition_id INTEGER PRIMARY KEY REFERENCES petitions (id),
	code        TEXT NOT NULL UNIQUE,
	pin_hash    TEXT NOT NULL,
	anonymous   BOOLEAN NOT NULL DEFAULT 0,
	documents   TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL
);

-- questions: hỏi – đáp. contact is how the asker wants an answer (never shown on
-- the portal); folded is topic, question and answer without diacritics, in lower
-- case, for the portal's search; public answered questions are listed.
CREATE TABLE questions (
	id          INTEGER PRIMARY KEY,
	unit_id     INTEGER REFERENCES units (id), -- NULL: no unit chosen
	topic       TEXT NOT NULL,
	question    TEXT NOT NULL,
	contact     TEXT NOT NULL DEFAULT '',
	asked_at    TIMESTAMP NOT NULL,
	answer      TEXT NOT NULL DEFAULT '',
	answered_by INTEGER NOT NULL DEFAULT 0,
	answered_at TIMESTAMP, -- NULL while unanswered
	public      BOOLEAN NOT NULL DEFAULT 0,
	folded      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX questions_public ON questions (public, answered_at);
CREATE INDEX questions_asked ON questions (asked_at);

-- reception_days: lịch tiếp công dân. kind 'thuong_xuyen' is the unit's regular
-- reception, 'lanh_dao' a leader's (leader holds the name and title). A day is
-- given as weekdays (ISO 1–7, comma-separated), a day of the month, or one date
-- (YYYY-MM-DD); the portal lists the coming days it gives.
CREATE TABLE reception_days (
	id         INTEGER PRIMARY KEY,
	unit_id    INTEGER NOT NULL REFERENCES units (id),
	kind       TEXT NOT NULL,
	leader     TEXT NOT NULL DEFAULT '',
	weekdays   TEXT NOT NULL DEFAULT '',
	month_day  INTEGER NOT NULL DEFAULT 0,
	on_date    TEXT NOT NULL DEFAULT '',
	hours      TEXT NOT NULL DEFAULT '',
	place      TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reception_days_unit ON reception_days (unit_id);
