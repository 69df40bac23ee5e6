package backup_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kntc/backup"
	"kntc/ingest"
)

// BenchmarkBackup (make bench-backup) backs up a store shaped like kntc's:
// KNTC_BENCH_PAGES pages (default 2000) in documents of 10 pages, each document an
// original and an archive copy of 60 KiB of incompressible bytes a page, and a
// text object of 2 KiB a page (writeBenchDocs). It prints the full backup's time and size, the
// incremental backup's time after 1 % new pages, and verify's time, against the
// baseline of copying the same objects plainly from store to store in this run.
func BenchmarkBackup(b *testing.B) {
	pages := 2000
	if s := os.Getenv("KNTC_BENCH_PAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 10 {
			b.Fatalf("KNTC_BENCH_PAGES=%q: want a number of pages, at least 10", s)
		}
		pages = n
	}
	ctx := context.Background()
	srcDir := b.TempDir()
	src := mustStore(b, srcDir)
	addDocs := func(from, n int) {
		start := time.Now()
		must(b, writeBenchDocs(srcDir, from, n))
		b.Logf("source: %d documents (%d pages) written in %s", n, n*10, time.Since(start).Round(time.Millisecond))
	}
	docs := pages / 10
	addDocs(0, docs)
	dbFile := make([]byte, pages*1024)
	source := backup.Source{Blobs: src, Dialect: "sqlite", DumpFormat: "sqlite-file",
		Dump: func(_ context.Context, path string) error { return os.WriteFile(path, dbFile, 0o600) }}
	clock := time.Now().UTC()
	opts := func() backup.Options {
		clock = clock.Add(time.Second)
		now := clock
		return backup.Options{TempDir: b.TempDir(), Now: func() time.Time { return now }}
	}

	for b.Loop() {
		// Baseline: the same objects copied plainly, store to store, by as many
		// workers as the backup uses.
		plain := mustStore(b, b.TempDir())
		var infos []ingest.BlobInfo
		must(b, src.List(ctx, "", func(o ingest.BlobInfo) error { infos = append(infos, o); return nil }))
		start := time.Now()
		work := make(chan ingest.BlobInfo)
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				var first error
				for o := range work {
					rc, err := src.Get(ctx, o.Key, 0, -1)
					if err == nil {
						_, err = plain.Put(ctx, o.Key, rc, o.Size, "")
						rc.Close()
					}
					if first == nil {
						first = err
					}
				}
				errs <- first
			}()
		}
		for _, o := range infos {
			work <- o
		}
		close(work)
		for range 4 {
			must(b, <-errs)
		}
		baseline := time.Since(start)

		dir := b.TempDir()
		target := mustStore(b, dir)
		repo, err := backup.Open(ctx, target, mustKey(b, keyA), true)
		must(b, err)
		start = time.Now()
		m, err := repo.Backup(ctx, source, opts())
		must(b, err)
		full := time.Since(start)
		size := dirSize(b, dir)

		newDocs := max(1, docs/100)
		addDocs(docs, newDocs)
		docs += newDocs
		start = time.Now()
		m2, err := repo.Backup(ctx, source, opts())
		must(b, err)
		incr := time.Since(start)

		start = time.Now()
		rep, err := repo.Verify(ctx, m2.Name, backup.VerifyOptions{TempDir: b.TempDir()})
		must(b, err)
		if !rep.OK() {
			b.Fatalf("verify: %+v", rep.Problems)
		}
		ver := time.Since(start)

		b.Logf("pages %d: %d objects, %.1f MiB; plain copy (baseline) %s", pages, len(m.Objects), float64(m.Bytes)/(1<<20), baseline.Round(time.Millisecond))
		b.Logf("full backup %s (%.2f× baseline), repository %.1f MiB (%.3f× the data)", full.Round(time.Millisecond),
			full.Seconds()/baseline.Seconds(), float64(size)/(1<<20), float64(size)/float64(m.Bytes))
		b.Logf("incremental after %d new pages (1%%): %s, %d objects uploaded, %.1f MiB written", newDocs*10, incr.Round(time.Millisecond), m2.NewObjects, float64(m2.StoredBytes)/(1<<20))
		b.Logf("verify (read back everything) %s", ver.Round(time.Millisecond))
		b.ReportMetric(full.Seconds()/baseline.Seconds(), "full/baseline")
		b.ReportMetric(incr.Seconds(), "incr-s")
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	must(tb, filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	}))
	return n
}

// benchPool is the random bytes the benchmark's objects are cut from: drawing 120 KiB
// of fresh randomness a page and writing each object through the store's Put (with
// its fsyncs) made the 100,000-page set take hours to write on a loaded machine,
// longer than the backup it measures.
var benchPool = sync.OnceValue(func() []byte {
	pool := make([]byte, 64<<20)
	_, _ = rand.Read(pool)
	return pool
})

// writeBenchDocs writes documents from..from+n-1 of the benchmark's store into dir,
// the store's own layout (a file at each key's path), by several writers at once and
// without the store's fsyncs: the source set is the benchmark's input, not what it
// measures. Each document is an original and an archive copy of 600 KiB (10 pages
// of 60 KiB) and ten page texts of ~2 KiB, as before. The originals and archives are
// windows of one 64 MiB random pool at offsets chosen by the document, each starting
// with its own key, so every object has bytes of its own (a distinct SHA-256: the
// repository stores each content once) and none compresses, as scans and PDFs do
// not; only the pool is random, once.
func writeBenchDocs(dir string, from, n int) error {
	pool := benchPool()
	text := bytes.Repeat([]byte("Quyết định giải quyết khiếu nại lần đầu. "), 50)
	const docBytes = 10 * 60 << 10
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for range max(4, 2*runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, docBytes)
			write := func(key string, data []byte) error {
				p := filepath.Join(dir, filepath.FromSlash(key))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return err
				}
				return os.WriteFile(p, data, 0o600)
			}
			for {
				d := int(next.Add(1) - 1)
				if d >= from+n {
					return
				}
				var err error
				for i, key := range []string{
					fmt.Sprintf("originals/%02x/doc%08d", d%256, d),
					fmt.Sprintf("archives/%02x/doc%08d.pdf", d%256, d),
				} {
					// A window of the pool at a spread-out offset (a multiple of
					// 4 KiB, so a copy), then the key over its first bytes.
					off := int(uint64(d*2+i)*0x9E3779B97F4A7C15>>20) % ((len(pool) - docBytes) / 4096) * 4096
					copy(buf, pool[off:off+docBytes])
					binary.BigEndian.PutUint64(buf, uint64(d*2+i))
					copy(buf[8:], key)
					if err = write(key, buf); err != nil {
						break
					}
				}
				for p := 0; p < 10 && err == nil; p++ {
					err = write(fmt.Sprintf("texts/%02x/doc%08d/%d.txt", d%256, d, p), fmt.Appendf(text, "trang %d của %d", p, d))
				}
				if err != nil {
					select {
					case errc <- err:
					default:
					}
					next.Store(int64(from + n)) // the others stop too
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}
