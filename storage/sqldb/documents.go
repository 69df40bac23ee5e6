package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
)

const documentColumns = `id, status, sha256, size, filename, source_path, content_type, unit_code, case_code,
	duplicate_of, pages, kind, meta_number, meta_date, meta_issuer, meta_type, meta_subject,
	error, attempts, interrupted, pipeline, confidential, secret_case, cleared, published, created_at, updated_at`

// documentSelect is what reads of documents select: the columns, and whether the
// document was retracted (document_retractions; the table must be named documents
// in the query).
const documentSelect = documentColumns + `,
	EXISTS (SELECT 1 FROM document_retractions r WHERE r.document_id = documents.id)`

// notRetracted is the condition lists add: a retracted document is in none.
const notRetracted = `NOT EXISTS (SELECT 1 FROM document_retractions r WHERE r.document_id = documents.id)`

func scanDocument(row rowScanner) (ingest.Document, error) {
	var d ingest.Document
	err := row.Scan(&d.ID, &d.Status, &d.SHA256, &d.Size, &d.Filename, &d.SourcePath, &d.ContentType,
		&d.UnitCode, &d.CaseCode, &d.DuplicateOf, &d.Pages, &d.Kind, &d.Meta.Number, &d.Meta.Date,
		&d.Meta.Issuer, &d.Meta.Type, &d.Meta.Subject, &d.Error, &d.Attempts, &d.Interrupted, &d.Pipeline,
		&d.Confidential, &d.SecretCase, &d.Cleared, &d.Published, &d.CreatedAt, &d.UpdatedAt, &d.Retracted)
	d.CreatedAt, d.UpdatedAt = ts(d.CreatedAt), ts(d.UpdatedAt)
	return d, err
}

func validateDocument(d *ingest.Document) error {
	if !d.Status.Valid() {
		return errs.Errorf(errs.Invalid, "document status %q", d.Status)
	}
	return nil
}

// CreateDocument implements ingest.DocumentStore. The arrival is audited in the
// same transaction (see CreateDocumentTx).
func (db *DB) CreateDocument(ctx context.Context, d *ingest.Document) error {
	return db.inTx(ctx, func(tx *sql.Tx) error { return db.CreateDocumentTx(ctx, tx, d) })
}

