-- The portal's search at 100,000 copies (issue 13, make bench-portal: p95 ≤ 50 ms).
-- A search walks the posted copies newest first (the partial indexes of
-- migration 19) and tests each copy's words until it has the page and the capped
-- count (201 matches); a rare word's few copies come from the GIN index
-- instead. The test read the tsvector from the TOAST table: a row holds the
-- text twice and its words, so the largest value, the tsvector with every word's
-- positions, was stored apart, three more index and page reads a copy tested.
-- The search needs no positions (words and word starts, no phrases): the
-- tsvector is now stripped of them, about half the size, and kept in the row
-- (storage MAIN: the body and the folded text go to TOAST first). The column is
-- added, then every row rewritten once more so that it is stored as MAIN says.
DROP INDEX publications_search_words;
ALTER TABLE publications DROP COLUMN search_words;
ALTER TABLE publications ADD COLUMN search_words tsvector
	GENERATED ALWAYS AS (strip(to_tsvector('simple', left(search_text, 500000)))) STORED;
ALTER TABLE publications ALTER COLUMN search_words SET STORAGE MAIN;
UPDATE publications SET search_text = search_text;
CREATE INDEX publications_search_words ON publications USING gin (search_words);
-- The planner chooses the walk or the GIN index from the statistics of the new
-- column: without them a search took a second until autovacuum came by.
ANALYZE publications;
