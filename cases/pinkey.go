package cases

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"strings"

	"github.com/alexedwards/argon2id"
)

// The citizen's lookup PIN is checked against a keyed verifier: HMAC-SHA256 of
// the PIN under the PIN key (a "pepper"), a secret kept apart from the database
// like the audit and sealing keys (KNTC_PIN_KEY, else DATA/pin.key).
//
// Why not argon2id, as before: a PIN has 10^8 values, so whoever holds a copy of
// the database finds any PIN from its argon2id hash in a few CPU-days (one core at
// ~30 ms a guess; far less on a GPU farm): a slow hash only delays a search that
// cannot fail. Against someone holding the database alone, the HMAC under a key
// that is not in it is a 256-bit wall, whatever the PIN. Guessing online stays
// bounded by the portal's lockout (per address, per code and address, per code),
// not by the hash's cost. And each argon2id check took ~30 ms of CPU and 19 MiB,
// which capped the portal's lookups at a few dozen a second on two cores and
// made it a lever for exhausting the server; an HMAC takes a microsecond.
//
// Verifiers made before the key (argon2id, "$argon2id$…") keep working while no
// PIN key is configured; with one, a legacy verifier is checked with argon2id once
// more and, when the PIN is right, replaced by the keyed one (RehashPIN): the PIN
// itself is needed to make it, so no one-off at start-up could.

// pinHMACPrefix starts a keyed verifier: "$kntc-pin-hmac$v=1$k=KEYID$SALT$MAC",
// KEYID the key's fingerprint (PINKeyID), SALT 16 random bytes and MAC the
// HMAC-SHA256, both unpadded base64 (RFC 4648 §5).
const pinHMACPrefix = "$kntc-pin-hmac$v=1$"

// PINKey is the key of the lookup PINs' verifiers. Its String and LogValue never
// show it, so a key printed or logged by mistake is not disclosed.
type PINKey []byte

// String implements fmt.Stringer without the key.
func (k PINKey) String() string { return "[PIN key " + k.ID() + "]" }

// GoString implements fmt.GoStringer without the key.
func (k PINKey) GoString() string { return k.String() }

// LogValue implements slog.LogValuer without the key.
func (k PINKey) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalText implements encoding.TextMarshaler without the key (JSON logs and
// encoders would otherwise write its bytes in base64).
func (k PINKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// ID is the key's fingerprint (16 hex digits), stored in each verifier so a
// verifier made under another key is told apart; "" for no key.
func (k PINKey) ID() string {
	if len(k) == 0 {
		return ""
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte("kntc pin key id"))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

func (k PINKey) mac(salt []byte, pin string) []byte {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("kntc pin v1\x00"))
	m.Write(salt)
	m.Write([]byte{0})
	m.Write([]byte(pin))
	return m.Sum(nil)
}

var b64 = base64.RawURLEncoding

// Verifier makes the keyed verifier of pin (what a case or an online petition
// stores; tools and benchmarks that seed cases use it too).
func (k PINKey) Verifier(pin string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	return pinHMACPrefix + "k=" + k.ID() + "$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(k.mac(salt, pin))
}

// check reports whether pin matches the keyed verifier v (false for a malformed
// one or one made under another key).
func (k PINKey) check(pin, v string) bool {
	rest, ok := strings.CutPrefix(v, pinHMACPrefix)
	if !ok || len(k) == 0 {
		return false
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 || parts[0] != "k="+k.ID() {
		return false
	}
	salt, err1 := b64.DecodeString(parts[1])
	want, err2 := b64.DecodeString(parts[2])
	if err1 != nil || err2 != nil {
		return false
	}
	return hmac.Equal(k.mac(salt, pin), want)
}

// LegacyPINVerifier reports whether v is an argon2id verifier made before the PIN
// key, to be replaced at the next right lookup.
func LegacyPINVerifier(v string) bool { return strings.HasPrefix(v, "$argon2id$") }

// newPINVerifier makes the verifier stored for pin: keyed when the service has
// a PIN key, argon2id otherwise (a service with no key: tests, tools).
func (s *Service) newPINVerifier(pin string) (string, error) {
	if len(s.PINKey) > 0 {
		return s.PINKey.Verifier(pin), nil
	}
	return argon2id.CreateHash(pin, argonPIN)
}

// checkPIN compares pin with verifier v; v == "" (an unknown code) is compared
// against a made-up verifier of the same kind, so it costs the same as a wrong
// PIN of a code whose verifier is keyed. It reports whether v must be replaced
// by a keyed verifier (a right PIN against a legacy one while a key is set).
func (s *Service) checkPIN(pin, v string) (ok, rehash bool) {
	if len(s.PINKey) > 0 {
		if v == "" {
			s.PINKey.check(pin, s.PINKey.Verifier(newPIN()+"-none"))
			return false, false
		}
		if !LegacyPINVerifier(v) {
			return s.PINKey.check(pin, v), false
		}
	} else if v == "" {
		v = dummyPINHash()
	}
	good, err := argon2id.ComparePasswordAndHash(pin, v)
	ok = good && err == nil
	return ok, ok && len(s.PINKey) > 0
}

// PINRehasher is implemented by a Store that can replace a lookup PIN's
// verifier in place (cases.pin_hash, online_petitions.pin_hash): only when it is
// still old, with no version bump and no audit entry (the PIN is unchanged; only
// its verifier's form is).
type PINRehasher interface {
	// RehashCasePIN sets case id's verifier to new when it is old; no row
	// changed is not an error (someone reset the PIN meanwhile).
	RehashCasePIN(ctx context.Context, id int64, old, new string) error
	// RehashOnlinePIN does the same for an online petition's verifier.
	RehashOnlinePIN(ctx context.Context, petitionID int64, old, new string) error
}

// rehash replaces a legacy verifier after a right lookup; a failure only leaves
// the legacy verifier in place for the next one.
func (s *Service) rehash(ctx context.Context, set func(PINRehasher, string) error, pin string) {
	r, ok := s.Store.(PINRehasher)
	if !ok || len(s.PINKey) == 0 {
		return
	}
	_ = set(r, s.PINKey.Verifier(pin))
}

// PINKeySource says where the PIN key comes from: the same rules as the audit
// key (AuditKeySource) with the file DATA/pin.key.
type PINKeySource = AuditKeySource

// LoadPINKey returns the key of the lookup PINs' verifiers (nil when none is
// configured, none is in Path and Create is false). Without a configured key the
// embedded default keeps one in Path, made on first use (0600). A production
// deployment configures KNTC_PIN_KEY from its secret store, away from the
// database and its backups: the key's whole worth is that a stolen database does
// not hold it. Losing it makes every keyed verifier useless (the PINs must then be
// reset). The key is never logged, only its fingerprint.
func LoadPINKey(src PINKeySource, logger *slog.Logger) (PINKey, error) {
	return loadKey(src, keyWords{what: "PIN key", flag: "pin-key", env: "KNTC_PIN_KEY",
		differs:        "the PIN key file differs from the configured PIN key: PINs issued under the file's key will not verify",
		generated:      "no PIN key configured: generated one for the citizens' lookup PINs; keep it apart from the database and its backups",
		generatedAttrs: func(key []byte) []any { return []any{"key", PINKey(key)} },
	}, logger)
}
