package sqlite_test

import (
	"path/filepath"
	"strings"
	"testing"

	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
	"kntc/storage/storagetest"
)

func TestSplitStatusMigration(t *testing.T) {
	storagetest.TestSplitStatusMigration(t, func(t *testing.T) *sqldb.DB {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kntc.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}

// TestSplitStatusMigrationGuard: the documents rebuild refuses a schema it does not
// know (here a column some other change added), leaving the database as it was.
func TestSplitStatusMigrationGuard(t *testing.T) {
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kntc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storagetest.MigrateTo(t, db, 3)
	if _, err := db.SQL().ExecContext(t.Context(), `ALTER TABLE documents ADD COLUMN note TEXT NOT NULL DEFAULT ''`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(t.Context()); err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
		t.Fatalf("migrate over an unknown column: %v, want the guard's CHECK failure", err)
	}
	if v, _ := db.SchemaVersion(t.Context()); v != 3 {
		t.Fatalf("schema version %d after the refused migration, want 3", v)
	}
	var n int
	if err := db.SQL().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM pragma_table_info('documents') WHERE name = 'note'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the documents table changed: %v, %d", err, n)
	}
}
