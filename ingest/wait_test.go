package ingest_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
)

type finished struct {
	id    string
	parts []string
}

// TestWaitFinal: documents made final one after another are reported one by one,
// each once, as they become final; a batch split at its cover sheets brings its
// parts, which are waited for in turn; the answer lists every final document.
func TestWaitFinal(t *testing.T) {
	e := newSpoolEnv(t, "")
	ctx := t.Context()
	create := func(id string) {
		t.Helper()
		must(t, e.db.CreateDocument(ctx, &ingest.Document{ID: id, Status: ingest.StatusReceived, SHA256: sum(id), Filename: id + ".pdf", SourcePath: "cli"}))
	}
	set := func(id string, st ingest.Status) {
		t.Helper()
		d, err := e.db.Document(ctx, id)
		must(t, err)
		d.Status = st
		must(t, e.db.UpdateDocument(ctx, &d))
	}
	const (
		a     = "0190a000-0000-7000-8000-00000000000a"
		b     = "0190a000-0000-7000-8000-00000000000b"
		batch = "0190a000-0000-7000-8000-00000000000c"
	)
	p1, p2 := ingest.PartID(batch, 1), ingest.PartID(batch, 2)
	for _, id := range []string{a, b, batch} {
		create(id)
	}

	got := make(chan finished)
	type result struct {
		docs []ingest.Document
		err  error
	}
	res := make(chan result, 1)
	go func() {
		docs, err := ingest.WaitFinal(ctx, e.db, []string{a, b, batch}, time.Millisecond, func(d ingest.Document, parts []ingest.Document) {
			f := finished{id: d.ID}
			for _, p := range parts {
				f.parts = append(f.parts, p.ID)
			}
			select {
			case got <- f:
			case <-ctx.Done(): // the test failed
			}
		})
		res <- result{docs, err}
	}()
	next := func(want finished) {
		t.Helper()
		select {
		case f := <-got:
			if f.id != want.id || !slices.Equal(f.parts, want.parts) {
				t.Fatalf("finished %+v, want %+v", f, want)
			}
		case r := <-res:
			t.Fatalf("WaitFinal returned early (%v) waiting for %s", r.err, want.id)
		}
	}

	set(b, ingest.StatusStored)
	next(finished{id: b})
	// The parts are registered before their batch is marked split, as the
	// processor does.
	create(p1)
	create(p2)
	set(batch, ingest.StatusSplit)
	next(finished{id: batch, parts: []string{p1, p2}})
	set(p2, ingest.StatusQuarantined)
	next(finished{id: p2})
	set(a, ingest.StatusDuplicate)
	next(finished{id: a})
	set(p1, ingest.StatusStored)
	next(finished{id: p1})

	r := <-res
	must(t, r.err)
	var ids []string
	statuses := map[string]ingest.Status{}
	for _, d := range r.docs {
		ids = append(ids, d.ID)
		statuses[d.ID] = d.Status
	}
	if want := []string{a, b, batch, p1, p2}; !slices.Equal(ids, want) {
		t.Errorf("WaitFinal answered %v, want %v", ids, want)
	}
	if statuses[a] != ingest.StatusDuplicate || statuses[p2] != ingest.StatusQuarantined || statuses[batch] != ingest.StatusSplit {
		t.Errorf("statuses %v", statuses)
	}
}

// TestWaitFinalCancelled: a document that never becomes final is waited for until
// the context ends, which is the answer.
func TestWaitFinalCancelled(t *testing.T) {
	e := newSpoolEnv(t, "")
	id := "0190a000-0000-7000-8000-00000000000d"
	must(t, e.db.CreateDocument(t.Context(), &ingest.Document{ID: id, Status: ingest.StatusReceived, SHA256: sum(id), Filename: "d.pdf", SourcePath: "cli"}))
	ctx, cancel := context.WithCancel(t.Context())
	calls := 0
	polls := &countingStore{DocumentStore: e.db, after: 3, cancel: cancel}
	_, err := ingest.WaitFinal(ctx, polls, []string{id}, time.Millisecond, func(ingest.Document, []ingest.Document) { calls++ })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitFinal = %v, want context.Canceled", err)
	}
	if calls != 0 || polls.n < 3 {
		t.Errorf("done called %d times after %d polls", calls, polls.n)
	}
}

// TestWaitFinalUnknownDocument: a document that is not in the store is an error,
// not an endless wait.
func TestWaitFinalUnknownDocument(t *testing.T) {
	e := newSpoolEnv(t, "")
	_, err := ingest.WaitFinal(t.Context(), e.db, []string{"0190a000-0000-7000-8000-00000000000e"}, time.Millisecond, nil)
	if !errors.Is(err, errs.ErrNotFound) {
		t.Fatalf("WaitFinal = %v, want ErrNotFound", err)
	}
}

// countingStore cancels the wait after a number of polls.
type countingStore struct {
	ingest.DocumentStore
	n, after int
	cancel   func()
}

func (s *countingStore) Document(ctx context.Context, id string) (ingest.Document, error) {
	s.n++
	if s.n == s.after {
		s.cancel()
	}
	return s.DocumentStore.Document(ctx, id)
}
