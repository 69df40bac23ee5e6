package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
	"kntc/storage/localfs"
)

// TestTypedWordsBackfill: documents stored before the pipeline read typed pages'
// words get them from a pass of the backfill: only the typed pages without a
// words object are read (not a scan's, not those a document has already, not a
// retracted document's), once each, and stored as the pipeline stores them; the
// pass keeps a cursor, so a pass cut off goes on where it stopped and the next
// one reads nothing; FromStart goes through every document again, reading
// nothing that is there.
func TestTypedWordsBackfill(t *testing.T) {
	e := newSpoolEnv(t, "")
	blobs, err := localfs.New(t.TempDir())
	must(t, err)
	layer := &toyTextLayer{}
	p := &ingest.Processor{
		Docs: e.db, Blobs: blobs, OCR: &toyOCR{}, Open: openTypedToy, Spool: e.spool,
		Archive:    func(w io.Writer, _ ingest.ArchiveMeta) (ingest.Archive, error) { return toyArchive{w}, nil },
		Quarantine: &ingest.Quarantine{Dir: t.TempDir()}, Logger: slog.New(slog.DiscardHandler),
		Slots: 2, Pipeline: "v1", Memory: ingest.NewMemoryGate(1 << 30),
	}
	store := func(name string, pages ...string) ingest.Document {
		t.Helper()
		d, err := e.spool.Claim(t.Context(), e.drop(t, name, strings.Join(pages, "\n")+"\n"))
		must(t, err)
		must(t, p.Process(t.Context(), d.ID, false))
		d, err = e.db.Document(t.Context(), d.ID)
		must(t, err)
		if d.Status != ingest.StatusStored {
			t.Fatalf("%s: status %s (%s)", name, d.Status, d.Error)
		}
		return d
	}
	// Stored the old way: no text layer read.
	old := store("cu.toy", "TEXT quyet dinh", "quet trang hai", "TEXT ket luan")
	scan := store("quet.toy", "quet trang mot")
	retracted := store("rut.toy", "TEXT thong bao")
	partly := store("mot-phan.toy", "TEXT to trinh", "TEXT bien ban")
	// Stored since: its words read by the pipeline.
	p.OpenTextLayer = layer.open
	fresh := store("moi.toy", "TEXT cong van", "quet trang hai")
	if !slices.Equal(layer.asked, []int{1}) {
		t.Fatalf("the pipeline read pages %v of the new document, want [1]", layer.asked)
	}
	// A page of partly has its words already (publication read them, or a pass
	// was cut off after it).
	body, _ := json.Marshal(ingest.PageWords{Width: 9, Height: 1, DPI: 300, Words: []ingest.Word{{Text: "da-co", X1: 5, Y1: 1}}})
	_, err = blobs.Put(t.Context(), ingest.TextWordsKey(partly.SHA256, "v1", 2), strings.NewReader(string(body)), int64(len(body)), "")
	must(t, err)
	must(t, e.db.RetractDocument(t.Context(), &retracted, "nhầm tệp", cases.Record{Username: "lanh.dao", Action: cases.ActionRetract, Object: "document:" + retracted.ID}))

	// Each page read is told apart by the archive copy it was read from.
	ids := map[string]string{old.ID: "old", scan.ID: "scan", retracted.ID: "retracted", partly.ID: "partly", fresh.ID: "fresh"}
	byCopy := map[string]string{}
	for _, d := range []ingest.Document{old, scan, retracted, partly, fresh} {
		byCopy[copyOf(t, blobs, d)] = ids[d.ID]
	}
	var reads []read
	p.OpenTextLayer = func(ctx context.Context, path string) (ingest.TextLayer, error) {
		b, err := os.ReadFile(path)
		must(t, err)
		tl, err := layer.open(ctx, path)
		return namedLayer{tl, byCopy[string(b)], &reads}, err
	}
	pass := func(ctx context.Context, bf *ingest.TypedWordsBackfill) ingest.BackfillResult {
		t.Helper()
		res, err := bf.Run(ctx)
		t.Logf("pass: %+v (%v)", res, err)
		if err != nil && ctx.Err() == nil {
			t.Fatalf("backfill: %v", err)
		}
		return res
	}

	// A first pass, cut off after its first document (a restart).
	ctx, cancel := context.WithCancel(t.Context())
	res := pass(ctx, &ingest.TypedWordsBackfill{Processor: p, Docs: e.db, Batch: 2, Progress: func(int) { cancel() }})
	cancel()
	if res.Documents != 1 || res.PagesRead != 2 || res.After != old.ID {
		t.Errorf("cut-off pass: %+v, want the old document's 2 typed pages read", res)
	}
	// The next pass goes on from there, to the end.
	res = pass(t.Context(), &ingest.TypedWordsBackfill{Processor: p, Docs: e.db, Batch: 2})
	if res.From != old.ID || res.Documents != 2 || res.PagesRead != 1 || res.PagesHad != 2 || res.PagesFailed != 0 || res.After != fresh.ID {
		t.Errorf("second pass: %+v, want partly's page 1 read, its page 2 and fresh's page kept", res)
	}
	want := []read{{"old", 1}, {"old", 3}, {"partly", 1}}
	t.Logf("pages read by the two passes: %v", reads)
	if !slices.Equal(reads, want) {
		t.Errorf("pages read %v, want %v (no scan, no page having words, no retracted document)", reads, want)
	}
	// A third pass starts after the last document and reads nothing.
	reads = nil
	res = pass(t.Context(), &ingest.TypedWordsBackfill{Processor: p, Docs: e.db})
	if res.From != fresh.ID || res.Documents != 0 || len(reads) != 0 {
		t.Errorf("third pass: %+v, read %v; want nothing", res, reads)
	}
	// From the start (kntc reindex --typed-words): every typed document looked at,
	// nothing read.
	res = pass(t.Context(), &ingest.TypedWordsBackfill{Processor: p, Docs: e.db, FromStart: true, Batch: 1})
	if res.Documents != 3 || res.PagesHad != 5 || res.PagesRead != 0 || len(reads) != 0 {
		t.Errorf("pass from the start: %+v, read %v; want 3 documents, 5 pages with words, nothing read", res, reads)
	}

	// What was stored is what the pipeline stores, where the viewer looks.
	for _, c := range []struct {
		d     ingest.Document
		typed map[int]string // page → its word; absent: no words object
	}{
		{old, map[int]string{1: "quyet", 3: "ket"}},
		{partly, map[int]string{1: "to", 2: "da-co"}},
		{fresh, map[int]string{1: "cong"}},
		{scan, nil},
		{retracted, nil},
	} {
		rows, err := e.db.Pages(t.Context(), c.d.ID)
		must(t, err)
		for _, pg := range rows {
			rc, err := blobs.Get(t.Context(), ingest.TextWordsKey(c.d.SHA256, "v1", pg.Number), 0, -1)
			word, ok := c.typed[pg.Number]
			if !ok {
				if !errors.Is(err, errs.ErrNotFound) {
					t.Errorf("%s page %d: words object %v, want none", ids[c.d.ID], pg.Number, err)
				}
				continue
			}
			must(t, err)
			var pw ingest.PageWords
			err = json.NewDecoder(rc).Decode(&pw)
			rc.Close()
			must(t, err)
			if ingest.BoxesKey(c.d, pg) != ingest.TextWordsKey(c.d.SHA256, "v1", pg.Number) || len(pw.Words) != 1 || pw.Words[0].Text != word {
				t.Errorf("%s page %d: words %+v under %s, want %q where BoxesKey looks", ids[c.d.ID], pg.Number, pw, ingest.BoxesKey(c.d, pg), word)
			}
		}
	}
	// A document retracted while its page is read gets no words object.
	withLayer := p.OpenTextLayer
	p.OpenTextLayer = nil
	late := store("muon.toy", "TEXT giay moi")
	p.OpenTextLayer = func(ctx context.Context, path string) (ingest.TextLayer, error) {
		must(t, e.db.RetractDocument(ctx, &late, "nhầm tệp", cases.Record{Username: "lanh.dao", Action: cases.ActionRetract, Object: "document:" + late.ID}))
		return withLayer(ctx, path)
	}
	res = pass(t.Context(), &ingest.TypedWordsBackfill{Processor: p, Docs: e.db})
	if res.Documents != 1 || res.PagesRead != 0 || res.Skipped != 1 || res.After != late.ID {
		t.Errorf("pass over a document retracted meanwhile: %+v, want it skipped", res)
	}
	if _, err := blobs.Stat(t.Context(), ingest.TextWordsKey(late.SHA256, "v1", 1)); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("a document retracted while read: words object %v, want none", err)
	}
	// The copies fetched to read them are not left in the spool.
	if left := spoolFiles(t, e.spool.Dir); len(left) != 0 {
		t.Errorf("spool after the passes: %v", left)
	}
}

type read struct {
	doc  string
	page int
}

// namedLayer records the pages read of a document's archive copy.
type namedLayer struct {
	ingest.TextLayer
	doc   string
	reads *[]read
}

func (l namedLayer) Words(ctx context.Context, n int) (ingest.PageWords, error) {
	*l.reads = append(*l.reads, read{l.doc, n})
	return l.TextLayer.Words(ctx, n)
}

// copyOf is the stored archive copy of d.
func copyOf(t *testing.T, blobs ingest.BlobStore, d ingest.Document) string {
	t.Helper()
	rc, err := blobs.Get(t.Context(), ingest.ArchiveKey(d.SHA256, "v1"), 0, -1)
	must(t, err)
	defer rc.Close()
	b, err := io.ReadAll(rc)
	must(t, err)
	return string(b)
}
