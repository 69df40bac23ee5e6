package cases

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
)

// AuditKeySource says where the audit key comes from.
type AuditKeySource struct {
	// Value is the configured key (KNTC_AUDIT_KEY or the content of
	// KNTC_AUDIT_KEY_FILE): 64 hex digits or base64 of 32 bytes.
	Value string
	// Path is the key file of the embedded default (DATA/audit.key), used when
	// Value is empty.
	Path string
	// Create makes a new key in Path when there is none (commands that write;
	// verification never makes a key).
	Create bool
	// Shared: the database is shared by several servers (PostgreSQL), so a key
	// read from one server's data directory is worth a warning.
	Shared bool
}

// LoadAuditKey returns the key that chains the audit trail and signs its anchors
// (nil when none is configured, none is in Path and Create is false). Without a
// configured key the embedded default keeps one in Path, made on first use (0600):
// an office server works with no set-up, as with DATA/seal.key; a production
// deployment configures KNTC_AUDIT_KEY from its secret store, away from the
// database and the object store, whose administrators must not hold it. The key is
// separate from the sealing key: the inspectorate may be given it to check the
// trail without being able to open denouncers' identities.
func LoadAuditKey(src AuditKeySource, logger *slog.Logger) ([]byte, error) {
	return loadKey(src, keyWords{what: "audit key", flag: "audit-key", env: "KNTC_AUDIT_KEY",
		differs:   "the audit key file differs from the configured audit key: audit entries and anchors made with the file's key will not verify",
		generated: "no audit key configured: generated one for the audit trail; back it up apart from the database and the object store",
	}, logger)
}

// AuditKeyID names a key without revealing it (a fingerprint), so anchors and
// reports can say which key made them.
func AuditKeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("kntc audit key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}
