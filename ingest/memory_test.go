package ingest_test

import (
	"context"
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"kntc/ingest"
)

func TestMemoryGateNeverExceedsBudget(t *testing.T) {
	const budget = 1000
	g := ingest.NewMemoryGate(budget)
	var held, peak atomic.Int64
	var over atomic.Int64 // InUse seen above the budget
	var wg sync.WaitGroup
	for w := range 40 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range 50 {
				cost := r.Int64N(budget * 3 / 2) // some over the whole budget
				release, err := g.Acquire(t.Context(), cost)
				if err != nil {
					t.Error(err)
					return
				}
				counted := min(cost, budget)
				now := held.Add(counted)
				for {
					p := peak.Load()
					if now <= p || peak.CompareAndSwap(p, now) {
						break
					}
				}
				if g.InUse() > budget {
					over.Add(1)
				}
				held.Add(-counted)
				release()
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p > budget || p == 0 {
		t.Fatalf("pages held %d bytes at once, budget %d", p, budget)
	}
	if over.Load() > 0 || g.InUse() != 0 {
		t.Fatalf("gate over its budget %d times; %d held at the end", over.Load(), g.InUse())
	}
}

// done is a context that has ended: Acquire with it succeeds only when the cost
// fits at once.
func done(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}

func TestMemoryGateOversizedPageRunsAlone(t *testing.T) {
	g := ingest.NewMemoryGate(100)
	small, err := g.Acquire(t.Context(), 10)
	must(t, err)
	if _, err := g.Acquire(done(t), 500); !errors.Is(err, context.Canceled) {
		t.Fatalf("a page over the budget was let in beside another: %v", err)
	}
	if g.InUse() != 10 {
		t.Fatalf("a refused page left %d bytes held, want 10", g.InUse())
	}
	small()
	big, err := g.Acquire(done(t), 500)
	if err != nil {
		t.Fatalf("a page over the budget, alone: %v", err)
	}
	if g.InUse() != 100 {
		t.Fatalf("a page over the budget holds %d, want the whole budget 100", g.InUse())
	}
	if _, err := g.Acquire(done(t), 1); err == nil {
		t.Fatalf("a page was let in beside one over the budget")
	}
	big()
	if g.InUse() != 0 {
		t.Fatalf("%d held after every page left", g.InUse())
	}
}

func TestMemoryGateQueueOrder(t *testing.T) {
	g := ingest.NewMemoryGate(100)
	first, err := g.Acquire(t.Context(), 60)
	must(t, err)
	// A large page waits; a small one that would fit waits behind it, so the large
	// one is not starved by a stream of small ones.
	bigIn := make(chan func())
	go func() {
		r, err := g.Acquire(context.Background(), 80)
		if err != nil {
			t.Error(err)
		}
		bigIn <- r
	}()
	// Until the large page is queued, a small one is let in at once; once it is,
	// a small one with an ended context is refused.
	for {
		r, err := g.Acquire(done(t), 10)
		if err != nil {
			break
		}
		r()
	}
	first()
	release := <-bigIn
	if g.InUse() != 80 {
		t.Fatalf("the large page holds %d, want 80", g.InUse())
	}
	release()
}

// sizedToy is a toy file whose pages declare a size, as ocr/pages' files do.
type sizedToy struct {
	toyFile
	pixels int64
}

func (f sizedToy) PageSize(int) (int64, int64) { return f.pixels, f.pixels }

// budgetOCR records how much of the gate was held, and how many pages were read
// at once, while it read.
type budgetOCR struct {
	gate           *ingest.MemoryGate
	mu             sync.Mutex
	now, most      int
	mostHeld, read int64
}

func (o *budgetOCR) Recognize(_ context.Context, img image.Image, _ int) (ingest.Recognition, error) {
	o.mu.Lock()
	o.now++
	o.most = max(o.most, o.now)
	o.mostHeld = max(o.mostHeld, o.gate.InUse())
	o.read++
	o.mu.Unlock()
	defer func() { o.mu.Lock(); o.now--; o.mu.Unlock() }()
	return ingest.Recognition{Text: toyText(img), Confidence: 90}, nil
}

func TestProcessorKeepsPagesWithinBudget(t *testing.T) {
	e := newSplitEnv(t)
	// Each page costs 100 (decoded) + 100×2 (work) = 300; the budget holds two.
	gate := ingest.NewMemoryGate(650)
	ocr := &budgetOCR{gate: gate}
	e.proc.OCR, e.proc.Cover, e.proc.Slots = ocr, nil, 8
	e.proc.Memory, e.proc.WorkBytesPerPixel = gate, 2
	e.proc.Open = func(ctx context.Context, path string) (ingest.PageFile, error) {
		f, err := openToy(ctx, path)
		if err != nil {
			return nil, err
		}
		return sizedToy{toyFile: f.(toyFile), pixels: 100}, nil
	}
	var pages []string
	for i := range 12 {
		pages = append(pages, strings.Repeat("trang ", i+1))
	}
	d := e.claimBatch(t, "lô.txt", pages...)
	must(t, e.proc.Process(t.Context(), d.ID, false))
	got, err := e.db.Document(t.Context(), d.ID)
	must(t, err)
	if got.Status != ingest.StatusStored || ocr.read != 12 {
		t.Fatalf("document %s after %d pages read: %s", got.Status, ocr.read, got.Error)
	}
	if ocr.most > 2 || ocr.mostHeld > 650 {
		t.Fatalf("%d pages read at once holding %d bytes; the budget of 650 holds 2 pages of 300", ocr.most, ocr.mostHeld)
	}
	if gate.InUse() != 0 {
		t.Fatalf("%d bytes still held after the document", gate.InUse())
	}
}

// TestErrorsShowNoServerPaths: a document whose processing fails on a file
// system error (the spool on a disk gone wrong) is quarantined with a reason that
// names no directory of the server, in its record and in its quarantine note.
func TestErrorsShowNoServerPaths(t *testing.T) {
	e := newSplitEnv(t)
	spoolDir := e.spool.Dir
	e.proc.Open = func(ctx context.Context, path string) (ingest.PageFile, error) {
		return nil, &os.PathError{Op: "open", Path: path, Err: syscall.EIO}
	}
	d := e.claimBatch(t, "đơn.txt", "trang một")
	must(t, e.proc.Process(t.Context(), d.ID, true))
	got, err := e.db.Document(t.Context(), d.ID)
	must(t, err)
	if got.Status != ingest.StatusQuarantined || !strings.Contains(got.Error, "input/output error") {
		t.Fatalf("after an I/O error: %s %q", got.Status, got.Error)
	}
	if strings.Contains(got.Error, spoolDir) || strings.Contains(got.Error, os.TempDir()) {
		t.Errorf("the document's error shows a server path: %q", got.Error)
	}
	notes, err := filepath.Glob(filepath.Join(e.proc.Quarantine.Dir, "*", "*.error.txt"))
	must(t, err)
	if len(notes) != 1 {
		t.Fatalf("quarantine notes: %v", notes)
	}
	note, err := os.ReadFile(notes[0])
	must(t, err)
	if strings.Contains(string(note), spoolDir) {
		t.Errorf("the quarantine note shows a server path:\n%s", note)
	}

	// The spooled bytes gone and not in the object store: the reason names the
	// document's file, not where the spool is.
	e2 := newSplitEnv(t)
	d2 := e2.claimBatch(t, "thư.txt", "trang một")
	must(t, os.Remove(e2.spool.Path(d2.ID)))
	must(t, e2.proc.Process(t.Context(), d2.ID, false))
	got2, err := e2.db.Document(t.Context(), d2.ID)
	must(t, err)
	if got2.Status != ingest.StatusQuarantined || strings.Contains(got2.Error, e2.spool.Dir) || strings.Contains(got2.Error, os.TempDir()) {
		t.Errorf("missing spool file: %s %q", got2.Status, got2.Error)
	}
}
