-- The portal's published list is cached in each server's memory (issue 13, make
-- bench-portal): the count and the page of a filter, rendered once. Every cached
-- page belongs to the number in portal_generation, which changes in the same
-- transaction as anything the list shows: a publication posted, taken down or
-- changed, a document retracted (or its retraction removed), a unit added or
-- renamed (the filter's choices). A server reads the number on every request
-- (one row) and drops what it cached under another, so a copy taken down on one
-- server leaves the list of every server at once. Triggers keep it, so no writer
-- can forget it.
CREATE TABLE portal_generation (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  INTEGER NOT NULL
);
INSERT INTO portal_generation (id, n) VALUES (1, 1);
CREATE TRIGGER portal_generation_publications_insert AFTER INSERT ON publications BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
CREATE TRIGGER portal_generation_publications_update AFTER UPDATE ON publications BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
CREATE TRIGGER portal_generation_publications_delete AFTER DELETE ON publications BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
CREATE TRIGGER portal_generation_retractions_insert AFTER INSERT ON document_retractions BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
CREATE TRIGGER portal_generation_retractions_update AFTER UPDATE ON document_retractions BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
CREATE TRIGGER portal_generation_retractions_delete AFTER DELETE ON document_retractions BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
CREATE TRIGGER portal_generation_units_insert AFTER INSERT ON units BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
CREATE TRIGGER portal_generation_units_update AFTER UPDATE ON units BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
CREATE TRIGGER portal_generation_units_delete AFTER DELETE ON units BEGIN
	UPDATE portal_generation SET n = n + 1;
END;
-- The lookup lists a case's posted copies (cases.PublicDocumentStore) from this
-- index alone, never the table's rows: unpublished_at is in it so that SQLite
-- sees it as covering.
CREATE INDEX publications_posted_case ON publications (case_code, published_at, id, document_id, kind, number,
	doc_date, pages, unpublished_at) WHERE unpublished_at = '';
