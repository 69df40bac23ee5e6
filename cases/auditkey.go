package cases

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
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
	fileKey, err := readAuditKeyFile(src.Path)
	if err != nil {
		return nil, err
	}
	if src.Value != "" {
		key, err := ParseKey(src.Value)
		if err != nil {
			return nil, fmt.Errorf("audit-key: %w", err)
		}
		if fileKey != nil && !hmac.Equal(fileKey, key) {
			logger.Warn("the audit key file differs from the configured audit key: audit entries and anchors made with the file's key will not verify", "path", src.Path)
		}
		return key, nil
	}
	if fileKey == nil {
		if !src.Create {
			return nil, nil
		}
		fileKey = make([]byte, 32)
		_, _ = rand.Read(fileKey)
		if err := writeAuditKeyFile(src.Path, fileKey); err != nil {
			return nil, err
		}
		logger.Warn("no audit key configured: generated one for the audit trail; back it up apart from the database and the object store", "path", src.Path)
	}
	if src.Shared {
		logger.Warn("audit key read from the data directory while the database is shared: every kntc server of this database must use the same key (set KNTC_AUDIT_KEY)", "path", src.Path)
	}
	return fileKey, nil
}

// AuditKeyID names a key without revealing it (a fingerprint), so anchors and
// reports can say which key made them.
func AuditKeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("kntc audit key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

// readAuditKeyFile reads a key file of 64 hex digits; a missing file (or no path)
// is (nil, nil).
func readAuditKeyFile(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read audit key: %w", err)
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("audit key file %s is damaged: want 64 hex digits: %w", path, err)
	}
	return key, nil
}

// writeAuditKeyFile writes the key durably, never over an existing file.
func writeAuditKeyFile(path string, key []byte) error {
	return writeKeyFile(path, "audit key", hex.EncodeToString(key))
}
