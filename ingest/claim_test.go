package ingest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"kntc/cases"
	"kntc/ingest"
	"kntc/ingest/riverqueue"
	"kntc/internal/errs"
	"kntc/storage/localfs"
	"kntc/storage/sqldb"
	"kntc/storage/sqlite"
)

type spoolEnv struct {
	db    *sqldb.DB
	queue *riverqueue.Queue
	spool *ingest.Spool
	hot   string
}

func newSpoolEnv(t *testing.T, spoolDir string) *spoolEnv {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "kntc.db"))
	must(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Migrate(t.Context())
	must(t, err)
	db.SetAuditKey(bytes.Repeat([]byte{0x4b}, 32))
	q, err := riverqueue.New(db, riversqlite.New(db.SQL()), nil, riverqueue.Config{})
	must(t, err)
	if spoolDir == "" {
		spoolDir = t.TempDir()
	}
	return &spoolEnv{db: db, queue: q, hot: t.TempDir(), spool: &ingest.Spool{
		Dir: spoolDir, Docs: db, Registrar: q, Logger: slog.New(slog.DiscardHandler),
		NewID: func() string { return uuid.Must(uuid.NewV7()).String() },
	}}
}

func (e *spoolEnv) drop(t *testing.T, rel, content string) ingest.Origin {
	t.Helper()
	path := filepath.Join(e.hot, rel)
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(content), 0o644))
	unit, c := ingest.Route(rel)
	return ingest.Origin{Path: path, Filename: filepath.Base(path), Source: "hotfolder", UnitCode: unit, CaseCode: c}
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func spoolFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	must(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestClaimMovesAndRecords(t *testing.T) {
	e := newSpoolEnv(t, "")
	o := e.drop(t, "STNMT/KN-2026-000123/Quyết định.pdf", "nội dung một")
	d, err := e.spool.Claim(t.Context(), o)
	must(t, err)
	if _, err := os.Stat(o.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the source is still in the hot folder: %v", err)
	}
	got, err := e.db.Document(t.Context(), d.ID)
	must(t, err)
	if got.Status != ingest.StatusReceived || got.SHA256 != sum("nội dung một") || got.Size != int64(len("nội dung một")) ||
		got.UnitCode != "STNMT" || got.CaseCode != "KN-2026-000123" || got.Filename != "Quyết định.pdf" || got.SourcePath != o.Path {
		t.Fatalf("recorded %+v", got)
	}
	b, err := os.ReadFile(e.spool.Path(d.ID))
	must(t, err)
	if string(b) != "nội dung một" {
		t.Fatalf("spool copy holds %q", b)
	}
	if files := spoolFiles(t, e.spool.Dir); len(files) != 1 {
		t.Fatalf("spool holds %v, want only the document", files)
	}
	waiting, _, err := e.queue.Counts(t.Context())
	must(t, err)
	if waiting != 1 {
		t.Fatalf("%d jobs waiting, want 1", waiting)
	}

	// The same bytes again: a duplicate, no second job, nothing left in the spool.
	o2 := e.drop(t, "bản sao.pdf", "nội dung một")
	d2, err := e.spool.Claim(t.Context(), o2)
	must(t, err)
	if d2.Status != ingest.StatusDuplicate || d2.DuplicateOf != d.ID {
		t.Fatalf("second copy: %+v", d2)
	}
	if waiting, _, _ := e.queue.Counts(t.Context()); waiting != 1 {
		t.Fatalf("a duplicate was queued: %d jobs", waiting)
	}
	if files := spoolFiles(t, e.spool.Dir); len(files) != 1 {
		t.Fatalf("spool holds %v after a duplicate", files)
	}
	if _, err := os.Stat(o2.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the duplicate stayed in the hot folder")
	}
	// Both arrivals are in the audit trail, with their unit and source, without
	// their file names.
	for _, x := range []struct {
		d      ingest.Document
		unit   string
		detail string
	}{
		{d, "STNMT", "source=hotfolder status=received"},
		{d2, "", "source=hotfolder status=duplicate"},
	} {
		entries, err := e.db.AuditEntries(t.Context(), cases.AuditFilter{Object: "document:" + x.d.ID})
		must(t, err)
		if len(entries) != 1 || entries[0].Action != cases.ActionReceive || entries[0].Unit != x.unit ||
			!strings.HasPrefix(entries[0].Detail, x.detail) || strings.Contains(entries[0].Detail, ".pdf") {
			t.Errorf("arrival of %s audited as %+v, want %q of unit %q", x.d.ID, entries, x.detail, x.unit)
		}
	}
}

func TestClaimKeepCopies(t *testing.T) {
	e := newSpoolEnv(t, "")
	o := e.drop(t, "x.png", "ảnh")
	o.Keep, o.Source = true, "cli"
	d, err := e.spool.Claim(t.Context(), o)
	must(t, err)
	if _, err := os.Stat(o.Path); err != nil {
		t.Fatalf("Keep: the source was removed: %v", err)
	}
	if _, err := os.Stat(e.spool.Path(d.ID)); err != nil {
		t.Fatal(err)
	}
}

// TestClaimAcrossFileSystems moves a file from /dev/shm (tmpfs) into a spool on the
// test's temporary directory: copy, fsync, verify, then remove the source.
func TestClaimAcrossFileSystems(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "kntc-hot-")
	if err != nil {
		t.Skipf("no /dev/shm for a second file system: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	e := newSpoolEnv(t, "")
	e.hot = shm
	o := e.drop(t, "HT/biên bản.jpg", strings.Repeat("dữ liệu ", 10000))
	d, err := e.spool.Claim(t.Context(), o)
	must(t, err)
	if _, err := os.Stat(o.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the source on the other file system was not removed")
	}
	b, err := os.ReadFile(e.spool.Path(d.ID))
	must(t, err)
	if sum(string(b)) != d.SHA256 {
		t.Fatal("the spool copy does not have the recorded SHA-256")
	}
}

// TestRecoverInterruptedClaims builds the states a crash can leave and checks that
// Recover ends each of them with the file in the hot folder or recorded — never lost,
// never twice.
func TestRecoverInterruptedClaims(t *testing.T) {
	e := newSpoolEnv(t, "")
	write := func(name, content string) {
		must(t, os.WriteFile(filepath.Join(e.spool.Dir, name), []byte(content), 0o640))
	}
	record := func(id string, o ingest.Origin) {
		write(id+".claim.json", fmt.Sprintf(`{"id":%q,"origin":{"Path":%q,"Filename":%q,"Source":"hotfolder","UnitCode":%q,"CaseCode":%q,"Keep":false}}`,
			id, o.Path, o.Filename, o.UnitCode, o.CaseCode))
	}
	// 1. Crashed after the claim record, before the move: the file is still at its source.
	o1 := e.drop(t, "STNMT/mot.pdf", "một")
	record("01900000-0000-7000-8000-000000000001", o1)
	// 2. Crashed after the move, before the row: the file is in the spool.
	o2 := e.drop(t, "STNMT/KN-1/hai.pdf", "hai")
	record("01900000-0000-7000-8000-000000000002", o2)
	must(t, os.Rename(o2.Path, e.spool.Path("01900000-0000-7000-8000-000000000002")))
	// 3. Crashed during a cross-device copy: a partial copy; the source is intact.
	o3 := e.drop(t, "ba.pdf", "ba")
	record("01900000-0000-7000-8000-000000000003", o3)
	write("01900000-0000-7000-8000-000000000003.part", "b")
	// 4. A torn record.
	write("01900000-0000-7000-8000-000000000004.claim.json", `{"id":"0190`)
	// 5. Crashed after the row, before removing the record.
	o5 := e.drop(t, "nam.pdf", "năm")
	d5 := ingest.Document{ID: "01900000-0000-7000-8000-000000000005", Status: ingest.StatusReceived, SHA256: sum("năm"), Size: 4, Filename: "nam.pdf"}
	must(t, e.queue.Register(t.Context(), &d5))
	record(d5.ID, o5)
	must(t, os.Rename(o5.Path, e.spool.Path(d5.ID)))

	must(t, e.spool.Recover(t.Context()))

	if _, err := os.Stat(o1.Path); err != nil {
		t.Errorf("case 1: the file left its source: %v", err)
	}
	if _, err := e.db.Document(t.Context(), "01900000-0000-7000-8000-000000000001"); !errors.Is(err, errs.ErrNotFound) {
		t.Errorf("case 1: recorded although never moved: %v", err)
	}
	d2, err := e.db.Document(t.Context(), "01900000-0000-7000-8000-000000000002")
	if err != nil || d2.SHA256 != sum("hai") || d2.UnitCode != "STNMT" || d2.CaseCode != "KN-1" || d2.Status != ingest.StatusReceived {
		t.Errorf("case 2: %+v, %v", d2, err)
	}
	if _, err := os.Stat(o3.Path); err != nil {
		t.Errorf("case 3: the source was lost: %v", err)
	}
	_, total, err := e.db.Documents(t.Context(), ingest.DocumentFilter{})
	must(t, err)
	if total != 2 {
		t.Errorf("%d documents recorded, want 2 (cases 2 and 5)", total)
	}
	files := spoolFiles(t, e.spool.Dir)
	want := []string{"01900000-0000-7000-8000-000000000002", "01900000-0000-7000-8000-000000000005"}
	if strings.Join(files, ",") != strings.Join(want, ",") {
		t.Errorf("spool holds %v, want %v", files, want)
	}
	if waiting, _, _ := e.queue.Counts(t.Context()); waiting != 2 {
		t.Errorf("%d jobs, want 2", waiting)
	}
}

// TestClaimStoresOriginalFirst: with Spool.Blobs (kntc serve --role), the original
// is in the object store once the claim returns, so a worker that never sees this
// spool can run the job.
func TestClaimStoresOriginalFirst(t *testing.T) {
	e := newSpoolEnv(t, "")
	blobs, err := localfs.New(t.TempDir())
	must(t, err)
	e.spool.Blobs = blobs
	const content = "đơn tố cáo gửi qua máy quét"
	d, err := e.spool.Claim(t.Context(), e.drop(t, "don.pdf", content))
	must(t, err)
	rc, err := blobs.Get(t.Context(), ingest.OriginalKey(d.SHA256), 0, -1)
	if err != nil {
		t.Fatalf("original of %s not stored at claim: %v", d.ID, err)
	}
	defer rc.Close()
	var got bytes.Buffer
	_, err = got.ReadFrom(rc)
	must(t, err)
	if got.String() != content || d.SHA256 != sum(content) {
		t.Fatalf("stored %q (sha %s)", got.String(), d.SHA256)
	}
}

// TestTwoNodesClaimAcrossFileSystems: two nodes (two spools on one database) claim
// the same files of a hot folder on another file system at once, as at a lease
// hand-over: each file is recorded exactly once, the other node finds it gone.
// A node that crashed after taking a file aside finishes the claim on restart.
func TestTwoNodesClaimAcrossFileSystems(t *testing.T) {
	shm, err := os.MkdirTemp("/dev/shm", "kntc-hot-")
	if err != nil {
		t.Skipf("no /dev/shm for a second file system: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(shm) })
	e := newSpoolEnv(t, "")
	e.hot = shm
	other := *e.spool
	other.Dir = t.TempDir()
	const files = 20
	for i := range files {
		o := e.drop(t, fmt.Sprintf("HT/quet-%02d.pdf", i), fmt.Sprintf("bản quét %d %s", i, strings.Repeat("x", 50000)))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for n, s := range []*ingest.Spool{e.spool, &other} {
			wg.Go(func() { _, errs[n] = s.Claim(t.Context(), o) })
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("file %d: claims ended %v and %v, want exactly one to succeed", i, errs[0], errs[1])
		}
		for _, err := range errs {
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("file %d: the losing claim failed with %v, want the file gone", i, err)
			}
		}
	}
	_, total, err := e.db.Documents(t.Context(), ingest.DocumentFilter{})
	must(t, err)
	if total != files {
		t.Fatalf("%d documents for %d files", total, files)
	}
	if left := spoolFiles(t, filepath.Join(shm, "HT")); len(left) != 0 {
		t.Fatalf("the hot folder still holds %v", left)
	}

	// Crashed after taking the file aside, before the copy: the restarted node
	// finishes the claim from the held file.
	o := e.drop(t, "HT/sau.pdf", "đơn thư sau sự cố")
	id := "01900000-0000-7000-8000-0000000000aa"
	rec := fmt.Sprintf(`{"id":%q,"origin":{"Path":%q,"Filename":"sau.pdf","Source":"hotfolder","UnitCode":"HT","Keep":false}}`, id, o.Path)
	must(t, os.WriteFile(filepath.Join(e.spool.Dir, id+".claim.json"), []byte(rec), 0o640))
	held := filepath.Join(shm, "HT", ".kntc-claim-"+id)
	must(t, os.Rename(o.Path, held))
	must(t, e.spool.Recover(t.Context()))
	d, err := e.db.Document(t.Context(), id)
	if err != nil || d.SHA256 != sum("đơn thư sau sự cố") {
		t.Fatalf("interrupted claim not finished: %+v %v", d, err)
	}
	if _, err := os.Stat(held); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the held file stays after the claim was recorded: %v", err)
	}
}
