package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"kntc/ingest"
	"kntc/ingest/riverqueue"
	"kntc/storage/localfs"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
)

// killerEnv is the data of TestFileKillingItsWorkerIsQuarantined, shared by the
// test and the worker processes it starts (and that die).
type killerEnv struct{ dir string }

func (e killerEnv) db(t *testing.T) *sqldb.DB {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(e.dir, "kntc.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	db.SetAuditKey(bytes.Repeat([]byte{0x4b}, 32))
	return db
}

// processor is a worker's processor on the shared data; open is its PageOpener.
func (e killerEnv) processor(t *testing.T, db *sqldb.DB, open ingest.PageOpener, obs ingest.Observer) *ingest.Processor {
	t.Helper()
	blobs, err := localfs.New(filepath.Join(e.dir, "objects"))
	must(t, err)
	must(t, os.MkdirAll(filepath.Join(e.dir, "spool"), 0o755))
	spool := &ingest.Spool{Dir: filepath.Join(e.dir, "spool"), Docs: db, Logger: slog.New(slog.DiscardHandler)}
	return &ingest.Processor{
		Docs: db, Blobs: blobs, OCR: sideOCR{}, Spool: spool, Open: open,
		Archive: func(io.Writer, ingest.ArchiveMeta) (ingest.Archive, error) {
			return nil, errors.New("not reached")
		},
		Quarantine: &ingest.Quarantine{Dir: filepath.Join(e.dir, "quarantine")},
		Logger:     slog.New(slog.DiscardHandler), Metrics: obs, Slots: 1, Pipeline: "v2",
	}
}

// quarantineCount is an Observer counting quarantines by reason.
type quarantineCount struct {
	mu sync.Mutex
	n  map[string]int
}

func (*quarantineCount) PageDone(string, time.Duration) {}
func (*quarantineCount) Failed(string)                  {}
func (q *quarantineCount) Quarantined(reason string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.n[reason]++
}

// register is a Registrar recording the document only (the tests hand it to
// workers themselves, as the queue would).
type register struct{ db *sqldb.DB }

func (r register) Register(ctx context.Context, d *ingest.Document) error {
	return r.db.CreateDocument(ctx, d)
}

const killerChildEnv = "KNTC_TEST_KILLER_WORKER"

// TestFileKillingItsWorkerIsQuarantined: a file whose opening kills the worker
// process (SIGKILL, as a crash inside OCR or conversion does) on the job queue
// (River on SQLite). Each time the worker is started again (the same worker ID,
// as systemd restarts it) it takes back the job its dead run left running, and
// the file kills it again; after the third death the next worker does not open it
// but puts it in quarantine, the original intact, with the reason in Vietnamese,
// and the job ends.
func TestFileKillingItsWorkerIsQuarantined(t *testing.T) {
	queueConfig := riverqueue.Config{ID: "worker-1", Workers: 1, PollInterval: 50 * time.Millisecond}
	if dir := os.Getenv(killerChildEnv); dir != "" {
		// A worker process: start the queue, take the job, die opening the file.
		e := killerEnv{dir}
		db := e.db(t)
		p := e.processor(t, db, func(context.Context, string) (ingest.PageFile, error) {
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // dead before this
		}, nil)
		q, err := riverqueue.New(db, riversqlite.New(db.SQL()), p, queueConfig)
		must(t, err)
		must(t, q.Start(t.Context()))
		<-time.After(2 * time.Minute)
		t.Fatal("the worker took no job in 2 minutes")
	}

	e := killerEnv{t.TempDir()}
	db := e.db(t)
	_, err := db.Migrate(t.Context())
	must(t, err)
	inserter, err := riverqueue.New(db, riversqlite.New(db.SQL()), nil, riverqueue.Config{})
	must(t, err)
	hot := t.TempDir()
	original := []byte("%PDF-1.7 a file that crashes the converter")
	path := filepath.Join(hot, "don-khieu-nai.pdf")
	must(t, os.WriteFile(path, original, 0o644))
	p0 := e.processor(t, db, nil, nil)
	p0.Spool.Registrar = inserter
	p0.Spool.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	d, err := p0.Spool.Claim(t.Context(), ingest.Origin{Path: path, Filename: "don-khieu-nai.pdf", Source: "hotfolder"})
	must(t, err)

	for i := 1; i <= 3; i++ { // the limit the README promises
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestFileKillingItsWorkerIsQuarantined$", "-test.count=1")
		cmd.Env = append(os.Environ(), killerChildEnv+"="+e.dir)
		out, err := cmd.CombinedOutput()
		cancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || !exit.Sys().(syscall.WaitStatus).Signaled() || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("worker run %d: want it killed by SIGKILL opening the file, got %v\n%s", i, err, out)
		}
		got, err := db.Document(t.Context(), d.ID)
		must(t, err)
		if got.Status != ingest.StatusProcessing || got.Attempts != i || got.Interrupted != i-1 {
			t.Fatalf("after worker run %d died: status %s, attempts %d, interrupted %d; want processing, %d, %d",
				i, got.Status, got.Attempts, got.Interrupted, i, i-1)
		}
	}

	// The worker started once more: the file is not opened again.
	obs := &quarantineCount{n: map[string]int{}}
	p := e.processor(t, db, func(context.Context, string) (ingest.PageFile, error) {
		t.Error("the file was opened a fourth time")
		return nil, errors.New("opened")
	}, obs)
	q, err := riverqueue.New(db, riversqlite.New(db.SQL()), p, queueConfig)
	must(t, err)
	must(t, q.Start(t.Context()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(ctx)
	})
	deadline := time.Now().Add(2 * time.Minute)
	for {
		waiting, running, err := q.Counts(t.Context())
		must(t, err)
		if waiting+running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job is still there after 2 minutes: %d waiting, %d running", waiting, running)
		}
		time.Sleep(50 * time.Millisecond)
	}
	got, err := db.Document(t.Context(), d.ID)
	must(t, err)
	const reason = "tệp làm dừng bộ xử lý 3 lần"
	if got.Status != ingest.StatusQuarantined || !strings.Contains(got.Error, reason) || got.Interrupted != 3 || got.Attempts != 3 {
		t.Fatalf("status %s, attempts %d, interrupted %d, error %q; want quarantined, 3, 3, %q", got.Status, got.Attempts, got.Interrupted, got.Error, reason)
	}
	var state string
	must(t, db.SQL().QueryRowContext(t.Context(), `SELECT state FROM river_job`).Scan(&state))
	if state != "completed" {
		t.Errorf("job %s, want completed", state)
	}
	obs.mu.Lock()
	if obs.n[ingest.ReasonKilledWorker] != 1 || len(obs.n) != 1 {
		t.Errorf("quarantines counted %v, want one %s", obs.n, ingest.ReasonKilledWorker)
	}
	obs.mu.Unlock()
	files, err := filepath.Glob(filepath.Join(e.dir, "quarantine", "*", "don-khieu-nai.pdf*"))
	must(t, err)
	if len(files) != 2 {
		t.Fatalf("quarantine holds %v, want the file and its reason", files)
	}
	kept, err := os.ReadFile(files[0])
	must(t, err)
	if !bytes.Equal(kept, original) {
		t.Errorf("quarantined file %q, want the original %q", kept, original)
	}
	note, err := os.ReadFile(files[1])
	must(t, err)
	if !strings.Contains(string(note), reason) || !strings.Contains(string(note), "the file stopped the worker processing it 3 times") {
		t.Errorf("reason beside the file:\n%s", note)
	}
	if _, err := os.Stat(p.Spool.Path(d.ID)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("spool copy: %v, want it gone", err)
	}
}

