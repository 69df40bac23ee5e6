// Package backup owns kntc's backup repository: encrypted, content-addressed and
// verifiable, after restic's. A repository lives in any ingest.BlobStore (a
// directory, a mounted share, an S3 bucket on another server):
//
//	config                     plain JSON: format version and the key's fingerprint
//	data/ab/abcd…              one sealed object per distinct content, named by a
//	                           keyed hash of its SHA-256 (so names reveal nothing)
//	db/NAME.sqlite|.pgdump     the database snapshot of backup NAME, sealed
//	snapshots/NAME             the manifest of backup NAME, gzip JSON, sealed: every
//	                           object key with its size, SHA-256 and data blob
//
// NAME is the backup's UTC time (20261203T140501.123Z). A backup writes its data
// blobs and its database first and its manifest last, so a backup that fails half way
// leaves at most some unreferenced blobs (reused by the next run) and never touches
// an earlier backup. Nothing is ever overwritten: data blobs are named by their
// content, snapshots by their time.
package backup

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
)

const (
	configKey      = "config"
	snapshotPrefix = "snapshots/"
	dataPrefix     = "data/"
	dbPrefix       = "db/"
	formatVersion  = 1
	// nameLayout names snapshots; it sorts as time does.
	nameLayout = "20060102T150405.000Z"
)

// Repo is an opened repository.
type Repo struct {
	store ingest.BlobStore
	key   *Key
}

type repoConfig struct {
	Format  int       `json:"format"`
	KeyID   string    `json:"key_id"`
	Created time.Time `json:"created"`
}

// Open opens the repository in store, or makes one there when the store is empty
// (create). A store holding anything but a repository is refused, and so is a key
// other than the repository's (ErrWrongKey): nothing is written then.
func Open(ctx context.Context, store ingest.BlobStore, key *Key, create bool) (*Repo, error) {
	r := &Repo{store: store, key: key}
	rc, err := store.Get(ctx, configKey, 0, -1)
	if errors.Is(err, errs.ErrNotFound) {
		if !create {
			return nil, errors.New("đích không chứa bản sao lưu kntc nào (the target holds no kntc backup)")
		}
		empty := true
		if err := store.List(ctx, "", func(ingest.BlobInfo) error { empty = false; return errStop }); err != nil && !errors.Is(err, errStop) {
			return nil, fmt.Errorf("list the backup target: %w", err)
		}
		if !empty {
			return nil, errors.New("đích sao lưu có dữ liệu khác, không phải kho sao lưu kntc; hãy chọn thư mục hoặc bucket trống (the backup target holds other data, not a kntc backup; choose an empty directory or bucket)")
		}
		b, _ := json.Marshal(repoConfig{Format: formatVersion, KeyID: key.ID, Created: time.Now().UTC()})
		if _, err := store.Put(ctx, configKey, bytes.NewReader(b), int64(len(b)), ""); err != nil {
			return nil, fmt.Errorf("create the backup repository: %w", err)
		}
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s of the backup: %w", configKey, err)
	}
	defer rc.Close()
	var c repoConfig
	if err := json.NewDecoder(io.LimitReader(rc, 1<<16)).Decode(&c); err != nil {
		return nil, &FileError{File: configKey, Err: fmt.Errorf("%w: %w", ErrDamaged, err)}
	}
	if c.Format != formatVersion {
		return nil, fmt.Errorf("kho sao lưu định dạng %d, bản kntc này đọc định dạng %d (backup format %d, this kntc reads format %d)", c.Format, formatVersion, c.Format, formatVersion)
	}
	if c.KeyID != key.ID {
		return nil, &FileError{File: configKey, Err: fmt.Errorf("%w: kho dùng khóa %s, khóa đã cho là %s (the repository's key is %s, the key given is %s)", ErrWrongKey, c.KeyID, key.ID, c.KeyID, key.ID)}
	}
	return r, nil
}

var errStop = errors.New("stop")

// FileError names the repository file a problem is in.
type FileError struct {
	File string
	Key  string // the object key the file holds, when it is a data blob
	Err  error
}

