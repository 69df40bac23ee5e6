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
)

// Problem is one damaged file found by Verify.
type Problem struct {
	File   string
	Key    string // the object the file holds, for data blobs
	Reason string
}

// VerifyReport is what Verify found in one backup.
type VerifyReport struct {
	Snapshot  string
	Manifests int // manifests of all backups that opened
	Objects   int
	Blobs     int // distinct data files read
	Bytes     int64
	Database  DBEntry
	Problems  []Problem
}

// OK reports a backup with no damage.
func (v *VerifyReport) OK() bool { return len(v.Problems) == 0 }

// VerifyOptions tune Verify.
type VerifyOptions struct {
	TempDir string
	Workers int
	// CheckDB loads the decrypted database snapshot at path to prove it is usable
	// (SQLite: integrity check; PostgreSQL: pg_restore reads the whole archive).
	CheckDB  func(ctx context.Context, db DBEntry, path string) error
	Progress func(done, total int)
}

// Verify reads backup name back in full: every manifest of the repository opens,
// and of this backup every data file decrypts and has the SHA-256 the manifest
// records, and the database snapshot decrypts, matches and loads. Damage is
// reported, not returned; the error is for a target that cannot be read at all.
func (r *Repo) Verify(ctx context.Context, name string, opt VerifyOptions) (*VerifyReport, error) {
	rep := &VerifyReport{Snapshot: name}
	names, err := r.Snapshots(ctx)
	if err != nil {
		return nil, err
	}
	var m *Manifest
	for _, n := range names {
		mm, err := r.Manifest(ctx, n)
		if err != nil {
			rep.Problems = append(rep.Problems, problem(err, snapshotPrefix+n, ""))
			continue
		}
		rep.Manifests++
		if n == name {
			m = mm
		}
	}
	if m == nil {
		return rep, nil
	}
	rep.Database, rep.Objects = m.Database, len(m.Objects)

	dir, err := os.MkdirTemp(opt.TempDir, "kntc-verify-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "db")
	if err := r.readDB(ctx, m.Database, dbPath); err != nil {
		rep.Problems = append(rep.Problems, problem(err, m.Database.File, ""))
	} else if opt.CheckDB != nil {
		if err := opt.CheckDB(ctx, m.Database, dbPath); err != nil {
			rep.Problems = append(rep.Problems, Problem{File: m.Database.File, Reason: "không nạp được (does not load): " + err.Error()})
		}
	}

	// One read per distinct content.
	seen := map[string]bool{}
	var objs []Object
	for _, o := range m.Objects {
		if !seen[o.Blob] {
			seen[o.Blob] = true
			objs = append(objs, o)
		}
	}
	rep.Blobs = len(objs)
	workers := opt.Workers
	if workers <= 0 {
		workers = 4
	}
	var next, done atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(workers, max(1, len(objs))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(objs) || ctx.Err() != nil {
					return
				}
				o := objs[i]
				n, err := r.checkBlob(ctx, o)
				mu.Lock()
				rep.Bytes += n
				if err != nil {
					rep.Problems = append(rep.Problems, problem(err, o.Blob, o.Key))
				}
				mu.Unlock()
				d := done.Add(1)
				if opt.Progress != nil {
					opt.Progress(int(d), len(objs))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return rep, nil
}

func (r *Repo) checkBlob(ctx context.Context, o Object) (int64, error) {
	plain, closer, err := r.openFile(ctx, o.Blob, "data")
	if err != nil {
		return 0, err
	}
	defer closer.Close()
	h := sha256.New()
	n, err := io.Copy(h, plain)
	if err != nil {
		return n, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != o.SHA256 || n != o.Size {
		return n, fmt.Errorf("%w: SHA-256 %s, %d bytes; the manifest says %s, %d bytes", ErrDamaged, got, n, o.SHA256, o.Size)
	}
	return n, nil
}

func problem(err error, file, key string) Problem {
	var fe *FileError
	if errors.As(err, &fe) {
		file, key, err = fe.File, fe.Key, fe.Err
	}
	return Problem{File: file, Key: key, Reason: err.Error()}
}
