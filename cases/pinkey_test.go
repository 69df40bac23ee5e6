package cases_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kntc/cases"
	"kntc/internal/errs"
	"kntc/storage/sqldb"
)

var (
	testPINKey  = cases.PINKey(bytes.Repeat([]byte{0x42}, 32))
	otherPINKey = cases.PINKey(bytes.Repeat([]byte{0x43}, 32))
)

// keyed is a copy of w's service with a PIN key.
func keyed(w *world, key cases.PINKey) *cases.Service {
	s := *w.svc
	s.PINKey = key
	return &s
}

func storedVerifier(t *testing.T, db *sqldb.DB, code string) string {
	t.Helper()
	c, err := db.CaseByCode(t.Context(), code)
	if err != nil {
		t.Fatal(err)
	}
	return c.PINHash
}

// TestPINKeyedVerifierOnDatabases: with a PIN key, a new case's verifier is the
// keyed HMAC (no PIN in it, no argon2id); the right PIN finds the case, a wrong
// PIN, an unknown code and a malformed code are the same ErrNotFound, and the
// verifier does not verify under another key. A reset PIN is keyed too.
func TestPINKeyedVerifierOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		svc := keyed(w, testPINKey)
		c, pin, err := svc.CreateCase(ctx, w.clerk, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			ReceivedOn: day("2026-03-02"), Subject: "Khiếu nại quyết định thu hồi đất"})
		if err != nil {
			t.Fatal(err)
		}
		v := storedVerifier(t, db, c.Code)
		if !strings.HasPrefix(v, "$kntc-pin-hmac$v=1$k="+testPINKey.ID()+"$") || strings.Contains(v, pin) || cases.LegacyPINVerifier(v) {
			t.Fatalf("stored verifier %q", v)
		}
		if got, err := svc.Lookup(ctx, c.Code, pin); err != nil || got.ID != c.ID {
			t.Fatalf("lookup with the PIN: %v", err)
		}
		if _, err := svc.Lookup(ctx, strings.ToLower(c.Code), " "+pin+" "); err != nil {
			t.Fatalf("lookup with a lower-case code and spaces: %v", err)
		}
		wrong := fmt.Sprintf("%08d", (atoi(pin)+1)%100_000_000)
		for _, tc := range []struct{ name, code, pin string }{
			{"wrong PIN", c.Code, wrong},
			{"empty PIN", c.Code, ""},
			{"unknown code", "KN-2026-999999", pin},
			{"malformed code", "không phải mã", pin},
		} {
			if _, err := svc.Lookup(ctx, tc.code, tc.pin); !errors.Is(err, errs.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", tc.name, err)
			}
			if _, err := svc.PortalLookup(ctx, tc.code, tc.pin); !errors.Is(err, errs.ErrNotFound) {
				t.Errorf("portal %s: %v, want ErrNotFound", tc.name, err)
			}
		}
		if _, err := keyed(w, otherPINKey).Lookup(ctx, c.Code, pin); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("lookup under another key: %v, want ErrNotFound", err)
		}
		if _, err := w.svc.Lookup(ctx, c.Code, pin); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("lookup by a service with no key: %v, want ErrNotFound", err)
		}
		pin2, err := svc.ResetPIN(ctx, w.leader, c.Code)
		if err != nil {
			t.Fatal(err)
		}
		if v2 := storedVerifier(t, db, c.Code); v2 == v || !strings.HasPrefix(v2, "$kntc-pin-hmac$") {
			t.Fatalf("verifier after reset %q", v2)
		}
		if _, err := svc.Lookup(ctx, c.Code, pin2); err != nil {
			t.Fatalf("lookup with the new PIN: %v", err)
		}
		if pin2 != pin {
			if _, err := svc.Lookup(ctx, c.Code, pin); !errors.Is(err, errs.ErrNotFound) {
				t.Fatalf("lookup with the old PIN after reset: %v", err)
			}
		}
	})
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// TestPINLegacyVerifierRehashedOnDatabases: verifiers made before the key
// (argon2id) keep working once a key is configured; a wrong PIN leaves them as
// they are, the first right lookup replaces them with the keyed verifier, and the
// PIN keeps working after. The same for an online petition's code.
func TestPINLegacyVerifierRehashedOnDatabases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, db *sqldb.DB) {
		ctx := t.Context()
		w := newWorld(t, db)
		c, pin, err := w.svc.CreateCase(ctx, w.clerk, cases.NewCase{Kind: cases.KindComplaint, Source: cases.SourcePost,
			ReceivedOn: day("2026-03-02"), Subject: "Khiếu nại về mức bồi thường"})
		if err != nil {
			t.Fatal(err)
		}
		legacy := storedVerifier(t, db, c.Code)
		if !cases.LegacyPINVerifier(legacy) {
			t.Fatalf("a service without a key made %q, want argon2id", legacy)
		}
		svc := keyed(w, testPINKey)
		wrong := fmt.Sprintf("%08d", (atoi(pin)+1)%100_000_000)
		if _, err := svc.Lookup(ctx, c.Code, wrong); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("wrong PIN against the legacy verifier: %v", err)
		}
		if v := storedVerifier(t, db, c.Code); v != legacy {
			t.Fatalf("a wrong PIN changed the verifier to %q", v)
		}
		if _, err := svc.Lookup(ctx, c.Code, pin); err != nil {
			t.Fatalf("right PIN against the legacy verifier: %v", err)
		}
		now := storedVerifier(t, db, c.Code)
		if !strings.HasPrefix(now, "$kntc-pin-hmac$v=1$k="+testPINKey.ID()+"$") {
			t.Fatalf("after a right lookup the verifier is %q, want the keyed one", now)
		}
		if got, err := svc.Case(ctx, w.leader, c.Code); err != nil || got.Version != c.Version {
			t.Fatalf("the rehash bumped the case's version (%d → %d, %v): staff edits would conflict", c.Version, got.Version, err)
		}
		if _, err := svc.Lookup(ctx, c.Code, pin); err != nil {
			t.Fatalf("right PIN against the keyed verifier: %v", err)
		}
		if _, err := svc.Lookup(ctx, c.Code, wrong); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("wrong PIN against the keyed verifier: %v", err)
		}

		rc, err := w.svc.SubmitOnline(ctx, cases.OnlinePetition{UnitID: w.unit.ID, Kind: cases.KindPetition,
			Petitioner: cases.Person{Name: "Trần Thị Bình", Address: "ấp Long Thuận, xã Long Thuận"},
			Content:    "Kiến nghị sửa chữa đường liên ấp bị hư hỏng nặng sau mùa mưa."})
		if err != nil {
			t.Fatal(err)
		}
		o, err := db.OnlinePetitionByCode(ctx, rc.Code)
		if err != nil || !cases.LegacyPINVerifier(o.PINHash) {
			t.Fatalf("online verifier %q, %v", o.PINHash, err)
		}
		if _, err := svc.PortalLookup(ctx, rc.Code, wrong); !errors.Is(err, errs.ErrNotFound) {
			t.Fatalf("wrong PIN of the online code: %v", err)
		}
		if _, err := svc.PortalLookup(ctx, rc.Code, rc.PIN); err != nil {
			t.Fatalf("online code with its PIN: %v", err)
		}
		if o, err = db.OnlinePetitionByCode(ctx, rc.Code); err != nil || !strings.HasPrefix(o.PINHash, "$kntc-pin-hmac$") {
			t.Fatalf("online verifier after a right lookup %q, %v", o.PINHash, err)
		}
		if _, err := svc.OnlineReceiptOf(ctx, rc.Code, rc.PIN); err != nil {
			t.Fatalf("receipt with the PIN after the rehash: %v", err)
		}
		rc2, err := svc.SubmitOnline(ctx, cases.OnlinePetition{UnitID: w.unit.ID, Kind: cases.KindPetition,
			Petitioner: cases.Person{Name: "Lê Hữu Cường", Address: "ấp Hiệp Bình, xã Hiệp Tân"},
			Content:    "Kiến nghị lắp đèn chiếu sáng tại ngã ba ấp Hiệp Bình."})
		if err != nil {
			t.Fatal(err)
		}
		if o, err := db.OnlinePetitionByCode(ctx, rc2.Code); err != nil || !strings.HasPrefix(o.PINHash, "$kntc-pin-hmac$") {
			t.Fatalf("a new online petition's verifier %q, %v", o.PINHash, err)
		}
	})
}

