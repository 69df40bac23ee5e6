package cases

import (
	"errors"

	"kntc/ingest"
)

// ErrIllegal marks a move the workflow or the law does not allow; it wraps
// ingest.ErrInvalid so the API answers 422 with the reason.
var ErrIllegal = illegal{}

type illegal struct{}

func (illegal) Error() string { return "not allowed by the workflow" }
func (illegal) Unwrap() error { return ingest.ErrInvalid }

// ErrForbidden: the user's role may not do this (the API answers 403). Objects
// outside a user's unit scope are ErrNotFound instead, so their existence is not
// revealed.
var ErrForbidden = errors.New("không có quyền (forbidden)")

func isConflict(err error) bool { return errors.Is(err, ingest.ErrConflict) }

var errConflict = ingest.ErrConflict
