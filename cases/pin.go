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

// argonPIN: a PIN is short, so its hash must be slow; the portal also limits tries.
var argonPIN = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// PINDigits is the length of a citizen's lookup PIN.
const PINDigits = 8

func newPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(100_000_000))
	return fmt.Sprintf("%08d", n.Int64())
}

// Lookup is the citizen's view of a case: code and PIN must match; any mismatch is
// ErrNotFound after the same work (one argon2id comparison, against a dummy hash
// for an unknown code), so neither the answer nor its time tells a wrong PIN from
// a wrong code.
func (s *Service) Lookup(ctx context.Context, code, pin string) (Case, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	pin = strings.TrimSpace(pin)
	hash := dummyPINHash()
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
	ok, err := argon2id.ComparePasswordAndHash(pin, hash)
	if !ok || err != nil || c.ID == 0 {
		return Case{}, notFound("case")
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
	if c.PINHash, err = argon2id.CreateHash(pin, argonPIN); err != nil {
		return "", err
	}
	return pin, s.updateCase(ctx, a, &c, nil, ActionUpdate, "pin reset")
}
