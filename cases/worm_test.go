package cases_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/localfs"
)

// TestWORMOnLocalDisk: a decision's archive copy is made read-only with a record of
// its SHA-256; verify finds it intact, then changed, then missing.
func TestWORMOnLocalDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	blobs, err := localfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := ingest.Document{ID: "01-quyet-dinh", SHA256: strings.Repeat("ab", 32), Pipeline: "v3"}
	key := ingest.ArchiveKey(d.SHA256, d.Pipeline)
	pdf := []byte("%PDF-1.7 quyết định giải quyết khiếu nại")
	if _, err := blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf)), ""); err != nil {
		t.Fatal(err)
	}
	if err := (&cases.WORM{Blobs: blobs, Years: 0}).Retain(ctx, d); err != nil {
		t.Fatal(err)
	}
	if n, probs, err := cases.VerifyWORM(ctx, blobs); err != nil || n != 0 || len(probs) != 0 {
		t.Fatalf("with 0 years nothing is retained: %d %v %v", n, probs, err)
	}
	w := &cases.WORM{Blobs: blobs, Years: 10, Now: func() time.Time { return time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC) }}
	if err := w.Retain(ctx, d); err != nil {
		t.Fatal(err)
	}
	// A document without an archive copy has nothing to keep.
	if err := w.Retain(ctx, ingest.Document{ID: "x", SHA256: strings.Repeat("cd", 32), Pipeline: "v3"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, filepath.FromSlash(key))
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o444 {
		t.Fatalf("archive copy mode %v %v, want read-only", info.Mode(), err)
	}
	if n, probs, err := cases.VerifyWORM(ctx, blobs); err != nil || n != 1 || len(probs) != 0 {
		t.Fatalf("verify intact: %d %v %v", n, probs, err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("%PDF-1.7 quyết định đã bị sửa"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, probs, _ := cases.VerifyWORM(ctx, blobs); len(probs) != 1 || !strings.Contains(probs[0], key) || !strings.Contains(probs[0], "changed") {
		t.Fatalf("verify after a change: %v", probs)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, probs, _ := cases.VerifyWORM(ctx, blobs); len(probs) != 1 || !strings.Contains(probs[0], "missing") {
		t.Fatalf("verify after removal: %v", probs)
	}
}
