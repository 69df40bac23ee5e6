package cases

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"kntc/ingest"
	"kntc/internal/errs"
)

// The chain finds an edited, inserted or deleted row anywhere but at its end; the
// newest rows could be cut off without a trace, and someone who may write the
// database could rewrite the whole chain. A copy of the head kept outside the
// database, signed with the audit key and never overwritten (an S3 bucket with
// object lock, in production), closes both gaps: the chain must still hold every
// anchored entry, unchanged.
const (
	// AnchorPrefix is where the signed anchors are written, one object per anchored
	// head, named by its sequence number (AnchorObject).
	AnchorPrefix = "audit/anchors/"
	// AnchorKey is the single, unsigned anchor that kntc wrote (and overwrote)
	// before the audit key. It is still read and checked, but it proves nothing
	// about keyed entries.
	AnchorKey = "audit/anchor.json"
)

// AnchorRetention is how long an anchor written to an S3 bucket with object lock
// cannot be deleted or overwritten, by anyone.
const AnchorRetention = 10 * 365 * 24 * time.Hour

// AnchorObject is the object key of the anchor of entry seq.
func AnchorObject(seq int64) string { return fmt.Sprintf("%s%020d.json", AnchorPrefix, seq) }

// Anchor is a copy of the chain's head.
type Anchor struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
	// KeyID names the audit key that signed the anchor (AuditKeyID).
	KeyID string `json:"key_id,omitempty"`
	// MAC is HMAC-SHA256 under the audit key over the fields above; empty on an
	// anchor of kntc before the audit key.
	MAC string `json:"mac,omitempty"`
	// Object is the object key the anchor was read from.
	Object string `json:"-"`
}

// Signed reports whether the anchor carries a MAC.
func (a Anchor) Signed() bool { return a.MAC != "" }

func anchorMAC(key []byte, a Anchor) string {
	m := hmac.New(sha256.New, key)
	for _, f := range []string{"kntc-anchor-v1", strconv.FormatInt(a.Seq, 10), a.Hash,
		a.At.UTC().Format(time.RFC3339Nano), a.KeyID} {
		m.Write([]byte(strconv.Itoa(len(f)) + ":" + f + ";"))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// SignAnchor fills a's KeyID and MAC.
func SignAnchor(key []byte, a Anchor) Anchor {
	a.At = a.At.UTC()
	a.KeyID = AuditKeyID(key)
	a.MAC = anchorMAC(key, a)
	return a
}

// CheckAnchor reports whether a's MAC was made with key over its fields.
func CheckAnchor(key []byte, a Anchor) bool {
	return a.Signed() && hmac.Equal([]byte(anchorMAC(key, a)), []byte(a.MAC))
}

// LockingBlobStore is a BlobStore that can write an object nobody, not even the
// store's administrator, can overwrite or delete before retainUntil (S3 object
// lock). Anchors are written so when ObjectLock says the store can.
type LockingBlobStore interface {
	ingest.BlobStore
	// ObjectLock reports whether PutLocked locks what it writes.
	ObjectLock() bool
	// PutLocked writes data under key, locked until retainUntil.
	PutLocked(ctx context.Context, key string, data []byte, retainUntil time.Time) error
}

// Anchorer copies the audit chain's head to the object store, signed, as a new
// object each time the head moved: nothing already written is ever overwritten.
// Each anchor is also logged ("audit anchor"), so a copy lives in the logs too.
type Anchorer struct {
	Store interface {
		AuditHead(context.Context) (AuditEntry, error)
	}
	Blobs  ingest.BlobStore
	Key    []byte
	Logger *slog.Logger
	Every  time.Duration    // between anchors; 30 s when 0
	Now    func() time.Time // time.Now when nil
	last   Anchor
}

func (a *Anchorer) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Anchor writes the anchor of the chain's head unless it is the one written last,
// or an anchor of that entry exists already (written by another server, or before a
// restart), and returns the head's anchor. It reports whether it wrote one.
func (a *Anchorer) Anchor(ctx context.Context) (Anchor, bool, error) {
	if a.Key == nil {
		return Anchor{}, false, fmt.Errorf("anchor the audit chain: %w", ErrNoAuditKey)
	}
	head, err := a.Store.AuditHead(ctx)
	if err != nil {
		return a.last, false, fmt.Errorf("anchor the audit chain: %w", err)
	}
	if head.Seq == 0 || head.Seq == a.last.Seq && head.Hash == a.last.Hash {
		return a.last, false, nil
	}
	key := AnchorObject(head.Seq)
	if _, err := a.Blobs.Stat(ctx, key); err == nil {
		// Never overwritten: if this entry was anchored with another hash, the
		// verification says so.
		a.last = Anchor{Seq: head.Seq, Hash: head.Hash, Object: key}
		return a.last, false, nil
	} else if !errors.Is(err, errs.ErrNotFound) {
		return a.last, false, fmt.Errorf("anchor the audit chain: %w", err)
	}
	an := SignAnchor(a.Key, Anchor{Seq: head.Seq, Hash: head.Hash, At: a.now()})
	an.Object = key
	body, _ := json.Marshal(an)
	locked := false
	if l, ok := a.Blobs.(LockingBlobStore); ok && l.ObjectLock() {
		err, locked = l.PutLocked(ctx, key, body, a.now().Add(AnchorRetention)), true
	} else {
		_, err = a.Blobs.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "")
	}
	if err != nil {
		return a.last, false, fmt.Errorf("anchor the audit chain at entry %d: %w", head.Seq, err)
	}
	a.last = an
	if a.Logger != nil {
		a.Logger.Info("audit anchor", "seq", an.Seq, "hash", an.Hash, "mac", an.MAC, "key_id", an.KeyID,
			"object", key, "locked", locked)
	}
	return an, true, nil
}

// Run anchors the head now, then every Every until ctx ends, and once more at the
// end. Failures are logged and tried again at the next tick.
func (a *Anchorer) Run(ctx context.Context) {
	every := a.Every
	if every <= 0 {
		every = 30 * time.Second
	}
	logger := a.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if _, _, err := a.Anchor(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("anchor the audit chain", "error", err)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if _, _, err := a.Anchor(final); err != nil {
				logger.Warn("anchor the audit chain", "error", err)
			}
			return
		}
	}
}

