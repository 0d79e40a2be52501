package main

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/sqlite"
)

const migrateToHelp = `usage: longgame migrate-to <postgres-url>

Copies the SQLite database LONGGAME_DB names into the empty PostgreSQL
database at <postgres-url> (postgres://user@host/db?sslmode=…), then checks
that every table holds as many rows in both. Stop the bot first: what it
records afterwards stays in the SQLite file.

The SQLite file is migrated to this binary's schema and read in one
snapshot; the PostgreSQL database gets the same schema and the rows in one
transaction, ids and numbers kept (instants become timestamptz, dates
date, 0/1 flags boolean). A database holding any row is refused,
untouched. Then point LONGGAME_DB at the URL and start the bot.

Exit status: 0 when copied and checked, 1 when it could not be, 2 for a
usage error.
`

func runMigrateTo(ctx context.Context, inv invocation) int {
	fs := newFlagSet(inv, "migrate-to", migrateToHelp)
	if code, ok := parseFlags(fs, inv.args); !ok {
		return code
	}
	if fs.NArg() != 1 || !isPostgres(fs.Arg(0)) {
		return usageError(fs, "name the PostgreSQL database to copy into, as a postgres:// URL")
	}
	url := fs.Arg(0)
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame migrate-to: %v\n", err)
		return exitUsage
	}
	if isPostgres(cfg.DB) {
		fmt.Fprintf(inv.stderr, "longgame migrate-to: LONGGAME_DB must name the SQLite file to copy, not %s\n", dbName(cfg.DB))
		return exitUsage
	}
	counts, err := migrateTo(ctx, cfg.DB, url)
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame migrate-to: %s into %s: %v\n", cfg.DB, dbName(url), err)
		return exitError
	}
	fmt.Fprintf(inv.stdout, "copied %s into %s; every table holds as many rows in both:\n", cfg.DB, dbName(url))
	printCounts(inv.stdout, counts)
	fmt.Fprintf(inv.stdout, "Now set LONGGAME_DB=%s and start the bot.\n", dbName(url))
	return exitOK
}

// migrateTo copies the SQLite database at path into the PostgreSQL one at
// url and checks the row counts; it returns them by table.
func migrateTo(ctx context.Context, path, url string) (map[string]int64, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database %s (LONGGAME_DB): %w", path, err)
	}
	// Opening it migrates it to this binary's schema: the one PostgreSQL gets.
	src, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := src.Close(); err != nil {
		return nil, err
	}
	lite, err := sql.Open("sqlite", "file:"+strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F").Replace(path)+
		"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	defer lite.Close()
	tx, err := lite.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	dst, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	tables, err := dst.Tables(ctx)
	if err != nil {
		return nil, err
	}
	if err := sqliteFits(ctx, tx, tables); err != nil {
		return nil, err
	}
	want := map[string]int64{}
	loaded, err := dst.Load(ctx, func(t postgres.Table) (postgres.Rows, error) {
		n, err := countRows(ctx, tx, t.Name)
		if err != nil {
			return postgres.Rows{}, err
		}
		want[t.Name] = n
		return sqliteRows(ctx, tx, t)
	})
	if err != nil {
		return nil, err
	}
	got, err := dst.Counts(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range slices.Sorted(maps.Keys(want)) {
		if got[t] != want[t] || loaded[t] != want[t] {
			return got, fmt.Errorf("table %s: SQLite holds %d rows, PostgreSQL %d (%d copied)", t, want[t], got[t], loaded[t])
		}
	}
	return got, nil
}

// sqliteFits checks that every table and column of the SQLite file has
// its place in PostgreSQL: a column the port forgot would be lost
// silently. The migrations' record and the risk tallies (rebuilt from the
// risks) are not copied.
func sqliteFits(ctx context.Context, tx *sql.Tx, tables []postgres.Table) error {
	names, err := sqliteStrings(ctx, tx, `SELECT name FROM sqlite_schema WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'risk_tallies') ORDER BY name`)
	if err != nil {
		return err
	}
	for _, name := range names {
		i := slices.IndexFunc(tables, func(t postgres.Table) bool { return t.Name == name })
		if i < 0 {
			return fmt.Errorf("SQLite table %s has no PostgreSQL counterpart in this binary", name)
		}
		cols, err := sqliteColumns(ctx, tx, name)
		if err != nil {
			return err
		}
		for _, c := range cols {
			if !slices.Contains(tables[i].ColumnNames(), c) {
				return fmt.Errorf("SQLite column %s.%s has no PostgreSQL counterpart in this binary", name, c)
			}
		}
	}
	return nil
}

// sqliteColumns are a SQLite table's stored columns (generated ones left
// out: PostgreSQL computes its own).
func sqliteColumns(ctx context.Context, tx *sql.Tx, table string) ([]string, error) {
	return sqliteStrings(ctx, tx, `SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid`, table)
}

func sqliteStrings(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func countRows(ctx context.Context, tx *sql.Tx, table string) (int64, error) {
	exists, err := sqliteStrings(ctx, tx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?`, table)
	if err != nil || len(exists) == 0 {
		return 0, err
	}
	var n int64
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+table+`"`).Scan(&n)
	return n, err
}

// sqliteRows reads SQLite table t's rows for PostgreSQL, each value
// converted to its PostgreSQL column's type.
func sqliteRows(ctx context.Context, tx *sql.Tx, t postgres.Table) (postgres.Rows, error) {
	have, err := sqliteColumns(ctx, tx, t.Name)
	if err != nil || len(have) == 0 {
		return postgres.Rows{}, err // no such SQLite table: nothing to copy
	}
	var cols []postgres.Column
	for _, c := range t.Columns {
		if slices.Contains(have, c.Name) {
			cols = append(cols, c)
		}
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	rows, err := tx.QueryContext(ctx, `SELECT "`+strings.Join(names, `", "`)+`" FROM "`+t.Name+`"`)
	if err != nil {
		return postgres.Rows{}, err
	}
	return postgres.Rows{Columns: names, Source: &sqliteSource{rows: rows, cols: cols}}, nil
}

// sqliteSource is a SQLite table's rows as pgx.CopyFromSource.
type sqliteSource struct {
	rows *sql.Rows
	cols []postgres.Column
	err  error
}

func (s *sqliteSource) Next() bool {
	if s.rows.Next() {
		return true
	}
	s.rows.Close()
	return false
}

func (s *sqliteSource) Values() ([]any, error) {
	vals := make([]any, len(s.cols))
	ptrs := make([]any, len(s.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := s.rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	for i, c := range s.cols {
		v, err := fromSQLite(vals[i], c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		vals[i] = v
	}
	return vals, nil
}

func (s *sqliteSource) Err() error {
	if s.err != nil {
		return s.err
	}
	return s.rows.Err()
}

// fromSQLite converts a value of a SQLite column (STRICT: INTEGER, TEXT,
// or NULL) to the PostgreSQL type typ: Unix seconds to an instant,
// 'YYYY-MM-DD' to a date, 0/1 to a boolean.
func fromSQLite(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch typ {
	case "timestamp with time zone":
		if n, ok := v.(int64); ok {
			return time.Unix(n, 0).UTC(), nil
		}
	case "date":
		if s, ok := v.(string); ok {
			return time.Parse(time.DateOnly, s)
		}
	case "boolean":
		if n, ok := v.(int64); ok {
			return n != 0, nil
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("%T %v is not a %s", v, v, typ)
}
