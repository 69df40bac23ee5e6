package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"

	"kntc/internal/errs"
)

// errUnknownSpoolFile is the reason a spool file with no database record is
// quarantined: a clerk reads it beside the file.
var errUnknownSpoolFile = errors.New("tệp lạ trong hàng đợi, không có hồ sơ trong cơ sở dữ liệu (unknown file in the spool, no database record)")

// Resume decides, at start-up, what becomes of every spool file left without a
// claim record (Leftovers): a file with no row in Docs is not a claim of this kntc
// and goes to Quarantine, where a clerk can see it; the leftover copy of a final
// document (Status.Final) is removed; any other document is handed to enqueue, so
// it gets a job again. Call it after Recover and before the workers start; it is
// not safe to run beside claims of the same spool.
func (s *Spool) Resume(ctx context.Context, enqueue func(ctx context.Context, id string) error) error {
	ids, err := s.Leftovers()
	if err != nil {
		return fmt.Errorf("resume spool: %w", err)
	}
	for _, id := range ids {
		d, err := s.Docs.Document(ctx, id)
		switch {
		case errors.Is(err, errs.ErrNotFound):
			if s.Quarantine == nil {
				return fmt.Errorf("resume spool: unknown file %s and no quarantine", id)
			}
			if _, err := s.Quarantine.Put(Document{ID: id, Filename: id}, s.Path(id), errUnknownSpoolFile); err != nil {
				return fmt.Errorf("resume spool: %w", err)
			}
		case err != nil:
			return fmt.Errorf("resume spool: document %s: %w", id, err)
		case d.Status.Final():
			// Stored, quarantined, a duplicate or split: the spool copy is a leftover
			// of a crash between the last step and its removal.
			if err := os.Remove(s.Path(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("resume spool: remove %s: %w", id, err)
			}
		default:
			if err := enqueue(ctx, id); err != nil {
				return fmt.Errorf("resume spool: %w", err)
			}
		}
	}
	return nil
}
