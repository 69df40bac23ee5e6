package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"

	"kntc/auth"
	"kntc/cases"
	"kntc/internal/errs"
)

// TestRespondErrorMapsEachCode: every code of the vocabulary answers its status
// with the error's own message; 500s and 507s are logged and their text never
// reaches the client.
func TestRespondErrorMapsEachCode(t *testing.T) {
	var probs errs.Problems
	probs.Add("subject", "cần trích yếu (subject is required)")
	probs.Add("parties[0].name", "cần tên (name is required)")
	tests := []struct {
		name     string
		err      error
		status   int
		msg      string // "" means: the generic text of a 500
		logged   bool
		problems int
	}{
		{"not found, for the log only", fmt.Errorf("case 12 of unit 3: %w", errs.ErrNotFound), 404, "không tìm thấy (not found)", false, 0},
		{"not found, for the client", errs.Errorf(errs.NotFound, "không tìm thấy hồ sơ X (case X not found)"), 404, "không tìm thấy hồ sơ X (case X not found)", false, 0},
		{"invalid", fmt.Errorf("open: %w", errs.Errorf(errs.Invalid, "năm sai (bad year)")), 422, "năm sai (bad year)", false, 0},
		{"invalid fields", fmt.Errorf("open case: %w", probs.Err()), 422, "cần trích yếu (subject is required); cần tên (name is required)", false, 2},
		{"illegal step", cases.ErrIllegal.Errorf("hồ sơ đã đóng (the case is closed)"), 422, "hồ sơ đã đóng (the case is closed)", false, 0},
		{"conflict", errs.Errorf(errs.Conflict, "mã đã có (taken)"), 409, "mã đã có (taken)", false, 0},
		{"last administrator", fmt.Errorf("lan: %w", auth.ErrLastAdministrator), 409, auth.ErrLastAdministrator.Message, false, 0},
		{"forbidden", errs.Errorf(errs.Forbidden, "vai trò Văn thư không được (role clerk lacks case.accept)"), 403, "vai trò Văn thư không được (role clerk lacks case.accept)", false, 0},
		{"bad credentials", auth.ErrBadCredentials, 401, auth.ErrBadCredentials.Message, false, 0},
		{"no token", errs.ErrUnauthorized, 401, "cần đăng nhập (authentication required)", false, 0},
		{"too large", errTooLarge(1 << 20), 413, "tệp quá lớn, tối đa 1 MiB (file too large: at most 1048576 bytes)", false, 0},
		{"too slow", errBodyTimeout, 408, errs.MessageOf(errBodyTimeout), false, 0},
		{"disk full", fmt.Errorf("write spool: %w", &os.PathError{Op: "write", Path: "/data/x", Err: syscall.ENOSPC}), 507, errs.ErrInsufficientStorage.Message, true, 0},
		{"checksum", fmt.Errorf("get blob /data/secret/key: %w", errs.ErrChecksum), 500, "", true, 0},
		{"anything else", fmt.Errorf("query /data/secret.db: %w", os.ErrPermission), 500, "", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			logger := slog.New(slog.NewJSONHandler(&log, nil))
			w := httptest.NewRecorder()
			respondError(w, httptest.NewRequest("GET", "/api/v1/x", nil), logger, tt.err)
			var body struct {
				Error    string         `json:"error"`
				Problems []errs.Problem `json:"problems"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			want := tt.msg
			if want == "" {
				want = errs.ErrInternal.Message
			}
			if w.Code != tt.status || body.Error != want {
				t.Errorf("got %d %q, want %d %q", w.Code, body.Error, tt.status, want)
			}
			if len(body.Problems) != tt.problems {
				t.Errorf("problems %+v, want %d", body.Problems, tt.problems)
			}
			if got := log.Len() > 0; got != tt.logged {
				t.Errorf("logged = %t, want %t: %s", got, tt.logged, log.String())
			}
			if tt.logged && strings.Contains(w.Body.String(), "/data/") {
				t.Errorf("internals reached the client: %s", w.Body)
			}
			if got := w.Header().Get("WWW-Authenticate"); (tt.status == 401) != (got != "") {
				t.Errorf("WWW-Authenticate %q on %d", got, tt.status)
			}
		})
	}
}

// TestStatusOfEveryCode: no code of the vocabulary falls through to the 500 of
// an unknown error by omission.
func TestStatusOfEveryCode(t *testing.T) {
	for _, c := range errs.Codes() {
		if _, ok := statusOf[c]; !ok {
			t.Errorf("code %q has no status", c)
		}
	}
}
