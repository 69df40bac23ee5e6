// Package localfs is the BlobStore on a local disk: every object is a file under one
// directory, at its key's path. Writes are atomic (temporary file, fsync, rename, fsync
// of the directory), so a crash leaves either the old object or the new one.
package localfs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
)

// tmpDir holds the files Puts are writing. Its name cannot be a key segment ('~' is
// not a key character), so it never collides with an object and List never shows it;
// keeping all temporary files in one place makes the clean-up in New cheap.
const tmpDir = ".tmp~"

// staleAfter is how old an untouched temporary file must be before New removes it.
// Another process may share the directory (serve and a command-line import), and its
// Puts in flight must survive our start-up; a writer touches its file with every chunk.
const staleAfter = 24 * time.Hour

// copyChunk is how much Put copies between checks of its context.
const copyChunk = 256 << 10

// Store keeps objects as files under a directory. It is safe for concurrent use, also
// by several processes sharing the directory.
//
// A file system cannot hold both an object "a" and an object "a/b"; Put returns an
// error wrapping errs.ErrConflict for the second one. Files are created with mode
// 0600 and directories with 0755.
type Store struct {
	dir string
}

var _ ingest.BlobStore = (*Store)(nil)

// New opens the store in dir, creating the directory if needed, and removes
// temporary files that crashed Puts left behind.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, fmt.Errorf("open blob directory: %w: empty path", errs.ErrInvalid)
	}
	if err := os.MkdirAll(filepath.Join(dir, tmpDir), 0o755); err != nil {
		return nil, fmt.Errorf("open blob directory: %w", err)
	}
	s := &Store{dir: dir}
	if err := s.removeStale(time.Now().Add(-staleAfter)); err != nil {
		return nil, fmt.Errorf("open blob directory %s: %w", dir, err)
	}
	return s, nil
}

func (s *Store) removeStale(before time.Time) error {
	entries, err := os.ReadDir(filepath.Join(s.dir, tmpDir))
	if err != nil {
		return fmt.Errorf("clean temporary files: %w", err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.ModTime().Before(before) {
			continue // gone already, or a Put in flight
		}
		err = os.Remove(filepath.Join(s.dir, tmpDir, e.Name()))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("clean temporary files: %w", err)
		}
	}
	return nil
}

// Put implements ingest.BlobStore. It writes to a temporary file while hashing, syncs
// it, renames it into place and syncs the directories it changed; on any error,
// cancellation or checksum mismatch it removes the temporary file, so an earlier
// object under key stays as it was.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, wantSHA256 string) (ingest.PutResult, error) {
	if err := ingest.ValidateKey(key); err != nil {
		return ingest.PutResult{}, fmt.Errorf("put object: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, tmpDir), "put-*")
	if err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	tmp := f.Name()
	committed := false
	defer func() {
		if !committed {
			f.Close()
			os.Remove(tmp)
		}
	}()

	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(f, h), ctxReader{ctx, r}, make([]byte, copyChunk))
	if err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: copy: %w", key, err)
	}
	if size >= 0 && n != size {
		return ingest.PutResult{}, fmt.Errorf("put %s: %w: read %d bytes, announced %d", key, errs.ErrInvalid, n, size)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if wantSHA256 != "" && !strings.EqualFold(sum, wantSHA256) {
		return ingest.PutResult{}, fmt.Errorf("put %s: %w: got sha256 %s, want %s", key, errs.ErrChecksum, sum, wantSHA256)
	}
	if err := f.Sync(); err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: sync: %w", key, err)
	}
	if err := f.Close(); err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: close: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	if err := s.commit(tmp, key); err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: rename into place: %w", key, err)
	}
	committed = true
	return ingest.PutResult{Key: key, Size: n, SHA256: sum}, nil
}

// commit renames the finished temporary file to key's path and syncs every directory
// whose entries changed, so the object survives a crash once commit returns.
func (s *Store) commit(tmp, key string) error {
	dst := s.path(key)
	// A concurrent Delete may prune the directories we just made before the rename;
	// then make them again. Each round that fails this way means another process
	// made progress, so the loop ends; the bound only guards against a bug.
	for attempt := 0; ; attempt++ {
		created, err := s.mkdirs(path.Dir(key))
		if err == nil {
			err = os.Rename(tmp, dst)
		}
		if err == nil {
			// The new directories' own entries live in their parents.
			dirs := []string{filepath.Dir(dst)}
			for _, d := range created {
				dirs = append(dirs, filepath.Dir(d))
			}
			for _, d := range dirs {
				if err := syncDir(d); err != nil {
					return err
				}
			}
			return nil
		}
		if info, serr := os.Lstat(dst); serr == nil && info.IsDir() {
			return fmt.Errorf("%w: %s is a prefix of other keys", errs.ErrConflict, key)
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == 100 {
			return err
		}
	}
}

// mkdirs creates the directories of the key path dir (slash-separated, "." for the
// top) and returns the ones it created, top first.
func (s *Store) mkdirs(dir string) (created []string, err error) {
	if dir == "." {
		return nil, nil
	}
	for i := range len(dir) + 1 {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		p := s.path(dir[:i])
		err := os.Mkdir(p, 0o755)
		switch {
		case err == nil:
			created = append(created, p)
		case errors.Is(err, fs.ErrExist):
			if info, serr := os.Stat(p); serr == nil && !info.IsDir() {
				return nil, fmt.Errorf("%w: %s is an object, so it cannot be a directory", errs.ErrConflict, dir[:i])
			}
		default:
			// fs.ErrNotExist when a Delete pruned a parent just made; commit retries.
			return nil, fmt.Errorf("make directory: %w", err)
		}
	}
	return created, nil
}

// Get implements ingest.BlobStore with Seek and a LimitReader on the open file.
func (s *Store) Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := ingest.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("get object: %w", err)
	}
	if offset < 0 {
		return nil, fmt.Errorf("get %s: %w: negative offset %d", key, errs.ErrInvalid, offset)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	f, err := os.Open(s.path(key))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, notFound(err))
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("get %s: %w", key, errs.ErrNotFound)
	}
	if offset >= info.Size() || length == 0 {
		f.Close()
		return io.NopCloser(strings.NewReader("")), nil
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	if length < 0 {
		return f, nil
	}
	return limitedFile{io.LimitReader(f, length), f}, nil
}

