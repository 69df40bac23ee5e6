package web

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/errs"
)

type suggestionJSON struct {
	Case   string  `json:"case"`
	Reason string  `json:"reason"`
	Detail string  `json:"detail"`
	Score  float64 `json:"score"`
}

type triageItemJSON struct {
	Document    documentJSON     `json:"document"`
	Suggestions []suggestionJSON `json:"suggestions"`
}

type triageJSON struct {
	Total int              `json:"total"`
	Items []triageItemJSON `json:"items"`
}

// handleTriage is the inbox of stored documents of the user's units that are in
// no case, with the cases suggested for each (?limit=&offset=).
func handleTriage(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var probs problems
		limit, offset := probs.page(r.URL.Query())
		if err := probs.err(); err != nil {
			respondError(w, r, logger, err)
			return
		}
		a := currentActor(r.Context())
		items, total, err := svc.Triage(r.Context(), a, limit, offset)
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		out := triageJSON{Total: total, Items: make([]triageItemJSON, 0, len(items))}
		for _, it := range items {
			// Service.Triage lists by unit scope only; a confidential document is
			// never shown to whom it would be hidden anywhere else.
			if err := svc.DocumentVisible(r.Context(), a, it.Document); err != nil {
				continue
			}
			item := triageItemJSON{Document: newDocumentJSON(shown(r, svc, a, it.Document)), Suggestions: make([]suggestionJSON, 0, len(it.Suggestions))}
			for _, sg := range it.Suggestions {
				item.Suggestions = append(item.Suggestions, suggestionJSON{Case: sg.CaseCode, Reason: sg.Reason, Detail: sg.Detail, Score: sg.Score})
			}
			out.Items = append(out.Items, item)
		}
		writeJSON(w, http.StatusOK, out)
	})
}

type linkRequest struct {
	Case string `json:"case"`
	Kind string `json:"kind"`
}

// handleDocumentLink puts a document into a case (optionally saying its kind); a
// stored document of a known kind moves the case (a quyết định thụ lý accepts it
// and starts its deadline).
func handleDocumentLink(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req linkRequest
		if err := decodeJSON(r, &req); err != nil {
			respondError(w, r, logger, err)
			return
		}
		code := strings.ToUpper(strings.TrimSpace(req.Case))
		if code == "" {
			respondError(w, r, logger, errs.Errorf(errs.Invalid, "cần mã hồ sơ (case is required)"))
			return
		}
		a := currentActor(r.Context())
		d, err := svc.Link(r.Context(), a, chi.URLParam(r, "id"), code, ingest.Kind(strings.TrimSpace(req.Kind)))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newDocumentJSON(shown(r, svc, a, d)))
	})
}

// handleDocumentUnlink takes a document out of its case (a wrong link).
func handleDocumentUnlink(logger *slog.Logger, svc *cases.Service) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := currentActor(r.Context())
		d, err := svc.Unlink(r.Context(), a, chi.URLParam(r, "id"))
		if err != nil {
			respondError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, newDocumentJSON(shown(r, svc, a, d)))
	})
}
