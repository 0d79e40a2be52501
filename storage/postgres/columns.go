package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// querier runs SQL: the pool, a connection and a transaction do, so the
// helpers holding the SQL serve reads and writes alike.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// rowScanner is pgx.Row or pgx.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// queryAll runs query and scans every row with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(rowScanner, *T) error, query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []T
	for rows.Next() {
		var v T
		if err := scan(rows, &v); err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	return all, rows.Err()
}

// returning is cols, a column list qualified by alias ("r.id, r.what"),
// qualified by table instead, for a RETURNING clause.
func returning(cols, alias, table string) string {
	fields := strings.Split(cols, ",")
	for i, f := range fields {
		fields[i] = table + "." + strings.TrimPrefix(strings.TrimSpace(f), alias+".")
	}
	return strings.Join(fields, ", ")
}

// Conversions between Go values and columns live here and only here. An
// unset value (zero time, "", 0 id) is NULL; every scanner below reads NULL
// as the zero value, which also serves the columns of a LEFT JOIN.

// tsArg stores t as a timestamptz in whole seconds, as SQLite's INTEGER
// seconds do: what is stored and compared is the same on both stores.
func tsArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Truncate(time.Second)
}

// dateArg stores the calendar date of t, as seen in t's location, as a
// date.
func dateArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	y, m, d := t.Date()
	return pgtype.Date{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), Valid: true}
}

// dateText is the calendar date of t as 'YYYY-MM-DD', for an audit detail.
func dateText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

// textArg stores s, or NULL for "".
func textArg(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// idArg stores id, or NULL for 0.
func idArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// textCol scans text (or NULL) into any string type.
type textCol[T ~string] struct{ p *T }

func text[T ~string](p *T) textCol[T] { return textCol[T]{p} }

// Scan implements sql.Scanner.
func (c textCol[T]) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = ""
	case string:
		*c.p = T(v)
	case []byte:
		*c.p = T(v)
	default:
		return fmt.Errorf("scan text: got %T", v)
	}
	return nil
}

// intCol scans an integer (or NULL) into any integer type.
type intCol[T ~int | ~int64] struct{ p *T }

func integer[T ~int | ~int64](p *T) intCol[T] { return intCol[T]{p} }

// Scan implements sql.Scanner.
func (c intCol[T]) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = 0
	case int64:
		*c.p = T(v)
	case int32:
		*c.p = T(v)
	case int16:
		*c.p = T(v)
	default:
		return fmt.Errorf("scan integer: got %T", v)
	}
	return nil
}

// boolCol scans a boolean (or NULL) into a bool.
type boolCol struct{ p *bool }

func boolean(p *bool) boolCol { return boolCol{p} }

// Scan implements sql.Scanner.
func (c boolCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = false
	case bool:
		*c.p = v
	default:
		return fmt.Errorf("scan boolean: got %T", v)
	}
	return nil
}

// tsCol scans a timestamptz (or NULL) into a UTC time.
type tsCol struct{ p *time.Time }

func ts(p *time.Time) tsCol { return tsCol{p} }

// Scan implements sql.Scanner.
func (c tsCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = time.Time{}
	case time.Time:
		*c.p = v.UTC()
	default:
		return fmt.Errorf("scan time: got %T", v)
	}
	return nil
}

// dateCol scans a date (or NULL) into UTC midnight.
type dateCol struct{ p *time.Time }

func date(p *time.Time) dateCol { return dateCol{p} }

// Scan implements sql.Scanner.
func (c dateCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = time.Time{}
	case time.Time:
		y, m, d := v.Date()
		*c.p = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	default:
		return fmt.Errorf("scan date: got %T", v)
	}
	return nil
}
