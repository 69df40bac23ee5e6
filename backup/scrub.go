package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strings"

	"kntc/ingest"
	"kntc/internal/errs"
)

// ScrubResult is what one day's scrub read.
type ScrubResult struct {
	Checked  int
	Bytes    int64
	Damaged  []Problem // File is the object's key
	Unproven int       // objects read with no known SHA-256 to compare
}

// Scrub reads back the day's share of the objects in blobs: those whose key hashes
// to day modulo days, so every object is read once every days days with no state
// kept, and a rotting disk is found within that period. An original is checked
// against the SHA-256 its key is named by; any other object against expect, when
// it knows the key (the newest backup's manifest). Damage is reported, not returned.
func Scrub(ctx context.Context, blobs ingest.BlobStore, day, days int, expect func(key string) (string, bool)) (ScrubResult, error) {
	var res ScrubResult
	if days <= 0 {
		return res, nil
	}
	share := uint32(((day % days) + days) % days)
	var keys []string
	if err := blobs.List(ctx, "", func(b ingest.BlobInfo) error {
		h := fnv.New32a()
		h.Write([]byte(b.Key))
		if h.Sum32()%uint32(days) == share {
			keys = append(keys, b.Key)
		}
		return nil
	}); err != nil {
		return res, fmt.Errorf("scrub: list objects: %w", err)
	}
	for _, key := range keys {
		want, ok := originalSHA(key)
		if !ok && expect != nil {
			want, ok = expect(key)
		}
		n, got, err := hashObject(ctx, blobs, key)
		if errors.Is(err, errs.ErrNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Damaged = append(res.Damaged, Problem{File: key, Reason: "không đọc được (cannot read): " + err.Error()})
			continue
		}
		res.Checked++
		res.Bytes += n
		switch {
		case !ok:
			res.Unproven++
		case got != want:
			res.Damaged = append(res.Damaged, Problem{File: key, Reason: fmt.Sprintf("SHA-256 %s, cần (want) %s", got, want)})
		}
	}
	return res, nil
}

// originalSHA reads the SHA-256 out of an original's key (ingest.OriginalKey).
func originalSHA(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "originals/")
	if !ok {
		return "", false
	}
	_, sha, ok := strings.Cut(rest, "/")
	if _, err := hex.DecodeString(sha); !ok || err != nil || len(sha) != 64 {
		return "", false
	}
	return sha, true
}

func hashObject(ctx context.Context, blobs ingest.BlobStore, key string) (int64, string, error) {
	rc, err := blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return 0, "", err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// Expect returns a lookup of the SHA-256 of every object in manifest m, for Scrub.
func (m *Manifest) Expect() func(string) (string, bool) {
	sums := make(map[string]string, len(m.Objects))
	for _, o := range m.Objects {
		sums[o.Key] = o.SHA256
	}
	return func(k string) (string, bool) { s, ok := sums[k]; return s, ok }
}
