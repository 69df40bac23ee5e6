-- The portal's search at 100,000 copies (issue 13, make bench-portal: p95 ≤ 50 ms).
-- Migration 19 found the matches in the full-text index, then walked the posted
-- copies in date order, probing the set of matches: for a common word that set is
-- most of the copies, built twice a request (count and page). Now the index alone
-- answers, newest first, and stops at the page (and the capped count):
--  * word_seq, the index's key, follows the publication time: the time in
--    milliseconds × 1,000,000, plus the copies published before it in the same
--    millisecond; FTS5 walks its keys downwards (ORDER BY rowid DESC) without
--    sorting (published_at is text: RFC 3339, or Go's time.Time.String() form
--    as the driver writes it, "2026-03-20 03:04:05.123456 +0000 UTC");
--  * each copy's entry holds, besides its folded words, tokens of its unit
--    (_u + hex of the code), kind (_k + hex), year (_y) and, while it is posted
--    (not taken down, document not retracted), _p: the portal's filters are
--    terms of the same query. The words are a-z0-9 only ('_' is a token
--    character here, not in a folded word), so no word a visitor types is one of
--    them or starts one.
-- Triggers keep the entries in step, in the transaction that changes the row:
-- unpublishing a copy or retracting its document takes _p away at once. FTS5
-- writes keys in rising order without flushing its pending terms (copies are
-- published in time order; the index is filled here in key order): a key lower
-- than the last one written flushes them, a small segment per row.
DROP TRIGGER publications_words_insert;
DROP TRIGGER publications_words_update;
DROP TRIGGER publications_words_delete;
DROP TABLE publications_words;
DROP INDEX publications_word_seq;
UPDATE publications SET word_seq = s.seq
FROM (SELECT id, ms * 1000000 + row_number() OVER (PARTITION BY ms ORDER BY id) - 1 AS seq
	FROM (SELECT id, CAST(round((COALESCE(julianday(published_at), julianday(substr(published_at, 1, 10 + instr(substr(published_at, 12), ' '))
			|| substr(published_at, 12 + instr(substr(published_at, 12), ' '), 3) || ':' || substr(published_at, 15 + instr(substr(published_at, 12), ' '), 2)))
			- 2440587.5) * 86400000) AS INTEGER) AS ms FROM publications)) AS s
WHERE s.id = publications.id;
CREATE UNIQUE INDEX publications_word_seq ON publications (word_seq);
CREATE VIRTUAL TABLE publications_words USING fts5 (words, content = '', contentless_delete = 1,
	detail = 'none', prefix = '1 2 3 4 5 6 7', tokenize = "unicode61 tokenchars '_'");
INSERT INTO publications_words (rowid, words)
	SELECT word_seq, search_text || ' _u' || hex(unit_code) || ' _k' || hex(kind) || ' _y' || year
		|| CASE WHEN unpublished_at = '' AND NOT EXISTS (SELECT 1 FROM document_retractions r
			WHERE r.document_id = publications.document_id) THEN ' _p' ELSE '' END
	FROM publications ORDER BY word_seq;
CREATE TRIGGER publications_words_insert AFTER INSERT ON publications BEGIN
	UPDATE publications SET word_seq = (
		SELECT COALESCE(MAX(p.word_seq) + 1, t.base) FROM
			(SELECT CAST(round((COALESCE(julianday(new.published_at), julianday(substr(new.published_at, 1, 10 + instr(substr(new.published_at, 12), ' '))
			|| substr(new.published_at, 12 + instr(substr(new.published_at, 12), ' '), 3) || ':' || substr(new.published_at, 15 + instr(substr(new.published_at, 12), ' '), 2)))
			- 2440587.5) * 86400000) AS INTEGER) * 1000000 AS base) AS t
			LEFT JOIN publications p ON p.word_seq >= t.base AND p.word_seq < t.base + 1000000)
	WHERE id = new.id;
	INSERT INTO publications_words (rowid, words)
		SELECT word_seq, search_text || ' _u' || hex(unit_code) || ' _k' || hex(kind) || ' _y' || year
			|| CASE WHEN unpublished_at = '' AND NOT EXISTS (SELECT 1 FROM document_retractions r
				WHERE r.document_id = publications.document_id) THEN ' _p' ELSE '' END
		FROM publications WHERE id = new.id;
END;
CREATE TRIGGER publications_words_update AFTER UPDATE OF search_text, unit_code, kind, year, unpublished_at, document_id
ON publications BEGIN
	DELETE FROM publications_words WHERE rowid = old.word_seq;
	INSERT INTO publications_words (rowid, words)
		SELECT word_seq, search_text || ' _u' || hex(unit_code) || ' _k' || hex(kind) || ' _y' || year
			|| CASE WHEN unpublished_at = '' AND NOT EXISTS (SELECT 1 FROM document_retractions r
				WHERE r.document_id = publications.document_id) THEN ' _p' ELSE '' END
		FROM publications WHERE id = new.id;
END;
CREATE TRIGGER publications_words_delete AFTER DELETE ON publications BEGIN
	DELETE FROM publications_words WHERE rowid = old.word_seq;
END;
CREATE TRIGGER publications_words_retract AFTER INSERT ON document_retractions BEGIN
	DELETE FROM publications_words WHERE rowid IN (SELECT word_seq FROM publications WHERE document_id = new.document_id);
	INSERT INTO publications_words (rowid, words)
		SELECT word_seq, search_text || ' _u' || hex(unit_code) || ' _k' || hex(kind) || ' _y' || year
		FROM publications WHERE document_id = new.document_id;
END;
