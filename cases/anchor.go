package cases

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kntc/ingest"
)

// AnchorKey is where the audit chain's head is copied in the object store. The
// chain itself finds an edited, inserted or deleted row anywhere but at its end;
// the newest rows could be cut off without a trace. A copy of the head kept outside
// the database (an S3 bucket with object lock, in production) closes that gap: the
// chain must still hold the anchored entry, unchanged.
const AnchorKey = "audit/anchor.json"

// Anchor is the copied head.
type Anchor struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
}

// AnchorAudit copies the chain's head to the object store when it moved since
// last, and returns it.
func (s *Service) AnchorAudit(ctx context.Context, blobs ingest.BlobStore, last Anchor) (Anchor, error) {
	head, err := s.Store.AuditHead(ctx)
	if err != nil {
		return last, err
	}
	if head.Seq == 0 || head.Seq == last.Seq && head.Hash == last.Hash {
		return last, nil
	}
	a := Anchor{Seq: head.Seq, Hash: head.Hash, At: s.now().UTC()}
	body, _ := json.Marshal(a)
	if _, err := blobs.Put(ctx, AnchorKey, bytes.NewReader(body), int64(len(body)), ""); err != nil {
		return last, fmt.Errorf("anchor the audit chain: %w", err)
	}
	return a, nil
}

// ReadAnchor returns the anchored head; ok is false when none was written yet.
func ReadAnchor(ctx context.Context, blobs ingest.BlobStore) (a Anchor, ok bool, err error) {
	rc, err := blobs.Get(ctx, AnchorKey, 0, -1)
	if errors.Is(err, ingest.ErrNotFound) {
		return Anchor{}, false, nil
	}
	if err != nil {
		return Anchor{}, false, err
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(&a); err != nil {
		return Anchor{}, false, fmt.Errorf("read the audit anchor: %w", err)
	}
	return a, true, nil
}

// VerifyAuditAnchored is VerifyAudit that also requires the anchored entry to be
// in the chain with its anchored hash (rows after it may have been added since).
func (s *Service) VerifyAuditAnchored(ctx context.Context, blobs ingest.BlobStore) (int64, error) {
	a, ok, err := ReadAnchor(ctx, blobs)
	if err != nil {
		return 0, err
	}
	var v ChainVerifier
	found := false
	err = s.Store.WalkAudit(ctx, func(e AuditEntry) error {
		if err := v.Next(e); err != nil {
			return err
		}
		if ok && e.Seq == a.Seq {
			if e.Hash != a.Hash {
				return fmt.Errorf("nhật ký bị sửa ở mục %d: khác bản neo lúc %s (audit entry %d differs from its anchored copy)", e.Seq, a.At.Format(time.RFC3339), e.Seq)
			}
			found = true
		}
		return nil
	})
	if err != nil {
		return v.Count, err
	}
	if ok && !found {
		return v.Count, fmt.Errorf("nhật ký bị cắt: có %d mục, bản neo lúc %s ghi tới mục %d (audit entries after %d were deleted; the anchor at %s reached %d)",
			v.Count, a.At.Format(time.RFC3339), a.Seq, v.Count, a.At.Format(time.RFC3339), a.Seq)
	}
	return v.Count, nil
}
