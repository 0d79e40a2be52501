package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// querier runs SQL: *pool and *txn do (as do *sql.DB and *sql.Tx), so the
// helpers holding the SQL serve both the read pool and the writer's
// transaction, with prepared statements.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

// queryAll runs query and scans every row with scan.
func queryAll[T any](ctx context.Context, q querier, scan func(rowScanner, *T) error, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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
// qualified by table instead: a RETURNING clause takes no alias.
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

// unixArg stores t as INTEGER Unix seconds.
func unixArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// dateArg stores the calendar date of t, as seen in t's location, as TEXT
// 'YYYY-MM-DD'.
func dateArg(t time.Time) any {
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

// boolArg stores b as 0 or 1.
func boolArg(b bool) int {
	if b {
		return 1
	}
	return 0
}

// asDate is the calendar date of t as UTC midnight, the form dates are
// returned in.
func asDate(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// textCol scans TEXT (or NULL) into any string type.
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

// intCol scans INTEGER (or NULL) into any integer type.
type intCol[T ~int | ~int64] struct{ p *T }

func integer[T ~int | ~int64](p *T) intCol[T] { return intCol[T]{p} }

// Scan implements sql.Scanner.
func (c intCol[T]) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = 0
	case int64:
		*c.p = T(v)
	default:
		return fmt.Errorf("scan integer: got %T", v)
	}
	return nil
}

// boolCol scans a 0/1 INTEGER (or NULL) into a bool.
type boolCol struct{ p *bool }

func boolean(p *bool) boolCol { return boolCol{p} }

// Scan implements sql.Scanner.
func (c boolCol) Scan(v any) error {
	var n int64
	if err := integer(&n).Scan(v); err != nil {
		return err
	}
	*c.p = n != 0
	return nil
}

// unixCol scans INTEGER Unix seconds (or NULL) into a UTC time.
type unixCol struct{ p *time.Time }

func unix(p *time.Time) unixCol { return unixCol{p} }

// Scan implements sql.Scanner.
func (c unixCol) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*c.p = time.Time{}
	case int64:
		*c.p = time.Unix(v, 0).UTC()
	default:
		return fmt.Errorf("scan unix time: got %T", v)
	}
	return nil
}

// dateCol scans TEXT 'YYYY-MM-DD' (or NULL) into UTC midnight.
type dateCol struct{ p *time.Time }

func date(p *time.Time) dateCol { return dateCol{p} }

// Scan implements sql.Scanner.
func (c dateCol) Scan(v any) error {
	var s string
	if err := text(&s).Scan(v); err != nil {
		return err
	}
	if s == "" {
		*c.p = time.Time{}
		return nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("scan date: %w", err)
	}
	*c.p = t
	return nil
}

// jsonArray is xs as a JSON array, for json_each: one argument however
// many values, where an IN list would need a placeholder each.
func jsonArray[T int64 | string](xs []T) string {
	if xs == nil {
		xs = []T{}
	}
	buf, _ := json.Marshal(xs) // cannot fail for these types
	return string(buf)
}
