package sqldb

import (
	"context"

	"kntc/cases"
)

var _ cases.PortalGenerationStore = (*DB)(nil)

// PortalGeneration implements cases.PortalGenerationStore: the number that
// triggers change with every write to publications, document_retractions and
// units (migration 20), in the writer's transaction.
func (db *DB) PortalGeneration(ctx context.Context) (int64, error) {
	var n int64
	err := db.sql.QueryRowContext(ctx, `SELECT n FROM portal_generation WHERE id = 1`).Scan(&n)
	return n, db.classify("portal generation", err)
}