// CreateDocumentTx is CreateDocument inside a transaction (e.g. together with the
// document's first job). It appends the arrival to the audit trail in tx: the
// document's ID, unit, source and status, never its file name (names often carry
// the sender's name).
func (db *DB) CreateDocumentTx(ctx context.Context, tx *sql.Tx, d *ingest.Document) error {
	if err := validateDocument(d); err != nil {
		return err
	}
	if d.ID == "" {
		d.ID = uuid.Must(uuid.NewV7()).String()
	}
	d.CreatedAt = now()
	d.UpdatedAt = d.CreatedAt
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO documents (`+documentColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		d.ID, d.Status, d.SHA256, d.Size, d.Filename, d.SourcePath, d.ContentType, d.UnitCode, d.CaseCode,
		d.DuplicateOf, d.Pages, d.Kind, d.Meta.Number, d.Meta.Date, d.Meta.Issuer, d.Meta.Type, d.Meta.Subject,
		d.Error, d.Attempts, d.Interrupted, d.Pipeline, d.Confidential, d.SecretCase, d.Cleared, d.Published, d.CreatedAt, d.UpdatedAt)
	if err != nil {
		return db.classify("create document "+d.ID, err)
	}
	return db.appendAudit(ctx, tx, arrivalRecord(d))
}

// arrivalRecord is the audit record of a document's arrival.
func arrivalRecord(d *ingest.Document) cases.Record {
	user := d.Arrival.Username
	if user == "" {
		user = cases.System.User.Username
	}
	source := d.Arrival.Source
	if source == "" {
		source = "unknown"
	}
	detail := "source=" + source + " status=" + string(d.Status) + " sha256=" + d.SHA256
	if d.DuplicateOf != "" {
		detail += " duplicate_of=" + d.DuplicateOf
	}
	if d.CaseCode != "" {
		detail += " case=" + d.CaseCode
	}
	return cases.Record{At: d.CreatedAt, UserID: d.Arrival.UserID, Username: user, Action: cases.ActionReceive,
		Object: "document:" + d.ID, Detail: detail, Unit: d.UnitCode}
}

// Document implements ingest.DocumentStore.
func (db *DB) Document(ctx context.Context, id string) (ingest.Document, error) {
	d, err := scanDocument(db.sql.QueryRowContext(ctx, db.q(`SELECT `+documentSelect+` FROM documents WHERE id = ?`), id))
	return d, db.classify("get document "+id, err)
}

// DocumentBySHA256 implements ingest.DocumentStore. A retracted document is no
// original: the same bytes arriving again (sent to the right unit this time) are
// processed, not hidden as its duplicate.
func (db *DB) DocumentBySHA256(ctx context.Context, sha256 string) (ingest.Document, error) {
	d, err := scanDocument(db.sql.QueryRowContext(ctx, db.q(`SELECT `+documentSelect+` FROM documents
		WHERE sha256 = ? AND status NOT IN ('duplicate', 'quarantined') AND `+notRetracted+`
		ORDER BY created_at, id LIMIT 1`), sha256))
	return d, db.classify("get document by sha256 "+sha256, err)
}

// UpdateDocument implements ingest.DocumentStore.
func (db *DB) UpdateDocument(ctx context.Context, d *ingest.Document) error {
	if err := validateDocument(d); err != nil {
		return err
	}
	d.UpdatedAt = now()
	res, err := db.sql.ExecContext(ctx, db.q(`UPDATE documents SET status = ?, sha256 = ?, size = ?, filename = ?,
		source_path = ?, content_type = ?, unit_code = ?, case_code = ?, duplicate_of = ?, pages = ?, kind = ?,
		meta_number = ?, meta_date = ?, meta_issuer = ?, meta_type = ?, meta_subject = ?, error = ?, attempts = ?,
		interrupted = ?, pipeline = ?, confidential = ?, secret_case = ?, cleared = ?, published = ?, updated_at = ? WHERE id = ?`),
		d.Status, d.SHA256, d.Size, d.Filename, d.SourcePath, d.ContentType, d.UnitCode, d.CaseCode, d.DuplicateOf,
		d.Pages, d.Kind, d.Meta.Number, d.Meta.Date, d.Meta.Issuer, d.Meta.Type, d.Meta.Subject, d.Error, d.Attempts,
		d.Interrupted, d.Pipeline, d.Confidential, d.SecretCase, d.Cleared, d.Published, d.UpdatedAt, d.ID)
	return db.mustAffect("update document "+d.ID, res, err)
}

func (db *DB) mustAffect(op string, res sql.Result, err error) error {
	if err != nil {
		return db.classify(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, errs.ErrNotFound)
	}
	return nil
}

// Documents implements ingest.DocumentStore.
func (db *DB) Documents(ctx context.Context, f ingest.DocumentFilter) ([]ingest.Document, int, error) {
	where, args := documentWhere(f)
	return listPage(ctx, db, "documents", documentSelect, where, args, "created_at DESC, id DESC", listLimit(f.Limit, 50), f.Offset, scanDocument)
}

// DocumentPages implements ingest.DocumentStore.
func (db *DB) DocumentPages(ctx context.Context, f ingest.DocumentFilter) (docs, pages int, err error) {
	where, args := documentWhere(f)
	err = db.sql.QueryRowContext(ctx, db.q(`SELECT COUNT(*), COALESCE(SUM(pages), 0) FROM documents WHERE `+
		strings.Join(where, " AND ")), args...).Scan(&docs, &pages)
	return docs, pages, db.classify("count documents and pages", err)
}

// DocumentCounts implements ingest.DocumentStore: one statement of two scalar
// subqueries, so that each is planned on its own index — the status and time
// (documents_status_updated) for a whole province, the unit, status and time
// (documents_unit_status_updated, migration 15) for a district — rather than one
// plan for their union, which SQLite makes a scan of the unit's every document.
func (db *DB) DocumentCounts(ctx context.Context, f ingest.DocumentFilter, since, recent time.Time) (ingest.DocumentCounts, error) {
	lit := func(s ingest.Status) string { return "'" + string(s) + "'" } // constants, not input
	f.Status, f.ChangedSince = ingest.StatusProcessing, time.Time{}
	inPipeline, args := documentWhere(f)
	f.Status, f.ChangedSince = "", since
	finished, a := documentWhere(f)
	finished = append(finished, "status IN ("+lit(ingest.StatusStored)+", "+lit(ingest.StatusQuarantined)+")")
	args = append(append(args, ts(recent)), a...)
	var c ingest.DocumentCounts
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT
		(SELECT COUNT(*) FROM documents WHERE `+strings.Join(inPipeline, " AND ")+`), s.stored, s.quarantined, s.pages
		FROM (SELECT COALESCE(SUM(CASE WHEN status = `+lit(ingest.StatusStored)+` THEN 1 ELSE 0 END), 0) AS stored,
			COALESCE(SUM(CASE WHEN status = `+lit(ingest.StatusQuarantined)+` THEN 1 ELSE 0 END), 0) AS quarantined,
			COALESCE(SUM(CASE WHEN status = `+lit(ingest.StatusStored)+` AND updated_at >= ? THEN pages ELSE 0 END), 0) AS pages
			FROM documents WHERE `+strings.Join(finished, " AND ")+`) s`), args...).Scan(&c.Processing, &c.Stored, &c.Quarantined, &c.RecentPages)
	return c, db.classify("count documents of the pipeline", err)
}

