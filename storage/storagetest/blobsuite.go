// Package storagetest holds the conformance suites that every storage backend must
// pass (restic's internal/backend/test in spirit). A backend's own test hands a suite
// a constructor; the suite owns the behaviour the interfaces in package ingest promise.
package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"kntc/ingest"
	"kntc/internal/errs"
)

// TestBlobStore runs the BlobStore conformance suite. newStore returns an empty store
// that lives until t ends; it is called once per subtest, so subtests never see each
// other's objects. Nothing in the suite depends on timing.
func TestBlobStore(t *testing.T, newStore func(t *testing.T) ingest.BlobStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s ingest.BlobStore)
	}{
		{"PutGetRoundTrip", testPutGetRoundTrip},
		{"PutWantSHA256", testPutWantSHA256},
		{"PutChecksumMismatch", testPutChecksumMismatch},
		{"PutUnknownSize", testPutUnknownSize},
		{"PutSizeMismatch", testPutSizeMismatch},
		{"PutReaderError", testPutReaderError},
		{"ZeroBytes", testZeroBytes},
		{"Overwrite", testOverwrite},
		{"RangeReads", testRangeReads},
		{"MissingKey", testMissingKey},
		{"Delete", testDelete},
		{"List", testList},
		{"ListStopsOnError", testListStopsOnError},
		{"KeyAndPrefixCollision", testKeyAndPrefixCollision},
		{"InvalidKeys", testInvalidKeys},
		{"CancelledBeforePut", testCancelledBeforePut},
		{"CancelledDuringPut", testCancelledDuringPut},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ConcurrentPutDelete", testConcurrentPutDelete},
		{"LargeObject", testLargeObject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, newStore(t))
		})
	}
}

