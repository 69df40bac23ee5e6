package search_test

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
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
		d := ingest.Document{Status: ingest.StatusReceived, SHA256: fmt.Sprintf("%064d", i), UnitCode: "STNMT", Filename: "x.pdf", CaseCode: "KN-2026-000001"}
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

	// A document in no case (the triage inbox's) is held by metadata only: its
	// text, which may name a sender nobody knows yet must be protected, is found
	// by nobody until it is filed in a case.
	inbox := store("Đơn của ông Trần Văn Hòa Thành gửi đến", 4)
	inbox.CaseCode = ""
	if err := db.UpdateDocument(ctx, &inbox); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(ix, "hoa thanh"); n != 1 {
		t.Fatalf("a document in no case is found by its text: %d hits, want 1", n)
	}
	inbox.CaseCode = "KN-2026-000001"
	if err := db.UpdateDocument(ctx, &inbox); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(ix, "hoa thanh"); n != 2 {
		t.Fatalf("once filed in a case: %d hits, want 2", n)
	}
	inbox.Status = ingest.StatusQuarantined
	if err := db.UpdateDocument(ctx, &inbox); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
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

// TestFollowerIndexesConfidentialDocumentsByMetadataOnly: the follower takes the
// confidential and published marks from the database, so a confidential document's
// text never reaches the index and only a user granted its case finds it.
func TestFollowerIndexesConfidentialDocumentsByMetadataOnly(t *testing.T) {
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kntc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	store := func(i int, caseCode, text string, confidential, published bool) ingest.Document {
		d := ingest.Document{Status: ingest.StatusReceived, SHA256: fmt.Sprintf("%064d", i), UnitCode: "CT", CaseCode: caseCode, Filename: "x.pdf"}
		if err := db.CreateDocument(ctx, &d); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePage(ctx, &ingest.Page{DocumentID: d.ID, Number: 1, Text: text}); err != nil {
			t.Fatal(err)
		}
		d.Status, d.Pages, d.Confidential, d.Published = ingest.StatusStored, 1, confidential, published
		if err := db.UpdateDocument(ctx, &d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	letter := store(1, "TC-2026-000001", "Tôi là Phạm Thị Hồng Nhung, người tố cáo, ở Hòa Thành.", true, false)
	decision := store(2, "KN-2026-000001", "Quyết định giải quyết khiếu nại ở Hòa Thành.", false, true)

	ix, err := search.OpenMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	f := &search.Follower{Index: ix, Source: db, Logger: slog.New(slog.DiscardHandler)}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	ids := func(q search.Query) []string {
		t.Helper()
		res, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.DocumentID)
		}
		return out
	}
	granted := []string{letter.CaseCode}
	for _, tc := range []struct {
		name string
		q    search.Query
		want []string
	}{
		{"words without the grant", search.Query{Text: "hoa thanh", AllUnits: true}, []string{decision.ID}},
		{"words with the grant", search.Query{Text: "hoa thanh", AllUnits: true, GrantedCases: granted}, []string{decision.ID}},
		{"the sender's name with the grant", search.Query{Text: "Nhung", AllUnits: true, GrantedCases: granted}, nil},
		{"its case without the grant", search.Query{Case: letter.CaseCode, AllUnits: true}, nil},
		{"its case with the grant", search.Query{Case: letter.CaseCode, AllUnits: true, GrantedCases: granted}, []string{letter.ID}},
		{"the portal", search.Query{AllUnits: true, PublicOnly: true}, []string{decision.ID}},
	} {
		if got := ids(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
