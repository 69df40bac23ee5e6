package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/ocr/ocrtest"
	"kntc/storage/localfs"
	"kntc/storage/sqlite"
)

// TestDocumentRetractAndPurge: `kntc document retract` takes a document out of the
// database's lists and of the index the server is not holding, so that `kntc
// reindex --check` finds nothing unknown; `kntc document purge` then deletes its
// objects; `kntc document retracted` lists it, purged.
func TestDocumentRetractAndPurge(t *testing.T) {
	dir := t.TempDir()
	kntc := func(args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(args, "--data-dir", dir), envFunc(nil), nil, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	var srcs []string
	for i, text := range []string{"Quyết định giao nhiệm vụ xác minh nội dung khiếu nại", "Đơn của công dân xã khác gửi nhầm về huyện"} {
		img, _ := page(t, text)
		p := filepath.Join(t.TempDir(), []string{"dung.png", "nham.png"}[i])
		must(t, os.WriteFile(p, ocrtest.PNG(img), 0o644))
		srcs = append(srcs, p)
	}
	if out, err := kntc(append([]string{"ingest", "--case", "KN-2026-000001"}, srcs...)...); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	must(t, os.MkdirAll(filepath.Join(dir, "index"), 0o755))
	if out, err := kntc("reindex"); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "kntc.db"))
	if err != nil {
		t.Fatal(err)
	}
	docs, _, err := db.Documents(t.Context(), ingest.DocumentFilter{})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var wrong ingest.Document
	for _, d := range docs {
		if d.Filename == "nham.png" {
			wrong = d
		}
	}
	if wrong.ID == "" || len(docs) != 2 {
		t.Fatalf("documents after ingest: %+v", docs)
	}

	if out, err := kntc("document", "purge", wrong.ID); err == nil || !strings.Contains(err.Error(), "chưa bị rút") {
		t.Fatalf("purge before retracting: %v\n%s", err, out)
	}
	if out, err := kntc("document", "retract", wrong.ID); err == nil {
		t.Fatalf("retract without a reason: %v\n%s", err, out)
	}
	if out, err := kntc("document", "retract", wrong.ID, "--reason", "Đơn của công dân xã khác"); err != nil {
		t.Fatalf("retract: %v\n%s", err, out)
	}
	if out, err := kntc("reindex", "--check"); err != nil || !strings.Contains(out, "(stored documents): 1; thiếu trong chỉ mục (missing): 0; cũ (stale): 0; thừa (not stored or unknown): 0") {
		t.Fatalf("check after retracting: %v\n%s", err, out)
	}
	if out, err := kntc("search", "cong", "dan", "xa", "khac"); err != nil || strings.Contains(out, wrong.ID) || strings.Contains(out, "nham.png") {
		t.Fatalf("search after retracting: %v\n%s", err, out)
	}
	if out, err := kntc("document", "purge", wrong.ID); err != nil || !strings.Contains(out, "Đã xoá tài liệu "+wrong.ID) {
		t.Fatalf("purge: %v\n%s", err, out)
	}
	blobs, err := localfs.New(filepath.Join(dir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Stat(t.Context(), ingest.OriginalKey(wrong.SHA256)); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("the purged original is still there: %v", err)
	}
	if _, err := blobs.Stat(t.Context(), ingest.ArchiveKey(wrong.SHA256, wrong.Pipeline)); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("the purged archive copy is still there: %v", err)
	}
	out, err := kntc("document", "retracted")
	if err != nil || !strings.Contains(out, wrong.ID) || !strings.Contains(out, " cli") || strings.Contains(out, "xã khác") {
		t.Fatalf("document retracted: %v\n%s", err, out)
	}
	// No server ran here, so no anchor was written: write one, as a server would.
	if out, err := kntc("audit", "anchor"); err != nil {
		t.Fatalf("audit anchor: %v\n%s", err, out)
	}
	if out, err := kntc("verify"); err != nil {
		t.Fatalf("verify after the purge: %v\n%s", err, out)
	}
}
