package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
)

// Source is what the follower reads from the metadata database.
type Source interface {
	// DocumentsChangedSince returns up to limit documents whose (UpdatedAt, ID) comes
	// after (since, afterID), in that order.
	DocumentsChangedSince(ctx context.Context, since time.Time, afterID string, limit int) ([]ingest.Document, error)
	Pages(ctx context.Context, documentID string) ([]ingest.Page, error)
}

// keyCheckpoint holds the follower's position: the UpdatedAt and ID of the last
// document it applied.
var keyCheckpoint = []byte("kntc_follow_checkpoint")

// Checkpoint returns the follower's position (zero for a new index).
func (ix *Index) Checkpoint() (time.Time, string, error) {
	v, err := ix.shards[0].GetInternal(keyCheckpoint)
	if err != nil || len(v) == 0 {
		return time.Time{}, "", err
	}
	ts, id, _ := strings.Cut(string(v), "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("search index checkpoint %q: %w", v, err)
	}
	return t, id, nil
}

// SetCheckpoint records the follower's position.
func (ix *Index) SetCheckpoint(t time.Time, id string) error {
	return ix.shards[0].SetInternal(keyCheckpoint, []byte(t.UTC().Format(time.RFC3339Nano)+"|"+id))
}

// Follower keeps an index in step with the database: every document whose row
// changed is indexed when stored (and not retracted) and removed otherwise. Each
// web node runs one for its own index, so documents stored by any worker on any
// machine become searchable everywhere, retracted ones leave every node's index,
// and an index lost or rebuilt catches up from its checkpoint.
type Follower struct {
	Index  *Index
	Source Source
	Logger *slog.Logger
	// Poll is how often the database is asked for changes; Wake asks at once.
	Poll time.Duration
	// Overlap re-reads this much before the checkpoint, for rows written by machines
	// whose clocks lag; re-indexing a document is harmless.
	Overlap time.Duration

	wake chan struct{}
	seen map[string]time.Time // recently applied, to skip the overlap's repeats
}

// Wake makes the follower look for changes now (the local worker stored something).
// It never blocks.
func (f *Follower) Wake() {
	select {
	case f.wakeCh() <- struct{}{}:
	default:
	}
}

func (f *Follower) wakeCh() chan struct{} {
	if f.wake == nil {
		f.wake = make(chan struct{}, 1)
	}
	return f.wake
}

// Run follows until ctx ends.
func (f *Follower) Run(ctx context.Context) error {
	if f.Poll <= 0 {
		f.Poll = time.Second
	}
	wake := f.wakeCh()
	tick := time.NewTicker(f.Poll)
	defer tick.Stop()
	for {
		if err := f.CatchUp(ctx); err != nil && ctx.Err() == nil {
			f.Logger.Error("search index follower", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-wake:
		}
	}
}

// CatchUp applies every change since the checkpoint.
func (f *Follower) CatchUp(ctx context.Context) error {
	if f.seen == nil {
		f.seen = map[string]time.Time{}
	}
	since, after, err := f.Index.Checkpoint()
	if err != nil {
		return err
	}
	if !since.IsZero() && f.Overlap > 0 {
		since, after = since.Add(-f.Overlap), ""
	}
	const batch = 200
	for {
		docs, err := f.Source.DocumentsChangedSince(ctx, since, after, batch)
		if err != nil {
			return fmt.Errorf("changed documents: %w", err)
		}
		for _, d := range docs {
			if err := f.apply(ctx, d); err != nil {
				return err
			}
			since, after = d.UpdatedAt, d.ID
		}
		if len(docs) > 0 {
			if err := f.Index.SetCheckpoint(since, after); err != nil {
				return err
			}
		}
		if len(docs) < batch {
			f.forget(since)
			return nil
		}
	}
}

func (f *Follower) apply(ctx context.Context, d ingest.Document) error {
	if t, ok := f.seen[d.ID]; ok && t.Equal(d.UpdatedAt) {
		return nil
	}
	if d.Indexed() {
		pages, err := f.Source.Pages(ctx, d.ID)
		if err != nil {
			if errors.Is(err, errs.ErrNotFound) {
				return nil
			}
			return err
		}
		if err := f.Index.Put(ctx, EntryOf(d, pages)); err != nil {
			return fmt.Errorf("index %s: %w", d.ID, err)
		}
	} else if err := f.Index.Delete(ctx, d.ID); err != nil {
		return fmt.Errorf("unindex %s: %w", d.ID, err)
	}
	f.seen[d.ID] = d.UpdatedAt
	return nil
}

// forget drops remembered documents older than the overlap window.
func (f *Follower) forget(now time.Time) {
	for id, t := range f.seen {
		if now.Sub(t) > f.Overlap {
			delete(f.seen, id)
		}
	}
}
