package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"kntc/internal/errs"
)

// errorResponse is the body of every refusal: the message, and on 422 the
// problem of each field by name.
type errorResponse struct {
	Error    string         `json:"error"`
	Problems []errs.Problem `json:"problems,omitempty"`
}

// statusOf is the HTTP status of each error code. A code not listed, and an
// error outside the vocabulary, is a 500.
var statusOf = map[errs.Code]int{
	errs.NotFound:            http.StatusNotFound,
	errs.Invalid:             http.StatusUnprocessableEntity,
	errs.Conflict:            http.StatusConflict,
	errs.Forbidden:           http.StatusForbidden,
	errs.Unauthorized:        http.StatusUnauthorized,
	errs.TooLarge:            http.StatusRequestEntityTooLarge,
	errs.Timeout:             http.StatusRequestTimeout,
	errs.InsufficientStorage: http.StatusInsufficientStorage,
	errs.Checksum:            http.StatusInternalServerError,
	errs.Internal:            http.StatusInternalServerError,
}

// respondError maps an error to its response: its code's status (statusOf) and
// its message (errs.MessageOf), with the field problems on 422. A full disk
// (ENOSPC from the system) is a 507. Only 500s and 507s are logged; a 500's text
// may hold internals, so the client gets a generic message.
func respondError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	code := errs.CodeOf(err)
	if code == errs.Internal && errors.Is(err, syscall.ENOSPC) {
		code = errs.InsufficientStorage
	}
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := errorResponse{Error: errs.MessageOf(err)}
	switch status {
	case http.StatusInternalServerError:
		body.Error = errs.ErrInternal.Message
		logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	case http.StatusInsufficientStorage:
		if errs.CodeOf(err) != errs.InsufficientStorage { // the system's ENOSPC
			body.Error = errs.ErrInsufficientStorage.Message
		}
		logger.ErrorContext(r.Context(), "disk full", "method", r.Method, "path", r.URL.Path, "error", err)
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="kntc"`)
	case http.StatusUnprocessableEntity:
		body.Problems = errs.ProblemsOf(err)
	}
	writeJSON(w, status, body)
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
// there is no cross-site request to guard against. A field v does not have, a value
// of the wrong type and anything after the JSON value are refused by name: a
// misspelt field silently ignored would answer 200 and change nothing.
func decodeJSON(r *http.Request, v any) error { return decodeBody(r, v, false) }

// decodeOptionalJSON is decodeJSON for a body that may be empty (v keeps its zero
// value then).
func decodeOptionalJSON(r *http.Request, v any) error { return decodeBody(r, v, true) }

func decodeBody(r *http.Request, v any, optional bool) error {
	// The body is kept to find where an unknown field is (encoding/json names
	// only the field, not the object it is in).
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return errBodyTimeout
		}
		// A body cut short is the client's, as a malformed one is.
		return errs.Errorf(errs.Invalid, "dữ liệu gửi lên bị thiếu hoặc hỏng (the request body is truncated or unreadable)")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	switch {
	case optional && errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return jsonProblem(err, raw, v)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.Errorf(errs.Invalid, "sau giá trị JSON còn dữ liệu thừa (unexpected data after the JSON value)")
	}
	return nil
}

// jsonProblem words a decoding error of a body meant for v: the field unknown or
// of the wrong type, by name, or where the JSON is broken.
func jsonProblem(err error, raw []byte, v any) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return errBodyTimeout
	}
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var pe *time.ParseError
	switch {
	case errors.As(err, &te) && te.Field != "":
		vi, en := jsonTypeName(te.Type)
		field := jsonPath(te.Field, reflect.TypeOf(v))
		var p errs.Problems
		p.Addf(field, "trường %q phải là %s (field %q must be %s)", field, vi, field, en)
		return p.Err()
	case errors.As(err, &te):
		vi, en := jsonTypeName(te.Type)
		return errs.Errorf(errs.Invalid, "dữ liệu phải là %s (the body must be %s)", vi, en)
	case errors.As(err, &pe):
		return errs.Errorf(errs.Invalid, "thời điểm dạng RFC 3339, ví dụ 2026-03-01T09:30:00+07:00 (a time as RFC 3339)")
	case errors.As(err, &se):
		return errs.Errorf(errs.Invalid, "JSON không hợp lệ ở byte %d (malformed JSON body at byte %d)", se.Offset, se.Offset)
	}
	if rest, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, uerr := strconv.Unquote(rest)
		if uerr != nil {
			name = rest
		}
		fields := jsonFields(reflect.TypeOf(v))
		var doc any
		if json.Unmarshal(raw, &doc) == nil {
			if path, in, ok := unknownField(doc, reflect.TypeOf(v), ""); ok {
				name, fields = path, in
			}
		}
		msg := fmt.Sprintf("trường %q không có trong yêu cầu này (unknown field %q)", name, name)
		if len(fields) > 0 {
			msg += "; các trường (fields): " + strings.Join(fields, ", ")
		}
		var p errs.Problems
		p.Add(name, msg)
		return p.Err()
	}
	return errs.Errorf(errs.Invalid, "JSON không hợp lệ (malformed JSON body)")
}

// jsonPath is the path of a field as encoding/json reports it ("a.b"), without
// the Go names of the embedded structs it passes through, which the client never
// wrote.
func jsonPath(path string, t reflect.Type) string {
	embedded := map[string]bool{}
	var walk func(t reflect.Type, depth int)
	walk = func(t reflect.Type, depth int) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || depth > 8 {
			return
		}
		for f := range t.Fields() {
			if f.Anonymous {
				embedded[f.Name] = true
			}
			walk(f.Type, depth+1)
		}
	}
	if t != nil {
		walk(t, 0)
	}
	var out []string
	for _, seg := range strings.Split(path, ".") {
		if !embedded[seg] {
			out = append(out, seg)
		}
	}
	return strings.Join(out, ".")
}

// jsonTypeName words what a value of Go type t is written as in JSON, in
// Vietnamese and English.
func jsonTypeName(t reflect.Type) (vi, en string) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "giá trị khác", "another value"
	}
	if t == reflect.TypeFor[time.Time]() {
		return "thời điểm dạng RFC 3339", "a time as RFC 3339"
	}
	switch t.Kind() {
	case reflect.String:
		return "chuỗi", "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "số nguyên", "a whole number"
	case reflect.Float32, reflect.Float64:
		return "số", "a number"
	case reflect.Bool:
		return "true hoặc false", "true or false"
	case reflect.Slice, reflect.Array:
		return "danh sách", "a list"
	case reflect.Struct, reflect.Map:
		return "đối tượng", "an object"
	}
	return "giá trị khác", "another value"
}

// unknownField finds the first key of doc (a decoded JSON value) that type t has
// no field for: its path ("parties[0].cccd") and the fields of the object it is
// in. encoding/json matches names without regard to case, and so does this.
func unknownField(doc any, t reflect.Type, path string) (string, []string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch doc := doc.(type) {
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return "", nil, false
		}
		names := jsonFields(t)
		keys := make([]string, 0, len(doc))
		for k := range doc {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, k) })
			at := k
			if path != "" {
				at = path + "." + k
			}
			if i < 0 {
				return at, names, true
			}
			if p, in, ok := unknownField(doc[k], jsonFieldType(t, names[i]), at); ok {
				return p, in, true
			}
		}
	case []any:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return "", nil, false
		}
		for i, x := range doc {
			if p, in, ok := unknownField(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, in, true
			}
		}
	}
	return "", nil, false
}

// jsonFieldType is the type of struct t's field of JSON name name (embedded
// structs' fields included).
func jsonFieldType(t reflect.Type, name string) reflect.Type {
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && tag == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct && slices.Contains(jsonFields(et), name) {
				return jsonFieldType(et, name)
			}
			continue
		}
		if tag == name || tag == "" && f.Name == name {
			return f.Type
		}
	}
	return reflect.TypeFor[any]()
}

// jsonFields lists the JSON names of a struct's fields (of the struct t points to),
// embedded structs' fields in their place, in declaration order.
func jsonFields(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}
