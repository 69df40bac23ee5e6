package backup_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"kntc/backup"
	"kntc/ingest"
	"kntc/storage/localfs"
)

func mustKey(t testing.TB, hexKey string) *backup.Key {
	t.Helper()
	k, err := backup.ParseKey(hexKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var (
	keyA = strings.Repeat("ab", 32)
	keyB = strings.Repeat("cd", 32)
)

func mustStore(t testing.TB, dir string) *localfs.Store {
	t.Helper()
	s, err := localfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func put(t testing.TB, s ingest.BlobStore, key string, data []byte) {
	t.Helper()
	if _, err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), ""); err != nil {
		t.Fatal(err)
	}
}

// fixture is a source object store with a few objects (one larger than a chunk,
// one empty, two with the same bytes) and a fake database file.
type fixture struct {
	blobs  *localfs.Store
	dbText []byte
	clock  time.Time
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{blobs: mustStore(t, t.TempDir()), dbText: []byte("SQLite format 3\x00 a database"), clock: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)}
	big := make([]byte, 200<<10+17)
	_, _ = rand.Read(big)
	put(t, f.blobs, "originals/aa/big", big)
	put(t, f.blobs, "originals/bb/empty", nil)
	put(t, f.blobs, "texts/a/1.txt", []byte("Quyết định số 15/QĐ-UBND"))
	put(t, f.blobs, "texts/a/2.txt", []byte("Quyết định số 15/QĐ-UBND"))
	return f
}

func (f *fixture) source() backup.Source {
	return backup.Source{Blobs: f.blobs, Dialect: "sqlite", DumpFormat: "sqlite-file", SchemaVersion: 10,
		Dump: func(_ context.Context, path string) error { return os.WriteFile(path, f.dbText, 0o600) }}
}

func (f *fixture) opts() backup.Options {
	f.clock = f.clock.Add(time.Hour)
	now := f.clock
	return backup.Options{Now: func() time.Time { return now }}
}

