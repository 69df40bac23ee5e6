package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"kntc/internal/errs"
)

// errBodyTimeout: the client did not send its body in time (408).
var errBodyTimeout = errs.Errorf(errs.Timeout, "gửi dữ liệu quá chậm, yêu cầu bị ngắt (request body sent too slowly)")

// errTooLarge is the 413 of an upload over the limit of max bytes.
func errTooLarge(max int64) error {
	return errs.Errorf(errs.TooLarge, "tệp quá lớn, tối đa %s (file too large: at most %d bytes)", sizeText(max), max)
}

// bodyReadError classifies an error met reading a request body: a deadline is a
// 408, a body over http.MaxBytesReader's limit a 413 (of max bytes), anything
// else (a truncated or malformed body) nil, for the caller to call invalid.
func bodyReadError(err error, max int64) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return errBodyTimeout
	case errors.As(err, &mbe):
		return errTooLarge(max)
	}
	return nil
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// hasBody reports whether a request comes with a body to read.
func hasBody(r *http.Request) bool {
	return r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0
}

// limitBodies bounds what request bodies may cost: each must arrive within
// timeout (a per-request read deadline; uploads get theirs from uploadGate), and
// at most max are read at once. A request beyond that is answered 503 with
// Retry-After at once: a crowd of slow senders cannot hold every connection. A
// slot is given back as soon as the body is read to its end, or the handler
// returns.
func limitBodies(max int, timeout time.Duration) func(http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !hasBody(r) {
				next.ServeHTTP(w, r)
				return
			}
			select {
			case slots <- struct{}{}:
			default:
				busy(w, "máy chủ đang nhận quá nhiều yêu cầu, vui lòng thử lại sau (too many requests in progress, try again later)")
				return
			}
			body := &slotBody{ReadCloser: r.Body, release: func() { <-slots }}
			defer body.done()
			// Not supported by every ResponseWriter (httptest's recorder): the
			// server's own ReadHeaderTimeout and this cap still hold.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(timeout))
			r.Body = body
			next.ServeHTTP(w, r)
		})
	}
}

// busy answers 503 with Retry-After and closes the connection.
func busy(w http.ResponseWriter, msg string) {
	w.Header().Set("Retry-After", "5")
	w.Header().Set("Connection", "close")
	writeJSON(w, http.StatusServiceUnavailable, errorResponse{Error: msg})
}

// slotBody gives its slot back once the body is read to its end or fails.
type slotBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *slotBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.done()
	}
	return n, err
}

func (b *slotBody) done() { b.once.Do(b.release) }

// uploadGate admits at most max uploads at once (503 beyond) and holds each to a
// minimum rate: the body must have arrived at minRate bytes per second on average,
// after a grace period, or its read fails with a deadline (408). The deadline
// moves on as bytes arrive, so a large upload on a slow but honest line finishes,
// and a trickle is cut off whatever the size limit.
func uploadGate(max int, grace time.Duration, minRate int64) func(http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case slots <- struct{}{}:
			default:
				busy(w, "đang có quá nhiều tệp được tải lên cùng lúc, vui lòng thử lại sau (too many uploads in progress, try again later)")
				return
			}
			defer func() { <-slots }()
			rc := http.NewResponseController(w)
			start := time.Now()
			if err := rc.SetReadDeadline(start.Add(grace)); err == nil {
				r.Body = &rateBody{ReadCloser: r.Body, rc: rc, start: start, grace: grace, rate: minRate}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// rateBody moves the read deadline on by 1/rate seconds for every byte read.
type rateBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	grace time.Duration
	rate  int64
	n     int64
}

func (b *rateBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.n += int64(n)
		allowed := time.Duration(float64(b.n) / float64(b.rate) * float64(time.Second))
		_ = b.rc.SetReadDeadline(b.start.Add(b.grace + allowed))
	}
	return n, err
}

// retryAfter is a whole number of seconds for a Retry-After header, at least 1.
func retryAfter(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}
