package postgres_test

import (
	"testing"

	"kntc/internal/testenv"
	"kntc/storage/postgres"
	"kntc/storage/sqldb"
	"kntc/storage/storagetest"
)

func TestSplitStatusMigration(t *testing.T) {
	storagetest.TestSplitStatusMigration(t, func(t *testing.T) *sqldb.DB {
		db, _, err := postgres.Open(t.Context(), testenv.PostgresDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		return db
	})
}
