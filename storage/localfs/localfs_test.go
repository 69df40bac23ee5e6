package localfs_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"kntc/ingest"
	"kntc/storage/localfs"
	"kntc/storage/storagetest"
)

func TestBlobStore(t *testing.T) {
	storagetest.TestBlobStore(t, func(t *testing.T) ingest.BlobStore {
		return mustNew(t, t.TempDir())
	})
}

// A crash leaves temporary files behind: List must not show them, and New removes
// them once they are old enough not to belong to a Put still running elsewhere.
func TestLeftoverTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	s := mustNew(t, dir)
	storagetest.MustPut(t, s, "a/b", []byte("b"))

	fresh := filepath.Join(dir, ".tmp~", "put-fresh")
	stale := filepath.Join(dir, ".tmp~", "put-stale")
	stray := filepath.Join(dir, "a", ".put-123~") // not a valid key: some other tool's file
	for _, p := range []string{fresh, stale, stray} {
		if err := os.WriteFile(p, []byte("half an object"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}

	if got, want := storagetest.ListKeys(t, s, ""), []string{"a/b"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}

	mustNew(t, dir)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("New left the stale temporary file (stat: %v)", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("New removed a recent temporary file that may belong to a running Put: %v", err)
	}
}

// Delete tidies up the directories it empties, but never the store's own directory.
func TestDeletePrunesEmptyDirectories(t *testing.T) {
	dir := t.TempDir()
	s := mustNew(t, dir)
	storagetest.MustPut(t, s, "x/y/z", []byte("z"))
	storagetest.MustPut(t, s, "x/w", []byte("w"))
	storagetest.MustDelete(t, s, "x/y/z")
	if _, err := os.Stat(filepath.Join(dir, "x", "y")); !os.IsNotExist(err) {
		t.Errorf("x/y is still there after its last object went (stat: %v)", err)
	}
	storagetest.MustDelete(t, s, "x/w")
	if _, err := os.Stat(filepath.Join(dir, "x")); !os.IsNotExist(err) {
		t.Errorf("x is still there after its last object went (stat: %v)", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("the store's directory went too: %v", err)
	}
}

func mustNew(tb testing.TB, dir string) *localfs.Store {
	tb.Helper()
	s, err := localfs.New(dir)
	if err != nil {
		tb.Fatalf("New(%s): %v", dir, err)
	}
	return s
}
