// Package s3 is the BlobStore on an S3-compatible object store (MinIO, AWS S3) through
// minio-go: one bucket, one object per key, the SHA-256 verified by the server while
// uploading and by Put against the caller's expectation before the object appears.
package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"kntc/ingest"
	"kntc/internal/errs"
)

// Part sizes. S3 wants at least 5 MiB for every part but the last, at most 5 GiB,
// and at most 10,000 parts, so the default allows objects up to about 156 GiB.
const (
	DefaultPartSize = 16 << 20
	MinPartSize     = 5 << 20
	MaxPartSize     = 5 << 30
	maxParts        = 10_000
)

// commitAttempts bounds the requests that make an object visible; see isCommitRace.
const commitAttempts = 5

// MetadataSHA256 is the user-metadata key (header x-amz-meta-sha256) under which
// every object carries the lower-case hex SHA-256 of its bytes.
const MetadataSHA256 = "Sha256"

// Config says where the bucket is and how to talk to it.
type Config struct {
	Endpoint  string // host:port, without a scheme
	AccessKey string
	SecretKey string
	Bucket    string // created by New if missing
	Region    string // empty: ask the server
	UseSSL    bool   // https instead of http
	// PartSize is both the multipart part size and the most one Put holds in memory;
	// 0 means DefaultPartSize.
	PartSize uint64
	// Transport carries the HTTP requests; nil means minio-go's default. Tests use
	// it to inject faults.
	Transport http.RoundTripper
	// ObjectLock says whether PutLocked locks (S3 object lock, WORM): "" or "auto"
	// when the bucket has object locking enabled, "off" never, "governance" or
	// "compliance" always in that mode (New then creates a missing bucket with
	// object locking, and refuses a bucket without it).
	ObjectLock string
}

// Store keeps objects in one bucket. It is safe for concurrent use.
//
// Checksums. Every request body is a buffered part whose SHA-256 Put computed
// beforehand; it is signed as x-amz-content-sha256, so the server recomputes the hash
// and refuses the request if a byte changed on the way. Put also hashes the whole
// stream, and only when that hash matches wantSHA256 does the object appear:
//
//   - An object that fits in one part is read into memory, hashed and compared
//     before anything is sent, then stored with one PUT.
//   - A larger object goes up as a multipart upload to its real key. Parts are
//     invisible until CompleteMultipartUpload, which Put calls only after the whole
//     hash matched; on a mismatch, an error or cancellation it aborts the upload.
//     The earlier object under the key is untouched either way, and, unlike
//     uploading to a temporary key and copying, nothing is written twice and a crash
//     leaves no stray object behind (only an incomplete upload, which a bucket
//     lifecycle rule AbortIncompleteMultipartUpload should expire).
//
// The hash is stored as user metadata (MetadataSHA256). S3 fixes metadata when an
// upload starts, so for a multipart Put without wantSHA256 the hash is only known
// afterwards; Put then replaces the metadata with a server-side copy of the object
// onto itself, on condition that it is still the object Put wrote (ETag). If another
// writer replaced it meanwhile, the copy is skipped; either way the key ends up with
// one writer's bytes and that writer's hash.
//
// Retries. minio-go retries every request itself, up to 10 attempts with exponential
// backoff (200 ms doubling, at most 1 s) and jitter, on network errors, 5xx, 408,
// 429 and the S3 codes SlowDown, RequestTimeout, InternalError and the like, but only
// when it can rewind the request body. Put never hands it the caller's stream: each
// part is buffered, so every request of a Put is retried, whatever kind of reader the
// caller has. Get, Stat, Delete and List have no body and are retried too. A failure
// while reading a Get's body is returned to the caller, who can Get again from the
// offset reached. A second retry layer here would multiply the attempts; there are
// only two narrow ones: New retries network errors of the bucket-location lookup,
// which minio-go does not retry (it caches the answer for good after the first
// success), and Put repeats the request that makes the object visible when MinIO
// loses a race with a Delete in the same prefix (see isCommitRace).
type Store struct {
	core     *minio.Core
	bucket   string
	partSize int
	lockMode minio.RetentionMode // "" when PutLocked does not lock
}

var _ ingest.BlobStore = (*Store)(nil)