// documentWhere is the condition of f on the documents table.
func documentWhere(f ingest.DocumentFilter) ([]string, []any) {
	where := []string{notRetracted}
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.CaseCode != "" {
		where, args = append(where, "case_code = ?"), append(args, f.CaseCode)
	}
	if f.Unlinked {
		where = append(where, "case_code = ''")
	}
	if f.LinkedOnly {
		where = append(where, "case_code <> ''")
	}
	if f.UnitCode != "" {
		where, args = append(where, "unit_code = ?"), append(args, f.UnitCode)
	}
	if f.UnitCodes != nil {
		w, a := inList("unit_code", f.UnitCodes)
		where, args = append(where, w), append(args, a...)
	}
	if f.ConfidentialCases != nil {
		// cases.ConfidentialCases in SQL: a confidential document needs a grant on
		// each opened case whose secret it holds — the case whose party it names
		// (secret_case), and its own case when that is a denunciation or when it
		// names nobody else's party; with none of them opened, ConfidentialUnfiled
		// (a leader) sees it. A duplicate of a confidential document (its file name
		// may name the sender too) is shown on the same terms.
		w, a := confidentialClause("documents", f.ConfidentialCases, f.ConfidentialUnfiled)
		where, args = append(where, w), append(args, a...)
		// Most documents are no duplicate: the first test spares them the look-up
		// (PostgreSQL otherwise plans it as an anti-join over a scan of every
		// confidential document, for each count).
		w, a = confidentialClause("o", f.ConfidentialCases, f.ConfidentialUnfiled)
		where = append(where, "(documents.duplicate_of = '' OR NOT EXISTS (SELECT 1 FROM documents o WHERE o.id = documents.duplicate_of AND NOT ("+w+")))")
		args = append(args, a...)
	}
	if !f.ChangedSince.IsZero() {
		where, args = append(where, "updated_at >= ?"), append(args, ts(f.ChangedSince))
	}
	return where, args
}