func testPutGetRoundTrip(t *testing.T, s ingest.BlobStore) {
	data := randomBytes(1, 100_000)
	res := MustPut(t, s, "docs/2024/original.pdf", data)
	if res.Key != "docs/2024/original.pdf" || res.Size != int64(len(data)) || res.SHA256 != SHA256Hex(data) {
		t.Errorf("Put = %+v, want key docs/2024/original.pdf, size %d, sha256 %s", res, len(data), SHA256Hex(data))
	}
	if got := MustGet(t, s, "docs/2024/original.pdf", 0, -1); !bytes.Equal(got, data) {
		t.Errorf("Get returned %d bytes (sha256 %s), want the %d bytes put", len(got), SHA256Hex(got), len(data))
	}
	info, err := s.Stat(t.Context(), "docs/2024/original.pdf")
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if info.Key != "docs/2024/original.pdf" || info.Size != int64(len(data)) || info.ModTime.IsZero() {
		t.Errorf("Stat = %+v, want key docs/2024/original.pdf, size %d and a modification time", info, len(data))
	}
	// Keys may have dot-prefixed segments; a backend must not mistake them for its own
	// temporary files.
	MustPut(t, s, ".hidden/.dot", []byte("dot"))
	if got := MustGet(t, s, ".hidden/.dot", 0, -1); string(got) != "dot" {
		t.Errorf("Get .hidden/.dot = %q, want %q", got, "dot")
	}
	if got, want := ListKeys(t, s, ""), []string{".hidden/.dot", "docs/2024/original.pdf"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

func testPutWantSHA256(t *testing.T, s ingest.BlobStore) {
	data := randomBytes(2, 4096)
	res, err := s.Put(t.Context(), "k", onlyReader(data), int64(len(data)), SHA256Hex(data))
	if err != nil {
		t.Fatalf("Put with the right wantSHA256: %v", err)
	}
	if res.SHA256 != SHA256Hex(data) {
		t.Errorf("Put SHA256 = %s, want %s", res.SHA256, SHA256Hex(data))
	}
	if got := MustGet(t, s, "k", 0, -1); !bytes.Equal(got, data) {
		t.Errorf("Get after Put with wantSHA256 returned other bytes")
	}
}

func testPutChecksumMismatch(t *testing.T, s ingest.BlobStore) {
	old := []byte("the earlier object")
	MustPut(t, s, "kept", old)
	wrong := SHA256Hex([]byte("something else"))

	data := randomBytes(3, 70_000)
	_, err := s.Put(t.Context(), "kept", onlyReader(data), int64(len(data)), wrong)
	if !errors.Is(err, errs.ErrChecksum) {
		t.Fatalf("Put with a wrong wantSHA256 over an object: err = %v, want ErrChecksum", err)
	}
	if got := MustGet(t, s, "kept", 0, -1); !bytes.Equal(got, old) {
		t.Errorf("after a failed Put the earlier object reads %d bytes, want it unchanged (%q)", len(got), old)
	}

	_, err = s.Put(t.Context(), "new/object", onlyReader(data), -1, wrong)
	if !errors.Is(err, errs.ErrChecksum) {
		t.Fatalf("Put with a wrong wantSHA256: err = %v, want ErrChecksum", err)
	}
	MustNotExist(t, s, "new/object")
	if got, want := ListKeys(t, s, ""), []string{"kept"}; !slices.Equal(got, want) {
		t.Errorf("List after failed Puts = %q, want %q (no leftovers)", got, want)
	}
}

func testPutUnknownSize(t *testing.T, s ingest.BlobStore) {
	data := randomBytes(4, 300_000)
	res, err := s.Put(t.Context(), "unknown", onlyReader(data), -1, "")
	if err != nil {
		t.Fatalf("Put with size -1: %v", err)
	}
	if res.Size != int64(len(data)) || res.SHA256 != SHA256Hex(data) {
		t.Errorf("Put = %+v, want size %d sha256 %s", res, len(data), SHA256Hex(data))
	}
	if got := MustGet(t, s, "unknown", 0, -1); !bytes.Equal(got, data) {
		t.Errorf("Get after Put with size -1 returned other bytes")
	}
}

// A size that does not match the stream means a truncated or confused upload; storing
// it would keep something else than the caller thinks.
func testPutSizeMismatch(t *testing.T, s ingest.BlobStore) {
	data := randomBytes(5, 1000)
	tests := []struct {
		name string
		size int64
	}{
		{"shorter stream", int64(len(data)) + 1},
		{"longer stream", int64(len(data)) - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.Put(t.Context(), "sized", onlyReader(data), tt.size, ""); err == nil {
				t.Fatalf("Put of %d bytes with size %d succeeded, want an error", len(data), tt.size)
			}
			MustNotExist(t, s, "sized")
		})
	}
}

func testPutReaderError(t *testing.T, s ingest.BlobStore) {
	MustPut(t, s, "victim", []byte("before"))
	boom := errors.New("disk on fire")
	r := io.MultiReader(bytes.NewReader(randomBytes(6, 50_000)), errReader{boom})
	if _, err := s.Put(t.Context(), "victim", r, -1, ""); !errors.Is(err, boom) {
		t.Fatalf("Put from a failing reader: err = %v, want it to wrap %v", err, boom)
	}
	if got := MustGet(t, s, "victim", 0, -1); string(got) != "before" {
		t.Errorf("after a failed Put the object reads %q, want %q", got, "before")
	}
}

func testZeroBytes(t *testing.T, s ingest.BlobStore) {
	for _, size := range []int64{0, -1} {
		t.Run(fmt.Sprintf("size %d", size), func(t *testing.T) {
			res, err := s.Put(t.Context(), "empty", onlyReader(nil), size, SHA256Hex(nil))
			if err != nil {
				t.Fatalf("Put of zero bytes: %v", err)
			}
			if res.Size != 0 || res.SHA256 != SHA256Hex(nil) {
				t.Errorf("Put = %+v, want size 0 sha256 %s", res, SHA256Hex(nil))
			}
			info, err := s.Stat(t.Context(), "empty")
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if info.Size != 0 {
				t.Errorf("Stat size = %d, want 0", info.Size)
			}
			for _, r := range [][2]int64{{0, -1}, {0, 10}, {0, 0}, {1, -1}} {
				if got := MustGet(t, s, "empty", r[0], r[1]); len(got) != 0 {
					t.Errorf("Get(%d, %d) of an empty object = %d bytes, want 0", r[0], r[1], len(got))
				}
			}
		})
	}
}

func testOverwrite(t *testing.T, s ingest.BlobStore) {
	long := randomBytes(7, 50_000)
	short := []byte("shorter replacement")
	MustPut(t, s, "a/b", long)
	res := MustPut(t, s, "a/b", short)
	if res.Size != int64(len(short)) {
		t.Errorf("Put size = %d, want %d", res.Size, len(short))
	}
	if got := MustGet(t, s, "a/b", 0, -1); !bytes.Equal(got, short) {
		t.Errorf("Get after overwrite = %d bytes, want %q", len(got), short)
	}
	if info, err := s.Stat(t.Context(), "a/b"); err != nil || info.Size != int64(len(short)) {
		t.Errorf("Stat after overwrite = %+v, %v; want size %d", info, err, len(short))
	}
	if got, want := ListKeys(t, s, ""), []string{"a/b"}; !slices.Equal(got, want) {
		t.Errorf("List after overwrite = %q, want %q", got, want)
	}
}

func testRangeReads(t *testing.T, s ingest.BlobStore) {
	data := randomBytes(8, 1000)
	MustPut(t, s, "ranged", data)
	tests := []struct {
		name           string
		offset, length int64
		want           []byte
	}{
		{"whole", 0, -1, data},
		{"whole by length", 0, 1000, data},
		{"head", 0, 10, data[:10]},
		{"middle", 100, 50, data[100:150]},
		{"one byte", 999, 1, data[999:]},
		{"to end", 990, -1, data[990:]},
		{"length past end", 990, 100, data[990:]},
		{"zero length", 10, 0, nil},
		{"offset at end", 1000, -1, nil},
		{"offset at end with length", 1000, 10, nil},
		{"offset beyond end", 1500, -1, nil},
		{"offset beyond end with length", 1500, 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MustGet(t, s, "ranged", tt.offset, tt.length)
			if !bytes.Equal(got, tt.want) {
				t.Errorf("Get(%d, %d) = %d bytes, want %d bytes data[%d:]", tt.offset, tt.length, len(got), len(tt.want), tt.offset)
			}
		})
	}
	t.Run("negative offset", func(t *testing.T) {
		rc, err := s.Get(t.Context(), "ranged", -1, 10)
		if !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("Get(-1, 10): err = %v, want ErrInvalid", err)
		}
		if rc != nil {
			rc.Close()
		}
	})
}