// New connects to the server and creates the bucket if it does not exist. It checks
// the credentials on the way, so a wrong key fails here rather than at the first Put.
func New(ctx context.Context, cfg Config) (*Store, error) {
	var problems errs.Problems
	if cfg.Endpoint == "" {
		problems.Add("endpoint", "endpoint is empty")
	}
	if err := s3utils.CheckValidBucketNameStrict(cfg.Bucket); err != nil {
		problems.Addf("bucket", "bucket %q: %v", cfg.Bucket, err)
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.PartSize < MinPartSize || cfg.PartSize > MaxPartSize {
		problems.Addf("part_size", "part size %d is outside %d–%d", cfg.PartSize, MinPartSize, MaxPartSize)
	}
	if err := problems.Err(); err != nil {
		return nil, fmt.Errorf("open s3 store: %w", err)
	}

	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:    cfg.UseSSL,
		Region:    cfg.Region,
		Transport: cfg.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("open s3 store %s: %w", cfg.Endpoint, err)
	}
	s := &Store{core: &minio.Core{Client: client}, bucket: cfg.Bucket, partSize: int(cfg.PartSize)}
	var mode minio.RetentionMode
	switch cfg.ObjectLock {
	case "", "auto", "off":
	case "governance":
		mode = minio.Governance
	case "compliance":
		mode = minio.Compliance
	default:
		return nil, fmt.Errorf("open s3 store: %w: object lock %q: auto, off, governance or compliance", errs.ErrInvalid, cfg.ObjectLock)
	}
	err = retry(ctx, 5, isNetworkError, func() error { return s.ensureBucket(ctx, cfg.Region, mode != "") })
	if err != nil {
		return nil, fmt.Errorf("open s3 bucket %s on %s: %w", cfg.Bucket, cfg.Endpoint, err)
	}
	if cfg.ObjectLock != "off" {
		enabled, def, err := s.objectLockConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("open s3 bucket %s on %s: object lock: %w", cfg.Bucket, cfg.Endpoint, err)
		}
		switch {
		case mode != "" && !enabled:
			return nil, fmt.Errorf("open s3 bucket %s on %s: %w: object lock %s asked, but the bucket has no object locking (it can only be enabled when a bucket is made)",
				cfg.Bucket, cfg.Endpoint, errs.ErrInvalid, cfg.ObjectLock)
		case mode == "" && enabled:
			mode = minio.Governance
			if def != "" {
				mode = def
			}
		}
	}
	s.lockMode = mode
	return s, nil
}

// objectLockConfig reports whether the bucket has object locking enabled and its
// default retention mode, if any.
func (s *Store) objectLockConfig(ctx context.Context) (bool, minio.RetentionMode, error) {
	status, mode, _, _, err := s.core.GetObjectLockConfig(ctx, s.bucket)
	if err != nil {
		if r := minio.ToErrorResponse(err); r.Code == "ObjectLockConfigurationNotFoundError" || r.StatusCode == http.StatusNotFound {
			return false, "", nil
		}
		return false, "", err
	}
	var def minio.RetentionMode
	if mode != nil {
		def = *mode
	}
	return status == "Enabled", def, nil
}

// ObjectLock reports whether PutLocked locks what it writes (cases.LockingBlobStore).
func (s *Store) ObjectLock() bool { return s.lockMode != "" }

// Retain implements ingest.Retainer. With object locking the object's current
// version gets a retention until until in the bucket's lock mode (never shortened:
// a later retention already there is kept), so it can be neither deleted nor
// overwritten before then; without it the object is only checked to exist.
func (s *Store) Retain(ctx context.Context, key string, until time.Time) (bool, error) {
	if err := ingest.ValidateKey(key); err != nil {
		return false, fmt.Errorf("retain object: %w", err)
	}
	info, err := s.core.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return false, fmt.Errorf("retain %s: %w", key, mapErr(err))
	}
	if s.lockMode == "" {
		return false, nil
	}
	if _, cur, err := s.core.GetObjectRetention(ctx, s.bucket, key, info.VersionID); err == nil && cur != nil && !cur.Before(until) {
		return true, nil
	}
	mode, u := s.lockMode, until.UTC()
	if err := s.core.PutObjectRetention(ctx, s.bucket, key, minio.PutObjectRetentionOptions{Mode: &mode, RetainUntilDate: &u, VersionID: info.VersionID}); err != nil {
		return false, fmt.Errorf("retain %s: %w", key, err)
	}
	return true, nil
}

