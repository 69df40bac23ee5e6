-- A document put in by mistake (a wrong file, another citizen's letter) is
-- retracted by a leader (issue 17): one row here, with the reason and who. The
-- document then leaves every list, search answer and case (the stores filter on
-- this table; the search index follows updated_at); its row, pages and objects
-- are kept, and so is the audit entry saying why.
CREATE TABLE document_retractions (
	document_id  TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
	reason       TEXT NOT NULL CHECK (reason <> ''),
	user_id      INTEGER NOT NULL DEFAULT 0,
	username     TEXT NOT NULL DEFAULT '',
	retracted_at TIMESTAMP NOT NULL
);
