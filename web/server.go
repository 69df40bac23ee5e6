// Package web is kntc's HTTP face: the chi router, the JSON API (v1), and later the
// staff pages and the public portal. Every route is declared in routes.go; handlers
// are makers that take what they need and return an http.Handler.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"
	"github.com/prometheus/client_golang/prometheus"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
)

// Config is what the web layer needs from kntc's configuration.
type Config struct {
	// LoginLimit is how many login attempts one client address, and separately one
	// username, may make per minute. 0 means 10.
	LoginLimit int
}

// Deps are the services the handlers use.
type Deps struct {
	Accounts *auth.Service
	// Cases is the case system; every case endpoint and every document read goes
	// through it (role, unit scope, confidential documents, the audit trail).
	Cases     *cases.Service
	Documents ingest.DocumentStore
	Blobs     ingest.BlobStore
	// Claim takes uploads into the pipeline; SpoolDir is where uploads are written
	// first (the same file system as the spool, so the claim is a rename).
	Claim          Claimer
	SpoolDir       string
	MaxUploadBytes int64
	Search         Searcher
	// Ready reports whether the server can serve (database reachable, …); /healthz
	// answers 503 with the error while it fails.
	Ready    func(ctx context.Context) error
	Registry *prometheus.Registry
}

// NewServer returns the whole HTTP handler.
func NewServer(logger *slog.Logger, cfg Config, deps Deps) http.Handler {
	if cfg.LoginLimit <= 0 {
		cfg.LoginLimit = 10
	}
	r := chi.NewRouter()
	addRoutes(r, logger, cfg, deps)
	return r
}

func newLoginLimiter(perMinute int) *httprate.RateLimiter {
	return httprate.NewRateLimiter(perMinute, time.Minute)
}
