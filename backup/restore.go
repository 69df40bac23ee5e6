package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"kntc/ingest"
	"kntc/internal/errs"
)

// Dest is where a restore writes: an empty object store, and Load, which takes the
// checked database snapshot at path into an empty database all at once (SQLite: the
// file renamed into place; PostgreSQL: pg_restore in one transaction).
type Dest struct {
	Blobs   ingest.BlobStore
	Dialect string
	Load    func(ctx context.Context, db DBEntry, path string) error
}

// RestoreOptions tune a restore.
type RestoreOptions struct {
	TempDir  string // the database snapshot on its way (default: the system's)
	Workers  int    // objects written at once (default 4)
	Progress func(done, total int)
}

// Restore writes backup name into dst. Everything is checked as it is read: a file
// that does not decrypt or whose SHA-256 differs from the manifest stops the restore
// with a *FileError naming it, and the objects written so far are deleted again, so
// a failed restore leaves the destination as empty as it found it.
func (r *Repo) Restore(ctx context.Context, name string, dst Dest, opt RestoreOptions) (*Manifest, error) {
	m, err := r.Manifest(ctx, name)
	if err != nil {
		return nil, err
	}
	if m.Database.Dialect != dst.Dialect {
		return nil, fmt.Errorf("bản sao lưu %s chứa cơ sở dữ liệu %s, đích là %s (backup %s holds a %s database, the target is %s)",
			name, m.Database.Dialect, dst.Dialect, name, m.Database.Dialect, dst.Dialect)
	}
	dir, err := os.MkdirTemp(opt.TempDir, "kntc-restore-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "db")
	if err := r.readDB(ctx, m.Database, dbPath); err != nil {
		return nil, err
	}

	var written []string
	var mu sync.Mutex
	rollback := func() {
		// The caller's context may be what stopped us; the clean-up must still run.
		for _, k := range written {
			_ = dst.Blobs.Delete(context.WithoutCancel(ctx), k)
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = 4
	}
	var next, done atomic.Int64
	var firstErr error
	var once sync.Once
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for range min(workers, max(1, len(m.Objects))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(m.Objects) || cctx.Err() != nil {
					return
				}
				o := m.Objects[i]
				mu.Lock()
				written = append(written, o.Key) // before Put: a Put that fails half way is cleaned up too
				mu.Unlock()
				if err := r.restoreObject(cctx, dst.Blobs, o); err != nil {
					once.Do(func() { firstErr = err; cancel() })
					return
				}
				d := done.Add(1)
				if opt.Progress != nil {
					opt.Progress(int(d), len(m.Objects))
				}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		rollback()
		return nil, firstErr
	}
	if err := dst.Load(ctx, m.Database, dbPath); err != nil {
		rollback()
		return nil, fmt.Errorf("load the database snapshot %s: %w", m.Database.File, err)
	}
	return m, nil
}

// readDB decrypts the database snapshot into path and checks its SHA-256.
func (r *Repo) readDB(ctx context.Context, db DBEntry, path string) error {
	plain, closer, err := r.openFile(ctx, db.File, "db")
	if err != nil {
		return &FileError{File: db.File, Err: err}
	}
	defer closer.Close()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), plain)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &FileError{File: db.File, Err: err}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != db.SHA256 || n != db.Size {
		return &FileError{File: db.File, Err: fmt.Errorf("%w: SHA-256 %s, %d bytes; the manifest says %s, %d bytes", ErrDamaged, got, n, db.SHA256, db.Size)}
	}
	return nil
}

// errReader remembers the error of the reader under a Put, which a store may not
// wrap.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

func (r *Repo) restoreObject(ctx context.Context, blobs ingest.BlobStore, o Object) error {
	plain, closer, err := r.openFile(ctx, o.Blob, "data")
	if err != nil {
		return &FileError{File: o.Blob, Key: o.Key, Err: err}
	}
	defer closer.Close()
	er := &errReader{r: plain}
	if _, err := blobs.Put(ctx, o.Key, er, o.Size, o.SHA256); err != nil {
		switch {
		case er.err != nil:
			err = er.err
		case errors.Is(err, errs.ErrChecksum) || errors.Is(err, errs.ErrInvalid):
			err = fmt.Errorf("%w: %w", ErrDamaged, err)
		default:
			return fmt.Errorf("write object %s: %w", o.Key, err)
		}
		return &FileError{File: o.Blob, Key: o.Key, Err: err}
	}
	return nil
}
