package storage

import (
	"errors"
	"fmt"
)

// Errors a Store returns; callers test them with errors.Is.
var (
	// ErrNotFound means the deal, ask, risk, champion or check-in does not
	// exist in the caller's workspace.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the change contradicts what is recorded, e.g. a
	// second deal in a channel that already has one.
	ErrConflict = errors.New("conflict")
	// ErrInvalid means a value is out of its range or set, e.g. an ask cost
	// of 7 or an unknown severity. Nothing was written.
	ErrInvalid = errors.New("invalid")
	// ErrUnchanged means the change is already so (an ask marked done
	// twice, a risk disclosed twice): nothing was written.
	ErrUnchanged = errors.New("already so")
	// ErrClosed means the Store was closed before the write was taken.
	ErrClosed = errors.New("database closed")
)

// Invalidf is an ErrInvalid saying which value is out of its range or
// set, checked before anything is written: "cost 7 is not between 1 and 5".
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrInvalid)
}

// Conflictf is an ErrConflict saying what is recorded that the change
// contradicts: "ask #3 is done".
func Conflictf(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrConflict)
}