// ReadAnchors returns every anchor in the object store, by Seq (the old unsigned
// anchor among them), and the objects under the anchors' names that are not
// anchors at all.
func ReadAnchors(ctx context.Context, blobs ingest.BlobStore) (anchors []Anchor, damaged []string, err error) {
	var keys []string
	err = blobs.List(ctx, AnchorPrefix, func(info ingest.BlobInfo) error {
		keys = append(keys, info.Key)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("list audit anchors: %w", err)
	}
	keys = append(keys, AnchorKey)
	for _, key := range keys {
		a, err := readAnchor(ctx, blobs, key)
		switch {
		case errors.Is(err, errs.ErrNotFound) && key == AnchorKey:
		case errors.Is(err, errDamagedAnchor):
			damaged = append(damaged, key)
		case err != nil:
			return nil, nil, err
		default:
			anchors = append(anchors, a)
		}
	}
	sort.SliceStable(anchors, func(i, j int) bool { return anchors[i].Seq < anchors[j].Seq })
	return anchors, damaged, nil
}

var errDamagedAnchor = errors.New("damaged anchor")

func readAnchor(ctx context.Context, blobs ingest.BlobStore, key string) (Anchor, error) {
	rc, err := blobs.Get(ctx, key, 0, -1)
	if err != nil {
		return Anchor{}, fmt.Errorf("read audit anchor %s: %w", key, err)
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, 64<<10))
	if err != nil {
		return Anchor{}, fmt.Errorf("read audit anchor %s: %w", key, err)
	}
	var a Anchor
	if err := json.Unmarshal(body, &a); err != nil || a.Seq <= 0 {
		return Anchor{}, fmt.Errorf("audit anchor %s: %w", key, errDamagedAnchor)
	}
	a.Object = key
	return a, nil
}

// AuditWalker is the part of Store that verification reads.
type AuditWalker interface {
	WalkAudit(ctx context.Context, fn func(AuditEntry) error) error
}

// AuditReport is what VerifyAuditTrail found.
type AuditReport struct {
	Entries    int64 // entries read
	Intact     int64 // entries that chain correctly before the first break
	FirstKeyed int64 // Seq of the first keyed entry; 0 when none
	Anchors    int   // anchors found (the old unsigned one included)
	Signed     int   // anchors whose signature is good
	KeyID      string
	// Problems are the tampering found, each naming what it could; empty when the
	// trail is intact.
	Problems []string
}

