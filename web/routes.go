package web

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kntc/ingest"
)

// addRoutes declares every route of kntc.
func addRoutes(r chi.Router, logger *slog.Logger, cfg Config, deps Deps) {
	r.Use(middleware.Recoverer)
	r.Use(instrument(deps.Registry))

	r.Method("GET", "/healthz", handleHealthz(deps.Ready))
	r.Method("GET", "/metrics", promhttp.HandlerFor(deps.Registry, promhttp.HandlerOpts{Registry: deps.Registry}))

	r.Route("/api/v1", func(r chi.Router) {
		r.Method("POST", "/login", handleLogin(logger, deps.Accounts, newLoginLimiter(cfg.LoginLimit)))
		r.Group(func(r chi.Router) {
			r.Use(requireUser(logger, deps.Accounts))
			r.Method("POST", "/logout", handleLogout(logger, deps.Accounts))
			r.Method("GET", "/me", handleMe())
			r.Method("GET", "/documents", handleDocumentList(logger, deps.Accounts, deps.Documents))
			r.Method("POST", "/documents", handleDocumentUpload(logger, deps.Accounts, deps.Claim, deps.SpoolDir, deps.MaxUploadBytes))
			r.Method("GET", "/documents/{id}", handleDocumentGet(logger, deps.Accounts, deps.Documents))
			r.Method("GET", "/documents/{id}/pdf", handleDocumentFile(logger, deps.Accounts, deps.Documents, deps.Blobs, "pdf"))
			r.Method("GET", "/documents/{id}/original", handleDocumentFile(logger, deps.Accounts, deps.Documents, deps.Blobs, "original"))
			r.Method("GET", "/documents/{id}/text", handleDocumentText(logger, deps.Accounts, deps.Documents))
			r.Method("GET", "/search", handleSearch(logger, deps.Accounts, deps.Search))
		})
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		respondError(w, r, logger, fmt.Errorf("no route %s: %w", r.URL.Path, ingest.ErrNotFound))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, errorResponse{Error: "phương thức không được hỗ trợ (method not allowed)"})
	})
}
