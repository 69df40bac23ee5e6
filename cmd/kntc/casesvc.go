package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"kntc/auth"
	"kntc/cases"
)

// parseOldKeys reads KNTC_SEAL_OLD_KEYS: "id:key,id:key".
func parseOldKeys(s string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		id, k, ok := strings.Cut(part, ":")
		if !ok || id == "" {
			return nil, errors.New("seal-old-keys: want id:key,id:key")
		}
		key, err := cases.ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("seal-old-keys %q: %w", id, err)
		}
		out[id] = key
	}
	return out, nil
}

// newSealer builds the sealer of denouncers' identities. Without a configured key,
// the embedded default keeps one in DATA/seal.key, made on first use (0600): an
// office server works with no set-up, and the key stays beside the data it opens
// (back them up together; a production deployment configures KNTC_SEAL_KEY from
// its secret store instead). That file's key also stays usable after a key is
// configured, so values sealed before can still be opened.
func newSealer(cfg *Config, logger *slog.Logger) (*cases.Sealer, error) {
	keys, err := parseOldKeys(cfg.SealOldKeys)
	if err != nil {
		return nil, err
	}
	fileID, fileKey, err := readKeyFile(cfg.sealKeyPath())
	if err != nil {
		return nil, err
	}
	current := cfg.SealKeyID
	if cfg.SealKey != "" {
		k, err := cases.ParseKey(cfg.SealKey)
		if err != nil {
			return nil, fmt.Errorf("seal-key: %w", err)
		}
		keys[current] = k
		if fileKey != nil {
			if _, taken := keys[fileID]; !taken {
				keys[fileID] = fileKey
			}
		}
		return cases.NewSealer(current, keys)
	}
	if fileKey == nil {
		fileID, fileKey = "local-"+randomHex(4), make([]byte, 32)
		_, _ = rand.Read(fileKey)
		if err := writeKeyFile(cfg.sealKeyPath(), fileID, fileKey); err != nil {
			return nil, err
		}
		logger.Warn("no sealing key configured: generated one for denouncers' identities; back it up with the data", "path", cfg.sealKeyPath())
	}
	if cfg.DatabaseURL != "" {
		logger.Warn("sealing key read from the data directory while the database is shared: every kntc server of this database must use the same key (set KNTC_SEAL_KEY)", "path", cfg.sealKeyPath())
	}
	keys[fileID] = fileKey
	return cases.NewSealer(fileID, keys)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// readKeyFile reads "id:hexkey"; a missing file is (nil key, nil error).
func readKeyFile(path string) (string, []byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("read sealing key: %w", err)
	}
	id, k, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
	key, kerr := cases.ParseKey(k)
	if !ok || id == "" || kerr != nil {
		return "", nil, fmt.Errorf("sealing key file %s is damaged: want id:64-hex-digits", path)
	}
	return id, key, nil
}

// writeKeyFile writes the key durably, never over an existing file.
func writeKeyFile(path, id string, key []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create sealing key: %w", err)
	}
	_, err = fmt.Fprintf(f, "%s:%s\n", id, hex.EncodeToString(key))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// newCaseService wires the case system on the opened stores.
func newCaseService(cfg *Config, st *stores, accounts *auth.Service, logger *slog.Logger) (*cases.Service, error) {
	sealer, err := newSealer(cfg, logger)
	if err != nil {
		return nil, err
	}
	return &cases.Service{Store: st.db, Docs: st.db, Accounts: accounts, Sealer: sealer, AuditKey: st.db.AuditKey(),
		SoonDays: cfg.DueSoonDays}, nil
}