// PutLocked writes data under key with an object-lock retention until retainUntil,
// in the configured or the bucket's mode: nobody can delete or overwrite that
// version before then (in compliance mode not even the bucket's root account).
// Without object locking it is Put.
func (s *Store) PutLocked(ctx context.Context, key string, data []byte, retainUntil time.Time) error {
	if s.lockMode == "" {
		_, err := s.Put(ctx, key, bytes.NewReader(data), int64(len(data)), "")
		return err
	}
	if err := ingest.ValidateKey(key); err != nil {
		return fmt.Errorf("put locked object: %w", err)
	}
	sum := sha256Hex(data)
	m := md5.Sum(data) // S3 wants Content-MD5 with a retention
	_, err := s.core.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)),
		base64.StdEncoding.EncodeToString(m[:]), sum, minio.PutObjectOptions{
			UserMetadata:         map[string]string{MetadataSHA256: sum},
			Mode:                 s.lockMode,
			RetainUntilDate:      retainUntil.UTC(),
			DisableContentSha256: true,
		})
	if err != nil {
		return fmt.Errorf("put locked %s: %w", key, err)
	}
	return nil
}

// retry runs op until it succeeds, fails with an error retryable does not accept, ctx
// ends or the attempts are used up, waiting 50 ms, 100 ms, 200 ms, … in between.
// minio-go retries each request itself; this is only for the two gaps in Store's doc.
func retry(ctx context.Context, attempts int, retryable func(error) bool, op func() error) error {
	wait := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || !retryable(err) || ctx.Err() != nil || attempt == attempts {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		}
		wait *= 2
	}
}

// isNetworkError reports an error that is not an S3 error response. The retryable
// responses were retried inside minio-go already.
func isNetworkError(err error) bool {
	var resp minio.ErrorResponse
	return !errors.As(err, &resp)
}

// isCommitRace reports MinIO's answer to a Put that races a Delete in the same
// prefix: on a single drive, MinIO keeps prefixes as directories and removes the
// empty ones on delete; when that happens between its creating the directory and
// renaming the new object into it, it retries only once and then answers
// AccessDenied (seen with the 2026-02 server; cf. minio/minio#15157 and #12914).
// Repeating the request normally succeeds. A real permission problem costs a few
// quick retries.
func isCommitRace(err error) bool {
	return minio.ToErrorResponse(err).Code == minio.AccessDenied
}

func (s *Store) ensureBucket(ctx context.Context, region string, locking bool) error {
	exists, err := s.core.BucketExists(ctx, s.bucket)
	if err != nil {
		return err
	}
	if exists {
		return nil
	}
	err = s.core.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region, ObjectLocking: locking})
	if minio.ToErrorResponse(err).Code == minio.BucketAlreadyOwnedByYou {
		return nil // another New got there first
	}
	if err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	return nil
}

// Put implements ingest.BlobStore; see Store for how the hash is checked. It holds
// at most one part in memory.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, wantSHA256 string) (ingest.PutResult, error) {
	if err := ingest.ValidateKey(key); err != nil {
		return ingest.PutResult{}, fmt.Errorf("put object: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	r = ctxReader{ctx, r}
	var buf []byte
	if size >= 0 {
		buf = make([]byte, 0, min(size+1, int64(s.partSize))) // +1: see a longer stream without growing
	}
	buf, eof, err := fill(r, buf, s.partSize)
	if err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: read: %w", key, err)
	}
	var res ingest.PutResult
	if eof {
		res, err = s.putSingle(ctx, key, buf, size, wantSHA256)
	} else {
		res, err = s.putMultipart(ctx, key, r, buf, size, wantSHA256)
	}
	if err != nil {
		return ingest.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	return res, nil
}

func (s *Store) putSingle(ctx context.Context, key string, data []byte, size int64, wantSHA256 string) (ingest.PutResult, error) {
	sum := sha256Hex(data)
	if err := check(int64(len(data)), size, sum, wantSHA256); err != nil {
		return ingest.PutResult{}, err
	}
	err := retry(ctx, commitAttempts, isCommitRace, func() error {
		_, err := s.core.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)), "", sum, minio.PutObjectOptions{
			UserMetadata: map[string]string{MetadataSHA256: sum},
			// Sign the hash we pass instead of minio-go's chunked streaming signature.
			DisableContentSha256: true,
		})
		return err
	})
	if err != nil {
		return ingest.PutResult{}, err
	}
	return ingest.PutResult{Key: key, Size: int64(len(data)), SHA256: sum}, nil
}

