package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type loginResponse struct {
	Token string       `json:"token"`
	User  userResponse `json:"user"`
}

type userResponse struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	FullName    string    `json:"full_name"`
	Role        auth.Role `json:"role"`
	UnitID      int64     `json:"unit_id"`
	ScopeUnitID int64     `json:"scope_unit_id"`
}

func newUserResponse(u auth.User) userResponse {
	return userResponse{ID: u.ID, Username: u.Username, FullName: u.FullName, Role: u.Role, UnitID: u.UnitID, ScopeUnitID: u.ScopeUnitID}
}

// handleLogin checks a username and password and returns a bearer token. Failed
// attempts are limited (loginLimiter): per username and client address, per
// address, and per username only by a pause, so that guessing from many addresses
// cannot lock the real user out. Successful logins count against nothing.
func handleLogin(logger *slog.Logger, accounts *auth.Service, limiter *loginLimiter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req loginRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		name := strings.ToLower(strings.TrimSpace(req.Username))
		ip := clientIP(r)
		if wait, refused := limiter.refused(name, ip); refused {
			logger.WarnContext(r.Context(), "login rate limited", "username", name, "client_ip", ip)
			w.Header().Set("Retry-After", retryAfter(wait))
			writeJSON(w, http.StatusTooManyRequests, errorResponse{Error: "đăng nhập sai quá nhiều lần, vui lòng thử lại sau một phút (too many failed logins, try again in a minute)"})
			return
		}
		if name == "" || req.Password == "" {
			respondError(w, r, logger, errs.Errorf(errs.Invalid, "cần tên đăng nhập và mật khẩu (username and password are required)"))
			return
		}
		if err := pause(r.Context(), limiter.delay(name)); err != nil {
			return // the client has gone
		}
		token, u, err := accounts.Login(r.Context(), name, req.Password)
		if err != nil {
			if errors.Is(err, auth.ErrBadCredentials) {
				limiter.failed(name, ip)
			}
			respondError(w, r, logger, err)
			return
		}
		limiter.succeeded(name, ip)
		logger.InfoContext(r.Context(), "login", "user_id", u.ID, "username", u.Username, "client_ip", ip)
		writeJSON(w, http.StatusOK, loginResponse{Token: token, User: newUserResponse(u)})
	})
}

func handleLogout(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := accounts.Logout(r.Context(), bearer(r)); err != nil {
			respondError(w, r, logger, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func handleMe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, newUserResponse(currentUser(r.Context())))
	})
}

type ctxKey int

const (
	userKey ctxKey = iota + 1
	actorKey
)

// requireUser lets a request through only with a valid bearer token, and puts the
// user in the request's context.
func requireUser(logger *slog.Logger, accounts *auth.Service) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, err := accounts.Authenticate(r.Context(), bearer(r))
			if err != nil {
				if errors.Is(err, errs.ErrNotFound) {
					err = errs.ErrUnauthorized
				}
				respondError(w, r, logger, err)
				return
			}
			// The user is also who the audit trail records for account changes.
			ctx := auth.WithActingUser(context.WithValue(r.Context(), userKey, u), u)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

func currentUser(ctx context.Context) auth.User {
	u, _ := ctx.Value(userKey).(auth.User)
	return u
}

// requireActor puts the logged-in user's actor of the case system (role and unit
// scope, computed once per request) in the request's context; it runs after
// requireUser.
func requireActor(logger *slog.Logger, accounts *auth.Service) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a, err := cases.ActorFor(r.Context(), accounts, currentUser(r.Context()))
			if err != nil {
				respondError(w, r, logger, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey, a)))
		})
	}
}

// currentActor is the request's actor; a request that did not pass requireActor
// gets an actor with no role and an empty scope, who may do and see nothing.
func currentActor(ctx context.Context) cases.Actor {
	a, ok := ctx.Value(actorKey).(cases.Actor)
	if !ok {
		return cases.Actor{UnitIDs: []int64{}, Scope: auth.Scope{Codes: []string{}}}
	}
	return a
}

func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}
