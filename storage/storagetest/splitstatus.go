package storagetest

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

// splitStatusVersion is the migration that allows ingest.StatusSplit.
const splitStatusVersion = 4

// TestSplitStatusMigration takes a database with rows in it from the schema before
// the split status to the one after, and checks that the documents, their pages and
// case suggestions survive with their foreign keys (deleting a document still takes
// its pages and suggestions with it) and indexes, and that the new status is allowed
// and unknown ones still refused. On SQLite the migration rebuilds the documents
// table, which is what this is about. open must return a fresh, empty, unmigrated
// database; the suite closes it.
func TestSplitStatusMigration(t *testing.T, open func(t *testing.T) *sqldb.DB) {
	ctx := t.Context()
	db := open(t)
	t.Cleanup(func() { db.Close() })
	ms, err := db.Migrations()
	must(t, "list migrations", err)
	if len(ms) < splitStatusVersion || ms[splitStatusVersion-1].Name != "split_status" {
		t.Fatalf("migration %d is not split_status: %+v", splitStatusVersion, ms)
	}
	// Rows written under the schema before the migration.
	MigrateTo(t, db, splitStatusVersion-1)

	// Written as that schema has them: later migrations add columns this code
	// writes.
	d := sampleDocument()
	d.Confidential = true
	createOldDocument(t, db, &d)
	p := splitSamplePage(d.ID)
	must(t, "save page", db.SavePage(ctx, &p))
	other := sampleDocument()
	other.SHA256 = "1111111111111111111111111111111111111111111111111111111111111111"
	createOldDocument(t, db, &other)
	for _, q := range []string{
		`INSERT INTO units (code, name, level, created_at) VALUES ('STNMT', 'Sở Tài nguyên và Môi trường', 'department', '2026-01-01T00:00:00Z')`,
		`INSERT INTO cases (code, kind, unit_id, status, created_at, updated_at) VALUES ('KN-2026-000123', 'khieu_nai', (SELECT id FROM units WHERE code = 'STNMT'), 'tiep_nhan', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
		`INSERT INTO document_suggestions (document_id, case_code, reason) VALUES ('` + d.ID + `', 'KN-2026-000123', 'number')`,
	} {
		_, err := db.SQL().ExecContext(ctx, q)
		must(t, q, err)
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE documents SET status = 'split' WHERE id = '`+d.ID+`'`); err == nil {
		t.Fatal("status split accepted before its migration")
	}

	applied, err := db.Migrate(ctx)
	must(t, "migrate", err)
	if len(applied) == 0 || applied[0] != splitStatusVersion {
		t.Fatalf("applied %v, want %d first", applied, splitStatusVersion)
	}

	got, err := db.Document(ctx, d.ID)
	must(t, "read document", err)
	want := d
	want.Status = ingest.StatusStored
	if got.Status != want.Status || got.SHA256 != want.SHA256 || got.Meta != want.Meta || !got.Confidential ||
		got.Filename != want.Filename || !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("document after the migration: %+v\nwant %+v", got, want)
	}
	pages, err := db.Pages(ctx, d.ID)
	must(t, "read pages", err)
	if len(pages) != 1 || pages[0].Text != p.Text {
		t.Errorf("pages after the migration: %+v", pages)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		must(t, q, db.SQL().QueryRowContext(ctx, q).Scan(&n))
		return n
	}
	if n := count(`SELECT COUNT(*) FROM document_suggestions`); n != 1 {
		t.Errorf("%d suggestions after the migration, want 1", n)
	}

	// The new status is allowed, unknown ones are not.
	d.Status = ingest.StatusSplit
	must(t, "set status split", db.UpdateDocument(ctx, &d))
	if got, _ := db.Document(ctx, d.ID); got.Status != ingest.StatusSplit {
		t.Errorf("status %q, want split", got.Status)
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE documents SET status = 'bogus' WHERE id = '`+d.ID+`'`); err == nil {
		t.Error("status bogus accepted")
	}

	// The indexes are there.
	var indexes []string
	q := `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('documents', 'document_suggestions') AND sql IS NOT NULL`
	if db.Dialect() == "postgres" {
		q = `SELECT indexname FROM pg_indexes WHERE tablename IN ('documents', 'document_suggestions')`
	}
	rows, err := db.SQL().QueryContext(ctx, q)
	must(t, "list indexes", err)
	defer rows.Close()
	for rows.Next() {
		var name string
		must(t, "scan index", rows.Scan(&name))
		indexes = append(indexes, name)
	}
	must(t, "list indexes", rows.Err())
	for _, want := range []string{"documents_sha256", "documents_status", "documents_case", "documents_created", "documents_meta_number", "document_suggestions_document"} {
		if !slices.Contains(indexes, want) {
			t.Errorf("index %s is missing after the migration (have %v)", want, indexes)
		}
	}

	// The foreign keys still point at documents: a page of a missing document is
	// refused, and deleting a document takes its pages and suggestions along.
	orphan := splitSamplePage("01900000-0000-7000-8000-00000000dead")
	if err := db.SavePage(ctx, &orphan); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("page of a missing document: %v, want ErrNotFound", err)
	}
	must(t, "delete document", db.DeleteDocument(ctx, d.ID))
	if n := count(`SELECT COUNT(*) FROM pages`); n != 0 {
		t.Errorf("%d pages left after deleting their document", n)
	}
	if n := count(`SELECT COUNT(*) FROM document_suggestions`); n != 0 {
		t.Errorf("%d suggestions left after deleting their document", n)
	}
	if _, err := db.Document(ctx, other.ID); err != nil {
		t.Errorf("the other document: %v", err)
	}
	if db.Dialect() == "sqlite" {
		if n := count(`SELECT COUNT(*) FROM pragma_foreign_key_check`); n != 0 {
			t.Errorf("foreign_key_check reports %d problems", n)
		}
	}
	must(t, "CheckSchema", db.CheckSchema(ctx))
}

// MigrateTo applies the migrations up to and including version, each in its
// transaction and recorded, as Migrate does, so that a test can put rows into an
// older schema and then migrate them.
func MigrateTo(t *testing.T, db *sqldb.DB, version int) {
	t.Helper()
	ctx := t.Context()
	ms, err := db.Migrations()
	must(t, "list migrations", err)
	_, err = db.SchemaVersion(ctx) // creates schema_migrations
	must(t, "create schema_migrations", err)
	for _, m := range ms[:version] {
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			if m.Func != nil {
				err = m.Func(ctx, db.SQL(), tx)
			} else {
				_, err = tx.ExecContext(ctx, m.SQL)
			}
			if err == nil {
				_, err = tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (%d, '%s', 'test')`, m.Version, m.Name))
			}
			return err
		})
		must(t, fmt.Sprintf("apply migration %d", m.Version), err)
	}
}

