package auth

import (
	"context"
	"fmt"
	"time"

	"kntc/internal/errs"
)

// Session is a browser session of the staff pages. The cookie holds a random
// token; only its SHA-256 (Hash) is stored, so a session is revoked by deleting
// its row (logout, a new password, a disabled account).
type Session struct {
	Hash       string // hex SHA-256 of the cookie's token
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time // the idle expiry counts from here
	ExpiresAt  time.Time // the absolute expiry
}

// Default lifetimes of a session: a clerk who leaves the office PC for an hour
// finds it signed out; nobody stays signed in longer than a working day.
const (
	DefaultSessionIdle = time.Hour
	DefaultSessionMax  = 12 * time.Hour
)

// touchEvery is how stale LastSeenAt may get before a request writes it again:
// one write a minute per session, not one per page.
const touchEvery = time.Minute

func (s *Service) sessionIdle() time.Duration {
	if s.SessionIdle > 0 {
		return s.SessionIdle
	}
	return DefaultSessionIdle
}

func (s *Service) sessionMax() time.Duration {
	if s.SessionMax > 0 {
		return s.SessionMax
	}
	return DefaultSessionMax
}

// CheckCredentials returns the user a username and password belong to. Every
// kind of refusal (unknown user, wrong password, disabled account) is
// ErrBadCredentials, and an unknown user costs as much time as a wrong password.
func (s *Service) CheckCredentials(ctx context.Context, username, password string) (User, error) {
	return s.checkCredentials(ctx, username, password)
}

// StartSession checks a username and password, as Login does, and starts a
// browser session: it returns the cookie's token (shown once, stored hashed).
func (s *Service) StartSession(ctx context.Context, username, password string) (string, User, error) {
	u, err := s.checkCredentials(ctx, username, password)
	if err != nil {
		return "", User{}, err
	}
	token, err := s.startSession(ctx, u.ID)
	if err != nil {
		return "", User{}, err
	}
	return token, u, nil
}

func (s *Service) startSession(ctx context.Context, userID int64) (string, error) {
	token := "kntcs_" + NewSecret(32)
	now := s.now().UTC()
	err := s.Store.CreateSession(ctx, Session{Hash: HashToken(token), UserID: userID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.sessionMax())})
	if err != nil {
		return "", fmt.Errorf("start session of user %d: %w", userID, err)
	}
	return token, nil
}

// SessionUser returns the user of a live session: known, not idle longer than
// SessionIdle, not older than SessionMax, its user not disabled. Anything else is
// an error wrapping errs.ErrNotFound (and an expired session is deleted). It
// records the activity that keeps the session alive.
func (s *Service) SessionUser(ctx context.Context, token string) (User, error) {
	if token == "" {
		return User{}, fmt.Errorf("no session: %w", errs.ErrNotFound)
	}
	hash := HashToken(token)
	ses, u, err := s.Store.Session(ctx, hash)
	if err != nil {
		return User{}, fmt.Errorf("session: %w", err)
	}
	now := s.now().UTC()
	if !now.Before(ses.ExpiresAt) || now.Sub(ses.LastSeenAt) >= s.sessionIdle() {
		_ = s.Store.DeleteSession(ctx, hash) // it is dead either way
		return User{}, fmt.Errorf("session expired: %w", errs.ErrNotFound)
	}
	if u.Disabled {
		return User{}, fmt.Errorf("session: account disabled: %w", errs.ErrNotFound)
	}
	if now.Sub(ses.LastSeenAt) >= touchEvery {
		if err := s.Store.TouchSession(ctx, hash, now); err != nil {
			return User{}, fmt.Errorf("touch session: %w", err)
		}
	}
	return u, nil
}

// EndSession revokes a session (logout); an unknown one is no error.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.Store.DeleteSession(ctx, HashToken(token))
}

// ChangeOwnPassword sets user u's password after checking the current one
// (ErrBadCredentials when wrong). Like every password change it revokes every
// token and session of the user; it returns a new session token so that the
// browser that made the change stays signed in.
func (s *Service) ChangeOwnPassword(ctx context.Context, u User, current, next string) (string, error) {
	stored, err := s.Store.User(ctx, u.ID)
	if err != nil {
		return "", fmt.Errorf("change password of user %d: %w", u.ID, err)
	}
	if stored.Disabled || !CheckPassword(stored.PasswordHash, current) {
		return "", ErrBadCredentials
	}
	if err := s.SetPassword(ctx, u.ID, next); err != nil {
		return "", err
	}
	return s.startSession(ctx, u.ID)
}
