package cases_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/cases"
)

func sealLogger() (*slog.Logger, *bytes.Buffer) {
	var logs bytes.Buffer
	return slog.New(slog.NewTextHandler(&logs, nil)), &logs
}

func mustLoadSealer(t *testing.T, cfg cases.SealConfig, logger *slog.Logger) *cases.Sealer {
	t.Helper()
	s, err := cases.LoadSealer(cfg, logger)
	if err != nil {
		t.Fatalf("LoadSealer: %v", err)
	}
	return s
}

func mustSeal(t *testing.T, s *cases.Sealer, v string) string {
	t.Helper()
	sealed, err := s.Seal(v, "party")
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

func opens(t *testing.T, s *cases.Sealer, sealed, want string) {
	t.Helper()
	var got string
	if err := s.Open(sealed, "party", &got); err != nil || got != want {
		t.Errorf("open %.30s…: %q, %v; want %q", sealed, got, err, want)
	}
}

// TestLoadSealerGenerates: without a configured key the embedded default makes
// DATA/seal.key once, 0600, with a warning, and later loads read the same key
// back without rewriting the file.
func TestLoadSealerGenerates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "seal.key")
	logger, logs := sealLogger()
	first := mustLoadSealer(t, cases.SealConfig{KeyID: "k1", Path: path}, logger)
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", fi, err)
	}
	if !strings.Contains(logs.String(), "generated one for denouncers' identities") {
		t.Errorf("no warning for the generated key: %s", logs.String())
	}
	written, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if id, _, _ := strings.Cut(string(written), ":"); id != first.KeyID() || !strings.HasPrefix(id, "local-") {
		t.Errorf("key file names %q, sealer seals with %q", id, first.KeyID())
	}
	sealed := mustSeal(t, first, "Nguyễn Văn A")

	again := mustLoadSealer(t, cases.SealConfig{KeyID: "k1", Path: path}, logger)
	if again.KeyID() != first.KeyID() {
		t.Errorf("second load seals with %q, want %q", again.KeyID(), first.KeyID())
	}
	opens(t, again, sealed, "Nguyễn Văn A")
	if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, written) {
		t.Errorf("the key file changed on a second load: %v", err)
	}
	if n := strings.Count(logs.String(), "generated one"); n != 1 {
		t.Errorf("a key was generated %d times", n)
	}
}

// TestLoadSealerRotates: a configured key seals new values while the file's key
// still opens the values sealed before it; rotating moves the key to OldKeys,
// which keeps opening its values while new ones are sealed with the new key.
func TestLoadSealerRotates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seal.key")
	logger, _ := sealLogger()
	local := mustLoadSealer(t, cases.SealConfig{KeyID: "k1", Path: path}, logger)
	byFile := mustSeal(t, local, "người tố cáo một")

	k1, k2 := strings.Repeat("11", 32), strings.Repeat("22", 32)
	s1 := mustLoadSealer(t, cases.SealConfig{Key: k1, KeyID: "k1", Path: path}, logger)
	byK1 := mustSeal(t, s1, "người tố cáo hai")
	if s1.KeyID() != "k1" || !strings.HasPrefix(byK1, "sealed:v1:k1:") {
		t.Errorf("sealed with %q: %.20s…", s1.KeyID(), byK1)
	}
	opens(t, s1, byFile, "người tố cáo một")

	s2 := mustLoadSealer(t, cases.SealConfig{Key: k2, KeyID: "k2", OldKeys: "k1:" + k1, Path: path}, logger)
	byK2 := mustSeal(t, s2, "người tố cáo ba")
	if !strings.HasPrefix(byK2, "sealed:v1:k2:") {
		t.Errorf("new value not sealed with k2: %.20s…", byK2)
	}
	opens(t, s2, byFile, "người tố cáo một")
	opens(t, s2, byK1, "người tố cáo hai")
	opens(t, s2, byK2, "người tố cáo ba")

	// Without the retired key its values stay closed.
	s3 := mustLoadSealer(t, cases.SealConfig{Key: k2, KeyID: "k2", Path: path}, logger)
	var got string
	if err := s3.Open(byK1, "party", &got); !errors.Is(err, cases.ErrNoKey) {
		t.Errorf("opened a value of a key not given: %q, %v", got, err)
	}
}

// TestLoadSealerRefusesBadKeys: a damaged key file, a malformed configured key
// or retired key list is an error, and the damaged file is left as it is.
func TestLoadSealerRefusesBadKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seal.key")
	logger, _ := sealLogger()
	if err := os.WriteFile(path, []byte("hỏng\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []cases.SealConfig{
		{KeyID: "k1", Path: path},
		{Key: strings.Repeat("11", 32), KeyID: "k1", Path: path},
	} {
		if _, err := cases.LoadSealer(cfg, logger); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("a damaged key file (configured key %t): %v", cfg.Key != "", err)
		}
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "hỏng\n" {
		t.Errorf("the damaged file was replaced: %q, %v", b, err)
	}
	other := filepath.Join(t.TempDir(), "seal.key")
	if _, err := cases.LoadSealer(cases.SealConfig{Key: "ngắn quá", KeyID: "k1", Path: other}, logger); err == nil {
		t.Error("a malformed configured key was accepted")
	}
	if _, err := cases.LoadSealer(cases.SealConfig{OldKeys: "k0", KeyID: "k1", Path: other}, logger); err == nil {
		t.Error("a malformed list of old keys was accepted")
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Errorf("a key file was made although the configuration is wrong: %v", err)
	}
}

// TestLoadSealerSharedDatabase: a shared database without a configured key is
// refused and no key file is made; with a configured key it works; a key file
// that already exists keeps an older deployment working, with a warning.
func TestLoadSealerSharedDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seal.key")
	logger, logs := sealLogger()
	_, err := cases.LoadSealer(cases.SealConfig{KeyID: "k1", Path: path, Shared: true}, logger)
	if !errors.Is(err, cases.ErrSharedNeedsSealKey) || !strings.Contains(err.Error(), "KNTC_SEAL_KEY") {
		t.Fatalf("shared database without a key: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a key file was made for a shared database: %v", err)
	}
	s := mustLoadSealer(t, cases.SealConfig{Key: strings.Repeat("33", 32), KeyID: "k3", Path: path, Shared: true}, logger)
	if s.KeyID() != "k3" {
		t.Errorf("seals with %q, want k3", s.KeyID())
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a key file was made beside a configured key: %v", err)
	}

	// An existing deployment: the key file was made before the database was shared.
	local := mustLoadSealer(t, cases.SealConfig{KeyID: "k1", Path: path}, logger)
	sealed := mustSeal(t, local, "người tố cáo")
	logs.Reset()
	kept := mustLoadSealer(t, cases.SealConfig{KeyID: "k1", Path: path, Shared: true}, logger)
	opens(t, kept, sealed, "người tố cáo")
	if kept.KeyID() != local.KeyID() {
		t.Errorf("seals with %q, want the file's key %q", kept.KeyID(), local.KeyID())
	}
	if !strings.Contains(logs.String(), "every kntc server of this database must use the same key") {
		t.Errorf("no warning for a file key with a shared database: %s", logs.String())
	}
}