// putMultipart uploads first, which fills a whole part, and the rest of r.
func (s *Store) putMultipart(ctx context.Context, key string, r io.Reader, first []byte, size int64, wantSHA256 string) (_ ingest.PutResult, err error) {
	var opts minio.PutObjectOptions
	if wantSHA256 != "" {
		opts.UserMetadata = map[string]string{MetadataSHA256: strings.ToLower(wantSHA256)}
	}
	uploadID, err := s.core.NewMultipartUpload(ctx, s.bucket, key, opts)
	if err != nil {
		return ingest.PutResult{}, fmt.Errorf("start multipart upload: %w", err)
	}
	completed := false
	defer func() {
		if completed {
			return
		}
		// Also when ctx is cancelled; if the abort fails anyway, the bucket's
		// lifecycle rule expires the parts.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if aerr := s.core.AbortMultipartUpload(actx, s.bucket, key, uploadID); aerr != nil {
			err = errors.Join(err, fmt.Errorf("abort multipart upload: %w", aerr))
		}
	}()

	h := sha256.New()
	var n int64
	var parts []minio.CompletePart
	buf, eof := first, false
	for num := 1; len(buf) > 0; num++ {
		if num > maxParts {
			return ingest.PutResult{}, fmt.Errorf("%w: larger than %d parts of %d bytes", errs.ErrInvalid, maxParts, s.partSize)
		}
		part, err := s.uploadPart(ctx, key, uploadID, num, buf, h)
		if err != nil {
			return ingest.PutResult{}, err
		}
		parts = append(parts, part)
		n += int64(len(buf))
		if eof {
			break
		}
		if buf, eof, err = fill(r, buf, s.partSize); err != nil {
			return ingest.PutResult{}, fmt.Errorf("read: %w", err)
		}
	}

	sum := hex.EncodeToString(h.Sum(nil))
	if err := check(n, size, sum, wantSHA256); err != nil {
		return ingest.PutResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return ingest.PutResult{}, err
	}
	var info minio.UploadInfo
	err = retry(ctx, commitAttempts, isCommitRace, func() (err error) {
		info, err = s.core.CompleteMultipartUpload(ctx, s.bucket, key, uploadID, parts, minio.PutObjectOptions{})
		return err
	})
	if err != nil {
		return ingest.PutResult{}, fmt.Errorf("complete multipart upload: %w", err)
	}
	completed = true
	if wantSHA256 == "" {
		if err := s.recordSHA256(ctx, key, info.ETag, sum); err != nil {
			return ingest.PutResult{}, fmt.Errorf("stored, but recording the sha256: %w", err)
		}
	}
	return ingest.PutResult{Key: key, Size: n, SHA256: sum}, nil
}

// uploadPart sends one part, signed with its own SHA-256 so the server checks it, and
// adds the part to the whole object's hash.
func (s *Store) uploadPart(ctx context.Context, key, uploadID string, num int, data []byte, whole hash.Hash) (minio.CompletePart, error) {
	whole.Write(data)
	p, err := s.core.PutObjectPart(ctx, s.bucket, key, uploadID, num, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectPartOptions{Sha256Hex: sha256Hex(data), DisableContentSha256: true})
	if err != nil {
		return minio.CompletePart{}, fmt.Errorf("upload part %d: %w", num, err)
	}
	return minio.CompletePart{PartNumber: num, ETag: p.ETag}, nil
}

// recordSHA256 sets the hash metadata on the object Put just completed by copying it
// onto itself, unless the object changed since (etag).
func (s *Store) recordSHA256(ctx context.Context, key, etag, sum string) error {
	// ComposeObject copies in parts, so it also works beyond CopyObject's 5 GiB.
	_, err := s.core.ComposeObject(ctx,
		minio.CopyDestOptions{
			Bucket:          s.bucket,
			Object:          key,
			UserMetadata:    map[string]string{MetadataSHA256: sum},
			ReplaceMetadata: true,
		},
		minio.CopySrcOptions{Bucket: s.bucket, Object: key, MatchETag: etag},
	)
	switch minio.ToErrorResponse(err).Code {
	case minio.PreconditionFailed, minio.NoSuchKey:
		return nil // replaced or deleted by another writer; not ours to describe
	}
	return err
}

