package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/longgame/longgame/storage"
)

// found turns pgx.ErrNoRows into ErrNotFound, naming what was missing
// ("risk #3"); other errors pass through.
func found(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, storage.ErrNotFound)
	}
	return err
}

// domainError turns constraint failures that slipped past the checks in Go
// into domain errors, as SQLite's store does: a unique violation is
// ErrConflict, a CHECK failure ErrInvalid. Errors that already carry a
// domain error pass through.
func domainError(err error) error {
	if err == nil || errors.Is(err, storage.ErrConflict) || errors.Is(err, storage.ErrInvalid) || errors.Is(err, storage.ErrNotFound) {
		return err
	}
	switch pgCode(err) {
	case "23505": // unique_violation
		return fmt.Errorf("%w: %w", storage.ErrConflict, err)
	case "23514": // check_violation
		return fmt.Errorf("%w: %w", storage.ErrInvalid, err)
	}
	return err
}

// isUnique reports whether err is a unique or primary key violation.
func isUnique(err error) bool { return pgCode(err) == "23505" }

// pgCode is err's SQLSTATE, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