// OK reports whether nothing was found wrong.
func (r AuditReport) OK() bool { return len(r.Problems) == 0 }

// Err is the problems as one error, nil when none.
func (r AuditReport) Err() error {
	if r.OK() {
		return nil
	}
	return errors.New(strings.Join(r.Problems, "; "))
}

// VerifyAuditTrail checks the whole chain (numbering, links, hashes and keyed
// MACs, no unkeyed entry after a keyed one) and every anchor in blobs: a signed
// anchor must carry a good signature, and the chain must hold each anchored entry
// with its anchored hash. With a key and entries, at least one signed anchor must
// exist: a chain rewritten whole the old, unkeyed way, with the anchors deleted,
// looks intact otherwise. The error is for a failure to read; tampering is in the
// report.
func VerifyAuditTrail(ctx context.Context, store AuditWalker, blobs ingest.BlobStore, key []byte) (AuditReport, error) {
	var r AuditReport
	if key != nil {
		r.KeyID = AuditKeyID(key)
	}
	bad := func(format string, args ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, args...)) }

	var anchors []Anchor
	if blobs != nil {
		all, damaged, err := ReadAnchors(ctx, blobs)
		if err != nil {
			return r, err
		}
		r.Anchors = len(all) + len(damaged)
		for _, k := range damaged {
			bad("bản neo %s hỏng (anchor %s is not an anchor: rewritten)", k, k)
		}
		for _, a := range all {
			switch {
			case a.Object != AnchorKey && !a.Signed():
				bad("bản neo %s không có chữ ký (anchor %s is unsigned: forged)", a.Object, a.Object)
			case a.Object != AnchorKey && a.Object != AnchorObject(a.Seq):
				bad("bản neo %s ghi mục %d (anchor %s names entry %d: moved)", a.Object, a.Seq, a.Object, a.Seq)
			case a.Signed() && key == nil:
				bad("bản neo %s có chữ ký nhưng thiếu khóa để kiểm (anchor %s is signed: %v)", a.Object, a.Object, ErrNoAuditKey)
			case a.Signed() && !CheckAnchor(key, a):
				other := ""
				if a.KeyID != r.KeyID {
					other = fmt.Sprintf(", key %s instead of %s", a.KeyID, r.KeyID)
				}
				bad("bản neo %s có chữ ký sai (anchor %s has a wrong signature%s: forged or rewritten)", a.Object, a.Object, other)
			default:
				if a.Signed() {
					r.Signed++
				}
				anchors = append(anchors, a)
			}
		}
	}

	bySeq := map[int64][]Anchor{}
	for _, a := range anchors {
		bySeq[a.Seq] = append(bySeq[a.Seq], a)
	}
	v := ChainVerifier{Key: key}
	broken := false
	err := store.WalkAudit(ctx, func(e AuditEntry) error {
		r.Entries++
		if !broken {
			if err := v.Next(e); err != nil {
				bad("%v", err)
				broken = true
			}
		}
		for _, a := range bySeq[e.Seq] {
			switch {
			case e.Hash != a.Hash:
				bad("nhật ký bị sửa ở mục %d: khác bản neo %s lúc %s (audit entry %d differs from its anchored copy %s)",
					e.Seq, a.Object, a.At.Format(time.RFC3339), e.Seq, a.Object)
			case !a.Signed() && e.Version != AuditV1:
				bad("bản neo không chữ ký %s ở mục có khóa %d (unsigned anchor %s at keyed entry %d: forged)", a.Object, e.Seq, a.Object, e.Seq)
			}
		}
		return nil
	})
	if err != nil {
		return r, fmt.Errorf("verify the audit trail: %w", err)
	}
	r.Intact, r.FirstKeyed = v.Count, v.FirstKeyed
	for _, a := range anchors {
		if a.Seq > r.Entries {
			bad("nhật ký bị cắt: có %d mục, bản neo %s lúc %s ghi tới mục %d (audit entries after %d were deleted; the anchor %s reached %d)",
				r.Entries, a.Object, a.At.Format(time.RFC3339), a.Seq, r.Entries, a.Object, a.Seq)
		}
	}
	if key != nil && blobs != nil && r.Entries > 0 && r.Signed == 0 {
		bad("không có bản neo có chữ ký nào (no signed anchor: the anchors were deleted, or no server has run since the audit key was set; `kntc audit anchor` writes one)")
	}
	return r, nil
}
