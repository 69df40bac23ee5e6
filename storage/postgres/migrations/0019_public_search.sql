-- The portal's published list and search at a province's scale (issue 13,
-- make bench-portal: 100,000 public copies). The list is newest first, alone or
-- filtered by unit, kind or year, so each has a partial index of the posted copies
-- in that order, holding the document too: the test that a copy's document was
-- not retracted, and the count (which stops at 10,001), read no table row. The search no longer scans search_text with LIKE: a tsvector of
-- the folded public text (the 'simple' configuration: no stemming, no stop words;
-- the words' starts by prefix queries), generated from search_text and indexed
-- with GIN, finds the copies. It holds only the public copies' text: the staff
-- index is never read by the portal. (The first 500,000 characters: a tsvector is
-- at most 1 MB, and a decision is a few pages.)
DROP INDEX publications_posted;
CREATE INDEX publications_posted ON publications (published_at, id, document_id) WHERE unpublished_at = '';
CREATE INDEX publications_posted_unit ON publications (unit_code, published_at, id, document_id) WHERE unpublished_at = '';
CREATE INDEX publications_posted_kind ON publications (kind, published_at, id, document_id) WHERE unpublished_at = '';
CREATE INDEX publications_posted_year ON publications (year, published_at, id, document_id) WHERE unpublished_at = '';
ALTER TABLE publications ADD COLUMN search_words tsvector
	GENERATED ALWAYS AS (to_tsvector('simple', left(search_text, 500000))) STORED;
CREATE INDEX publications_search_words ON publications USING gin (search_words);
