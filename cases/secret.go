package cases

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kntc/internal/viet"
)

// Sealer seals a denouncer's identity with AES-256-GCM. Keys are named: a sealed
// value carries the id of its key, so the key can be rotated (new values use the
// current key, old ones still open with theirs, `kntc reseal` could rewrite them).
// Safe for concurrent use.
type Sealer struct {
	current string
	keys    map[string]cipher.AEAD
	blind   []byte // key of the blind index (HMAC), derived from the current key
	fp      string // fingerprint of the current key
}

// sealedPrefix starts every sealed value: "sealed:v1:KEYID:BASE64(nonce|ciphertext)".
const sealedPrefix = "sealed:v1:"

// ErrNoKey: a sealed value names a key this kntc was not given.
var ErrNoKey = errors.New("khóa giải mã không có trong cấu hình (the sealing key is not configured)")

// NewSealer takes keys by id (32 bytes each) and the id of the key that seals new
// values.
func NewSealer(current string, keys map[string][]byte) (*Sealer, error) {
	s := &Sealer{current: current, keys: map[string]cipher.AEAD{}}
	for id, k := range keys {
		if id == "" || strings.ContainsAny(id, ": ") {
			return nil, fmt.Errorf("key id %q: must be non-empty, without ':' or spaces", id)
		}
		if len(k) != 32 {
			return nil, fmt.Errorf("key %q: AES-256 needs 32 bytes, got %d", id, len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		s.keys[id] = aead
	}
	cur, ok := keys[current]
	if !ok {
		return nil, fmt.Errorf("the current key %q is not among the keys", current)
	}
	m := hmac.New(sha256.New, cur)
	m.Write([]byte("kntc blind index v1"))
	s.blind = m.Sum(nil)
	f := hmac.New(sha256.New, cur)
	f.Write([]byte("kntc seal key id"))
	s.fp = hex.EncodeToString(f.Sum(nil))[:16]
	return s, nil
}

// ParseKey reads a key written as 64 hex digits or standard base64 of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, errors.New("khóa phải là 32 byte viết bằng 64 chữ số hex hoặc base64 (the key must be 32 bytes as 64 hex digits or base64)")
}

// Fingerprint names the current key without revealing it, so a backup can record
// which key its sealed values need.
func (s *Sealer) Fingerprint() string { return s.fp }

// KeyID is the id of the key that seals new values.
func (s *Sealer) KeyID() string { return s.current }

// Seal encrypts v (as JSON). binding names what the value belongs to ("party",
// "petition", "reception") and is bound as additional data, so a sealed value copied
// into another kind of row does not open.
func (s *Sealer) Seal(v any, binding string) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	aead := s.keys[s.current]
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := aead.Seal(nonce, nonce, plain, aad(binding))
	return sealedPrefix + s.current + ":" + base64.StdEncoding.EncodeToString(out), nil
}

// Open decrypts a value made by Seal with the same binding into v.
func (s *Sealer) Open(sealed, binding string, v any) error {
	rest, ok := strings.CutPrefix(sealed, sealedPrefix)
	if !ok {
		return errors.New("open sealed value: not a sealed value")
	}
	id, b64, ok := strings.Cut(rest, ":")
	if !ok {
		return errors.New("open sealed value: malformed")
	}
	aead, ok := s.keys[id]
	if !ok {
		return fmt.Errorf("open sealed value (key %q): %w", id, ErrNoKey)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) < aead.NonceSize() {
		return errors.New("open sealed value: malformed")
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], aad(binding))
	if err != nil {
		return fmt.Errorf("open sealed value: %w", err)
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("open sealed value: %w", err)
	}
	return nil
}

func aad(binding string) []byte { return []byte("kntc sealed " + binding) }

// Blind is a keyed hash of an identifying value (a name, an ID number) for equality
// matching — duplicate petitions from the same person — without storing the value:
// folded (no diacritics, lower case, single spaces) so spelling variants meet.
// Empty input gives "".
func (s *Sealer) Blind(value string) string {
	v := viet.FoldKey(value)
	if v == "" {
		return ""
	}
	m := hmac.New(sha256.New, s.blind)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))[:32]
}
