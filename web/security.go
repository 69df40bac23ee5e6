package web

import (
	"crypto/subtle"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"kntc/internal/errs"
)

// apiCSP is the Content-Security-Policy of the JSON API: nothing may load and no
// page may frame it.
const apiCSP = "default-src 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries. They are set before the
// handler runs, so a handler that serves HTML (the staff pages, later) sets its
// own Content-Security-Policy with w.Header().Set before writing, and that wins.
func securityHeaders(hsts bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "no-referrer")
			h.Set("Content-Security-Policy", apiCSP)
			if hsts || r.TLS != nil {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// MetricsHandler serves the Prometheus text of reg. With a token, only requests
// with "Authorization: Bearer token" get it; the others get 401. An empty token serves everyone: use it only on a listener of its
// own that only the monitoring can reach (KNTC_METRICS_ADDR).
func MetricsHandler(reg *prometheus.Registry, token string) http.Handler {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	if token == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(bearer(r)), []byte(token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="kntc metrics"`)
			writeJSON(w, http.StatusUnauthorized, errorResponse{Error: errs.ErrUnauthorized.Message})
			return
		}
		h.ServeHTTP(w, r)
	})
}
