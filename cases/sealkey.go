package cases

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// SealConfig says where the keys sealing denouncers' identities come from.
type SealConfig struct {
	// Key is the configured current key (KNTC_SEAL_KEY or the content of
	// KNTC_SEAL_KEY_FILE): 64 hex digits or base64 of 32 bytes.
	Key string
	// KeyID names Key (KNTC_SEAL_KEY_ID); it is stored with every sealed value.
	KeyID string
	// OldKeys are the retired keys still needed to open old values
	// (KNTC_SEAL_OLD_KEYS): "id:key,id:key".
	OldKeys string
	// Path is the key file of the embedded default (DATA/seal.key), used when Key
	// is empty and kept usable when it is not.
	Path string
	// Shared: the database is shared by several servers (PostgreSQL). A key made
	// in one server's data directory would seal values the others cannot open, so
	// a shared database needs Key, unless Path already holds a key (a deployment
	// made before the rule: it keeps working, with a warning).
	Shared bool
}

// ErrSharedNeedsSealKey: a shared database with no configured sealing key and no
// key file to keep using.
var ErrSharedNeedsSealKey = errors.New("cơ sở dữ liệu dùng chung cần khóa niêm phong KNTC_SEAL_KEY (a shared database needs KNTC_SEAL_KEY: every kntc server of it must seal with the same key)")

// LoadSealer builds the sealer of denouncers' identities. Without a configured key
// the embedded default keeps one in Path, made on first use (0600): an office
// server works with no set-up, and the key stays beside the data it opens (back
// them up together; a production deployment configures KNTC_SEAL_KEY from its
// secret store instead). The file's key also stays usable after a key is
// configured, so values sealed before can still be opened. A shared database
// without a configured key is refused (ErrSharedNeedsSealKey) unless Path already
// holds a key.
func LoadSealer(cfg SealConfig, logger *slog.Logger) (*Sealer, error) {
	keys, err := ParseOldKeys(cfg.OldKeys)
	if err != nil {
		return nil, err
	}
	fileID, fileKey, err := readSealKeyFile(cfg.Path)
	if err != nil {
		return nil, err
	}
	if cfg.Key != "" {
		k, err := ParseKey(cfg.Key)
		if err != nil {
			return nil, fmt.Errorf("seal-key: %w", err)
		}
		keys[cfg.KeyID] = k
		if fileKey != nil {
			if _, taken := keys[fileID]; !taken {
				keys[fileID] = fileKey
			}
		}
		return NewSealer(cfg.KeyID, keys)
	}
	if fileKey == nil {
		if cfg.Shared {
			return nil, ErrSharedNeedsSealKey
		}
		id := make([]byte, 4)
		_, _ = rand.Read(id)
		fileID, fileKey = "local-"+hex.EncodeToString(id), make([]byte, 32)
		_, _ = rand.Read(fileKey)
		if err := writeSealKeyFile(cfg.Path, fileID, fileKey); err != nil {
			return nil, err
		}
		logger.Warn("no sealing key configured: generated one for denouncers' identities; back it up with the data", "path", cfg.Path)
	}
	if cfg.Shared {
		logger.Warn("sealing key read from the data directory while the database is shared: every kntc server of this database must use the same key (set KNTC_SEAL_KEY)", "path", cfg.Path)
	}
	keys[fileID] = fileKey
	return NewSealer(fileID, keys)
}

// ParseOldKeys reads retired sealing keys written "id:key,id:key"
// (KNTC_SEAL_OLD_KEYS); an empty string is no key.
func ParseOldKeys(s string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for part := range strings.SplitSeq(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		id, k, ok := strings.Cut(part, ":")
		if !ok || id == "" {
			return nil, errors.New("seal-old-keys: want id:key,id:key")
		}
		key, err := ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("seal-old-keys %q: %w", id, err)
		}
		out[id] = key
	}
	return out, nil
}

// readSealKeyFile reads "id:hexkey"; a missing file (or no path) is (nil key, nil
// error).
func readSealKeyFile(path string) (string, []byte, error) {
	if path == "" {
		return "", nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("read sealing key: %w", err)
	}
	id, k, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
	key, kerr := ParseKey(k)
	if !ok || id == "" || kerr != nil {
		return "", nil, fmt.Errorf("sealing key file %s is damaged: want id:64-hex-digits", path)
	}
	return id, key, nil
}

// writeSealKeyFile writes the key durably as id:hex, never over an existing file.
func writeSealKeyFile(path, id string, key []byte) error {
	return writeKeyFile(path, "sealing key", id+":"+hex.EncodeToString(key))
}
