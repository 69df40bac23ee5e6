package cases

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Record is one audited act: who did what to which object, and when. Detail is a
// short JSON or text that never holds a secret field, nor a file name (file names
// often carry the sender's name).
type Record struct {
	At       time.Time
	UserID   int64
	Username string
	Action   string // one of the Action constants
	Object   string // "case:KN-2026-000001", "document:0193…", "petition:12", …
	Detail   string
	// Unit is the code of the unit the act concerns: only actors whose scope holds
	// it see the entry. Empty for acts that concern no unit (logins, root-level
	// acts), which only actors whose scope is the whole tree see. The store fills
	// it from the Object (a case's handling unit, a document's routing unit, …)
	// when it is empty.
	Unit string
}

// Audited actions.
const (
	ActionCreate     = "create"
	ActionUpdate     = "update"
	ActionDelete     = "delete"
	ActionTransition = "transition"
	ActionLink       = "link"
	ActionUnlink     = "unlink"
	ActionDownload   = "download" // Detail: pdf, original or text
	ActionSecretRead = "secret_read"
	ActionGrant      = "grant"
	ActionRevoke     = "revoke"
	ActionRead       = "read" // a confidential document's metadata
	ActionExport     = "export"
	ActionReceive    = "receive" // a document arrived: Detail "source=… status=…"
	ActionRetract    = "retract" // a document put in by mistake taken out (Service.Retract)
	ActionPurge      = "purge"   // a retracted document's files deleted (Service.Purge)
)

// The versions of the hash that chains an entry.
const (
	// AuditV1 is the unkeyed SHA-256 of kntc before the audit key: anyone with
	// write access to the database could recompute it. Kept verifiable for the
	// entries written then; it does not cover Unit.
	AuditV1 = 1
	// AuditV2 is HMAC-SHA256 under the audit key, which the database never holds,
	// over the same fields and Unit.
	AuditV2 = 2
)

// AuditEntry is a Record as stored: numbered from 1 without gaps, chained to its
// predecessor by hash.
type AuditEntry struct {
	Record
	Seq      int64
	Version  int    // AuditV1 or AuditV2: how Hash was made
	PrevHash string // Hash of entry Seq-1; "" for the first
	Hash     string
}

// encodeEntry writes an entry's fields, each length-prefixed so no two different
// entries share an encoding. The time is written in UTC to the microsecond (both
// databases keep that precision).
func encodeEntry(e AuditEntry, tag string, withUnit bool) []byte {
	var b strings.Builder
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte(';')
	}
	field(tag)
	field(strconv.FormatInt(e.Seq, 10))
	field(e.At.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z"))
	field(strconv.FormatInt(e.UserID, 10))
	field(e.Username)
	field(e.Action)
	field(e.Object)
	field(e.Detail)
	if withUnit {
		field(e.Unit)
	}
	field(e.PrevHash)
	return []byte(b.String())
}

// ChainHash is the version 1 hash of an entry: SHA-256 over its sequence number,
// its fields (not Unit) and its predecessor's hash.
func ChainHash(e AuditEntry) string {
	sum := sha256.Sum256(encodeEntry(e, "kntc-audit-v1", false))
	return hex.EncodeToString(sum[:])
}

// ChainMAC is the version 2 hash of an entry: HMAC-SHA256 under the audit key over
// its sequence number, its fields with Unit, and its predecessor's hash.
func ChainMAC(key []byte, e AuditEntry) string {
	m := hmac.New(sha256.New, key)
	m.Write(encodeEntry(e, "kntc-audit-v2", true))
	return hex.EncodeToString(m.Sum(nil))
}

// Chain extends the chain whose last entry is prev (Seq 0 for an empty chain) by r:
// keyed (AuditV2) under key, or AuditV1 when key is nil. An entry after a keyed one
// must be keyed too: without a key that is an error.
func Chain(prev AuditEntry, r Record, key []byte) (AuditEntry, error) {
	e := AuditEntry{Record: r, Seq: prev.Seq + 1, PrevHash: prev.Hash}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if key == nil {
		if prev.Version == AuditV2 {
			return AuditEntry{}, ErrNoAuditKey
		}
		if e.Unit != "" {
			// A version 1 hash does not cover Unit: it could be changed unseen.
			return AuditEntry{}, fmt.Errorf("audit entry %d names unit %s but has no key to cover it: %w", e.Seq, e.Unit, ErrNoAuditKey)
		}
		e.Version, e.Hash = AuditV1, ChainHash(e)
		return e, nil
	}
	e.Version, e.Hash = AuditV2, ChainMAC(key, e)
	return e, nil
}