// DeleteDocument implements ingest.DocumentStore.
func (db *DB) DeleteDocument(ctx context.Context, id string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM pages WHERE document_id = ?`), id); err != nil {
			return db.classify("delete pages of "+id, err)
		}
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM documents WHERE id = ?`), id)
		return db.mustAffect("delete document "+id, res, err)
	})
}

// RetractDocument implements cases.Store: it records the retraction and moves the
// document's updated_at (on d too), so that every node's search index, which
// follows DocumentsChangedSince, drops it; rec is appended to the audit trail in
// the same transaction. A document already retracted is ErrConflict.
func (db *DB) RetractDocument(ctx context.Context, d *ingest.Document, reason string, rec cases.Record) error {
	at := now()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		op := "retract document " + d.ID
		res, err := tx.ExecContext(ctx, db.q(`UPDATE documents SET updated_at = ? WHERE id = ?`), at, d.ID)
		if err := db.mustAffect(op, res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO document_retractions (document_id, reason, user_id,
			username, retracted_at) VALUES (?, ?, ?, ?, ?)`), d.ID, reason, rec.UserID, rec.Username, at); err != nil {
			return db.classify(op, err)
		}
		return db.appendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	d.Retracted, d.UpdatedAt = true, at
	return nil
}

// SavePage implements ingest.DocumentStore.
func (db *DB) SavePage(ctx context.Context, p *ingest.Page) error {
	if p.Number < 1 {
		return errs.Errorf(errs.Invalid, "save page %d of %s: page numbers start at 1", p.Number, p.DocumentID)
	}
	p.CreatedAt = now()
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO pages (document_id, page_no, text, confidence, words_key,
		width, height, dpi, source, duration_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (document_id, page_no) DO UPDATE SET text = excluded.text, confidence = excluded.confidence,
		words_key = excluded.words_key, width = excluded.width, height = excluded.height, dpi = excluded.dpi,
		source = excluded.source, duration_ms = excluded.duration_ms, created_at = excluded.created_at`),
		p.DocumentID, p.Number, p.Text, p.Confidence, p.WordsKey, p.Width, p.Height, p.DPI, p.Source, p.DurationMS, p.CreatedAt)
	return db.classify(fmt.Sprintf("save page %d of %s", p.Number, p.DocumentID), err)
}

// Pages implements ingest.DocumentStore.
func (db *DB) Pages(ctx context.Context, documentID string) ([]ingest.Page, error) {
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT document_id, page_no, text, confidence, words_key, width,
		height, dpi, source, duration_ms, created_at FROM pages WHERE document_id = ? ORDER BY page_no`), documentID)
	if err != nil {
		return nil, db.classify("pages of "+documentID, err)
	}
	defer rows.Close()
	pages := []ingest.Page{}
	for rows.Next() {
		var p ingest.Page
		if err := rows.Scan(&p.DocumentID, &p.Number, &p.Text, &p.Confidence, &p.WordsKey, &p.Width, &p.Height,
			&p.DPI, &p.Source, &p.DurationMS, &p.CreatedAt); err != nil {
			return nil, db.classify("pages of "+documentID, err)
		}
		p.CreatedAt = ts(p.CreatedAt)
		pages = append(pages, p)
	}
	return pages, db.classify("pages of "+documentID, rows.Err())
}

// DocumentsChangedSince returns up to limit documents whose (updated_at, id) comes
// after (since, afterID), oldest change first: what the search index has not seen.
func (db *DB) DocumentsChangedSince(ctx context.Context, since time.Time, afterID string, limit int) ([]ingest.Document, error) {
	since = ts(since)
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT `+documentSelect+` FROM documents
		WHERE updated_at > ? OR (updated_at = ? AND id > ?) ORDER BY updated_at, id LIMIT ?`), since, since, afterID, limit)
	if err != nil {
		return nil, db.classify("changed documents", err)
	}
	defer rows.Close()
	docs := []ingest.Document{}
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, db.classify("changed documents", err)
		}
		docs = append(docs, d)
	}
	return docs, db.classify("changed documents", rows.Err())
}

