package sqlite_test

import (
	"path/filepath"
	"testing"

	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
	"kntc/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.TestDatabase(t, func(t *testing.T) *sqldb.DB {
		db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kntc.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