func (e *FileError) Error() string {
	if e.Key != "" {
		return fmt.Sprintf("%s (đối tượng %s): %v", e.File, e.Key, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Manifest lists what one backup holds.
type Manifest struct {
	Format      int       `json:"format"`
	Name        string    `json:"name"`
	Time        time.Time `json:"time"`
	Full        bool      `json:"full"` // every object read and hashed, not trusted by size and time
	Host        string    `json:"host"`
	Version     string    `json:"kntc_version"`
	Database    DBEntry   `json:"database"`
	AuditKeyID  string    `json:"audit_key_id,omitempty"`
	SealKeyID   string    `json:"seal_key_id,omitempty"`
	Objects     []Object  `json:"objects"`
	Bytes       int64     `json:"bytes"`        // plain bytes of all objects
	NewObjects  int       `json:"new_objects"`  // blobs this backup uploaded
	NewBytes    int64     `json:"new_bytes"`    // plain bytes of those
	StoredBytes int64     `json:"stored_bytes"` // sealed bytes uploaded, database included
}

// DBEntry is a backup's database snapshot.
type DBEntry struct {
	Dialect       string `json:"dialect"` // sqlite or postgres
	Format        string `json:"format"`  // sqlite-file or pg_dump-custom
	SchemaVersion int    `json:"schema_version"`
	File          string `json:"file"`
	Size          int64  `json:"size"`
	SHA256        string `json:"sha256"`
}

// Object is one object of the store at backup time.
type Object struct {
	Key     string    `json:"key"`
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
	Blob    string    `json:"blob"`
	ModTime time.Time `json:"mod"`
}

// Snapshots returns the names of the repository's backups, oldest first.
func (r *Repo) Snapshots(ctx context.Context) ([]string, error) {
	var names []string
	err := r.store.List(ctx, snapshotPrefix, func(b ingest.BlobInfo) error {
		names = append(names, strings.TrimPrefix(b.Key, snapshotPrefix))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list backups: %w", err)
	}
	sort.Strings(names)
	return names, nil
}

// Pick returns the newest backup taken at or before at (the newest of all when at is
// zero).
func (r *Repo) Pick(ctx context.Context, at time.Time) (string, error) {
	names, err := r.Snapshots(ctx)
	if err != nil {
		return "", err
	}
	for i := len(names) - 1; i >= 0; i-- {
		t, err := time.Parse(nameLayout, names[i])
		if err != nil {
			continue
		}
		if at.IsZero() || !t.After(at) {
			return names[i], nil
		}
	}
	if len(names) == 0 {
		return "", errors.New("kho chưa có bản sao lưu nào (the repository holds no backup yet)")
	}
	return "", fmt.Errorf("không có bản sao lưu nào trước %s; bản cũ nhất là %s (no backup at or before %s; the oldest is %s)",
		at.UTC().Format(time.RFC3339), names[0], at.UTC().Format(time.RFC3339), names[0])
}

// Manifest reads and opens backup name's manifest.
func (r *Repo) Manifest(ctx context.Context, name string) (*Manifest, error) {
	file := snapshotPrefix + name
	rc, err := r.store.Get(ctx, file, 0, -1)
	if err != nil {
		return nil, &FileError{File: file, Err: err}
	}
	defer rc.Close()
	plain, err := r.key.decrypt(rc, "snapshot")
	if err != nil {
		return nil, &FileError{File: file, Err: err}
	}
	zr, err := gzip.NewReader(plain)
	if err != nil {
		return nil, &FileError{File: file, Err: fmt.Errorf("%w: %w", ErrDamaged, err)}
	}
	var m Manifest
	if err := json.NewDecoder(zr).Decode(&m); err != nil {
		return nil, &FileError{File: file, Err: damaged(err)}
	}
	// Read to the end, so a stream cut after the JSON is still caught.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, &FileError{File: file, Err: damaged(err)}
	}
	if m.Name != name {
		return nil, &FileError{File: file, Err: fmt.Errorf("%w: holds backup %q", ErrDamaged, m.Name)}
	}
	return &m, nil
}

// damaged marks an error as damage unless it already says so or is the target's.
func damaged(err error) error {
	if errors.Is(err, ErrDamaged) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrDamaged, err)
}

func (r *Repo) putManifest(ctx context.Context, m *Manifest) (int64, error) {
	var plain bytes.Buffer
	zw := gzip.NewWriter(&plain)
	if err := json.NewEncoder(zw).Encode(m); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	var sealed bytes.Buffer
	if _, _, err := r.key.encrypt(&sealed, &plain, "snapshot"); err != nil {
		return 0, err
	}
	n := int64(sealed.Len())
	if _, err := r.store.Put(ctx, snapshotPrefix+m.Name, &sealed, n, ""); err != nil {
		return 0, fmt.Errorf("write the manifest %s: %w", snapshotPrefix+m.Name, err)
	}
	return n, nil
}

// openFile reads and decrypts one repository file; the caller closes.
func (r *Repo) openFile(ctx context.Context, file, binding string) (io.Reader, io.Closer, error) {
	rc, err := r.store.Get(ctx, file, 0, -1)
	if err != nil {
		return nil, nil, err
	}
	plain, err := r.key.decrypt(rc, binding)
	if err != nil {
		rc.Close()
		return nil, nil, err
	}
	return plain, rc, nil
}

// spill holds sealed bytes on their way to the target: in memory when small, else
// in a temporary file.
type spill struct {
	buf  bytes.Buffer
	f    *os.File
	dir  string
	size int64
}

const spillMem = 8 << 20

func (s *spill) Write(p []byte) (int, error) {
	s.size += int64(len(p))
	if s.f == nil && s.buf.Len()+len(p) <= spillMem {
		return s.buf.Write(p)
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "kntc-backup-*")
		if err != nil {
			return 0, err
		}
		s.f = f
		if _, err := f.Write(s.buf.Bytes()); err != nil {
			return 0, err
		}
		s.buf.Reset()
	}
	return s.f.Write(p)
}

func (s *spill) reader() (io.Reader, error) {
	if s.f == nil {
		return bytes.NewReader(s.buf.Bytes()), nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return s.f, nil
}

func (s *spill) close() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
	}
}

// Newest returns the time of the newest complete backup in store (zero when there
// is none). It reads only the names, so it needs no key.
func Newest(ctx context.Context, store ingest.BlobStore) (time.Time, error) {
	r := &Repo{store: store}
	names, err := r.Snapshots(ctx)
	if err != nil || len(names) == 0 {
		return time.Time{}, err
	}
	return time.Parse(nameLayout, names[len(names)-1])
}
