-- The portal's published list is cached in each server's memory (issue 13, make
-- bench-portal): the count and the page of a filter, rendered once. Every cached
-- page belongs to the number in portal_generation, which changes in the same
-- transaction as anything the list shows: a publication posted, taken down or
-- changed, a document retracted (or its retraction removed), a unit added or
-- renamed (the filter's choices). A server reads the number on every request
-- (one row) and drops what it cached under another, so a copy taken down on one
-- server leaves the list of every server at once. Triggers keep it (once a
-- statement), so no writer can forget it.
CREATE TABLE portal_generation (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n  BIGINT NOT NULL
);
INSERT INTO portal_generation (id, n) VALUES (1, 1);
CREATE FUNCTION portal_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE portal_generation SET n = n + 1;
	RETURN NULL;
END;
$$;
CREATE TRIGGER portal_generation_publications AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON publications
	FOR EACH STATEMENT EXECUTE FUNCTION portal_generation_bump();
CREATE TRIGGER portal_generation_retractions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON document_retractions
	FOR EACH STATEMENT EXECUTE FUNCTION portal_generation_bump();
CREATE TRIGGER portal_generation_units AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
	FOR EACH STATEMENT EXECUTE FUNCTION portal_generation_bump();
-- The lookup lists a case's posted copies (cases.PublicDocumentStore) from this
-- index alone, never the table's rows: unpublished_at is in it so that SQLite
-- sees it as covering.
CREATE INDEX publications_posted_case ON publications (case_code, published_at, id, document_id, kind, number,
	doc_date, pages, unpublished_at) WHERE unpublished_at = '';
