package ingest

import (
	"context"
	"io"
	"strings"
	"time"

	"kntc/internal/errs"
)

// BlobInfo describes one stored object.
type BlobInfo struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// PutResult is what Put learned while writing: the size and the SHA-256 (lower-case hex)
// of the bytes that are now durable under the key.
type PutResult struct {
	Key    string
	Size   int64
	SHA256 string
}

// BlobStore keeps immutable objects under slash-separated keys: originals, PDF/A copies,
// page texts. Implementations: local disk and S3. All methods are safe for concurrent
// use; concurrent Puts of one key leave one complete object, never a mix.
type BlobStore interface {
	// Put stores the bytes of r under key, replacing any object there. size is the
	// byte count when known, or -1. The SHA-256 is computed while writing; when
	// wantSHA256 is not empty and differs, Put returns an error wrapping errs.ErrChecksum and
	// leaves no object behind under key (an earlier object under the key is kept).
	// The object is durable when Put returns nil.
	Put(ctx context.Context, key string, r io.Reader, size int64, wantSHA256 string) (PutResult, error)
	// Get reads length bytes starting at offset; length < 0 reads to the end. A missing
	// key returns an error wrapping errs.ErrNotFound; an offset beyond the end returns an
	// empty reader. The caller closes the reader.
	Get(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error)
	// Stat describes the object, or returns an error wrapping errs.ErrNotFound.
	Stat(ctx context.Context, key string) (BlobInfo, error)
	// Delete removes the object. Deleting a missing key is not an error, so an
	// interrupted clean-up can simply run again.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix, in key order.
	// An error from fn stops the listing and is returned.
	List(ctx context.Context, prefix string, fn func(BlobInfo) error) error
}

// Retainer is a BlobStore that can keep an object write-once (WORM) until a time.
type Retainer interface {
	// Retain protects the object under key until until. It reports whether the
	// store enforces it against everyone, the application's own keys included (S3
	// object lock: the object's version can be neither deleted nor overwritten); a
	// store that cannot (local disk) makes the object read-only and returns false,
	// leaving detection of a change to a recorded SHA-256. A missing key returns an
	// error wrapping errs.ErrNotFound. Safe for concurrent use.
	Retain(ctx context.Context, key string, until time.Time) (enforced bool, err error)
}

// ValidateKey reports whether key is acceptable to every BlobStore: 1–1024 bytes of
// ASCII letters, digits and "._-/", no leading or trailing slash, no empty, "." or
// ".." segment. Keys are built by kntc, never taken from users, so the rule is strict.
func ValidateKey(key string) error {
	if key == "" || len(key) > 1024 {
		return invalidKey(key, "length must be 1–1024 bytes")
	}
	for _, c := range []byte(key) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '_', c == '-', c == '/':
		default:
			return invalidKey(key, "only ASCII letters, digits and ._-/ are allowed")
		}
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return invalidKey(key, "empty, . or .. path segment")
		}
	}
	return nil
}

// ValidatePrefix accepts "" (everything) or a prefix made of valid key characters.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	// A prefix may end in "/" or in a partial segment; check it as a key without that.
	return ValidateKey(strings.TrimSuffix(prefix, "/"))
}

func invalidKey(key, why string) error {
	return &KeyError{Key: key, Why: why}
}

// KeyError reports a key that ValidateKey refused; it wraps errs.ErrInvalid.
type KeyError struct {
	Key string
	Why string
}

func (e *KeyError) Error() string { return "invalid object key " + quoteShort(e.Key) + ": " + e.Why }

// Unwrap makes errors.Is(err, errs.ErrInvalid) true.
func (e *KeyError) Unwrap() error { return errs.ErrInvalid }

func quoteShort(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return `"` + s + `"`
}
