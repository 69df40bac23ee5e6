package cases

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// writeKeyFile writes a key file kept beside the data (the embedded default's
// DATA/seal.key and DATA/audit.key): one line, mode 0600, synced, and never over
// an existing file, so a key that opens stored values is never lost to a race.
func writeKeyFile(path, what, line string) error {
	if path == "" {
		return fmt.Errorf("write %s: no path", what)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", what, err)
	}
	_, err = fmt.Fprintln(f, line)
	err = errors.Join(err, f.Sync(), f.Close())
	if err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}

// keyWords are what loadKey says of one key: its name ("audit key"), its flag
// ("audit-key"), its variable ("KNTC_AUDIT_KEY"), the warnings when the key file
// differs from the configured key and when a key is made, and what else the
// latter logs of the new key (never the key itself).
type keyWords struct {
	what, flag, env    string
	differs, generated string
	generatedAttrs     func(key []byte) []any
}

// loadKey is the loading every key of the embedded default shares (the audit
// and PIN keys): the configured key when there is one (with a warning when the
// key file holds another), else the key file in src.Path, made on first use
// (0600) when src.Create; nil when there is none and none is to be made.
func loadKey(src AuditKeySource, kw keyWords, logger *slog.Logger) ([]byte, error) {
	fileKey, err := readKeyFile(src.Path, kw.what)
	if err != nil {
		return nil, err
	}
	if src.Value != "" {
		key, err := ParseKey(src.Value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", kw.flag, err)
		}
		if fileKey != nil && !hmac.Equal(fileKey, key) {
			logger.Warn(kw.differs, "path", src.Path)
		}
		return key, nil
	}
	if fileKey == nil {
		if !src.Create {
			return nil, nil
		}
		fileKey = make([]byte, 32)
		_, _ = rand.Read(fileKey)
		if err := writeKeyFile(src.Path, kw.what, hex.EncodeToString(fileKey)); err != nil {
			return nil, err
		}
		attrs := []any{"path", src.Path}
		if kw.generatedAttrs != nil {
			attrs = append(attrs, kw.generatedAttrs(fileKey)...)
		}
		logger.Warn(kw.generated, attrs...)
	}
	if src.Shared {
		logger.Warn(kw.what+" read from the data directory while the database is shared: every kntc server of this database must use the same key (set "+kw.env+")", "path", src.Path)
	}
	return fileKey, nil
}

// readKeyFile reads a key file of 64 hex digits; a missing file (or no path)
// is (nil, nil).
func readKeyFile(path, what string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s file %s is damaged: want 64 hex digits: %w", what, path, err)
	}
	return key, nil
}
