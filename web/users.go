package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"kntc/auth"
	"kntc/cases"
)

// requireAdministrator lets only administrators through: accounts and units are
// theirs (and not the case content, which the case system keeps from them).
func requireAdministrator(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := currentUser(r.Context()); u.Role != auth.RoleAdministrator {
			respondError(w, r, logger, fmt.Errorf("chỉ quản trị viên quản lý tài khoản (only administrators manage accounts): %w", cases.ErrForbidden))
			return
		}
		next.ServeHTTP(w, r)
	})
}

type userListJSON struct {
	Users []userResponse `json:"users"`
}

// handleUserList lists every account with its id (assigning a handler and
// granting a secret name users by id).
func handleUserList(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		users, err := accounts.Store.Users(r.Context())
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := userListJSON{Users: make([]userResponse, 0, len(users))}
		for _, u := range users {
			out.Users = append(out.Users, newUserResponse(u))
		}
		writeJSON(w, http.StatusOK, out)
	})
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
		unitID := func(field, code string) int64 {
			if code = strings.TrimSpace(code); code == "" {
				return 0
			}
			unit, err := accounts.Store.UnitByCode(r.Context(), code)
			if err != nil {
				probs.add("%s: đơn vị %q không tồn tại (unknown unit)", field, code)
				return 0
			}
			return unit.ID
		}
		if u.UnitID = unitID("unit", req.Unit); req.Unit == "" {
			probs.add("unit: cần mã đơn vị (the unit code is required)")
		}
		u.ScopeUnitID = unitID("scope", req.Scope)
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if err := accounts.AddUser(r.Context(), &u, req.Password); err != nil {
			respondError(w, r, logger, err)
			return
		}
		logger.InfoContext(r.Context(), "user created", "user_id", u.ID, "by", currentUser(r.Context()).ID)
		writeJSON(w, http.StatusCreated, newUserResponse(u))
	})
}
