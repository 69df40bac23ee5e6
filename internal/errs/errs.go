// Package errs is kntc's one error vocabulary (benbjohnson/wtf's error.go is the
// model): a small set of codes that say what kind of failure an error is, a
// message meant for the person who caused it, in Vietnamese with English in
// parentheses, and for invalid input the problems of each field by name. It
// imports nothing from kntc, so every package may use it.
//
// Making errors:
//
//	errs.Errorf(errs.Conflict, "mã đơn vị %s đã có (the unit code %s is taken)", c, c)
//
//	var p errs.Problems
//	p.Add("username", "cần tên đăng nhập (username is required)")
//	return p.Err() // nil when nothing was added
//
//	var ErrIllegal = errs.New(errs.Invalid, "…") // a named refusal a package owns
//	return ErrIllegal.Errorf("hồ sơ đã đóng (the case is closed)")
//
// Wrapping one for the log with fmt.Errorf("add user %s: %w", name, err) keeps
// its code, message and problems. A bare sentinel wrapped the same way
// (fmt.Errorf("get case %d: %w", id, errs.ErrNotFound)) has the code's own
// message: the text around it is for the log, not for the client.
//
// Reading them (the web layer, the staff pages, the CLI):
//
//	errors.Is(err, errs.ErrNotFound) // true for every error of code NotFound
//	errs.CodeOf(err)                 // NotFound, Invalid…; Internal for a foreign error
//	errs.MessageOf(err)              // the text to show
//	errs.ProblemsOf(err)             // []Problem{Field, Message}, for a form's fields
//
// CodeOf, MessageOf, ProblemsOf and the Problem type are a stable API: the
// staff pages put ProblemsOf's messages next to the form fields they name.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Code is the kind of a failure: what the caller did wrong, or that the fault
// is ours. The web layer maps each code to one HTTP status.
type Code string

// The codes kntc uses.
const (
	NotFound            Code = "not_found"            // no such object, or not in the caller's scope
	Invalid             Code = "invalid"              // the input breaks a rule
	Conflict            Code = "conflict"             // collides with existing data or a concurrent change
	Forbidden           Code = "forbidden"            // the caller's role may not do this
	Unauthorized        Code = "unauthorized"         // no valid credentials
	Checksum            Code = "checksum_mismatch"    // stored or read bytes do not have the expected SHA-256
	TooLarge            Code = "too_large"            // the request or file is over a size limit
	Timeout             Code = "timeout"              // the client sent too slowly
	InsufficientStorage Code = "insufficient_storage" // the server's disk is full
	Internal            Code = "internal"             // anything else: our fault
)

// Sentinels, one per code: errors.Is(err, ErrNotFound) holds for every error of
// code NotFound, however it was made or wrapped. Their messages are the generic
// text shown for the code.
var (
	ErrNotFound            = New(NotFound, "không tìm thấy (not found)")
	ErrInvalid             = New(Invalid, "dữ liệu không hợp lệ (invalid input)")
	ErrConflict            = New(Conflict, "xung đột với dữ liệu đã có (conflict)")
	ErrForbidden           = New(Forbidden, "không có quyền (forbidden)")
	ErrUnauthorized        = New(Unauthorized, "cần đăng nhập (authentication required)")
	ErrChecksum            = New(Checksum, "dữ liệu không khớp mã kiểm tra (checksum mismatch)")
	ErrTooLarge            = New(TooLarge, "dữ liệu quá lớn (too large)")
	ErrTimeout             = New(Timeout, "gửi dữ liệu quá chậm (timeout)")
	ErrInsufficientStorage = New(InsufficientStorage, "máy chủ hết dung lượng đĩa, vui lòng báo quản trị viên (insufficient storage: the server's disk is full)")
	ErrInternal            = New(Internal, "lỗi máy chủ, vui lòng thử lại sau (internal server error)")
)

var (
	sentinels = map[Code]*Error{}
	codes     []Code
)

func init() {
	for _, s := range []*Error{ErrNotFound, ErrInvalid, ErrConflict, ErrForbidden, ErrUnauthorized,
		ErrChecksum, ErrTooLarge, ErrTimeout, ErrInsufficientStorage, ErrInternal} {
		sentinels[s.Code] = s
		codes = append(codes, s.Code)
	}
}

// Codes lists every code, for a table that must cover them all.
func Codes() []Code { return append([]Code(nil), codes...) }

// Problem is what is wrong with one field of the input. Field is the name the
// client wrote (a JSON name such as "parties[0].cccd", or a form field's name);
// empty for a problem of the input as a whole.
type Problem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error of the vocabulary. Message is for the client; Problems, on an
// Invalid error, say which fields are wrong.
type Error struct {
	Code     Code
	Message  string
	Problems []Problem

	kind    *Error  // the sentinel this error is an instance of (Is)
	wrapped []error // errors wrapped with %w by Errorf
}