func testMissingKey(t *testing.T, s ingest.BlobStore) {
	MustPut(t, s, "present/x", []byte("x"))
	for _, key := range []string{"absent", "present", "present/x/y", "present/y"} {
		for _, r := range [][2]int64{{0, -1}, {0, 0}, {5, 10}} {
			rc, err := s.Get(t.Context(), key, r[0], r[1])
			if !errors.Is(err, errs.ErrNotFound) {
				t.Errorf("Get(%q, %d, %d): err = %v, want ErrNotFound", key, r[0], r[1], err)
			}
			if rc != nil {
				t.Errorf("Get(%q, %d, %d) returned a reader with the error", key, r[0], r[1])
				rc.Close()
			}
		}
		if _, err := s.Stat(t.Context(), key); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("Stat(%q): err = %v, want ErrNotFound", key, err)
		}
	}
}

func testDelete(t *testing.T, s ingest.BlobStore) {
	MustPut(t, s, "d/1/x", []byte("x"))
	MustPut(t, s, "d/1/y", []byte("y"))
	MustPut(t, s, "d/2", []byte("2"))

	MustDelete(t, s, "d/1/x")
	MustNotExist(t, s, "d/1/x")
	if got, want := ListKeys(t, s, ""), []string{"d/1/y", "d/2"}; !slices.Equal(got, want) {
		t.Errorf("List after Delete = %q, want %q", got, want)
	}
	MustDelete(t, s, "d/1/x") // again: idempotent
	MustDelete(t, s, "never/there")
	MustDelete(t, s, "d/1") // a prefix, not an object

	MustDelete(t, s, "d/1/y")
	MustDelete(t, s, "d/2")
	if got := ListKeys(t, s, ""); len(got) != 0 {
		t.Errorf("List after deleting everything = %q, want nothing", got)
	}
	// Whatever a backend keeps or tidies up after the deletes must not stand in the
	// way: "d" was only a prefix and may now be a key, and the other way round.
	MustPut(t, s, "d", []byte("d is a key now"))
	MustDelete(t, s, "d")
	MustPut(t, s, "d/1/x", []byte("again"))
	if got := MustGet(t, s, "d/1/x", 0, -1); string(got) != "again" {
		t.Errorf("Get after re-Put = %q, want %q", got, "again")
	}
}