type limitedFile struct {
	io.Reader
	io.Closer
}

// Stat implements ingest.BlobStore.
func (s *Store) Stat(ctx context.Context, key string) (ingest.BlobInfo, error) {
	if err := ingest.ValidateKey(key); err != nil {
		return ingest.BlobInfo{}, fmt.Errorf("stat object: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return ingest.BlobInfo{}, fmt.Errorf("stat %s: %w", key, err)
	}
	info, err := os.Stat(s.path(key))
	if err != nil {
		return ingest.BlobInfo{}, fmt.Errorf("stat %s: %w", key, notFound(err))
	}
	if !info.Mode().IsRegular() {
		return ingest.BlobInfo{}, fmt.Errorf("stat %s: %w", key, errs.ErrNotFound)
	}
	return ingest.BlobInfo{Key: key, Size: info.Size(), ModTime: info.ModTime()}, nil
}

// Delete implements ingest.BlobStore. It also removes the directories the object
// leaves empty, up to but not including the store's directory; a Put racing into one
// of them makes it again.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ingest.ValidateKey(key); err != nil {
		return fmt.Errorf("delete object: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	p := s.path(key)
	info, err := os.Lstat(p)
	if err != nil {
		if errors.Is(notFound(err), errs.ErrNotFound) {
			return nil
		}
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if info.IsDir() {
		return nil // a prefix of other keys, not an object
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	// Removing a directory that is not empty fails, which is the signal to stop.
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		err := os.Remove(s.path(dir))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			break
		}
	}
	return nil
}

// List implements ingest.BlobStore. It walks only the directories that can hold keys
// with the prefix, one directory listing in memory at a time. Files whose path is not
// a valid key (temporary files, strays) are skipped.
func (s *Store) List(ctx context.Context, prefix string, fn func(ingest.BlobInfo) error) error {
	if err := ingest.ValidatePrefix(prefix); err != nil {
		return fmt.Errorf("list objects: %w", err)
	}
	// Start in the deepest directory the prefix names completely.
	start := ""
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = prefix[:i]
	}
	if err := s.walk(ctx, start, prefix, fn); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	return nil
}

// walk calls fn for the objects under the key directory dir ("" for the top) whose
// keys start with prefix, in key order.
func (s *Store) walk(ctx context.Context, dir, prefix string, fn func(ingest.BlobInfo) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(s.dir, filepath.FromSlash(dir)))
	if err != nil {
		if errors.Is(notFound(err), errs.ErrNotFound) {
			return nil // the prefix names nothing, or Delete pruned the directory
		}
		return err
	}
	// ReadDir sorts by name, but key order compares a directory "a" as "a/...": it
	// comes after the file "a.b" ('.' < '/') and before "a0" ('/' < '0').
	sortName := func(e fs.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(sortName(a), sortName(b)) })

	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		key := e.Name()
		if dir != "" {
			key = dir + "/" + key
		}
		if ingest.ValidateKey(key) != nil {
			continue
		}
		switch {
		case e.IsDir():
			if strings.HasPrefix(key+"/", prefix) || strings.HasPrefix(prefix, key+"/") {
				if err := s.walk(ctx, key, prefix, fn); err != nil {
					return err
				}
			}
		case e.Type().IsRegular() && strings.HasPrefix(key, prefix):
			info, err := e.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue // deleted while we walked
				}
				return err
			}
			if err := fn(ingest.BlobInfo{Key: key, Size: info.Size(), ModTime: info.ModTime()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// path is the file of a valid key.
// Retain implements ingest.Retainer: a file system cannot refuse root, so the file
// is only made read-only (0444); kntc verify finds a change by its SHA-256.
func (s *Store) Retain(_ context.Context, key string, _ time.Time) (bool, error) {
	if err := ingest.ValidateKey(key); err != nil {
		return false, fmt.Errorf("retain object: %w", err)
	}
	if err := os.Chmod(s.path(key), 0o444); err != nil {
		return false, fmt.Errorf("retain %s: %w", key, notFound(err))
	}
	return false, nil
}

func (s *Store) path(key string) string {
	return filepath.Join(s.dir, filepath.FromSlash(key))
}

// notFound turns the errors of a path that does not lead to a file into ErrNotFound:
// a missing name, or a file where the path needs a directory ("a/b" when "a" is an
// object).
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return errs.ErrNotFound
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// ctxReader stops a copy at the next chunk once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
