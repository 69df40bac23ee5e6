package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"kntc/internal/errs"
)

// TestQuarantineRetryDiscard: a quarantined file is listed with its reason; retry
// claims a copy, then sets file and reason aside (a failed claim leaves them);
// discard sets them aside; each act is audited first; bad names are not found.
func TestQuarantineRetryDiscard(t *testing.T) {
	dir := t.TempDir()
	q := &Quarantine{Dir: filepath.Join(dir, "q"), Now: func() time.Time { return time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC) }}
	put := func(name string) string {
		src := filepath.Join(dir, name)
		if err := os.WriteFile(src, []byte("bytes of "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := q.Put(Document{ID: "doc-" + name, Filename: name}, src, errors.New("tệp hỏng (broken file)"))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	put("a.pdf")
	put("b.pdf")
	files, total, err := q.List(0)
	if err != nil || total != 2 || len(files) != 2 {
		t.Fatalf("List = %v, %d, %v", files, total, err)
	}
	if f, err := q.File("2026-12-03/a.pdf"); err != nil || f.DocumentID != "doc-a.pdf" || f.Reason != "tệp hỏng (broken file)" || f.Size != 14 {
		t.Fatalf("File = %+v, %v", f, err)
	}
	var acts []string
	audit := func(_ context.Context, action, object, _ string) error {
		acts = append(acts, action+" "+object)
		return nil
	}

	var claimed []byte
	fail := func(_ context.Context, o Origin) (Document, error) { return Document{}, errors.New("spool full") }
	if _, err := q.Retry(context.Background(), "2026-12-03/a.pdf", Origin{}, fail, audit); err == nil {
		t.Fatal("a failed claim was not reported")
	}
	if _, err := os.Stat(filepath.Join(q.Dir, "2026-12-03", "a.pdf")); err != nil {
		t.Fatalf("a failed retry lost the file: %v", err)
	}
	ok := func(_ context.Context, o Origin) (Document, error) {
		if !o.Keep {
			t.Error("retry does not ask the claim to keep the file")
		}
		b, err := os.ReadFile(o.Path)
		claimed = b
		return Document{ID: "new"}, err
	}
	d, err := q.Retry(context.Background(), "2026-12-03/a.pdf", Origin{UnitCode: "U"}, ok, audit)
	if err != nil || d.ID != "new" || string(claimed) != "bytes of a.pdf" {
		t.Fatalf("Retry = %+v, %v (claimed %q)", d, err, claimed)
	}
	for _, p := range []string{"retried/2026-12-03/a.pdf", "retried/2026-12-03/a.pdf.error.txt"} {
		if _, err := os.Stat(filepath.Join(q.Dir, p)); err != nil {
			t.Errorf("retried file not kept: %v", err)
		}
	}
	if _, err := q.Discard(context.Background(), "2026-12-03/b.pdf", "scan again", audit); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"discarded/2026-12-03/b.pdf", "discarded/2026-12-03/b.pdf.error.txt"} {
		if _, err := os.Stat(filepath.Join(q.Dir, p)); err != nil {
			t.Errorf("discarded file not kept: %v", err)
		}
	}
	if files, total, _ := q.List(0); total != 0 || len(files) != 0 {
		t.Errorf("handled files still listed: %v", files)
	}
	want := []string{"quarantine_retry quarantine:2026-12-03/a.pdf", "quarantine_retry quarantine:2026-12-03/a.pdf", "quarantine_discard quarantine:2026-12-03/b.pdf"}
	if len(acts) != len(want) {
		t.Fatalf("audited %v, want %v", acts, want)
	}
	for i := range want {
		if acts[i] != want[i] {
			t.Errorf("audit %d = %q, want %q", i, acts[i], want[i])
		}
	}
	for _, bad := range []string{"", "a.pdf", "../x/a.pdf", "2026-12-03/../../etc", "retried/2026-12-03", "2026-12-03/a.pdf.error.txt", "2026-12-03/a.pdf"} {
		if _, err := q.Discard(context.Background(), bad, "", audit); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("Discard(%q) = %v, want not found", bad, err)
		}
	}
}