func testList(t *testing.T, s ingest.BlobStore) {
	// '-' < '.' < '/' < '0' in byte order, so "a/..." sorts between "a.b" and "a0";
	// a backend that walks directories must still give plain key order.
	keys := []string{"b", "a0/x", "a/c/d", "ab", "a.b", "a/b.c", "a-b", "a/b/c", "a/bz", "Z"}
	for i, k := range keys {
		MustPut(t, s, k, bytes.Repeat([]byte{'x'}, i+1))
	}
	sorted := slices.Sorted(slices.Values(keys))

	tests := []struct {
		prefix string
		want   []string
	}{
		{"", sorted},
		{"a", []string{"a-b", "a.b", "a/b.c", "a/b/c", "a/bz", "a/c/d", "a0/x", "ab"}},
		{"a/", []string{"a/b.c", "a/b/c", "a/bz", "a/c/d"}},
		{"a/b", []string{"a/b.c", "a/b/c", "a/bz"}},
		{"a/b/", []string{"a/b/c"}},
		{"a/b/c", []string{"a/b/c"}},
		{"a/c/d", []string{"a/c/d"}},
		{"a0", []string{"a0/x"}},
		{"b", []string{"b"}},
		{"nothing", nil},
		{"nothing/", nil},
		{"a/b/c/", nil},
		{"b/", nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("prefix %q", tt.prefix), func(t *testing.T) {
			var got []string
			err := s.List(t.Context(), tt.prefix, func(info ingest.BlobInfo) error {
				got = append(got, info.Key)
				if want := int64(slices.Index(keys, info.Key) + 1); info.Size != want {
					t.Errorf("List gives %s size %d, want %d", info.Key, info.Size, want)
				}
				if info.ModTime.IsZero() {
					t.Errorf("List gives %s no modification time", info.Key)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("List(%q): %v", tt.prefix, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
			}
		})
	}
}

func testListStopsOnError(t *testing.T, s ingest.BlobStore) {
	for _, k := range []string{"l/1", "l/2", "l/3", "l/4"} {
		MustPut(t, s, k, []byte(k))
	}
	stop := errors.New("enough")
	var got []string
	err := s.List(t.Context(), "l/", func(info ingest.BlobInfo) error {
		got = append(got, info.Key)
		if len(got) == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Errorf("List: err = %v, want the callback's error", err)
	}
	if want := []string{"l/1", "l/2"}; !slices.Equal(got, want) {
		t.Errorf("List called back for %q, want %q and then stop", got, want)
	}
}

// A key may also be the beginning of another key plus "/". Object stores keep both;
// a file system cannot, and must say so with ErrConflict rather than lose data.
func testKeyAndPrefixCollision(t *testing.T, s ingest.BlobStore) {
	MustPut(t, s, "p", []byte("file p"))
	if _, err := s.Put(t.Context(), "p/q", onlyReader([]byte("under p")), -1, ""); err != nil {
		if !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("Put p/q beside object p: err = %v, want nil or ErrConflict", err)
		}
		MustNotExist(t, s, "p/q")
	} else if got := MustGet(t, s, "p/q", 0, -1); string(got) != "under p" {
		t.Errorf("Get p/q = %q", got)
	}
	if got := MustGet(t, s, "p", 0, -1); string(got) != "file p" {
		t.Errorf("Get p = %q, want it unchanged", got)
	}

	MustPut(t, s, "r/s", []byte("under r"))
	if _, err := s.Put(t.Context(), "r", onlyReader([]byte("file r")), -1, ""); err != nil {
		if !errors.Is(err, errs.ErrConflict) {
			t.Fatalf("Put r beside object r/s: err = %v, want nil or ErrConflict", err)
		}
		MustNotExist(t, s, "r")
	} else if got := MustGet(t, s, "r", 0, -1); string(got) != "file r" {
		t.Errorf("Get r = %q", got)
	}
	if got := MustGet(t, s, "r/s", 0, -1); string(got) != "under r" {
		t.Errorf("Get r/s = %q, want it unchanged", got)
	}
}

func testInvalidKeys(t *testing.T, s ingest.BlobStore) {
	keys := []string{"", "../x", "a/../../x", "/abs", "a//b", "a b", "a/", "./a", "a/./b", "ä", `a\b`, "a~"}
	for _, key := range keys {
		t.Run(fmt.Sprintf("key %q", key), func(t *testing.T) {
			if _, err := s.Put(t.Context(), key, onlyReader([]byte("x")), 1, ""); !errors.Is(err, errs.ErrInvalid) {
				t.Errorf("Put: err = %v, want ErrInvalid", err)
			}
			rc, err := s.Get(t.Context(), key, 0, -1)
			if !errors.Is(err, errs.ErrInvalid) {
				t.Errorf("Get: err = %v, want ErrInvalid", err)
			}
			if rc != nil {
				rc.Close()
			}
			if _, err := s.Stat(t.Context(), key); !errors.Is(err, errs.ErrInvalid) {
				t.Errorf("Stat: err = %v, want ErrInvalid", err)
			}
			if err := s.Delete(t.Context(), key); !errors.Is(err, errs.ErrInvalid) {
				t.Errorf("Delete: err = %v, want ErrInvalid", err)
			}
		})
	}
	for _, prefix := range []string{"../", "/", "a//", "a b"} {
		err := s.List(t.Context(), prefix, func(ingest.BlobInfo) error { return nil })
		if !errors.Is(err, errs.ErrInvalid) {
			t.Errorf("List(%q): err = %v, want ErrInvalid", prefix, err)
		}
	}
	if got := ListKeys(t, s, ""); len(got) != 0 {
		t.Errorf("List after refused Puts = %q, want nothing", got)
	}
}

func testCancelledBeforePut(t *testing.T, s ingest.BlobStore) {
	MustPut(t, s, "old", []byte("old"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	for _, key := range []string{"c", "old"} {
		if _, err := s.Put(ctx, key, onlyReader([]byte("new")), 3, ""); !errors.Is(err, context.Canceled) {
			t.Errorf("Put(%q) with a cancelled context: err = %v, want context.Canceled", key, err)
		}
	}
	MustNotExist(t, s, "c")
	if got := MustGet(t, s, "old", 0, -1); string(got) != "old" {
		t.Errorf("Get old = %q, want it unchanged", got)
	}
}

// The context is cancelled by the reader itself after some bytes, so the test does not
// depend on timing: the backend must notice before it makes the object visible.
func testCancelledDuringPut(t *testing.T, s ingest.BlobStore) {
	MustPut(t, s, "old", []byte("old"))
	for _, key := range []string{"c", "old"} {
		ctx, cancel := context.WithCancel(t.Context())
		r := &cancellingReader{r: bytes.NewReader(randomBytes(9, 200_000)), after: 50_000, cancel: cancel}
		_, err := s.Put(ctx, key, r, -1, "")
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Put(%q) cancelled half-way: err = %v, want context.Canceled", key, err)
		}
	}
	MustNotExist(t, s, "c")
	if got := MustGet(t, s, "old", 0, -1); string(got) != "old" {
		t.Errorf("Get old = %q, want it unchanged", got)
	}
}

func testConcurrentWriters(t *testing.T, s ingest.BlobStore) {
	const writers = 8
	contents := make([][]byte, writers)
	for i := range contents {
		contents[i] = randomBytes(uint64(100+i), 64<<10+i*1000)
	}
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			for _, key := range []string{"shared", fmt.Sprintf("own/%d", i)} {
				res, err := s.Put(t.Context(), key, onlyReader(contents[i]), int64(len(contents[i])), "")
				if err != nil {
					t.Errorf("writer %d: Put %s: %v", i, key, err)
					continue
				}
				if res.SHA256 != SHA256Hex(contents[i]) {
					t.Errorf("writer %d: Put %s SHA256 = %s, want %s", i, key, res.SHA256, SHA256Hex(contents[i]))
				}
			}
		})
	}
	wg.Wait()

	got := MustGet(t, s, "shared", 0, -1)
	winner := slices.IndexFunc(contents, func(c []byte) bool { return bytes.Equal(c, got) })
	if winner < 0 {
		t.Fatalf("shared holds %d bytes with sha256 %s: not any one writer's content", len(got), SHA256Hex(got))
	}
	if info, err := s.Stat(t.Context(), "shared"); err != nil || info.Size != int64(len(got)) {
		t.Errorf("Stat shared = %+v, %v; want size %d", info, err, len(got))
	}
	for i := range writers {
		if got := MustGet(t, s, fmt.Sprintf("own/%d", i), 0, -1); !bytes.Equal(got, contents[i]) {
			t.Errorf("own/%d holds %d bytes, not writer %d's", i, len(got), i)
		}
	}
	want := []string{"own/0", "own/1", "own/2", "own/3", "own/4", "own/5", "own/6", "own/7", "shared"}
	if got := ListKeys(t, s, ""); !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q (no leftovers)", got, want)
	}
}

