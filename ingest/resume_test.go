package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/internal/errs"
)

// TestResumeSpool: at start-up a spool file with no database row is quarantined
// with a reason a clerk reads, the leftover copy of a final document is removed,
// and a document still to process is enqueued again; claim records are left to
// Recover.
func TestResumeSpool(t *testing.T) {
	e := newSpoolEnv(t, "")
	qdir := t.TempDir()
	e.spool.Quarantine = &ingest.Quarantine{Dir: qdir}
	ctx := t.Context()
	put := func(id, content string) {
		t.Helper()
		must(t, os.WriteFile(e.spool.Path(id), []byte(content), 0o600))
	}
	create := func(id string, st ingest.Status) {
		t.Helper()
		must(t, e.db.CreateDocument(ctx, &ingest.Document{ID: id, Status: st, SHA256: sum(id), Filename: id + ".pdf", SourcePath: "cli"}))
		put(id, id)
	}
	const (
		queued   = "0190a000-0000-7000-8000-000000000001"
		stored   = "0190a000-0000-7000-8000-000000000002"
		split    = "0190a000-0000-7000-8000-000000000003"
		stranger = "0190a000-0000-7000-8000-000000000004"
	)
	create(queued, ingest.StatusReceived)
	create(stored, ingest.StatusStored)
	create(split, ingest.StatusSplit)
	put(stranger, "không rõ từ đâu")
	// A claim record is not a leftover: Resume leaves it alone.
	put(stranger+".claim.json", "{}")

	var enqueued []string
	err := e.spool.Resume(ctx, func(_ context.Context, id string) error {
		enqueued = append(enqueued, id)
		return nil
	})
	must(t, err)

	if !slices.Equal(enqueued, []string{queued}) {
		t.Errorf("enqueued %v, want only %s", enqueued, queued)
	}
	left := spoolFiles(t, e.spool.Dir)
	if want := []string{queued, stranger + ".claim.json"}; !slices.Equal(left, want) {
		t.Errorf("spool holds %v, want %v", left, want)
	}
	q := quarantined(t, qdir)
	if q[stranger] != "không rõ từ đâu" {
		t.Errorf("the unknown file is not in quarantine with its bytes: %v", keys(q))
	}
	if reason := q[stranger+".error.txt"]; !strings.Contains(reason, "tệp lạ trong hàng đợi") || !strings.Contains(reason, "no database record") {
		t.Errorf("quarantine reason = %q", reason)
	}
	if _, err := e.db.Document(ctx, stranger); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("the unknown file got a database row: %v", err)
	}
}

// TestResumeSpoolEnqueueFails: a failure to enqueue stops the start-up with an
// error and leaves the spool file where it is, to be resumed next time.
func TestResumeSpoolEnqueueFails(t *testing.T) {
	e := newSpoolEnv(t, "")
	e.spool.Quarantine = &ingest.Quarantine{Dir: t.TempDir()}
	id := "0190a000-0000-7000-8000-000000000005"
	must(t, e.db.CreateDocument(t.Context(), &ingest.Document{ID: id, Status: ingest.StatusReceived, SHA256: sum(id), Filename: "a.pdf", SourcePath: "cli"}))
	must(t, os.WriteFile(e.spool.Path(id), []byte("a"), 0o600))
	boom := errors.New("queue down")
	err := e.spool.Resume(t.Context(), func(context.Context, string) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("Resume = %v, want the enqueue error", err)
	}
	if _, err := os.Stat(filepath.Join(e.spool.Dir, id)); err != nil {
		t.Errorf("the spool file is gone: %v", err)
	}
}
