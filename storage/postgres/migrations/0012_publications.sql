-- Publications (issue 13, item 2): the public copy of a decision, made with the
-- personal data blacked out, posted on the citizens' portal. The copy itself is
-- an object (object_key); body is its text as a reader extracts it, search_text
-- the same folded (no diacritics, lower case, words between spaces) for the
-- portal's search, which never reads the staff index. unpublished_at is '' while
-- the copy is posted (RFC 3339 once taken down): at most one posted copy per
-- document.
CREATE TABLE publications (
	id               TEXT PRIMARY KEY,
	case_code        TEXT NOT NULL,
	case_kind        TEXT NOT NULL,
	unit_code        TEXT NOT NULL,
	unit_name        TEXT NOT NULL DEFAULT '',
	document_id      TEXT NOT NULL REFERENCES documents (id),
	kind             TEXT NOT NULL,
	number           TEXT NOT NULL DEFAULT '',
	doc_date         TEXT NOT NULL DEFAULT '',
	year             INTEGER NOT NULL,
	object_key       TEXT NOT NULL,
	sha256           TEXT NOT NULL,
	size             BIGINT NOT NULL,
	pages            INTEGER NOT NULL,
	body             TEXT NOT NULL,
	search_text      TEXT NOT NULL,
	rects            TEXT NOT NULL,
	published_at     TIMESTAMPTZ NOT NULL,
	published_by     BIGINT NOT NULL DEFAULT 0,
	min_until        TEXT NOT NULL,
	unpublished_at   TEXT NOT NULL DEFAULT '',
	unpublished_by   BIGINT NOT NULL DEFAULT 0,
	unpublish_reason TEXT NOT NULL DEFAULT '',
	unpublish_ground TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX publications_posted_document ON publications (document_id) WHERE unpublished_at = '';
CREATE INDEX publications_posted ON publications (published_at) WHERE unpublished_at = '';
CREATE INDEX publications_case ON publications (case_code);
