package cases

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
)

// WORM keeps the archive copies of resolution decisions and conclusions write-once
// for Years years once they decide a case: on S3 with object lock nobody, not even
// an administrator with the application's keys, can delete or overwrite them before
// then; on local disk the file is made read-only. Either way a record with the
// copy's SHA-256 is written beside it (worm/KEY.json, itself locked), and
// VerifyWORM finds a copy that changed or went missing.
type WORM struct {
	Blobs ingest.BlobStore
	Years int              // 0: nothing is retained
	Now   func() time.Time // time.Now when nil
}

// wormPrefix holds the records.
const wormPrefix = "worm/"

// WORMRecord is what was retained.
type WORMRecord struct {
	Key         string    `json:"key"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	DocumentID  string    `json:"document_id"`
	RetainUntil time.Time `json:"retain_until"`
	Enforced    bool      `json:"enforced"` // the store refuses changes (object lock)
	At          time.Time `json:"at"`
}

// Retain keeps document d's archive copy write-once. A document without an archive
// copy has nothing to keep. Safe to call again: the retention is never shortened.
func (w *WORM) Retain(ctx context.Context, d ingest.Document) error {
	if w == nil || w.Years <= 0 || d.SHA256 == "" || d.Pipeline == "" {
		return nil
	}
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	key := ingest.ArchiveKey(d.SHA256, d.Pipeline)
	size, sum, err := hashBlob(ctx, w.Blobs, key)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("retain the archive copy of %s: %w", d.ID, err)
	}
	rec := WORMRecord{Key: key, SHA256: sum, Size: size, DocumentID: d.ID, RetainUntil: now.AddDate(w.Years, 0, 0).UTC(), At: now.UTC()}
	r, canRetain := w.Blobs.(ingest.Retainer)
	if canRetain {
		if rec.Enforced, err = r.Retain(ctx, key, rec.RetainUntil); err != nil {
			return fmt.Errorf("retain the archive copy of %s: %w", d.ID, err)
		}
	}
	b, _ := json.Marshal(rec)
	recKey := wormPrefix + key + ".json"
	if l, ok := w.Blobs.(LockingBlobStore); ok && l.ObjectLock() {
		err = l.PutLocked(ctx, recKey, b, rec.RetainUntil)
	} else {
		_, err = w.Blobs.Put(ctx, recKey, bytes.NewReader(b), int64(len(b)), "")
		if err == nil && canRetain {
			_, err = r.Retain(ctx, recKey, rec.RetainUntil)
		}
	}
	if err != nil {
		return fmt.Errorf("record the retention of %s: %w", d.ID, err)
	}
	return nil
}

func hashBlob(ctx context.Context, blobs ingest.BlobStore, key string) (int64, string, error) {
	rc, err := blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return 0, "", err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	return n, hex.EncodeToString(h.Sum(nil)), err
}

// VerifyWORM reads back every retained copy and compares it with its record;
// problems names each copy that changed, went missing or whose record is damaged.
func VerifyWORM(ctx context.Context, blobs ingest.BlobStore) (checked int, problems []string, err error) {
	var recs []string
	if err := blobs.List(ctx, wormPrefix, func(b ingest.BlobInfo) error {
		recs = append(recs, b.Key)
		return nil
	}); err != nil {
		return 0, nil, fmt.Errorf("list write-once records: %w", err)
	}
	for _, rk := range recs {
		rc, err := blobs.Get(ctx, rk, 0, -1)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: không đọc được (cannot read): %v", rk, err))
			continue
		}
		var rec WORMRecord
		err = json.NewDecoder(io.LimitReader(rc, 1<<16)).Decode(&rec)
		rc.Close()
		if err != nil || rk != wormPrefix+rec.Key+".json" || !strings.HasPrefix(rec.Key, "derived/") {
			problems = append(problems, fmt.Sprintf("%s: bản ghi hỏng (damaged record)", rk))
			continue
		}
		checked++
		size, sum, err := hashBlob(ctx, blobs, rec.Key)
		switch {
		case errors.Is(err, errs.ErrNotFound):
			problems = append(problems, fmt.Sprintf("%s (tài liệu/document %s): đã mất (missing)", rec.Key, rec.DocumentID))
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s (tài liệu/document %s): không đọc được (cannot read): %v", rec.Key, rec.DocumentID, err))
		case sum != rec.SHA256 || size != rec.Size:
			problems = append(problems, fmt.Sprintf("%s (tài liệu/document %s): đã bị thay đổi (changed): SHA-256 %s, cần (want) %s", rec.Key, rec.DocumentID, sum, rec.SHA256))
		}
	}
	return checked, problems, nil
}
