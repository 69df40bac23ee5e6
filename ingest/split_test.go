package ingest_test

import (
	"context"
	"errors"
	"image"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"kntc/cases"
	"kntc/ingest"
	"kntc/storage/localfs"
)

// A toy page format keeps these tests about splitting: a file is lines of text, one
// page per line; a page image is a one-pixel-high grey image whose pixels are the
// line's bytes; "COVER <case> <kind>" is a cover sheet.

type toyFile struct{ lines []string }

func openToy(_ context.Context, path string) (ingest.PageFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return toyFile{strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")}, nil
}

func (f toyFile) ContentType() string { return "text/x-toy" }
func (f toyFile) NumPages() int       { return len(f.lines) }
func (f toyFile) Close() error        { return nil }
func (f toyFile) Page(_ context.Context, i int) (ingest.PageImage, error) {
	img := image.NewGray(image.Rect(0, 0, len(f.lines[i]), 1))
	copy(img.Pix, f.lines[i])
	return ingest.PageImage{Image: img, DPI: 300}, nil
}

func toyText(img image.Image) string { return string(img.(*image.Gray).Pix) }

func toyCover(_ context.Context, img image.Image) (string, ingest.Kind, bool) {
	f := strings.Split(toyText(img), " ")
	if f[0] != "COVER" {
		return "", "", false
	}
	f = append(f, "")
	return f[1], ingest.Kind(f[2]), true
}

// toyOCR reads a toy page and counts the pages it read.
type toyOCR struct{ reads atomic.Int64 }

func (o *toyOCR) Recognize(_ context.Context, img image.Image, _ int) (ingest.Recognition, error) {
	o.reads.Add(1)
	return ingest.Recognition{Text: toyText(img), Confidence: 90}, nil
}

type toyArchive struct{ w io.Writer }

func (a toyArchive) AddPage(p ingest.ArchivePage) error {
	_, err := io.WriteString(a.w, toyText(p.Page.Image)+"\n")
	return err
}
func (a toyArchive) Close() error { return nil }

// flakyRegistrar fails the registration of one document ID a number of times, as a
// crash or a database outage between two parts would.
type flakyRegistrar struct {
	inner ingest.Registrar
	mu    sync.Mutex
	fail  map[string]int
}

func (r *flakyRegistrar) Register(ctx context.Context, d *ingest.Document) error {
	r.mu.Lock()
	n := r.fail[d.ID]
	if n > 0 {
		r.fail[d.ID] = n - 1
	}
	r.mu.Unlock()
	if n > 0 {
		return errors.New("database went away")
	}
	return r.inner.Register(ctx, d)
}

type splitEnv struct {
	*spoolEnv
	proc *ingest.Processor
	reg  *flakyRegistrar
	ocr  *toyOCR
}

func newSplitEnv(t *testing.T) *splitEnv {
	t.Helper()
	e := newSpoolEnv(t, "")
	blobs, err := localfs.New(t.TempDir())
	must(t, err)
	reg := &flakyRegistrar{inner: e.queue, fail: map[string]int{}}
	e.spool.Registrar = reg
	ocr := &toyOCR{}
	return &splitEnv{spoolEnv: e, reg: reg, ocr: ocr, proc: &ingest.Processor{
		Docs: e.db, Blobs: blobs, OCR: ocr, Open: openToy, Spool: e.spool,
		Archive:    func(w io.Writer, _ ingest.ArchiveMeta) (ingest.Archive, error) { return toyArchive{w}, nil },
		Quarantine: &ingest.Quarantine{Dir: t.TempDir()}, Logger: slog.New(slog.DiscardHandler),
		ReadHeader: func(string) (ingest.Metadata, ingest.Kind) {
			return ingest.Metadata{Subject: "trích yếu"}, "khac"
		},
		Cover: toyCover, Slots: 2, Pipeline: "v1",
	}}
}

// claimBatch drops a batch into the hot folder and claims it.
func (e *splitEnv) claimBatch(t *testing.T, rel string, pages ...string) ingest.Document {
	t.Helper()
	d, err := e.spool.Claim(t.Context(), e.drop(t, rel, strings.Join(pages, "\n")+"\n"))
	must(t, err)
	return d
}

// wantPart is what one part must be.
type wantPart struct {
	name, caseCode string
	kind           ingest.Kind
	pages          []string
}

// checkSplit checks that batch is split into exactly want, each part registered
// once with its job, its spool file holding exactly its pages.
func (e *splitEnv) checkSplit(t *testing.T, batch ingest.Document, want []wantPart) {
	t.Helper()
	ctx := t.Context()
	b, err := e.db.Document(ctx, batch.ID)
	must(t, err)
	if b.Status != ingest.StatusSplit || b.Pages == 0 || b.Error != "" {
		t.Fatalf("batch: %s, %d pages, error %q; want split", b.Status, b.Pages, b.Error)
	}
	if _, err := e.proc.Blobs.Stat(ctx, ingest.OriginalKey(b.SHA256)); err != nil {
		t.Errorf("the batch's original is not kept: %v", err)
	}
	if _, err := os.Stat(e.spool.Path(b.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the batch is still in the spool: %v", err)
	}
	parts, err := ingest.SplitParts(ctx, e.db, b.ID)
	must(t, err)
	all, total, err := e.db.Documents(ctx, ingest.DocumentFilter{Limit: 1000})
	must(t, err)
	if len(parts) != len(want) || total != len(want)+1 {
		t.Fatalf("%d parts and %d documents in all, want %d parts and the batch: %+v", len(parts), total, len(want), all)
	}
	for i, w := range want {
		p := parts[i]
		if p.ID != ingest.PartID(b.ID, i+1) || p.Status != ingest.StatusReceived || p.Filename != w.name ||
			p.CaseCode != w.caseCode || p.Kind != w.kind || p.UnitCode != b.UnitCode || p.SourcePath != ingest.SplitSource(b.ID) {
			t.Errorf("part %d: %+v; want %+v of unit %s", i+1, p, w, b.UnitCode)
		}
		if arrival, err := e.db.AuditEntries(ctx, cases.AuditFilter{Object: "document:" + p.ID}); err != nil || len(arrival) != 1 ||
			arrival[0].Action != cases.ActionReceive || !strings.HasPrefix(arrival[0].Detail, "source=split ") || arrival[0].Unit != b.UnitCode {
			t.Errorf("part %d's arrival audited as %+v (%v), want one source=split entry of unit %s", i+1, arrival, err, b.UnitCode)
		}
		data, err := os.ReadFile(e.spool.Path(p.ID))
		must(t, err)
		if got := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"); !slices.Equal(got, w.pages) {
			t.Errorf("part %d holds pages %q, want %q", i+1, got, w.pages)
		}
		if p.SHA256 != sum(string(data)) || p.Size != int64(len(data)) {
			t.Errorf("part %d: SHA-256 %s, size %d; not those of its file", i+1, p.SHA256, p.Size)
		}
	}
	waiting, _, err := e.queue.Counts(ctx)
	must(t, err)
	if waiting != len(want)+1 {
		t.Errorf("%d jobs, want one for the batch and one per part (%d)", waiting, len(want)+1)
	}
	for _, name := range spoolFiles(t, e.spool.Dir) {
		if strings.Contains(name, ".") {
			t.Errorf("the spool holds a leftover %s", name)
		}
	}
}

func TestSplitBatch(t *testing.T) {
	e := newSplitEnv(t)
	batch := e.claimBatch(t, "STNMT/KN-2026-000009/lô quét.txt",
		"trang trước phiếu", // before the first cover: the batch's own case
		"COVER KN-2026-000001 quyet_dinh_thu_ly",
		"quyết định thụ lý",
		"COVER KN-2026-000002", // followed at once by another cover: no part
		"COVER TC-2026-000003 bien_ban_lam_viec",
		"biên bản trang 1",
		"biên bản trang 2",
	)
	must(t, e.proc.Process(t.Context(), batch.ID, false))
	want := []wantPart{
		{"lô quét (1/3).pdf", "KN-2026-000009", "", []string{"trang trước phiếu"}},
		{"lô quét (2/3).pdf", "KN-2026-000001", "quyet_dinh_thu_ly", []string{"quyết định thụ lý"}},
		{"lô quét (3/3).pdf", "TC-2026-000003", "bien_ban_lam_viec", []string{"biên bản trang 1", "biên bản trang 2"}},
	}
	e.checkSplit(t, batch, want)

	// The batch's job running again (a crash after the status change) changes nothing.
	must(t, e.proc.Process(t.Context(), batch.ID, false))
	e.checkSplit(t, batch, want)

	// The batch's job read its 4 pages that are not covers, once.
	if n := e.ocr.reads.Load(); n != 4 {
		t.Fatalf("the batch read %d pages, want 4 (covers are not read)", n)
	}
	// A part goes through the pipeline like any file: not split again, its cover's
	// kind kept over the header's, the header's metadata read — and its pages not
	// read again, their results taken from the batch.
	for i, p := range []string{ingest.PartID(batch.ID, 2), ingest.PartID(batch.ID, 3)} {
		must(t, e.proc.Process(t.Context(), p, false))
		d, err := e.db.Document(t.Context(), p)
		must(t, err)
		if d.Status != ingest.StatusStored || d.Pages != len(want[i+1].pages) || d.Kind != want[i+1].kind || d.Meta.Subject != "trích yếu" {
			t.Errorf("part %d processed: %s, %d pages, kind %q, %+v", i+2, d.Status, d.Pages, d.Kind, d.Meta)
		}
	}
	if n := e.ocr.reads.Load(); n != 4 {
		t.Fatalf("after the parts: %d pages read, want still 4", n)
	}
}

// TestSplitCrashBetweenParts: the registration of part 2 fails after part 1 was
// registered (a crash, a database outage). Whether the process restarts (Recover
// finishes the interrupted claim) or the job is simply retried, every part ends up
// registered exactly once.
func TestSplitCrashBetweenParts(t *testing.T) {
	pages := []string{"COVER KN-2026-000001 quyet_dinh_thu_ly", "một", "COVER KN-2026-000002 bien_ban_lam_viec", "hai", "hai tiếp"}
	want := []wantPart{
		{"lo (1/2).pdf", "KN-2026-000001", "quyet_dinh_thu_ly", []string{"một"}},
		{"lo (2/2).pdf", "KN-2026-000002", "bien_ban_lam_viec", []string{"hai", "hai tiếp"}},
	}
	for _, restart := range []bool{false, true} {
		name := "retry"
		if restart {
			name = "restart"
		}
		t.Run(name, func(t *testing.T) {
			e := newSplitEnv(t)
			batch := e.claimBatch(t, "HT/lo.pdf", pages...)
			e.reg.fail[ingest.PartID(batch.ID, 2)] = 1
			if err := e.proc.Process(t.Context(), batch.ID, false); err == nil {
				t.Fatal("the batch finished although part 2 could not be registered")
			}
			b, err := e.db.Document(t.Context(), batch.ID)
			must(t, err)
			parts, err := ingest.SplitParts(t.Context(), e.db, batch.ID)
			must(t, err)
			if b.Status != ingest.StatusFailed || len(parts) != 1 {
				t.Fatalf("after the failure: batch %s, %d parts; want failed with part 1 only", b.Status, len(parts))
			}
			if restart {
				// A new process: Recover finds part 2's claim record and its file in
				// the spool, and registers it.
				must(t, e.spool.Recover(t.Context()))
				if parts, _ := ingest.SplitParts(t.Context(), e.db, batch.ID); len(parts) != 2 {
					t.Fatalf("Recover left %d parts, want 2", len(parts))
				}
			}
			must(t, e.proc.Process(t.Context(), batch.ID, false))
			e.checkSplit(t, batch, want)
		})
	}
}

// TestSplitOnlyCovers: a file of cover sheets alone has nothing to keep; the clerk
// is told so.
func TestSplitOnlyCovers(t *testing.T) {
	e := newSplitEnv(t)
	batch := e.claimBatch(t, "phieu.pdf", "COVER KN-2026-000001 khac", "COVER KN-2026-000002")
	must(t, e.proc.Process(t.Context(), batch.ID, false))
	d, err := e.db.Document(t.Context(), batch.ID)
	must(t, err)
	if d.Status != ingest.StatusQuarantined || !strings.Contains(d.Error, "phiếu bìa") {
		t.Fatalf("%s %q, want quarantined because it holds only covers", d.Status, d.Error)
	}
	if parts, _ := ingest.SplitParts(t.Context(), e.db, batch.ID); len(parts) != 0 {
		t.Fatalf("%d parts of a file of covers", len(parts))
	}
}

// TestNoCoverNoSplit: a file without covers is processed as before.
func TestNoCoverNoSplit(t *testing.T) {
	e := newSplitEnv(t)
	batch := e.claimBatch(t, "STNMT/van-ban.pdf", "trang một", "trang hai")
	must(t, e.proc.Process(t.Context(), batch.ID, false))
	d, err := e.db.Document(t.Context(), batch.ID)
	must(t, err)
	if d.Status != ingest.StatusStored || d.Pages != 2 || d.Kind != "khac" {
		t.Fatalf("%+v, want stored with 2 pages", d)
	}
	if _, total, _ := e.db.Documents(t.Context(), ingest.DocumentFilter{}); total != 1 {
		t.Fatalf("%d documents, want 1", total)
	}
}

func TestPartID(t *testing.T) {
	batch := "01968a2e-5b1c-7d3e-8f00-123456789abc"
	a, b := ingest.PartID(batch, 1), ingest.PartID(batch, 2)
	if a == b || a != ingest.PartID(batch, 1) || a == ingest.PartID("01968a2e-5b1c-7d3e-8f00-123456789abd", 1) {
		t.Fatalf("part IDs are not a function of batch and number: %s %s", a, b)
	}
	// A UUIDv7 keeping the batch's timestamp, so parts sort beside their batch.
	if len(a) != 36 || a[:13] != batch[:13] || a[14] != '7' || !strings.ContainsRune("89ab", rune(a[19])) {
		t.Errorf("PartID = %s, want a UUIDv7 with the batch's timestamp", a)
	}
	if id := ingest.PartID("doc-1", 1); len(id) != 36 || id[14] != '8' {
		t.Errorf("PartID of a non-UUID batch = %s, want a UUIDv8", id)
	}
	if filepath.Base(ingest.SplitSource(batch)) != "split:"+batch {
		t.Errorf("SplitSource = %s", ingest.SplitSource(batch))
	}
}
