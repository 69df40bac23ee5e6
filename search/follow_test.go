package search_test

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/search"
	"kntc/storage/sqlite"
)

// TestFollowerKeepsTheIndexInStep drives the follower against a real SQLite
// database: stored documents become searchable, a document that leaves the stored
// state leaves the index, and a new index catches up from nothing.
func TestFollowerKeepsTheIndexInStep(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kntc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	store := func(text string, i int) ingest.Document {
		d := ingest.Document{Status: ingest.StatusReceived, SHA256: fmt.Sprintf("%064d", i), UnitCode: "STNMT", Filename: "x.pdf"}
		if err := db.CreateDocument(ctx, &d); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePage(ctx, &ingest.Page{DocumentID: d.ID, Number: 1, Text: text}); err != nil {
			t.Fatal(err)
		}
		d.Status, d.Pages = ingest.StatusStored, 1
		if err := db.UpdateDocument(ctx, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	count := func(ix *search.Index, q string) int {
		t.Helper()
		res, err := ix.Search(ctx, search.Query{Text: q, AllUnits: true})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	ix, err := search.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	f := &search.Follower{Index: ix, Source: db, Logger: slog.New(slog.DiscardHandler), Overlap: time.Minute}

	a := store("Quyết định giải quyết khiếu nại về đất đai ở Hòa Thành", 1)
	pending := ingest.Document{Status: ingest.StatusReceived, SHA256: fmt.Sprintf("%064d", 2), UnitCode: "STNMT"}
	if err := db.CreateDocument(ctx, &pending); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(ix, "hoa thanh"); n != 1 {
		t.Fatalf("after catching up: %d hits, want 1", n)
	}
	b := store("Biên bản đối thoại với người khiếu nại ở Hòa Thành", 3)
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(ix, "hoa thanh"); n != 2 {
		t.Fatalf("after a second document: %d hits, want 2", n)
	}
	a.Status = ingest.StatusQuarantined
	if err := db.UpdateDocument(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(ix, "hoa thanh"); n != 1 {
		t.Fatalf("after a document left the stored state: %d hits, want 1", n)
	}
	at, id, err := ix.Checkpoint()
	if err != nil || id != a.ID || !at.Equal(a.UpdatedAt) {
		t.Fatalf("checkpoint %v %q %v, want the last change (%s)", at, id, err, a.ID)
	}

	// A new, empty index catches up with everything from the checkpoint zero.
	fresh, err := search.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	f2 := &search.Follower{Index: fresh, Source: db, Logger: slog.New(slog.DiscardHandler)}
	if err := f2.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(fresh, "đối thoại"); n != 1 {
		t.Fatalf("a rebuilt index has %d hits, want 1 (%s)", n, b.ID)
	}
}
