package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"kntc/auth"
)

// unitJSON is a unit of the tree: its parent by ID and code (0 and "" for the
// root) and its depth below the root.
type unitJSON struct {
	ID        int64      `json:"id"`
	Code      string     `json:"code"`
	Name      string     `json:"name"`
	Level     auth.Level `json:"level"`
	ParentID  int64      `json:"parent_id"`
	Parent    string     `json:"parent"`
	Depth     int        `json:"depth"`
	CreatedAt time.Time  `json:"created_at"`
}

// newUnitJSON shows u, placed in the tree units.
func newUnitJSON(u auth.Unit, units []auth.Unit) unitJSON {
	byID := make(map[int64]auth.Unit, len(units))
	for _, x := range units {
		byID[x.ID] = x
	}
	depth := 0
	for p := u.ParentID; p != 0 && depth <= len(units); p = byID[p].ParentID {
		depth++
	}
	return unitJSON{ID: u.ID, Code: u.Code, Name: u.Name, Level: u.Level, ParentID: u.ParentID,
		Parent: byID[u.ParentID].Code, Depth: depth, CreatedAt: u.CreatedAt}
}

// writeUnit answers with one unit.
func writeUnit(w http.ResponseWriter, r *http.Request, logger *slog.Logger, accounts *auth.Service, status int, u auth.Unit) {
	units, err := accounts.Store.Units(r.Context())
	if err != nil {
		respondError(w, r, logger, err)
		return
	}
	writeJSON(w, status, newUnitJSON(u, units))
}

type unitListJSON struct {
	Units []unitJSON `json:"units"`
}

// handleUnitList lists the unit tree depth first: each unit after its parent,
// with its parent and depth, as `kntc unit list` prints it.
func handleUnitList(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		units, err := accounts.Store.Units(r.Context())
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		byID := make(map[int64]auth.Unit, len(units))
		for _, u := range units {
			byID[u.ID] = u
		}
		out := unitListJSON{Units: make([]unitJSON, 0, len(units))}
		for _, root := range units {
			if root.ParentID != 0 {
				continue
			}
			for _, id := range auth.Subtree(units, root.ID) {
				out.Units = append(out.Units, newUnitJSON(byID[id], units))
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
}

type unitCreateRequest struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Level  auth.Level `json:"level"`
	Parent string     `json:"parent"` // code (or ID); empty only for the root
}

// handleUnitCreate adds a unit under its parent (201 with the unit).
func handleUnitCreate(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req unitCreateRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		var probs problems
		u := auth.Unit{Code: req.Code, Name: req.Name, Level: req.Level}
		if strings.TrimSpace(req.Parent) != "" {
			u.ParentID = probs.unitRef(r, accounts, "parent", req.Parent)
		}
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if err := accounts.AddUnit(r.Context(), &u); err != nil {
			respondError(w, r, logger, err)
			return
		}
		logger.InfoContext(r.Context(), "unit created", "unit", u.Code, "by", currentUser(r.Context()).ID)
		w.Header().Set("Location", "/api/v1/units/"+u.Code)
		writeUnit(w, r, logger, accounts, http.StatusCreated, u)
	})
}

// handleUnitGet returns one unit, by code or ID.
func handleUnitGet(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := unitByRef(r, accounts, chi.URLParam(r, "unit"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeUnit(w, r, logger, accounts, http.StatusOK, u)
	})
}

type unitPatchRequest struct {
	Name string `json:"name"`
}

// handleUnitPatch renames a unit; its code, which hot folders and the audit trail
// name it by, stays.
func handleUnitPatch(logger *slog.Logger, accounts *auth.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := unitByRef(r, accounts, chi.URLParam(r, "unit"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		var req unitPatchRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		if u, err = accounts.RenameUnit(r.Context(), u.ID, req.Name); err != nil {
			respondError(w, r, logger, err)
			return
		}
		logger.InfoContext(r.Context(), "unit renamed", "unit", u.Code, "by", currentUser(r.Context()).ID)
		writeUnit(w, r, logger, accounts, http.StatusOK, u)
	})
}