// TestFailedAttemptsAreNoInterruptions: an attempt that ends in an error, or runs
// over its time limit, is a failure (KNTC_MAX_ATTEMPTS counts it), never an
// interrupted one: the document shows failed, and its count of interruptions
// stays 0.
func TestFailedAttemptsAreNoInterruptions(t *testing.T) {
	e := killerEnv{t.TempDir()}
	db := e.db(t)
	_, err := db.Migrate(t.Context())
	must(t, err)
	hot := t.TempDir()
	path := filepath.Join(hot, "scan.tif")
	must(t, os.WriteFile(path, []byte("II*\x00 scan"), 0o644))
	attempt := 0
	p := e.processor(t, db, func(ctx context.Context, _ string) (ingest.PageFile, error) {
		attempt++
		if attempt%2 == 1 {
			return nil, errors.New("the store is down for a moment")
		}
		<-ctx.Done() // the attempt's time limit
		return nil, ctx.Err()
	}, nil)
	p.Spool.Registrar = register{db}
	p.Spool.NewID = func() string { return uuid.Must(uuid.NewV7()).String() }
	d, err := p.Spool.Claim(t.Context(), ingest.Origin{Path: path, Filename: "scan.tif", Source: "hotfolder"})
	must(t, err)
	for i := 1; i <= 6; i++ {
		ctx := t.Context()
		if i%2 == 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
		}
		if err := p.Process(ctx, d.ID, false); err == nil {
			t.Fatalf("attempt %d: no error", i)
		}
		got, err := db.Document(t.Context(), d.ID)
		must(t, err)
		if got.Status != ingest.StatusFailed || got.Attempts != i || got.Interrupted != 0 {
			t.Fatalf("after attempt %d: status %s, attempts %d, interrupted %d; want failed, %d, 0", i, got.Status, got.Attempts, got.Interrupted, i)
		}
	}
}
