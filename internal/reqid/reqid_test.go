package reqid

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestEveryLogLineOfARequestCarriesItsID(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(Handler(slog.NewJSONHandler(&buf, nil))).With("component", "web")
	h := Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logger.InfoContext(r.Context(), "first")
		logger.WithGroup("g").WarnContext(r.Context(), "second", "k", 1)
	}))
	for _, in := range []string{"", "abc-123", "bad\nid", strings.Repeat("x", 65)} {
		buf.Reset()
		req := httptest.NewRequest("GET", "/", nil)
		if in != "" {
			req.Header.Set(Header, in)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		id := rec.Header().Get(Header)
		if !valid(id) || (in == "abc-123" && id != in) || (in != "abc-123" && id == in) {
			t.Fatalf("incoming %q: answered id %q", in, id)
		}
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("log: %q", buf.String())
		}
		for _, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatal(err)
			}
			if m[LogKey] != id {
				t.Errorf("line %s: request_id %v, want %s", l, m[LogKey], id)
			}
		}
	}
	buf.Reset()
	logger.Info("outside a request")
	if strings.Contains(buf.String(), LogKey) {
		t.Errorf("a line outside any request has an id: %s", buf.String())
	}
}