// Get implements ingest.BlobStore. The request is made before Get returns, so a
// missing key is reported here, not at the first Read.
func (s *Store) Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := ingest.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("get object: %w", err)
	}
	if offset < 0 {
		return nil, fmt.Errorf("get %s: %w: negative offset %d", key, errs.ErrInvalid, offset)
	}
	if length == 0 {
		// No range can ask for zero bytes; still say whether the object exists.
		if _, err := s.core.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{}); err != nil {
			return nil, fmt.Errorf("get %s: %w", key, mapErr(err))
		}
		return empty(), nil
	}
	var opts minio.GetObjectOptions
	switch {
	case length > 0 && length <= math.MaxInt64-offset:
		opts.SetRange(offset, offset+length-1)
	case offset > 0:
		opts.SetRange(offset, 0) // to the end
	}
	rc, _, _, err := s.core.GetObject(ctx, s.bucket, key, opts)
	if minio.ToErrorResponse(err).Code == minio.InvalidRange {
		// 416: the object exists, the range starts at or beyond its end.
		return empty(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, mapErr(err))
	}
	return rc, nil
}

// Stat implements ingest.BlobStore.
func (s *Store) Stat(ctx context.Context, key string) (ingest.BlobInfo, error) {
	if err := ingest.ValidateKey(key); err != nil {
		return ingest.BlobInfo{}, fmt.Errorf("stat object: %w", err)
	}
	info, err := s.core.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return ingest.BlobInfo{}, fmt.Errorf("stat %s: %w", key, mapErr(err))
	}
	return ingest.BlobInfo{Key: key, Size: info.Size, ModTime: info.LastModified}, nil
}

// Delete implements ingest.BlobStore; S3 itself treats a missing key as deleted.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ingest.ValidateKey(key); err != nil {
		return fmt.Errorf("delete object: %w", err)
	}
	err := s.core.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && !errors.Is(mapErr(err), errs.ErrNotFound) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// List implements ingest.BlobStore. S3 lists in UTF-8 byte order, which for the
// ASCII keys ValidateKey allows is plain string order. Objects whose names are not
// valid keys (put there by other tools) are skipped.
func (s *Store) List(ctx context.Context, prefix string, fn func(ingest.BlobInfo) error) error {
	if err := ingest.ValidatePrefix(prefix); err != nil {
		return fmt.Errorf("list objects: %w", err)
	}
	// Stopping early must stop minio-go's listing too.
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	objects := s.core.ListObjectsIter(lctx, s.bucket, minio.ListObjectsOptions{
		Prefix:     prefix,
		Recursive:  true,
		FetchOwner: new(false),
	})
	for obj := range objects {
		if obj.Err != nil {
			return fmt.Errorf("list %q: %w", prefix, obj.Err)
		}
		if ingest.ValidateKey(obj.Key) != nil {
			continue
		}
		if err := fn(ingest.BlobInfo{Key: obj.Key, Size: obj.Size, ModTime: obj.LastModified}); err != nil {
			return err
		}
	}
	// A cancelled listing may just end; do not pass it off as complete.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	return nil
}

// check compares what Put read with what the caller announced.
func check(n, size int64, sum, wantSHA256 string) error {
	if size >= 0 && n != size {
		return fmt.Errorf("%w: read %d bytes, announced %d", errs.ErrInvalid, n, size)
	}
	if wantSHA256 != "" && !strings.EqualFold(sum, wantSHA256) {
		return fmt.Errorf("%w: got sha256 %s, want %s", errs.ErrChecksum, sum, wantSHA256)
	}
	return nil
}

// mapErr turns S3's "no such key" into errs.ErrNotFound. A missing bucket stays
// an S3 error: that is a broken set-up, not a missing object.
func mapErr(err error) error {
	r := minio.ToErrorResponse(err)
	if r.Code == minio.NoSuchKey || (r.StatusCode == http.StatusNotFound && r.Code != minio.NoSuchBucket) {
		return errs.ErrNotFound
	}
	return err
}

// fill reads r into buf until it holds limit bytes or r ends (eof). It grows buf as
// it goes, so a small object of unknown size does not cost a whole part of memory.
func fill(r io.Reader, buf []byte, limit int) (_ []byte, eof bool, _ error) {
	buf = buf[:0]
	for len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(max(cap(buf), 64<<10), limit-len(buf)))
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), limit)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
	}
	return buf, false, nil
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func empty() io.ReadCloser { return io.NopCloser(strings.NewReader("")) }

// ctxReader stops reading the caller's stream once ctx is done.
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
