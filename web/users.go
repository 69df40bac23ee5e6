package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/auth"
	"kntc/internal/errs"
)

// requireAdministrator lets only administrators through: accounts and units are
// theirs (and not the case content, which the case system keeps from them).
func requireAdministrator(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := currentUser(r.Context()); u.Role != auth.RoleAdministrator {
			respondError(w, r, logger, errs.Errorf(errs.Forbidden, "chỉ quản trị viên quản lý tài khoản và đơn vị (only administrators manage accounts and units)"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// userJSON is an account as administrators see it: with the codes of its unit and
// scope beside their IDs. The password hash never leaves the server.
type userJSON struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	FullName    string    `json:"full_name"`
	Role        auth.Role `json:"role"`
	RoleLabel   string    `json:"role_label"`
	UnitID      int64     `json:"unit_id"`
	Unit        string    `json:"unit"`
	ScopeUnitID int64     `json:"scope_unit_id"`
	Scope       string    `json:"scope"`
	Disabled    bool      `json:"disabled"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// unitCodes maps unit IDs to codes.
func unitCodes(r *http.Request, accounts *auth.Service) (map[int64]string, error) {
	units, err := accounts.Store.Units(r.Context())
	if err != nil {
		return nil, err
	}
	codes := make(map[int64]string, len(units))
	for _, u := range units {
		codes[u.ID] = u.Code
	}
	return codes, nil
}

func newUserJSON(u auth.User, codes map[int64]string) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, FullName: u.FullName, Role: u.Role, RoleLabel: u.Role.Label(),
		UnitID: u.UnitID, Unit: codes[u.UnitID], ScopeUnitID: u.ScopeUnitID, Scope: codes[u.ScopeUnitID],
		Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// writeUser answers with one account.
func writeUser(w http.ResponseWriter, r *http.Request, logger *slog.Logger, accounts *auth.Service, status int, u auth.User) {
	codes, err := unitCodes(r, accounts)
	if err != nil {
		respondError(w, r, logger, err)
		return
	}
	writeJSON(w, status, newUserJSON(u, codes))
}

type userListJSON struct {
	Users []userJSON `json:"users"`
}

// handleUserList lists every account with its id (assigning a handler and
// granting a secret name users by id or username).
func handleUserList(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		users, err := accounts.Store.Users(r.Context())
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		codes, err := unitCodes(r, accounts)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := userListJSON{Users: make([]userJSON, 0, len(users))}
		for _, u := range users {
			out.Users = append(out.Users, newUserJSON(u, codes))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// unitRef reads a unit given by code or ID for an account field; an unknown unit
// is a problem.
func (p *problems) unitRef(r *http.Request, accounts *auth.Service, field, ref string) int64 {
	u, err := unitByRef(r, accounts, ref)
	if err != nil {
		p.add(field, "%s: đơn vị %q không tồn tại (unknown unit)", field, strings.TrimSpace(ref))
		return 0
	}
	return u.ID
}

// unitByRef finds a unit by code, or by ID in digits.
func unitByRef(r *http.Request, accounts *auth.Service, ref string) (auth.Unit, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 {
		if u, err := accounts.Store.Unit(r.Context(), id); err == nil || !errors.Is(err, errs.ErrNotFound) {
			return u, err
		}
	}
	u, err := accounts.Store.UnitByCode(r.Context(), ref)
	if err != nil {
		return auth.Unit{}, fmt.Errorf("đơn vị %q (unit): %w", ref, err)
	}
	return u, nil
}

type userCreateRequest struct {
	Username string    `json:"username"`
	FullName string    `json:"full_name"`
	Role     auth.Role `json:"role"`
	Unit     string    `json:"unit"`  // code
	Scope    string    `json:"scope"` // code; the unit when empty
	Password string    `json:"password"`
}

// handleUserCreate adds an account (201 with the user).
func handleUserCreate(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req userCreateRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		u := auth.User{Username: req.Username, FullName: req.FullName, Role: req.Role}
		if strings.TrimSpace(req.Unit) == "" {
			probs.add("unit", "unit: cần mã đơn vị (the unit code is required)")
		} else {
			u.UnitID = probs.unitRef(r, accounts, "unit", req.Unit)
		}
		if strings.TrimSpace(req.Scope) != "" {
			u.ScopeUnitID = probs.unitRef(r, accounts, "scope", req.Scope)
		}
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if err := accounts.AddUser(r.Context(), &u, req.Password); err != nil {
			respondError(w, r, logger, err)
			return
		}
		logger.InfoContext(r.Context(), "user created", "user_id", u.ID, "by", currentUser(r.Context()).ID)
		w.Header().Set("Location", "/api/v1/users/"+u.Username)
		writeUser(w, r, logger, accounts, http.StatusCreated, u)
	})
}

// pathUser is the account the {user} of the path names, by username or id.
func pathUser(r *http.Request, accounts *auth.Service) (auth.User, error) {
	return accounts.UserByRef(r.Context(), chi.URLParam(r, "user"))
}

// handleUserGet returns one account.
func handleUserGet(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := pathUser(r, accounts)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeUser(w, r, logger, accounts, http.StatusOK, u)
	})
}

// userPatchRequest changes an account; absent fields stay. unit and scope are
// codes (or IDs); a user whose scope is their unit keeps it so when moved.
type userPatchRequest struct {
	FullName *string    `json:"full_name"`
	Role     *auth.Role `json:"role"`
	Unit     *string    `json:"unit"`
	Scope    *string    `json:"scope"`
	Disabled *bool      `json:"disabled"`
}

// handleUserPatch disables or enables an account, changes its role, unit, scope
// or full name. Disabling revokes the user's tokens; the last active
// administrator cannot be disabled or demoted (409).
func handleUserPatch(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := pathUser(r, accounts)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		var req userPatchRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		p := auth.UserPatch{FullName: req.FullName, Role: req.Role, Disabled: req.Disabled}
		if req.Unit != nil {
			id := probs.unitRef(r, accounts, "unit", *req.Unit)
			p.UnitID = &id
		}
		if req.Scope != nil {
			id := probs.unitRef(r, accounts, "scope", *req.Scope)
			p.ScopeUnitID = &id
		}
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		u, err = accounts.ChangeUser(r.Context(), u.ID, p)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		logger.InfoContext(r.Context(), "user changed", "user_id", u.ID, "by", currentUser(r.Context()).ID)
		writeUser(w, r, logger, accounts, http.StatusOK, u)
	})
}

type passwordRequest struct {
	Password string `json:"password"`
}

// passwordJSON answers a password reset: the password only when the server made
// it, shown this once.
type passwordJSON struct {
	User     userJSON `json:"user"`
	Password string   `json:"password,omitempty"`
}

// handleUserPassword sets an account's password (generated when the body gives
// none) and revokes every token the user holds.
func handleUserPassword(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := pathUser(r, accounts)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		var req passwordRequest
		if err := decodeOptionalJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		pw, generated, err := accounts.ResetPassword(r.Context(), u.ID, req.Password)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		if u, err = accounts.Store.User(r.Context(), u.ID); err != nil {
			respondError(w, r, logger, err)
			return
		}
		codes, err := unitCodes(r, accounts)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := passwordJSON{User: newUserJSON(u, codes)}
		if generated {
			out.Password = pw
		}
		logger.InfoContext(r.Context(), "password reset", "user_id", u.ID, "by", currentUser(r.Context()).ID, "generated", generated)
		writeJSON(w, http.StatusOK, out)
	})
}

// userParam reads a user named by username or ID in a filter: digits are taken as
// an ID as they are (a filter on a missing user matches nothing), a username is
// looked up and an unknown one is a problem.
func (p *problems) userParam(r *http.Request, accounts *auth.Service, name, s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 1 {
			p.add(name, "%s: phải là số nguyên dương hoặc tên đăng nhập (must be a positive whole number or a username)", name)
		}
		return n
	}
	return p.userRef(r, accounts, name, s)
}

// userRef reads a user named by username (or ID) in a request body; an unknown
// one is a problem.
func (p *problems) userRef(r *http.Request, accounts *auth.Service, name, s string) int64 {
	u, err := accounts.UserByRef(r.Context(), s)
	if err != nil {
		p.add(name, "%s: tài khoản %q không tồn tại (unknown user)", name, strings.TrimSpace(s))
		return 0
	}
	return u.ID
}

// handlerOf is the handler a request names by handler_id or by handler (a
// username); naming two different users is a problem.
func (p *problems) handlerOf(r *http.Request, accounts *auth.Service, id int64, username string) int64 {
	if strings.TrimSpace(username) == "" {
		return id
	}
	byName := p.userRef(r, accounts, "handler", username)
	if id != 0 && byName != 0 && id != byName {
		p.add("handler", "handler và handler_id chỉ hai người khác nhau (handler and handler_id name different users)")
	}
	return byName
}
