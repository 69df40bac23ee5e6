package storagetest

import (
	"fmt"
	"reflect"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/sqldb"
)

// testTypedDocuments: the backfill of typed pages' words finds, in ID order and
// in batches from a cursor, the stored documents that are not retracted and have
// a page that carried its own text, each with those pages only.
func testTypedDocuments(t *testing.T, db *sqldb.DB) {
	ctx := t.Context()
	mk := func(i int, status ingest.Status, sources ...string) ingest.Document {
		t.Helper()
		d := sampleDocument()
		d.ID = fmt.Sprintf("0190a0a0-0000-7000-8000-%012d", i)
		d.SHA256 = fmt.Sprintf("%064d", i)
		d.Status, d.Pages = status, len(sources)
		must(t, "create", db.CreateDocument(ctx, &d))
		for n, src := range sources {
			p := ingest.Page{DocumentID: d.ID, Number: n + 1, Text: "trang", Source: src, Width: 1000 + n, Height: 2000 + n, DPI: 150}
			must(t, "save page", db.SavePage(ctx, &p))
		}
		return d
	}
	typed := mk(1, ingest.StatusStored, "text", "ocr", "text")
	mk(2, ingest.StatusStored, "ocr")
	retracted := mk(3, ingest.StatusStored, "text")
	mk(4, ingest.StatusQuarantined, "text")
	mixed := mk(5, ingest.StatusStored, "ocr", "text")
	must(t, "retract", db.RetractDocument(ctx, &retracted, "nhầm", cases.Record{Username: "test", Action: cases.ActionRetract, Object: "document:" + retracted.ID}))

	page := func(d ingest.Document, n int) ingest.Page {
		return ingest.Page{DocumentID: d.ID, Number: n, Source: "text", Width: 1000 + n - 1, Height: 2000 + n - 1}
	}
	want := []ingest.TypedDocument{
		{ID: typed.ID, SHA256: typed.SHA256, Pipeline: "v1", Pages: []ingest.Page{page(typed, 1), page(typed, 3)}},
		{ID: mixed.ID, SHA256: mixed.SHA256, Pipeline: "v1", Pages: []ingest.Page{page(mixed, 2)}},
	}
	all, err := db.TypedDocuments(ctx, "", 100)
	must(t, "typed documents", err)
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("typed documents:\n got %+v\nwant %+v", all, want)
	}
	first, err := db.TypedDocuments(ctx, "", 1)
	must(t, "first batch", err)
	rest, err := db.TypedDocuments(ctx, typed.ID, 1)
	must(t, "second batch", err)
	none, err := db.TypedDocuments(ctx, mixed.ID, 1)
	must(t, "after the last", err)
	if !reflect.DeepEqual(first, want[:1]) || !reflect.DeepEqual(rest, want[1:]) || none == nil || len(none) != 0 {
		t.Fatalf("in batches of one: %+v, %+v, then %#v; want %+v, then an empty slice", first, rest, none, want)
	}
}
