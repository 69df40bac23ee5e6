package sqldb

import (
	"context"

	"kntc/cases"
)

var (
	_ cases.PortalGenerationStore = (*DB)(nil)
	_ cases.PublicDocumentStore   = (*DB)(nil)
)

// PortalGeneration implements cases.PortalGenerationStore: the number that
// triggers change with every write to publications, document_retractions and
// units (migration 21), in the writer's transaction.
func (db *DB) PortalGeneration(ctx context.Context) (int64, error) {
	var n int64
	err := db.sql.QueryRowContext(ctx, `SELECT n FROM portal_generation WHERE id = 1`).Scan(&n)
	return n, db.classify("portal generation", err)
}

// PublicDocuments implements cases.PublicDocumentStore: the posted copies of a
// case whose document stands, from the covering index publications_posted_case
// (migration 21), with no table row read.
func (db *DB) PublicDocuments(ctx context.Context, caseCode string, limit int) ([]cases.PublicDocument, error) {
	rows, err := db.sql.QueryContext(ctx, db.q(`SELECT id, kind, number, doc_date, pages FROM publications
		WHERE unpublished_at = '' AND case_code = ?
		AND NOT EXISTS (SELECT 1 FROM document_retractions r WHERE r.document_id = publications.document_id)
		ORDER BY published_at DESC, id DESC LIMIT ?`), caseCode, max(limit, 0))
	if err != nil {
		return nil, db.classify("public documents of "+caseCode, err)
	}
	defer rows.Close()
	var out []cases.PublicDocument
	for rows.Next() {
		var d cases.PublicDocument
		if err := rows.Scan(&d.ID, &d.Kind, &d.Number, &d.Date, &d.Pages); err != nil {
			return nil, db.classify("public documents of "+caseCode, err)
		}
		out = append(out, d)
	}
	return out, db.classify("public documents of "+caseCode, rows.Err())
}
