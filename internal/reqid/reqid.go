// Package reqid gives every HTTP request an id and every log line written while
// serving it that id, so an administrator can pick one request's lines out of the
// log of a busy server (and a user can quote the id shown in an error answer).
package reqid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
)

// Header is where the id travels: taken from a trusted reverse proxy's request
// when it is a sane token, always set on the answer.
const Header = "X-Request-Id"

// LogKey is the attribute name of the id in log lines.
const LogKey = "request_id"

type ctxKey struct{}

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// From returns the id ctx carries, "" when none.
func From(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// New makes a fresh id: 16 random hex digits.
func New() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics instead)
	return hex.EncodeToString(b[:])
}

// valid accepts an incoming id only when it is short and plain, so a client cannot
// put line breaks or megabytes into the log.
func valid(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// Middleware gives each request an id (the incoming X-Request-Id when it is a sane
// token, else a new one), puts it in the request's context and on the answer.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !valid(id) {
			id = New()
		}
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(With(r.Context(), id)))
	})
}

// Handler wraps h so that every record logged with a context carrying an id gets
// a top-level request_id attribute (also under a logger's groups).
func Handler(h slog.Handler) slog.Handler {
	if _, ok := h.(*handler); ok {
		return h
	}
	return &handler{inner: h, root: h}
}

// handler is inner, with root the handler before the first group was opened and
// ops what was done to root since, so the id can go in before any group.
type handler struct {
	inner, root slog.Handler
	ops         []func(slog.Handler) slog.Handler
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	id := From(ctx)
	if id == "" {
		return h.inner.Handle(ctx, r)
	}
	if len(h.ops) == 0 {
		r = r.Clone()
		r.AddAttrs(slog.String(LogKey, id))
		return h.inner.Handle(ctx, r)
	}
	in := h.root.WithAttrs([]slog.Attr{slog.String(LogKey, id)})
	for _, op := range h.ops {
		in = op(in)
	}
	return in.Handle(ctx, r)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := &handler{inner: h.inner.WithAttrs(attrs), root: h.root, ops: h.ops}
	if len(h.ops) == 0 {
		n.root = n.inner
	} else {
		n.ops = append(h.ops[:len(h.ops):len(h.ops)], func(x slog.Handler) slog.Handler { return x.WithAttrs(attrs) })
	}
	return n
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &handler{inner: h.inner.WithGroup(name), root: h.root,
		ops: append(h.ops[:len(h.ops):len(h.ops)], func(x slog.Handler) slog.Handler { return x.WithGroup(name) })}
}
