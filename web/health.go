package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
)

// HealthHandler is /healthz for a process serving no pages (kntc serve --role
// worker): see handleHealthz.
func HealthHandler(ready func(ctx context.Context) error, dirs []string, minFree int64) http.Handler {
	return handleHealthz(ready, dirs, minFree)
}

// handleHealthz answers 200 "ok" when ready and every directory of dirs has at
// least minFree bytes free, 503 with the reason otherwise.
func handleHealthz(ready func(ctx context.Context) error, dirs []string, minFree int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		w.Header().Set("Cache-Control", "no-store")
		if ready != nil {
			if err := ready(ctx); err != nil {
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()})
				return
			}
		}
		if err := checkDisk(ctx, dirs, minFree); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// checkDisk reports the directories of dirs with less than minFree bytes free
// (every one of them, by name: the operator reading /healthz must know which
// disk to clear). A hot folder on a network share that does not answer is given
// up on when ctx ends, and reported.
func checkDisk(ctx context.Context, dirs []string, minFree int64) error {
	if minFree <= 0 || len(dirs) == 0 {
		return nil
	}
	type result struct {
		free uint64
		err  error
	}
	done := make(chan []result, 1)
	go func() {
		out := make([]result, len(dirs))
		for i, d := range dirs {
			out[i].free, out[i].err = freeBytes(d)
		}
		done <- out
	}()
	var res []result
	select {
	case res = <-done:
	case <-ctx.Done():
		return fmt.Errorf("không đo được dung lượng đĩa trống (checking free disk space timed out): %w", ctx.Err())
	}
	var probs []string
	for i, r := range res {
		switch {
		case errors.Is(r.err, errors.ErrUnsupported):
		case r.err != nil:
			probs = append(probs, fmt.Sprintf("%s: %v", dirs[i], r.err))
		case r.free < uint64(minFree):
			probs = append(probs, fmt.Sprintf("%s: còn trống (free) %s, cần ít nhất (needs at least) %s", dirs[i], sizeText(int64(r.free)), sizeText(minFree)))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("đĩa sắp đầy (disk nearly full): %s", strings.Join(probs, "; "))
	}
	return nil
}

// instrument counts requests and their durations by route pattern (not raw path, so
// document IDs do not explode the label set).
func instrument(reg *prometheus.Registry) func(http.Handler) http.Handler {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kntc_http_requests_total",
		Help: "HTTP requests by method, route and status code.",
	}, []string{"method", "route", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kntc_http_request_duration_seconds",
		Help:    "HTTP request durations by method and route.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route"})
	reg.MustRegister(requests, duration)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(sw, r)
			route := "unmatched"
			if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
				route = rc.RoutePattern()
			}
			requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
			duration.WithLabelValues(r.Method, route).Observe(time.Since(start).Seconds())
		})
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