func contents(t testing.TB, s ingest.BlobStore) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.List(context.Background(), "", func(b ingest.BlobInfo) error {
		rc, err := s.Get(context.Background(), b.Key, 0, -1)
		if err != nil {
			return err
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		out[b.Key] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func restoreInto(t *testing.T, repo *backup.Repo, name string) (ingest.BlobStore, []byte, error) {
	t.Helper()
	dst := mustStore(t, t.TempDir())
	var loaded []byte
	_, err := repo.Restore(context.Background(), name, backup.Dest{Blobs: dst, Dialect: "sqlite",
		Load: func(_ context.Context, _ backup.DBEntry, path string) error {
			var err error
			loaded, err = os.ReadFile(path)
			return err
		}}, backup.RestoreOptions{TempDir: t.TempDir()})
	return dst, loaded, err
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	target := mustStore(t, t.TempDir())
	repo, err := backup.Open(ctx, target, mustKey(t, keyA), true)
	if err != nil {
		t.Fatal(err)
	}
	m1, err := repo.Backup(ctx, f.source(), f.opts())
	if err != nil {
		t.Fatal(err)
	}
	// Four objects, three distinct contents.
	if len(m1.Objects) != 4 || m1.NewObjects != 3 {
		t.Fatalf("first backup: %d objects, %d uploaded; want 4 and 3", len(m1.Objects), m1.NewObjects)
	}
	// Nothing in the target shows the plain text.
	for k, v := range contents(t, target) {
		if strings.Contains(v, "Quyết định") || strings.Contains(v, "SQLite format") || strings.Contains(k, "originals") {
			t.Fatalf("target file %s is not sealed", k)
		}
	}
	// Incremental: one new object, only it is uploaded.
	put(t, f.blobs, "texts/a/3.txt", []byte("trang mới"))
	m2, err := repo.Backup(ctx, f.source(), f.opts())
	if err != nil {
		t.Fatal(err)
	}
	if len(m2.Objects) != 5 || m2.NewObjects != 1 {
		t.Fatalf("second backup: %d objects, %d uploaded; want 5 and 1", len(m2.Objects), m2.NewObjects)
	}
	// A full one reads everything and uploads nothing new.
	opt := f.opts()
	opt.Full = true
	m3, err := repo.Backup(ctx, f.source(), opt)
	if err != nil || m3.NewObjects != 0 {
		t.Fatalf("full backup: %v, %d uploaded; want 0", err, m3.NewObjects)
	}

	rep, err := repo.Verify(ctx, m3.Name, backup.VerifyOptions{TempDir: t.TempDir()})
	if err != nil || !rep.OK() || rep.Manifests != 3 || rep.Blobs != 4 {
		t.Fatalf("verify: %v %+v", err, rep)
	}
	// Restore the first backup (--at before the second): no 3.txt.
	name, err := repo.Pick(ctx, m1.Time.Add(time.Minute))
	if err != nil || name != m1.Name {
		t.Fatalf("pick: %q %v, want %s", name, err, m1.Name)
	}
	dst, db, err := restoreInto(t, repo, name)
	if err != nil {
		t.Fatal(err)
	}
	want := contents(t, f.blobs)
	delete(want, "texts/a/3.txt")
	if got := contents(t, dst); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("restored objects differ: %d vs %d", len(got), len(want))
	}
	if !bytes.Equal(db, f.dbText) {
		t.Fatalf("restored database %q", db)
	}
}

func TestWrongKeyRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	target := mustStore(t, t.TempDir())
	repo, err := backup.Open(ctx, target, mustKey(t, keyA), true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Backup(ctx, f.source(), f.opts()); err != nil {
		t.Fatal(err)
	}
	before := contents(t, target)
	_, err = backup.Open(ctx, target, mustKey(t, keyB), true)
	if !errors.Is(err, backup.ErrWrongKey) || !strings.Contains(err.Error(), "config") {
		t.Fatalf("open with another key: %v, want ErrWrongKey naming config", err)
	}
	if after := contents(t, target); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatal("the target changed after a refused key")
	}
	// A directory with other files is not made a repository.
	other := mustStore(t, t.TempDir())
	put(t, other, "someone/else.txt", []byte("x"))
	if _, err := backup.Open(ctx, other, mustKey(t, keyA), true); err == nil {
		t.Fatal("a non-empty foreign target was taken as a repository")
	}
}

// TestDamageNamed flips one byte of a data file: verify names it and the object, a
// restore stops on it, names it, and leaves the destination empty.
func TestDamageNamed(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	dir := t.TempDir()
	target := mustStore(t, dir)
	repo, err := backup.Open(ctx, target, mustKey(t, keyA), true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := repo.Backup(ctx, f.source(), f.opts())
	if err != nil {
		t.Fatal(err)
	}
	var victim backup.Object
	for _, o := range m.Objects {
		if o.Key == "originals/aa/big" {
			victim = o
		}
	}
	path := filepath.Join(dir, filepath.FromSlash(victim.Blob))
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := repo.Verify(ctx, m.Name, backup.VerifyOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].File != victim.Blob || rep.Problems[0].Key != victim.Key {
		t.Fatalf("verify problems %+v, want one naming %s", rep.Problems, victim.Blob)
	}
	dst, _, err := restoreInto(t, repo, m.Name)
	var fe *backup.FileError
	if !errors.As(err, &fe) || fe.File != victim.Blob || !errors.Is(err, backup.ErrDamaged) {
		t.Fatalf("restore: %v, want ErrDamaged naming %s", err, victim.Blob)
	}
	if got := contents(t, dst); len(got) != 0 {
		t.Fatalf("a failed restore left %d objects behind", len(got))
	}

	// A damaged manifest is named too.
	mpath := filepath.Join(dir, "snapshots", m.Name)
	mdata, _ := os.ReadFile(mpath)
	mdata[len(mdata)-3] ^= 0x80
	_ = os.WriteFile(mpath, mdata, 0o600)
	if _, _, err := restoreInto(t, repo, m.Name); !errors.As(err, &fe) || fe.File != "snapshots/"+m.Name {
		t.Fatalf("restore from a damaged manifest: %v", err)
	}
}

// failing is a target that runs out of space after a number of writes.
type failing struct {
	ingest.BlobStore
	left atomic.Int64
}

func (f *failing) Put(ctx context.Context, key string, r io.Reader, size int64, sha string) (ingest.PutResult, error) {
	if f.left.Add(-1) < 0 {
		return ingest.PutResult{}, fmt.Errorf("put %s: %w", key, syscall.ENOSPC)
	}
	return f.BlobStore.Put(ctx, key, r, size, sha)
}

func TestTargetFullLeavesEarlierBackupsIntact(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	store := mustStore(t, t.TempDir())
	target := &failing{BlobStore: store}
	target.left.Store(1 << 30)
	repo, err := backup.Open(ctx, target, mustKey(t, keyA), true)
	if err != nil {
		t.Fatal(err)
	}
	m1, err := repo.Backup(ctx, f.source(), f.opts())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		put(t, f.blobs, fmt.Sprintf("texts/b/%d.txt", i), []byte(fmt.Sprint("trang ", i)))
	}
	target.left.Store(3) // the database and two objects, then the disk is full
	_, err = repo.Backup(ctx, f.source(), f.opts())
	var failed *backup.Failed
	if !errors.As(err, &failed) || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), m1.Name) {
		t.Fatalf("backup onto a full target: %v; want a Failed naming %s", err, m1.Name)
	}
	names, _ := repo.Snapshots(ctx)
	if len(names) != 1 || names[0] != m1.Name {
		t.Fatalf("backups after the failure: %v", names)
	}
	rep, err := repo.Verify(ctx, m1.Name, backup.VerifyOptions{TempDir: t.TempDir()})
	if err != nil || !rep.OK() {
		t.Fatalf("the earlier backup after the failure: %v %+v", err, rep)
	}
	// The next run with space completes and reuses what the failed one uploaded.
	target.left.Store(1 << 30)
	m3, err := repo.Backup(ctx, f.source(), f.opts())
	if err != nil || len(m3.Objects) != 9 || m3.NewObjects > 5 {
		t.Fatalf("backup after space came back: %v, %+v", err, m3)
	}
}