// TestPINKeyNeverShown: the PIN key made on first use is written 0600 and read
// back the same; neither that nor printing or logging the key by mistake shows
// it (only its fingerprint), and a damaged key file is refused.
func TestPINKeyNeverShown(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pin.key")
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if k, err := cases.LoadPINKey(cases.PINKeySource{Path: path}, logger); err != nil || k != nil {
		t.Fatalf("no key and no Create: %v, %v", k, err)
	}
	key, err := cases.LoadPINKey(cases.PINKeySource{Path: path, Create: true, Shared: true}, logger)
	if err != nil || len(key) != 32 {
		t.Fatalf("made key: %d bytes, %v", len(key), err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", st, err)
	}
	again, err := cases.LoadPINKey(cases.PINKeySource{Path: path}, logger)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("read back: %v", err)
	}
	secret := hex.EncodeToString(key)
	logger.Info("a key logged by mistake", "key", key, "config", struct{ PIN cases.PINKey }{key}, "bytes", []byte(key)[:0])
	printed := fmt.Sprintf("%v %s %x %X %q %+v %#v", key, key, key, key, key, key, key)
	for name, out := range map[string]string{"logs": logs.String(), "fmt": printed} {
		low := strings.ToLower(out)
		if strings.Contains(low, secret) || strings.Contains(low, secret[:16]) ||
			strings.Contains(out, base64.StdEncoding.EncodeToString(key)[:16]) || strings.Contains(out, base64.RawURLEncoding.EncodeToString(key)[:16]) {
			t.Errorf("%s show the PIN key:\n%s", name, out)
		}
		if !strings.Contains(out, key.ID()) {
			t.Errorf("%s do not name the key by its fingerprint %s:\n%s", name, key.ID(), out)
		}
	}
	cfgKey := strings.Repeat("ab", 32)
	k, err := cases.LoadPINKey(cases.PINKeySource{Value: cfgKey, Path: path}, logger)
	if err != nil || hex.EncodeToString(k) != cfgKey {
		t.Fatalf("configured key: %v", err)
	}
	if strings.Contains(logs.String(), cfgKey) {
		t.Fatalf("the configured key was logged:\n%s", logs.String())
	}
	if err := os.WriteFile(path, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cases.LoadPINKey(cases.PINKeySource{Path: path}, logger); err == nil {
		t.Fatal("a damaged key file was accepted")
	}
}
