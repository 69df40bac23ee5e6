package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"syscall"

	"kntc/auth"
	"kntc/cases"
	"kntc/ingest"
)

type errorResponse struct {
	Error string `json:"error"`
}

// errUnauthorized: no valid bearer token.
var errUnauthorized = errors.New("cần đăng nhập (authentication required)")

// respondError maps an error to its response: not found 404, invalid 422, conflict
// 409, bad credentials 401, a role's lack of permission 403, a refused request its
// own status (413, 408…), a full disk 507, anything else 500 with a generic message.
// Only 500s and 507s are logged; their text may hold internals, so it never
// reaches the client.
func respondError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	status, msg := http.StatusInternalServerError, "lỗi máy chủ, vui lòng thử lại sau (internal server error)"
	var se *statusError
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		status, msg = http.StatusUnauthorized, auth.ErrBadCredentials.Error()
	case errors.Is(err, errUnauthorized):
		status, msg = http.StatusUnauthorized, errUnauthorized.Error()
	case errors.Is(err, cases.ErrForbidden):
		// The wrapped text names the role and the act refused, never data.
		status, msg = http.StatusForbidden, err.Error()
	case errors.Is(err, ingest.ErrNotFound):
		status, msg = http.StatusNotFound, "không tìm thấy (not found)"
	case errors.Is(err, ingest.ErrInvalid):
		status, msg = http.StatusUnprocessableEntity, strings.TrimSuffix(err.Error(), ": "+ingest.ErrInvalid.Error())
	case errors.Is(err, ingest.ErrConflict):
		status, msg = http.StatusConflict, strings.TrimSuffix(err.Error(), ": "+ingest.ErrConflict.Error())
	case errors.As(err, &se):
		status, msg = se.status, se.msg
	case errors.Is(err, syscall.ENOSPC):
		status, msg = http.StatusInsufficientStorage, "máy chủ hết dung lượng đĩa, vui lòng báo quản trị viên (insufficient storage: the server's disk is full)"
		logger.ErrorContext(r.Context(), "disk full", "method", r.Method, "path", r.URL.Path, "error", err)
	default:
		logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kntc"`)
	}
	writeJSON(w, status, errorResponse{Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeJSON reads a JSON request body of at most 1 MiB into v; a malformed body is
// ErrInvalid. The Content-Type is not checked: scripts post JSON with whatever type
// their tool sets (curl -d says form-urlencoded), and the API takes no cookies, so
// there is no cross-site request to guard against.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return errBodyTimeout
		}
		return fmt.Errorf("JSON không hợp lệ (malformed JSON body): %w", ingest.ErrInvalid)
	}
	return nil
}

// decodeOptionalJSON is decodeJSON for a body that may be empty (v keeps its zero
// value then).
func decodeOptionalJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return errBodyTimeout
		}
		return fmt.Errorf("JSON không hợp lệ (malformed JSON body): %w", ingest.ErrInvalid)
	}
	return nil
}
