package ingest

import (
	"context"
	"fmt"
	"time"
)

// WaitFinal polls docs every interval until each document of ids is final
// (Status.Final), following a batch split at its cover sheets into its parts
// (SplitParts), which it then waits for too. done, when set, is called once per
// document as it is found final, in the calling goroutine; for a split batch it is
// given the batch's parts, whose own calls follow when they are final. It returns
// the final documents, those of ids in order, then the parts in the order they were
// found; ctx's error when ctx ends first, or the store's error.
func WaitFinal(ctx context.Context, docs DocumentStore, ids []string, interval time.Duration, done func(d Document, parts []Document)) ([]Document, error) {
	pending := append([]string(nil), ids...)
	final := map[string]Document{}
	for len(final) < len(pending) {
		for _, id := range pending {
			if _, ok := final[id]; ok {
				continue
			}
			d, err := docs.Document(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("wait for document %s: %w", id, err)
			}
			if !d.Status.Final() {
				continue
			}
			final[id] = d
			var parts []Document
			if d.Status == StatusSplit {
				if parts, err = SplitParts(ctx, docs, id); err != nil {
					return nil, fmt.Errorf("wait for document %s: %w", id, err)
				}
				for _, p := range parts {
					pending = append(pending, p.ID)
				}
			}
			if done != nil {
				done(d, parts)
			}
		}
		if len(final) == len(pending) {
			break
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
	out := make([]Document, len(pending))
	for i, id := range pending {
		out[i] = final[id]
	}
	return out, nil
}
