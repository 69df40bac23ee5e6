// Package web is kntc's HTTP face: the chi router, the JSON API (v1), and later the
// staff pages and the public portal. Every route is declared in routes.go; handlers
// are makers that take what they need and return an http.Handler.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
	"kntc/internal/reqid"
)

// Config is what the web layer needs from kntc's configuration.
type Config struct {
	// LoginLimit is how many failed logins one username may have from one client
	// address per minute (and three times as many one address may have for any
	// usernames) before that address is refused for the rest of the minute. A
	// username failing LoginLimit times a minute from anywhere only slows its
	// logins (LoginDelayCap); a right password clears that. 0 means 10.
	LoginLimit int
	// LoginDelayCap is the longest pause put before a login of a username under
	// attack. 0 means 2 s.
	LoginDelayCap time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the
	// client; from any other peer the header is ignored.
	TrustedProxies []netip.Prefix
	// PortalLimit is how many failed case lookups (wrong code or PIN) the
	// citizens' portal takes for one code from one client address in
	// PortalWindow; one address may fail 3× as many over all codes, and one
	// code 10× as many from all addresses (so locking a citizen's code out
	// needs at least ten addresses). 0 means 5.
	PortalLimit int
	// PortalWindow is the portal's lockout window. 0 means 15 min.
	PortalWindow time.Duration
	// Clock is the login and portal limiters' clock; nil means time.Now.
	Clock func() time.Time

	// BodyTimeout is how long a request may take to send a JSON body (and the
	// grace every upload gets before its minimum rate counts). 0 means 30 s.
	BodyTimeout time.Duration
	// UploadMinRate is the slowest an upload may send its body, in bytes per
	// second on average since it began; a slower one is cut off (408). 0 means
	// 32 KiB/s.
	UploadMinRate int64
	// MaxUploads is how many uploads may send their bodies at once; MaxBodies
	// how many requests of any kind. Beyond them a request is answered 503 with
	// Retry-After at once instead of holding a connection. 0 means 4 and 64.
	MaxUploads, MaxBodies int

	// MetricsToken, when set, serves /metrics on this server to requests with
	// "Authorization: Bearer MetricsToken". Without it /metrics answers 404
	// here (MetricsHandler serves it on a separate address).
	MetricsToken string
	// HSTS adds Strict-Transport-Security to every answer: set it when kntc is
	// reached over https (native TLS, or a base URL that is https).
	HSTS bool
	// Version is shown on the home page.
	Version string
}

func (c *Config) defaults() {
	if c.LoginLimit <= 0 {
		c.LoginLimit = 10
	}
	if c.LoginDelayCap <= 0 {
		c.LoginDelayCap = 2 * time.Second
	}
	if c.PortalLimit <= 0 {
		c.PortalLimit = 5
	}
	if c.PortalWindow <= 0 {
		c.PortalWindow = 15 * time.Minute
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.BodyTimeout <= 0 {
		c.BodyTimeout = 30 * time.Second
	}
	if c.UploadMinRate <= 0 {
		c.UploadMinRate = 32 << 10
	}
	if c.MaxUploads <= 0 {
		c.MaxUploads = 4
	}
	if c.MaxBodies <= 0 {
		c.MaxBodies = 64
	}
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
	Ready func(ctx context.Context) error
	// DiskDirs are the directories /healthz checks for free space (the data
	// directory, the spool, the hot folders); below MinFreeDisk bytes free in any
	// of them it answers 503. MinFreeDisk 0 checks nothing.
	DiskDirs    []string
	MinFreeDisk int64
	Registry    *prometheus.Registry
	// Quarantine holds the files the pipeline could not take (the ingestion page
	// lists them, retries or discards them); HotFolders are the folders scanners
	// write into, whose last activity it shows.
	Quarantine *ingest.Quarantine
	HotFolders []string
}

// NewServer returns the whole HTTP handler.
func NewServer(logger *slog.Logger, cfg Config, deps Deps) http.Handler {
	cfg.defaults()
	logger = slog.New(reqid.Handler(logger.Handler())) // request_id on every line of a request
	r := chi.NewRouter()
	addRoutes(r, logger, cfg, deps)
	return r
}