// confidentialClause is the condition under which a row of documents (alias t)
// may be shown to a user granted the cases in granted.
func confidentialClause(t string, granted []string, unfiled bool) (string, []any) {
	var args []any
	in := func(col string) string {
		if len(granted) == 0 {
			return "1 = 0"
		}
		for _, c := range granted {
			args = append(args, c)
		}
		return t + "." + col + " IN (?" + strings.Repeat(", ?", len(granted)-1) + ")"
	}
	opened := func(col string) string {
		return "EXISTS (SELECT 1 FROM cases c WHERE c.code = " + t + "." + col + ")"
	}
	// Each needed case: granted, or not opened.
	secretOK := "(" + t + ".secret_case = '' OR " + in("secret_case") + " OR NOT " + opened("secret_case") + ")"
	ownNeeded := "(" + t + ".case_code <> '' AND " + t + ".case_code <> " + t + ".secret_case AND (" + t + ".secret_case = '' OR " + t + ".case_code LIKE 'TC-%'))"
	ownOK := "(NOT " + ownNeeded + " OR " + in("case_code") + " OR NOT " + opened("case_code") + ")"
	anyOpened := "((" + t + ".secret_case <> '' AND " + opened("secret_case") + ") OR (" + ownNeeded + " AND " + opened("case_code") + "))"
	cond := "(NOT " + t + ".confidential OR (" + secretOK + " AND " + ownOK + " AND "
	if unfiled {
		cond += "1 = 1))"
	} else {
		cond += anyOpened + "))"
	}
	return cond, args
}

// Retractions implements cases.Store: the retracted documents of f's units, newest
// retraction first.
func (db *DB) Retractions(ctx context.Context, f cases.RetractionFilter) ([]cases.Retraction, int, error) {
	where := []string{"r.document_id = documents.id"}
	var args []any
	if f.UnitCodes != nil {
		w, a := inList("documents.unit_code", f.UnitCodes)
		where, args = append(where, w), append(args, a...)
	}
	if f.DocumentID != "" {
		where, args = append(where, "r.document_id = ?"), append(args, f.DocumentID)
	}
	if f.Purged != nil {
		if *f.Purged {
			where = append(where, "r.purged_at IS NOT NULL")
		} else {
			where = append(where, "r.purged_at IS NULL")
		}
	}
	return listPage(ctx, db, "document_retractions r, documents",
		`documents.id, documents.unit_code, documents.case_code, documents.kind, documents.pages, documents.size,
		r.reason, r.username, r.retracted_at, r.purged_at, r.purged_by, documents.sha256, documents.pipeline`,
		where, args, "r.retracted_at DESC, documents.id", listLimit(f.Limit, 50), max(f.Offset, 0), func(row rowScanner) (cases.Retraction, error) {
			var r cases.Retraction
			var purged sql.NullTime
			err := row.Scan(&r.DocumentID, &r.UnitCode, &r.CaseCode, &r.Kind, &r.Pages, &r.Size,
				&r.Reason, &r.By, &r.At, &purged, &r.PurgedBy, &r.SHA256, &r.Pipeline)
			r.At = r.At.UTC()
			if purged.Valid {
				r.PurgedAt = purged.Time.UTC()
			}
			return r, err
		})
}

