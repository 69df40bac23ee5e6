package cases

import (
	"kntc/internal/errs"
)

// ErrIllegal marks a move the workflow or the law does not allow: an Invalid
// error, so the API answers 422 with the reason. Make one with
// ErrIllegal.Errorf(reason).
var ErrIllegal = errs.New(errs.Invalid, "quy trình hoặc pháp luật không cho phép (not allowed by the workflow)")