// Puts and Deletes in one directory race a backend's clean-up of empty directories
// against the creation of new files.
func testConcurrentPutDelete(t *testing.T, s ingest.BlobStore) {
	const workers, rounds = 4, 15
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			key := fmt.Sprintf("race/dir/k%d", i)
			for n := range rounds {
				data := fmt.Appendf(nil, "worker %d round %d", i, n)
				if _, err := s.Put(t.Context(), key, onlyReader(data), int64(len(data)), ""); err != nil {
					t.Errorf("worker %d round %d: Put: %v", i, n, err)
					return
				}
				if err := s.Delete(t.Context(), key); err != nil {
					t.Errorf("worker %d round %d: Delete: %v", i, n, err)
					return
				}
			}
			data := fmt.Appendf(nil, "worker %d done", i)
			if _, err := s.Put(t.Context(), key, onlyReader(data), -1, ""); err != nil {
				t.Errorf("worker %d: final Put: %v", i, err)
			}
		})
	}
	wg.Wait()
	want := []string{"race/dir/k0", "race/dir/k1", "race/dir/k2", "race/dir/k3"}
	if got := ListKeys(t, s, ""); !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

// LargeObjectSize is big enough to cross several parts of a multipart upload when the
// S3 part size is the 5 MiB minimum.
const LargeObjectSize = 20<<20 + 12345

