package ingest

import (
	"context"
	"errors"
	"time"
)

// Observer is told what the processor does, for the metrics /metrics shows. Its
// methods must be cheap and safe for concurrent use.
type Observer interface {
	// PageDone is called for every page saved: source is how its text was had
	// ("ocr", "text", "cover"), took how long the page took (decode, OCR, save).
	PageDone(source string, took time.Duration)
	// Failed is called for a failed attempt that will be retried.
	Failed(reason string)
	// Quarantined is called for a document put in quarantine.
	Quarantined(reason string)
}

// Failure reasons, a small fixed set so metric labels stay few.
const (
	ReasonBadInput  = "bad_input"          // the file itself is bad
	ReasonTimeout   = "timeout"            // a page's OCR took longer than PageTimeout
	ReasonExhausted = "attempts_exhausted" // the last attempt failed
	// ReasonKilledWorker: the file's attempts ended Processor.MaxInterrupted times
	// with their worker dead (a quarantine reason only).
	ReasonKilledWorker = "killed_worker"
	ReasonError        = "error" // anything else (store, database, engine)
)

// FailureReason sorts err into one of the Reason constants.
func FailureReason(err error) string {
	switch {
	case errors.Is(err, ErrBadInput):
		return ReasonBadInput
	case errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	default:
		return ReasonError
	}
}

// pageTimeout is a page whose OCR took longer than PageTimeout: its message as
// written, a context.DeadlineExceeded for errors.Is.
type pageTimeout struct{ msg string }

func (e pageTimeout) Error() string        { return e.msg }
func (e pageTimeout) Is(target error) bool { return target == context.DeadlineExceeded }
