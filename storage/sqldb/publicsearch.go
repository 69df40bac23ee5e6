package sqldb

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"kntc/cases"
	"kntc/internal/viet"
)

// The portal's search of the public copies (issue 13; make bench-portal: p95 ≤
// 50 ms at 100,000 copies). Every word typed must be a word of the copy's public
// text, the last one typed a word or a word's start (the visitor may stop
// typing mid-word): whole terms are one list of the full-text index each, where
// a prefix is the union of every term it starts. The match is evaluated once
// for the capped count and the page, newest first, and stops there.

// searchWords are the filter's words as the index holds them (folded, a-z0-9),
// in order, without repeats.
func searchWords(words []string) []string {
	var out []string
	for _, w := range words {
		for _, part := range strings.Fields(viet.FoldWords(w)) {
			if !slices.Contains(out, part) {
				out = append(out, part)
			}
		}
	}
	return out
}

// metaToken is the token of a filter value in the SQLite index (migration 20):
// '_' and a letter, then the value's bytes in hex, as SQLite's hex() writes them.
func metaToken(letter, v string) string {
	return `"_` + letter + strings.ToUpper(hex.EncodeToString([]byte(v))) + `"`
}

// searchPublications is Publications with words: where and args are the
// filter's other conditions (checked again on the page's rows, so a copy taken
// down between the two statements is not shown).
func (db *DB) searchPublications(ctx context.Context, f cases.PublicationFilter, where []string, args []any, limit int) ([]cases.Publication, int, error) {
	words := searchWords(f.Words)
	if len(words) == 0 {
		f.Words = nil
		return db.Publications(ctx, f)
	}
	upto := f.CountUpTo
	if upto <= 0 {
		upto = -1 // no limit (SQLite); PostgreSQL reads LIMIT NULL as none
	}
	offset := max(f.Offset, 0)
	var ids, count string
	var idArgs []any
	if db.Dialect() == "postgres" {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = w
			if i == len(words)-1 {
				terms[i] += ":*"
			}
		}
		cond := append([]string{`search_words @@ to_tsquery('simple', ?)`}, where...)
		idArgs = append([]any{strings.Join(terms, " & ")}, args...)
		matches := `SELECT id, published_at FROM publications WHERE ` + strings.Join(cond, " AND ") +
			` ORDER BY published_at DESC, id DESC LIMIT ?`
		var limitArg any = upto
		if upto < 0 {
			limitArg = nil
		}
		idArgs = append(idArgs, limitArg)
		ids = `SELECT id, COUNT(*) OVER () FROM (` + matches + `) AS m ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?`
		count = `SELECT COUNT(*) FROM (` + matches + `) AS m`
	} else {
		// The index holds tokens of each copy's unit, kind, year and whether it is
		// posted (migration 20), so these filters are terms of the query, and its
		// keys follow the publication time: it walks them newest first.
		terms := make([]string, 0, len(words)+4)
		for i, w := range words {
			t := `"` + w + `"`
			if i == len(words)-1 {
				t += "*"
			}
			terms = append(terms, t)
		}
		if f.LiveOnly {
			terms = append(terms, `"_p"`)
		}
		if f.UnitCode != "" {
			terms = append(terms, metaToken("u", f.UnitCode))
		}
		if f.Kind != "" {
			terms = append(terms, metaToken("k", string(f.Kind)))
		}
		if f.Year != 0 {
			terms = append(terms, fmt.Sprintf(`"_y%d"`, f.Year))
		}
		from, cond := `publications_words`, []string{`publications_words MATCH ?`}
		idArgs = []any{strings.Join(terms, " AND ")}
		// Conditions the index does not hold (the staff's: scope, case, document)
		// are read from the table, row by row.
		var extra []string
		if f.UnitCodes != nil {
			w, a := inList("publications.unit_code", f.UnitCodes)
			extra, idArgs = append(extra, w), append(idArgs, a...)
		}
		if f.CaseCode != "" {
			extra, idArgs = append(extra, `publications.case_code = ?`), append(idArgs, f.CaseCode)
		}
		if f.DocumentID != "" {
			extra, idArgs = append(extra, `publications.document_id = ?`), append(idArgs, f.DocumentID)
		}
		if len(extra) > 0 {
			from += ` CROSS JOIN publications ON publications.word_seq = publications_words.rowid`
			cond = append(cond, extra...)
		}
		matches := `SELECT publications_words.rowid AS seq FROM ` + from + ` WHERE ` + strings.Join(cond, " AND ") +
			` ORDER BY publications_words.rowid DESC LIMIT ?`
		idArgs = append(idArgs, upto)
		ids = `SELECT seq, COUNT(*) OVER () FROM (` + matches + `) AS m ORDER BY seq DESC LIMIT ? OFFSET ?`
		count = `SELECT COUNT(*) FROM (` + matches + `) AS m`
	}
	keys, total, err := func() ([]any, int, error) {
		rows, err := db.sql.QueryContext(ctx, db.q(ids), append(idArgs[:len(idArgs):len(idArgs)], limit, offset)...)
		if err != nil {
			return nil, 0, err
		}
		defer rows.Close()
		var keys []any
		total := 0
		for rows.Next() {
			var k any
			if err := rows.Scan(&k, &total); err != nil {
				return nil, 0, err
			}
			keys = append(keys, k)
		}
		return keys, total, rows.Err()
	}()
	if err != nil {
		return nil, 0, db.classify("search publications", err)
	}
	if len(keys) == 0 {
		if offset > 0 {
			if err := db.sql.QueryRowContext(ctx, db.q(count), idArgs...).Scan(&total); err != nil {
				return nil, 0, db.classify("count publications", err)
			}
		}
		return []cases.Publication{}, total, nil
	}
	key, order := "word_seq", "word_seq DESC"
	if db.Dialect() == "postgres" {
		key, order = "id", "published_at DESC, id DESC"
	}
	w, a := inList(key, keys)
	list, err := listRows(ctx, db, "publications", publicationColumns, append(where[:len(where):len(where)], w),
		append(args[:len(args):len(args)], a...), order, len(keys), 0,
		func(r rowScanner) (cases.Publication, error) { return scanPublication(r, false) })
	return list, total, err
}