func testLargeObject(t *testing.T, s ingest.BlobStore) {
	data := randomBytes(10, LargeObjectSize)
	sum := SHA256Hex(data)
	for _, tc := range []struct {
		name string
		size int64
		want string
	}{
		{"known size and hash", int64(len(data)), sum},
		{"unknown size and hash", -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.Put(t.Context(), "large", onlyReader(data), tc.size, tc.want)
			if err != nil {
				t.Fatalf("Put of %d bytes: %v", len(data), err)
			}
			if res.Size != int64(len(data)) || res.SHA256 != sum {
				t.Errorf("Put = %+v, want size %d sha256 %s", res, len(data), sum)
			}
			rc, err := s.Get(t.Context(), "large", 0, -1)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			h := sha256.New()
			n, err := io.Copy(h, rc)
			rc.Close()
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if got := hex.EncodeToString(h.Sum(nil)); n != int64(len(data)) || got != sum {
				t.Errorf("Get returned %d bytes with sha256 %s, want %d bytes with %s", n, got, len(data), sum)
			}
			// Across the 5 MiB and 10 MiB boundaries: parts must be in order.
			for _, off := range []int64{5<<20 - 100, 10<<20 - 100} {
				if got := MustGet(t, s, "large", off, 200); !bytes.Equal(got, data[off:off+200]) {
					t.Errorf("Get(%d, 200) differs from the data put", off)
				}
			}
		})
	}

	// A large object with a wrong hash must not replace the earlier one.
	_, err := s.Put(t.Context(), "large", onlyReader(data[1:]), -1, sum)
	if !errors.Is(err, errs.ErrChecksum) {
		t.Fatalf("Put of a large object with a wrong wantSHA256: err = %v, want ErrChecksum", err)
	}
	if info, err := s.Stat(t.Context(), "large"); err != nil || info.Size != int64(len(data)) {
		t.Errorf("Stat after failed Put = %+v, %v; want the earlier %d bytes", info, err, len(data))
	}
}

