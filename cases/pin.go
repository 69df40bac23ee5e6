package cases

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/alexedwards/argon2id"

	"kntc/internal/errs"
)

// argonPIN: the legacy verifier's parameters (pinkey.go): still what a service
// without a PIN key makes, and what old verifiers are checked with.
var argonPIN = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// PINDigits is the length of a citizen's lookup PIN.
const PINDigits = 8

func newPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(100_000_000))
	return fmt.Sprintf("%08d", n.Int64())
}

// Lookup is the citizen's view of a case: code and PIN must match; any mismatch is
// ErrNotFound after the same work (one verifier check, against a made-up verifier
// for an unknown code: checkPIN), so neither the answer nor its time tells a wrong
// PIN from a wrong code. A right PIN against a legacy (argon2id) verifier replaces
// it with the keyed one.
func (s *Service) Lookup(ctx context.Context, code, pin string) (Case, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	pin = strings.TrimSpace(pin)
	hash := ""
	var c Case
	if ValidCode(code) {
		var err error
		c, err = s.Store.CaseByCode(ctx, code)
		if err != nil && !errors.Is(err, errs.ErrNotFound) {
			return Case{}, err
		}
		if err == nil && c.PINHash != "" {
			hash = c.PINHash
		} else {
			c = Case{}
		}
	}
	ok, rehash := s.checkPIN(pin, hash)
	if !ok || c.ID == 0 {
		return Case{}, notFound("case")
	}
	if rehash {
		s.rehash(ctx, func(r PINRehasher, v string) error { return r.RehashCasePIN(ctx, c.ID, hash, v) }, pin)
	}
	return c, nil
}

// ResetPIN issues a new lookup PIN (the citizen lost theirs).
func (s *Service) ResetPIN(ctx context.Context, a Actor, code string) (string, error) {
	if err := a.require(PermCaseWrite); err != nil {
		return "", err
	}
	c, err := s.visibleCase(ctx, a, code)
	if err != nil {
		return "", err
	}
	pin := newPIN()
	if c.PINHash, err = s.newPINVerifier(pin); err != nil {
		return "", err
	}
	return pin, s.updateCase(ctx, a, &c, nil, ActionUpdate, "pin reset")
}
