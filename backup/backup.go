package backup

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"kntc/ingest"
)

// Source is what a backup copies: the object store, and a database snapshot written
// by Dump into the file at path (SQLite VACUUM INTO, pg_dump -Fc).
type Source struct {
	Blobs         ingest.BlobStore
	Dialect       string // sqlite or postgres
	DumpFormat    string // sqlite-file or pg_dump-custom
	SchemaVersion int
	Dump          func(ctx context.Context, path string) error
	AuditKeyID    string
	SealKeyID     string
	Host          string
	Version       string
}

// Options tune one backup.
type Options struct {
	// Full reads and hashes every object; otherwise an object whose key, size and
	// time match the previous backup is taken from it without being read.
	Full bool
	// TempDir holds the database snapshot and large sealed objects on their way
	// (default: the system's).
	TempDir string
	// Workers copy objects at once (default 4).
	Workers int
	// Progress, when set, is called after each object with the objects done and the
	// total.
	Progress func(done, total int)
	// Now names the backup (default time.Now).
	Now func() time.Time
}

// Failed is a backup that did not complete. The earlier backups are untouched:
// a backup becomes visible only when its manifest is written, last.
type Failed struct {
	Err      error
	Previous []string // the repository's complete backups, oldest first
}

func (f *Failed) Error() string {
	prev := "kho chưa có bản sao lưu hoàn chỉnh nào (the repository holds no complete backup)"
	if n := len(f.Previous); n > 0 {
		prev = fmt.Sprintf("%d bản sao lưu trước vẫn nguyên vẹn, mới nhất %s (the %d earlier backups are intact, the newest %s)",
			n, f.Previous[n-1], n, f.Previous[n-1])
	}
	return fmt.Sprintf("sao lưu không hoàn tất (backup not completed): %v; %s", f.Err, prev)
}

func (f *Failed) Unwrap() error { return f.Err }

// Backup takes one backup of src into the repository and returns its manifest.
func (r *Repo) Backup(ctx context.Context, src Source, opt Options) (*Manifest, error) {
	prevNames, err := r.Snapshots(ctx)
	if err != nil {
		return nil, err
	}
	m, err := r.backup(ctx, src, opt, prevNames)
	if err != nil {
		return nil, &Failed{Err: err, Previous: prevNames}
	}
	return m, nil
}

