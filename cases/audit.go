package cases

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Record is one audited act: who did what to which object, and when. Detail is a
// short JSON or text that never holds a secret field.
type Record struct {
	At       time.Time
	UserID   int64
	Username string
	Action   string // one of the Action constants
	Object   string // "case:KN-2026-000001", "document:0193…", "petition:12", …
	Detail   string
}

// Audited actions.
const (
	ActionCreate     = "create"
	ActionUpdate     = "update"
	ActionTransition = "transition"
	ActionLink       = "link"
	ActionUnlink     = "unlink"
	ActionDownload   = "download"
	ActionSecretRead = "secret_read"
	ActionGrant      = "grant"
	ActionRevoke     = "revoke"
	ActionRead       = "read" // a confidential document or its text
	ActionExport     = "export"
)

// AuditEntry is a Record as stored: numbered from 1 without gaps, chained to its
// predecessor by hash.
type AuditEntry struct {
	Record
	Seq      int64
	PrevHash string // Hash of entry Seq-1; "" for the first
	Hash     string
}

// ChainHash is the hash of an entry: SHA-256 over its sequence number, its fields
// and its predecessor's hash, each length-prefixed so no two different entries
// share an encoding. The time is written in UTC to the microsecond (both
// databases keep that precision).
func ChainHash(e AuditEntry) string {
	var b strings.Builder
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
		b.WriteByte(';')
	}
	field("kntc-audit-v1")
	field(strconv.FormatInt(e.Seq, 10))
	field(e.At.UTC().Truncate(time.Microsecond).Format("2006-01-02T15:04:05.000000Z"))
	field(strconv.FormatInt(e.UserID, 10))
	field(e.Username)
	field(e.Action)
	field(e.Object)
	field(e.Detail)
	field(e.PrevHash)
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Chain extends the chain whose last entry is prev (Seq 0 for an empty chain) by r.
func Chain(prev AuditEntry, r Record) AuditEntry {
	e := AuditEntry{Record: r, Seq: prev.Seq + 1, PrevHash: prev.Hash}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Hash = ChainHash(e)
	return e
}

// ChainVerifier checks entries fed to it in Seq order.
type ChainVerifier struct {
	prev  AuditEntry
	Count int64
}

// Next checks e against its predecessor: the next number, the predecessor's hash,
// and its own hash over its fields. The first error names the entry.
func (v *ChainVerifier) Next(e AuditEntry) error {
	switch {
	case e.Seq != v.prev.Seq+1:
		return fmt.Errorf("nhật ký bị sửa: sau mục %d là mục %d, thiếu hoặc thừa mục (audit entries %d→%d: an entry was deleted or inserted)", v.prev.Seq, e.Seq, v.prev.Seq, e.Seq)
	case e.PrevHash != v.prev.Hash:
		return fmt.Errorf("nhật ký bị sửa ở mục %d: không nối với mục trước (audit entry %d does not chain to its predecessor)", e.Seq, e.Seq)
	case ChainHash(e) != e.Hash:
		return fmt.Errorf("nhật ký bị sửa ở mục %d: nội dung không khớp mã băm (audit entry %d was edited)", e.Seq, e.Seq)
	}
	v.prev = e
	v.Count++
	return nil
}

// Last is the last entry checked.
func (v *ChainVerifier) Last() AuditEntry { return v.prev }
