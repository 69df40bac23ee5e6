-- The portal's published list and search at a province's scale (issue 13,
-- make bench-portal: 100,000 public copies). The list is newest first, alone or
-- filtered by unit, kind or year, so each has a partial index of the posted copies
-- in that order, holding the document too: the test that a copy's document was
-- not retracted, and the count (which stops at 10,001), read no table row. The search no longer scans search_text with LIKE: a full-text
-- index of the folded public text (FTS5, the words' starts by prefix queries)
-- finds the copies, kept by triggers in step with the table. It holds only the
-- public copies' text: the staff index is never read by the portal.
DROP INDEX publications_posted;
CREATE INDEX publications_posted_unit ON publications (unit_code, published_at, id, document_id) WHERE unpublished_at = '';
CREATE INDEX publications_posted_kind ON publications (kind, published_at, id, document_id) WHERE unpublished_at = '';
CREATE INDEX publications_posted_year ON publications (year, published_at, id, document_id) WHERE unpublished_at = '';
-- The index is contentless (the text is in the table) and keyed by word_seq, a
-- number of the row's own that VACUUM does not renumber as it may the implicit
-- rowid of a table whose key is not an INTEGER PRIMARY KEY.
ALTER TABLE publications ADD COLUMN word_seq INTEGER;
UPDATE publications SET word_seq = rowid;
CREATE UNIQUE INDEX publications_word_seq ON publications (word_seq);
CREATE INDEX publications_posted ON publications (published_at, id, document_id, word_seq) WHERE unpublished_at = '';
CREATE VIRTUAL TABLE publications_words USING fts5 (search_text, content = '', contentless_delete = 1,
	detail = 'none', prefix = '1 2 3');
INSERT INTO publications_words (rowid, search_text) SELECT word_seq, search_text FROM publications;
CREATE TRIGGER publications_words_insert AFTER INSERT ON publications BEGIN
	UPDATE publications SET word_seq = (SELECT COALESCE(MAX(word_seq), 0) + 1 FROM publications) WHERE id = new.id;
	INSERT INTO publications_words (rowid, search_text)
		SELECT word_seq, new.search_text FROM publications WHERE id = new.id;
END;
CREATE TRIGGER publications_words_update AFTER UPDATE OF search_text ON publications BEGIN
	DELETE FROM publications_words WHERE rowid = old.word_seq;
	INSERT INTO publications_words (rowid, search_text) VALUES (new.word_seq, new.search_text);
END;
CREATE TRIGGER publications_words_delete AFTER DELETE ON publications BEGIN
	DELETE FROM publications_words WHERE rowid = old.word_seq;
END;