// MustPut stores data under key (size known, no expected hash) or fails the test.
func MustPut(tb testing.TB, s ingest.BlobStore, key string, data []byte) ingest.PutResult {
	tb.Helper()
	res, err := s.Put(tb.Context(), key, onlyReader(data), int64(len(data)), "")
	if err != nil {
		tb.Fatalf("Put %s: %v", key, err)
	}
	return res
}

// MustGet reads the range of key or fails the test.
func MustGet(tb testing.TB, s ingest.BlobStore, key string, offset, length int64) []byte {
	tb.Helper()
	rc, err := s.Get(tb.Context(), key, offset, length)
	if err != nil {
		tb.Fatalf("Get(%q, %d, %d): %v", key, offset, length, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatalf("Get(%q, %d, %d): read: %v", key, offset, length, err)
	}
	return data
}

// MustDelete deletes key or fails the test.
func MustDelete(tb testing.TB, s ingest.BlobStore, key string) {
	tb.Helper()
	if err := s.Delete(tb.Context(), key); err != nil {
		tb.Fatalf("Delete %s: %v", key, err)
	}
}

// MustNotExist fails the test unless Stat and Get of key report ErrNotFound.
func MustNotExist(tb testing.TB, s ingest.BlobStore, key string) {
	tb.Helper()
	if info, err := s.Stat(tb.Context(), key); !errors.Is(err, errs.ErrNotFound) {
		tb.Errorf("Stat(%q) = %+v, %v; want ErrNotFound", key, info, err)
	}
	rc, err := s.Get(tb.Context(), key, 0, -1)
	if !errors.Is(err, errs.ErrNotFound) {
		tb.Errorf("Get(%q): err = %v, want ErrNotFound", key, err)
	}
	if rc != nil {
		rc.Close()
	}
}

// ListKeys returns the keys List gives for prefix, in the order given, or fails the test.
func ListKeys(tb testing.TB, s ingest.BlobStore, prefix string) []string {
	tb.Helper()
	var keys []string
	err := s.List(tb.Context(), prefix, func(info ingest.BlobInfo) error {
		keys = append(keys, info.Key)
		return nil
	})
	if err != nil {
		tb.Fatalf("List(%q): %v", prefix, err)
	}
	return keys
}

// SHA256Hex is the lower-case hex SHA-256 of data, as PutResult reports it.
func SHA256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// randomBytes returns n reproducible pseudo-random bytes.
func randomBytes(seed uint64, n int) []byte {
	var s [32]byte
	s[0] = byte(seed)
	s[1] = byte(seed >> 8)
	data := make([]byte, n)
	rand.NewChaCha8(s).Read(data)
	return data
}

// onlyReader hides bytes.Reader's Seek, WriteTo and Len so a backend gets a plain
// stream, as it would from a network upload.
func onlyReader(data []byte) io.Reader {
	return struct{ io.Reader }{bytes.NewReader(data)}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// cancellingReader cancels its context once after bytes have been read, then goes on
// delivering data, like a client that hangs up while the body is still arriving.
type cancellingReader struct {
	r      io.Reader
	after  int
	read   int
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	if c.read >= c.after {
		c.cancel()
	}
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}