// PurgeDocument implements cases.Store: it records the purge of retracted
// document id, wipes its page text and file name, and appends rec, in one
// transaction. A document not retracted is ErrConflict; one purged already is
// left as it is (nil), so an interrupted purge can run again.
func (db *DB) PurgeDocument(ctx context.Context, id string, rec cases.Record) (again bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		op := "purge document " + id
		var purged sql.NullTime
		err := tx.QueryRowContext(ctx, db.q(`SELECT purged_at FROM document_retractions WHERE document_id = ?`), id).Scan(&purged)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Errorf(errs.Conflict, "tài liệu %s chưa bị rút, không xoá được (document %s is not retracted; retract it first)", id, id)
		}
		if err != nil {
			return db.classify(op, err)
		}
		if purged.Valid {
			again = true
			return nil
		}
		at := now()
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE document_retractions SET purged_at = ?, purged_by = ? WHERE document_id = ?`),
			at, rec.Username, id); err != nil {
			return db.classify(op, err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE pages SET text = '', words_key = '' WHERE document_id = ?`), id); err != nil {
			return db.classify(op, err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE documents SET filename = '', source_path = '', meta_subject = '',
			updated_at = ? WHERE id = ?`), at, id); err != nil {
			return db.classify(op, err)
		}
		return db.appendAudit(ctx, tx, rec)
	})
	return again, err
}

// SHA256Shared implements cases.Store: whether a document other than id, not
// purged, holds the bytes with this SHA-256 (their objects are then also its own).
func (db *DB) SHA256Shared(ctx context.Context, sha256, id string) (bool, error) {
	var n int
	err := db.sql.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM documents WHERE sha256 = ? AND id <> ?
		AND NOT EXISTS (SELECT 1 FROM document_retractions r WHERE r.document_id = documents.id AND r.purged_at IS NOT NULL)`),
		sha256, id).Scan(&n)
	return n > 0, db.classify("documents holding "+sha256, err)
}

// TypedDocuments implements ingest.TypedDocumentLister: by the documents' primary
// key from afterID, each document's typed pages by the pages' (document_id,
// page_no), so that a pass over every document costs one walk of the key.
func (db *DB) TypedDocuments(ctx context.Context, afterID string, limit int) ([]ingest.TypedDocument, error) {
	docs, err := db.typedDocuments(ctx, afterID, limit)
	if err != nil || len(docs) == 0 {
		return docs, err
	}
	at := make(map[string]int, len(docs))
	ids := make([]string, len(docs))
	for i, d := range docs {
		at[d.ID], ids[i] = i, d.ID
	}
	in, args := inList("document_id", ids)
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT document_id, page_no, width, height FROM pages
		WHERE `+in+` AND source = 'text' ORDER BY document_id, page_no`), args...)
	if err != nil {
		return nil, db.classify("typed pages", err)
	}
	defer rows.Close()
	for rows.Next() {
		pg := ingest.Page{Source: "text"}
		if err := rows.Scan(&pg.DocumentID, &pg.Number, &pg.Width, &pg.Height); err != nil {
			return nil, db.classify("typed pages", err)
		}
		d := &docs[at[pg.DocumentID]]
		d.Pages = append(d.Pages, pg)
	}
	return docs, db.classify("typed pages", rows.Err())
}

// typedDocuments is TypedDocuments without their pages.
func (db *DB) typedDocuments(ctx context.Context, afterID string, limit int) ([]ingest.TypedDocument, error) {
	const op = "documents with typed pages"
	// The walk must follow the primary key: SQLite, which keeps no statistics,
	// would rather take the status index (almost every document is stored) and
	// sort them all for each batch; a unary + keeps it off that index.
	status := "status = ?"
	if db.Dialect() != "postgres" {
		status = "+status = ?"
	}
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT id, sha256, pipeline FROM documents
		WHERE id > ? AND `+status+` AND `+notRetracted+`
		AND EXISTS (SELECT 1 FROM pages p WHERE p.document_id = documents.id AND p.source = 'text')
		ORDER BY id LIMIT ?`), afterID, ingest.StatusStored, limit)
	if err != nil {
		return nil, db.classify(op, err)
	}
	defer rows.Close()
	docs := []ingest.TypedDocument{}
	for rows.Next() {
		var d ingest.TypedDocument
		if err := rows.Scan(&d.ID, &d.SHA256, &d.Pipeline); err != nil {
			return nil, db.classify(op, err)
		}
		docs = append(docs, d)
	}
	return docs, db.classify(op, rows.Err())
}
