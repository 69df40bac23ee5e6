package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/internal/viet"
)

var _ cases.PublicationStore = (*DB)(nil)

const publicationColumns = `id, case_code, case_kind, unit_code, unit_name, document_id, kind, number, doc_date, year,
	object_key, sha256, size, pages, rects, published_at, published_by, min_until, unpublished_at, unpublished_by,
	unpublish_reason, unpublish_ground`

func scanPublication(row rowScanner, withText bool) (cases.Publication, error) {
	var p cases.Publication
	var rects, minUntil, unpublished string
	dest := []any{&p.ID, &p.CaseCode, &p.CaseKind, &p.UnitCode, &p.UnitName, &p.DocumentID, &p.Kind, &p.Number, &p.Date,
		&p.Year, &p.Key, &p.SHA256, &p.Size, &p.Pages, &rects, &p.PublishedAt, &p.PublishedBy, &minUntil, &unpublished,
		&p.UnpublishedBy, &p.Reason, &p.Ground}
	if withText {
		dest = append(dest, &p.Text)
	}
	if err := row.Scan(dest...); err != nil {
		return p, err
	}
	p.PublishedAt = ts(p.PublishedAt)
	if err := json.Unmarshal([]byte(rects), &p.Rects); err != nil {
		return p, fmt.Errorf("rectangles of publication %s: %w", p.ID, err)
	}
	var err error
	if p.MinUntil, err = cases.ParseDate(minUntil); err != nil {
		return p, fmt.Errorf("min_until of publication %s: %w", p.ID, err)
	}
	if unpublished != "" {
		if p.UnpublishedAt, err = time.Parse(time.RFC3339Nano, unpublished); err != nil {
			return p, fmt.Errorf("unpublished_at of publication %s: %w", p.ID, err)
		}
	}
	return p, nil
}

// searchText is a public text as the portal's search matches it: folded words
// between single spaces, with a space at both ends.
func searchText(s string) string { return " " + viet.FoldWords(s) + " " }

// CreatePublication implements cases.PublicationStore.
func (db *DB) CreatePublication(ctx context.Context, p *cases.Publication, rec cases.Record) error {
	if p.ID == "" || p.Key == "" || p.DocumentID == "" || p.CaseCode == "" {
		return errs.Errorf(errs.Invalid, "publication without id, object, document or case")
	}
	rects, err := json.Marshal(p.Rects)
	if err != nil {
		return err
	}
	if p.Rects == nil {
		rects = []byte("[]")
	}
	p.PublishedAt = ts(p.PublishedAt)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO publications (id, case_code, case_kind, unit_code, unit_name,
			document_id, kind, number, doc_date, year, object_key, sha256, size, pages, body, search_text, rects,
			published_at, published_by, min_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			p.ID, p.CaseCode, string(p.CaseKind), p.UnitCode, p.UnitName, p.DocumentID, string(p.Kind), p.Number, p.Date, p.Year,
			p.Key, p.SHA256, p.Size, p.Pages, p.Text, searchText(p.Text), string(rects), p.PublishedAt, p.PublishedBy,
			cases.FormatDate(p.MinUntil))
		if err != nil {
			return db.classify("create publication of "+p.DocumentID, err)
		}
		return db.appendAudit(ctx, tx, rec)
	})
}

// Publication implements cases.PublicationStore.
func (db *DB) Publication(ctx context.Context, id string) (cases.Publication, error) {
	row := db.sql.QueryRowContext(ctx, db.q(`SELECT `+publicationColumns+`, body FROM publications WHERE id = ?`), id)
	p, err := scanPublication(row, true)
	return p, db.classify("publication "+id, err)
}

// Publications implements cases.PublicationStore.
func (db *DB) Publications(ctx context.Context, f cases.PublicationFilter) ([]cases.Publication, int, error) {
	var where []string
	var args []any
	if f.LiveOnly {
		where = append(where, `unpublished_at = ''`,
			`NOT EXISTS (SELECT 1 FROM document_retractions r WHERE r.document_id = publications.document_id)`)
	}
	if f.UnitCodes != nil {
		if len(f.UnitCodes) == 0 {
			return []cases.Publication{}, 0, nil
		}
		w, a := inList("unit_code", f.UnitCodes)
		where, args = append(where, w), append(args, a...)
	}
	for _, c := range []struct {
		col string
		v   any
		set bool
	}{
		{"unit_code", f.UnitCode, f.UnitCode != ""},
		{"kind", string(f.Kind), f.Kind != ""},
		{"year", f.Year, f.Year != 0},
		{"case_code", f.CaseCode, f.CaseCode != ""},
		{"document_id", f.DocumentID, f.DocumentID != ""},
	} {
		if c.set {
			where = append(where, c.col+` = ?`)
			args = append(args, c.v)
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	if len(f.Words) > 0 {
		return db.searchPublications(ctx, f, where, args, limit)
	}
	scan := func(r rowScanner) (cases.Publication, error) { return scanPublication(r, false) }
	if f.CountUpTo < 0 { // no count wanted
		out, err := listRows(ctx, db, "publications", publicationColumns, where, args, "published_at DESC, id DESC", limit, f.Offset, scan)
		return out, 0, err
	}
	if f.CountUpTo == 0 {
		return listPage(ctx, db, "publications", publicationColumns, where, args, "published_at DESC, id DESC", limit, f.Offset, scan)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.sql.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM (SELECT 1 FROM publications`+cond+` LIMIT ?) AS upto`),
		append(slices.Clip(args), f.CountUpTo)...).Scan(&total); err != nil {
		return nil, 0, db.classify("count publications", err)
	}
	out, err := listRows(ctx, db, "publications", publicationColumns, where, args, "published_at DESC, id DESC", limit, f.Offset, scan)
	return out, total, err
}

// Unpublish implements cases.PublicationStore.
func (db *DB) Unpublish(ctx context.Context, p *cases.Publication, rec cases.Record) error {
	if p.UnpublishedAt.IsZero() {
		return errs.Errorf(errs.Invalid, "unpublish without a time")
	}
	at := p.UnpublishedAt.UTC().Format(time.RFC3339Nano)
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE publications SET unpublished_at = ?, unpublished_by = ?, unpublish_reason = ?,
			unpublish_ground = ? WHERE id = ? AND unpublished_at = ''`), at, p.UnpublishedBy, p.Reason, p.Ground, p.ID)
		if err != nil {
			return db.classify("unpublish "+p.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var one int
			if err := tx.QueryRowContext(ctx, db.q(`SELECT 1 FROM publications WHERE id = ?`), p.ID).Scan(&one); err != nil {
				return db.classify("unpublish "+p.ID, err)
			}
			return errs.Errorf(errs.Conflict, "publication %s was unpublished already", p.ID)
		}
		return db.appendAudit(ctx, tx, rec)
	})
}