// TestScrubFindsRot: over days days every object is read once; an original whose
// bytes changed on disk is reported by key, and an archive copy too when the
// backup's manifest knows its SHA-256.
func TestScrubFindsRot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	blobs := mustStore(t, dir)
	orig := []byte("bản gốc")
	sum := sha256.Sum256(orig)
	okey := ingest.OriginalKey(hex.EncodeToString(sum[:]))
	put(t, blobs, okey, orig)
	put(t, blobs, "archives/x/1.pdf", []byte("%PDF-1.7 lưu trữ"))
	for i := range 20 {
		put(t, blobs, fmt.Sprintf("texts/%d.txt", i), []byte(fmt.Sprint("trang ", i)))
	}
	expect := map[string]string{}
	for k, v := range contents(t, blobs) {
		s := sha256.Sum256([]byte(v))
		expect[k] = hex.EncodeToString(s[:])
	}
	lookup := func(k string) (string, bool) { s, ok := expect[k]; return s, ok }

	const days = 7
	checked := 0
	for day := range days {
		res, err := backup.Scrub(ctx, blobs, day, days, lookup)
		if err != nil || len(res.Damaged) != 0 || res.Unproven != 0 {
			t.Fatalf("day %d on a sound store: %v %+v", day, err, res)
		}
		checked += res.Checked
	}
	if checked != 22 {
		t.Fatalf("%d objects read over %d days, want each of 22 once", checked, days)
	}
	// Rot: flip a byte of the original and of the archive on disk.
	for _, k := range []string{okey, "archives/x/1.pdf"} {
		p := filepath.Join(dir, filepath.FromSlash(k))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b[0] ^= 1
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var damaged []string
	for day := range days {
		res, err := backup.Scrub(ctx, blobs, day, days, lookup)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Damaged {
			damaged = append(damaged, p.File)
		}
	}
	slices.Sort(damaged)
	if want := []string{"archives/x/1.pdf", okey}; !slices.Equal(damaged, want) {
		t.Fatalf("damaged %v, want %v", damaged, want)
	}
}