// New returns a sentinel of code with message msg: a named refusal a package
// owns (auth.ErrBadCredentials), that errors.Is finds both as itself and as its
// code's sentinel. Make instances of it with Errorf.
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Errorf returns an error of code whose message is fmt.Sprintf(format, args...).
// Errors wrapped with %w stay reachable by errors.Is and errors.As; the error's
// own code is the one CodeOf reports.
func Errorf(code Code, format string, args ...any) error {
	return newf(code, nil, format, args)
}

// Errorf returns an instance of the sentinel e with its own message: errors.Is
// finds e (and e's code's sentinel) in it.
//
//	return cases.ErrIllegal.Errorf("hồ sơ đã đóng (the case is closed)")
func (e *Error) Errorf(format string, args ...any) error {
	return newf(e.Code, e, format, args)
}

func newf(code Code, kind *Error, format string, args []any) error {
	w := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: w.Error(), kind: kind}
	switch u := w.(type) { //nolint:errorlint // what fmt.Errorf itself wrapped, one level
	case interface{ Unwrap() error }:
		e.wrapped = []error{u.Unwrap()}
	case interface{ Unwrap() []error }:
		e.wrapped = u.Unwrap()
	}
	return e
}

// Error returns the message.
func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return e.Message
}

// Unwrap returns the errors wrapped with %w by Errorf.
func (e *Error) Unwrap() []error { return e.wrapped }

// Is reports whether target is the sentinel e is an instance of, or the sentinel
// of e's code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t == e || t == e.kind || t == sentinels[e.Code]
}

// CodeOf returns the code of the first vocabulary error in err's chain: "" for
// nil, Internal for an error outside the vocabulary.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != "" {
		return e.Code
	}
	return Internal
}

// MessageOf returns the text to show for err: the message of the first
// vocabulary error in its chain, or, for a foreign error, the generic text of
// Internal (whose details belong in the log). "" for nil.
func MessageOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	if e != nil {
		if s := sentinels[e.Code]; s != nil {
			return s.Message
		}
	}
	return ErrInternal.Message
}

// ProblemsOf returns the field problems of the first vocabulary error in err's
// chain that has any; nil if none has.
func ProblemsOf(err error) []Problem {
	for _, e := range chain(err) {
		if len(e.Problems) > 0 {
			return e.Problems
		}
	}
	return nil
}

// chain lists the vocabulary errors in err's tree, depth first.
func chain(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(*Error); ok { //nolint:errorlint // walking the tree by hand
			out = append(out, e)
		}
		switch u := err.(type) { //nolint:errorlint // walking the tree by hand
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

// Problems gathers what is wrong with an input, field by field, so that every
// problem is reported at once. The zero value is ready to use.
type Problems []Problem

// Add records a problem of field (msg in Vietnamese, English in parentheses).
func (p *Problems) Add(field, msg string) { *p = append(*p, Problem{Field: field, Message: msg}) }

// Addf records a problem of field with a formatted message.
func (p *Problems) Addf(field, format string, args ...any) {
	p.Add(field, fmt.Sprintf(format, args...))
}

// Check records a problem of field with msg when ok is false, and reports ok.
func (p *Problems) Check(ok bool, field, msg string) bool {
	if !ok {
		p.Add(field, msg)
	}
	return ok
}

// AddErr records err against field: the field problems it carries (their fields
// prefixed with field and a dot, when field is set), or else its message. An
// error that is not of code Invalid is returned for the caller to pass on (a
// store failing, say), nil otherwise.
func (p *Problems) AddErr(field string, err error) error {
	if err == nil {
		return nil
	}
	if CodeOf(err) != Invalid {
		return err
	}
	if probs := ProblemsOf(err); len(probs) > 0 {
		for _, x := range probs {
			f := x.Field
			switch {
			case field == "":
			case f == "":
				f = field
			case strings.HasPrefix(f, "["):
				f = field + f
			default:
				f = field + "." + f
			}
			p.Add(f, x.Message)
		}
		return nil
	}
	p.Add(field, MessageOf(err))
	return nil
}

// Err returns nil when no problem was recorded, or else an error of code Invalid
// that carries them all; its message is theirs joined with "; ".
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	msgs := make([]string, len(p))
	for i, x := range p {
		msgs[i] = x.Message
	}
	return &Error{Code: Invalid, Message: strings.Join(msgs, "; "), Problems: append([]Problem(nil), p...)}
}