func splitSamplePage(documentID string) ingest.Page {
	return ingest.Page{
		DocumentID: documentID, Number: 1, Text: "Về việc thụ lý giải quyết khiếu nại", Confidence: 91.5,
		WordsKey: "derived/9f/x/v1/page-0001.json", Width: 2480, Height: 3508, DPI: 300, Source: "ocr",
		DurationMS: 1200, CreatedAt: time.Now(),
	}
}

// createOldDocument writes d as kntc did under schema 3: the row alone (the
// arrival's audit entry came with migration 5, whose columns do not exist yet).
func createOldDocument(t *testing.T, db *sqldb.DB, d *ingest.Document) {
	t.Helper()
	d.ID = fmt.Sprintf("0190old-%s", d.SHA256[:8])
	d.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
	d.UpdatedAt = d.CreatedAt
	_, err := db.SQL().ExecContext(t.Context(), dialectQuery(db, `INSERT INTO documents (id, status, sha256, size,
		filename, source_path, content_type, unit_code, case_code, duplicate_of, pages, kind, meta_number, meta_date,
		meta_issuer, meta_type, meta_subject, error, attempts, pipeline, confidential, published, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		d.ID, d.Status, d.SHA256, d.Size, d.Filename, d.SourcePath, d.ContentType, d.UnitCode, d.CaseCode,
		d.DuplicateOf, d.Pages, d.Kind, d.Meta.Number, d.Meta.Date, d.Meta.Issuer, d.Meta.Type, d.Meta.Subject,
		d.Error, d.Attempts, d.Pipeline, d.Confidential, d.Published, d.CreatedAt, d.UpdatedAt)
	must(t, "create document under schema 3", err)
}