// ErrNoAuditKey: keyed audit entries cannot be written or checked without the key.
var ErrNoAuditKey = errors.New("không có khóa nhật ký kiểm toán (the audit key is not configured: KNTC_AUDIT_KEY or DATA/audit.key)")

// ChainVerifier checks entries fed to it in Seq order. Key is the audit key;
// without it, keyed entries cannot be checked and are reported so.
type ChainVerifier struct {
	Key   []byte
	prev  AuditEntry
	Count int64
	// FirstKeyed is the Seq of the first keyed entry (0 when none was seen).
	FirstKeyed int64
}

// Next checks e against its predecessor: the next number, the predecessor's hash,
// its own hash over its fields, and that no unkeyed entry follows a keyed one (a
// forger without the key could otherwise replace the keyed part with entries
// hashed the old way). The first error names the entry.
func (v *ChainVerifier) Next(e AuditEntry) error {
	switch {
	case e.Seq != v.prev.Seq+1:
		return fmt.Errorf("nhật ký bị sửa: sau mục %d là mục %d, thiếu hoặc thừa mục (audit entries %d→%d: an entry was deleted or inserted)", v.prev.Seq, e.Seq, v.prev.Seq, e.Seq)
	case e.PrevHash != v.prev.Hash:
		return fmt.Errorf("nhật ký bị sửa ở mục %d: không nối với mục trước (audit entry %d does not chain to its predecessor)", e.Seq, e.Seq)
	}
	switch e.Version {
	case AuditV1:
		if v.FirstKeyed != 0 {
			return fmt.Errorf("nhật ký bị viết lại ở mục %d: mục không khóa sau mục có khóa %d (audit entry %d is unkeyed after keyed entry %d: the chain was rewritten without the key)", e.Seq, v.FirstKeyed, e.Seq, v.FirstKeyed)
		}
		if e.Unit != "" {
			return fmt.Errorf("nhật ký bị sửa ở mục %d: mục không khóa mang đơn vị (audit entry %d is unkeyed but names a unit: edited)", e.Seq, e.Seq)
		}
		if ChainHash(e) != e.Hash {
			return fmt.Errorf("nhật ký bị sửa ở mục %d: nội dung không khớp mã băm (audit entry %d was edited)", e.Seq, e.Seq)
		}
	case AuditV2:
		if v.Key == nil {
			return fmt.Errorf("mục %d có khóa (audit entry %d is keyed): %w", e.Seq, e.Seq, ErrNoAuditKey)
		}
		if !hmac.Equal([]byte(ChainMAC(v.Key, e)), []byte(e.Hash)) {
			return fmt.Errorf("nhật ký bị sửa ở mục %d: mã HMAC không khớp, nội dung bị sửa hoặc làm bằng khóa khác (audit entry %d was edited, or keyed with another key)", e.Seq, e.Seq)
		}
		if v.FirstKeyed == 0 {
			v.FirstKeyed = e.Seq
		}
	default:
		return fmt.Errorf("nhật ký bị sửa ở mục %d: phiên bản %d không rõ (audit entry %d has unknown version %d)", e.Seq, e.Version, e.Seq, e.Version)
	}
	v.prev = e
	v.Count++
	return nil
}

// Last is the last entry checked.
func (v *ChainVerifier) Last() AuditEntry { return v.prev }

// auditUnits is the Units filter of a's scope: nil (everything, entries of no unit
// included) for a scope of the whole tree, else the codes of its units.
func auditUnits(a Actor) []string {
	if a.Scope.All {
		return nil
	}
	if a.Scope.Codes == nil {
		return []string{}
	}
	return a.Scope.Codes
}