func (r *Repo) backup(ctx context.Context, src Source, opt Options, prevNames []string) (*Manifest, error) {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = 4
	}
	start := now().UTC()
	m := &Manifest{Format: formatVersion, Name: start.Format(nameLayout), Time: start, Full: opt.Full,
		Host: src.Host, Version: src.Version, AuditKeyID: src.AuditKeyID, SealKeyID: src.SealKeyID}
	if len(prevNames) > 0 && prevNames[len(prevNames)-1] >= m.Name {
		return nil, fmt.Errorf("a backup named %s or later exists already; check the clock", m.Name)
	}

	// What the previous backup knew, so unchanged objects are not read again.
	prev := map[string]Object{}
	if !opt.Full && len(prevNames) > 0 {
		pm, err := r.Manifest(ctx, prevNames[len(prevNames)-1])
		if err != nil {
			// Not fatal: this backup reads everything instead.
			opt.Full = true
			m.Full = true
		} else {
			for _, o := range pm.Objects {
				prev[o.Key] = o
			}
		}
	}
	have := map[string]bool{}
	if err := r.store.List(ctx, dataPrefix, func(b ingest.BlobInfo) error {
		have[b.Key] = true
		return nil
	}); err != nil {
		return nil, fmt.Errorf("list the target's data: %w", err)
	}

	// The database first: every object its rows name is in the store already (objects
	// are written before the rows that name them), so copying the objects afterwards
	// gets them all.
	if err := r.backupDB(ctx, src, opt, m); err != nil {
		return nil, err
	}

	var infos []ingest.BlobInfo
	if err := src.Blobs.List(ctx, "", func(b ingest.BlobInfo) error {
		infos = append(infos, b)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("list the objects: %w", err)
	}
	m.Objects = make([]Object, len(infos))
	var (
		next, done atomic.Int64
		mu         sync.Mutex // have, m's counters
		firstErr   error
		errOnce    sync.Once
		wg         sync.WaitGroup
	)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	for range min(workers, max(1, len(infos))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(infos) || cctx.Err() != nil {
					return
				}
				b := infos[i]
				if p, ok := prev[b.Key]; ok && p.Size == b.Size && p.ModTime.Equal(b.ModTime) && p.SHA256 != "" {
					mu.Lock()
					ok = have[p.Blob]
					mu.Unlock()
					if ok {
						m.Objects[i] = p
						m.Objects[i].ModTime = b.ModTime
						r.progress(opt, &done, len(infos))
						continue
					}
				}
				o, up, sealed, err := r.copyObject(cctx, src.Blobs, b, opt.TempDir, have, &mu)
				if err != nil {
					fail(err)
					return
				}
				m.Objects[i] = o
				mu.Lock()
				if up {
					m.NewObjects++
					m.NewBytes += o.Size
					m.StoredBytes += sealed
				}
				mu.Unlock()
				r.progress(opt, &done, len(infos))
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, o := range m.Objects {
		m.Bytes += o.Size
	}
	n, err := r.putManifest(ctx, m)
	if err != nil {
		return nil, err
	}
	m.StoredBytes += n
	return m, nil
}

func (r *Repo) progress(opt Options, done *atomic.Int64, total int) {
	d := done.Add(1)
	if opt.Progress != nil {
		opt.Progress(int(d), total)
	}
}

func (r *Repo) backupDB(ctx context.Context, src Source, opt Options, m *Manifest) error {
	dir, err := os.MkdirTemp(opt.TempDir, "kntc-backup-db-*")
	if err != nil {
		return fmt.Errorf("database snapshot: %w", err)
	}
	defer os.RemoveAll(dir)
	path := dir + "/db"
	if err := src.Dump(ctx, path); err != nil {
		return fmt.Errorf("database snapshot: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("database snapshot: %w", err)
	}
	defer f.Close()
	sp := &spill{dir: dir}
	defer sp.close()
	size, sum, err := r.key.encrypt(sp, f, "db")
	if err != nil {
		return fmt.Errorf("seal the database snapshot: %w", err)
	}
	ext := ".sqlite"
	if src.Dialect == "postgres" {
		ext = ".pgdump"
	}
	file := dbPrefix + m.Name + ext
	rd, err := sp.reader()
	if err != nil {
		return err
	}
	if _, err := r.store.Put(ctx, file, rd, sp.size, ""); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	m.StoredBytes += sp.size
	m.Database = DBEntry{Dialect: src.Dialect, Format: src.DumpFormat, SchemaVersion: src.SchemaVersion, File: file, Size: size, SHA256: sum}
	return nil
}

// copyObject reads one object, sealing it as it goes, and uploads it unless the
// repository holds its content already. up reports an upload of sealed bytes.
func (r *Repo) copyObject(ctx context.Context, blobs ingest.BlobStore, b ingest.BlobInfo, tmp string, have map[string]bool, mu *sync.Mutex) (o Object, up bool, sealed int64, err error) {
	rc, err := blobs.Get(ctx, b.Key, 0, -1)
	if err != nil {
		return o, false, 0, fmt.Errorf("read object %s: %w", b.Key, err)
	}
	defer rc.Close()
	sp := &spill{dir: tmp}
	defer sp.close()
	size, sum, err := r.key.encrypt(sp, rc, "data")
	if err != nil {
		return o, false, 0, fmt.Errorf("read object %s: %w", b.Key, err)
	}
	id := r.key.blobID(sum)
	file := dataPrefix + id[:2] + "/" + id
	o = Object{Key: b.Key, Size: size, SHA256: sum, Blob: file, ModTime: b.ModTime}
	// Claimed before the upload, so two workers with the same bytes upload once; a
	// failed upload fails the whole backup, which never writes its manifest.
	mu.Lock()
	exists := have[file]
	have[file] = true
	mu.Unlock()
	if exists {
		return o, false, 0, nil
	}
	rd, err := sp.reader()
	if err != nil {
		return o, false, 0, err
	}
	if _, err := r.store.Put(ctx, file, rd, sp.size, ""); err != nil {
		return o, false, 0, fmt.Errorf("write %s (object %s): %w", file, b.Key, err)
	}
	return o, true, sp.size, nil
}