func TestRetention(t *testing.T) {
	keep, err := backup.ParseKeep("daily=3,weekly=2,monthly=2")
	if err != nil {
		t.Fatal(err)
	}
	// One backup a day at 02:00 for 70 days, plus a second on the last day.
	var names []string
	start := time.Date(2026, 9, 1, 2, 0, 0, 0, time.UTC)
	for d := range 70 {
		names = append(names, start.AddDate(0, 0, d).Format("20060102T150405.000Z"))
	}
	names = append(names, start.AddDate(0, 0, 69).Add(time.Hour).Format("20060102T150405.000Z"))
	kept, forget := keep.Select(names, time.UTC)
	if len(kept)+len(forget) != len(names) {
		t.Fatalf("kept %d + forgotten %d != %d", len(kept), len(forget), len(names))
	}
	// 9 November 2026 is a Monday. Each rule counts every backup it sees first in a
	// day, week or month, kept by another rule or not (restic's semantics).
	want := []string{
		"20261109T030000.000Z", // newest: day 1, week 1 (from Monday 9th), month 1
		"20261108T020000.000Z", // day 2, week 2 (2–8 November)
		"20261107T020000.000Z", // day 3
		"20261031T020000.000Z", // month 2: October
	}
	if !slices.Equal(kept, want) {
		t.Fatalf("kept %v, want %v", kept, want)
	}
	if _, err := backup.ParseKeep("yearly=1"); err == nil {
		t.Fatal("yearly accepted")
	}

	// Forget deletes the manifests and database snapshots; the kept backups verify.
	ctx := context.Background()
	f := newFixture(t)
	target := mustStore(t, t.TempDir())
	repo, err := backup.Open(ctx, target, mustKey(t, keyA), true)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		f.clock = f.clock.Add(24 * time.Hour)
		if _, err := repo.Backup(ctx, f.source(), f.opts()); err != nil {
			t.Fatal(err)
		}
	}
	forgot, _, err := repo.Forget(ctx, backup.Keep{Daily: 1}, time.UTC)
	if err != nil || len(forgot) != 2 {
		t.Fatalf("forget: %v %v", forgot, err)
	}
	names, _ = repo.Snapshots(ctx)
	if len(names) != 1 {
		t.Fatalf("backups left: %v", names)
	}
	for k := range contents(t, target) {
		if strings.HasPrefix(k, "db/") && !strings.Contains(k, names[0]) {
			t.Errorf("database snapshot %s of a forgotten backup left", k)
		}
	}
	if rep, err := repo.Verify(ctx, names[0], backup.VerifyOptions{TempDir: t.TempDir()}); err != nil || !rep.OK() {
		t.Fatalf("the kept backup: %v %+v", err, rep)
	}
}

// TestDamagedPreviousManifest: a target returning corrupted bytes for the newest
// manifest does not stop the next backup (it reads every object instead), and
// verify names the damaged manifest.
func TestDamagedPreviousManifest(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	dir := t.TempDir()
	repo, err := backup.Open(ctx, mustStore(t, dir), mustKey(t, keyA), true)
	if err != nil {
		t.Fatal(err)
	}
	m1, err := repo.Backup(ctx, f.source(), f.opts())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "snapshots", m1.Name)
	b, _ := os.ReadFile(p)
	b[40] ^= 0xff
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	m2, err := repo.Backup(ctx, f.source(), f.opts())
	if err != nil {
		t.Fatalf("backup after a damaged manifest: %v", err)
	}
	if !m2.Full || m2.NewObjects != 0 {
		t.Fatalf("backup after a damaged manifest: full %v, %d uploaded; want a full one uploading nothing", m2.Full, m2.NewObjects)
	}
	rep, err := repo.Verify(ctx, m2.Name, backup.VerifyOptions{TempDir: t.TempDir()})
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0].File != "snapshots/"+m1.Name || rep.Manifests != 1 {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}
