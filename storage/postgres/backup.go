package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// A backup file is text: a header, then each table as the server's COPY
// text format writes it, all read in one REPEATABLE READ snapshot:
//
//	longgame-postgres-backup 1
//	schema_version 1
//	taken_at 2026-03-02T09:00:00Z
//	table deals 2 id,team_id,channel_id,…
//	<one line per row, as COPY … TO STDOUT writes it>
//	\.
//	table …
//	end
//
// A row line is never "\." alone: COPY writes a backslash as "\\". The
// risk tallies are left out (a restore rebuilds them from the risks), and
// so are generated columns (the server computes them again).
const (
	backupMagic   = "longgame-postgres-backup"
	backupFormat  = 1
	sectionEnd    = `\.`
	backupTrailer = "end"
)

// Table is a table holding what users record: what a backup copies, and
// what a restore or an import fills.
type Table struct {
	Name    string
	Columns []Column // the columns to fill, generated ones left out
}

// Column is a column of a Table and its SQL type, as information_schema
// names it ("bigint", "text", "timestamp with time zone", "date",
// "boolean", "jsonb"…).
type Column struct{ Name, Type string }

// ColumnNames are t's column names, in order.
func (t Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}

// copyList is t's columns quoted for a COPY statement.
func (t Table) copyList() string {
	return pgx.Identifier{t.Name}.Sanitize() + " (" + strings.Join(quoted(t.ColumnNames()), ", ") + ")"
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = pgx.Identifier{n}.Sanitize()
	}
	return out
}

// derived are the tables a backup leaves out: the migrations' own record,
// and what triggers rebuild.
var derived = map[string]bool{"schema_migrations": true, "risk_tallies": true}

// Tables lists the tables holding what users record, by name, with the
// columns to fill.
func (db *DB) Tables(ctx context.Context) ([]Table, error) {
	return read(ctx, db, func(q querier) ([]Table, error) { return tables(ctx, q) })
}

func tables(ctx context.Context, q querier) ([]Table, error) {
	type col struct{ table, name, typ string }
	cols, err := queryAll(ctx, q, func(s rowScanner, c *col) error { return s.Scan(&c.table, &c.name, &c.typ) },
		`SELECT c.table_name::text, c.column_name::text, c.data_type::text
		FROM information_schema.columns c JOIN information_schema.tables t
			ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
		WHERE c.table_schema = current_schema() AND c.is_generated = 'NEVER'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var out []Table
	for _, c := range cols {
		if derived[c.table] {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Name != c.table {
			out = append(out, Table{Name: c.table})
		}
		t := &out[len(out)-1]
		t.Columns = append(t.Columns, Column{Name: c.name, Type: c.typ})
	}
	return out, nil
}

// Backup writes a consistent copy of every table to a new file at path,
// readable by its owner only, while the store keeps serving: one REPEATABLE
// READ transaction reads them all. `longgame restore` loads it into an
// empty database. It refuses an existing file with an error wrapping
// os.ErrExist.
func (db *DB) Backup(ctx context.Context, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	err = db.dump(ctx, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// dump writes the backup to f and syncs it.
func (db *DB) dump(ctx context.Context, f *os.File) error {
	w := bufio.NewWriterSize(f, 1<<16)
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		version, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		ts, err := tables(ctx, tx)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s %d\nschema_version %d\ntaken_at %s\n", backupMagic, backupFormat, version,
			db.clock().UTC().Format(time.RFC3339))
		for _, t := range ts {
			if err := dumpTable(ctx, tx, w, t); err != nil {
				return fmt.Errorf("table %s: %w", t.Name, err)
			}
		}
		_, err = fmt.Fprintln(w, backupTrailer)
		return err
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Sync()
}

// dumpTable writes one table's section: its header with the row count, the
// rows in COPY text format, and the end mark.
func dumpTable(ctx context.Context, tx pgx.Tx, w io.Writer, t Table) error {
	var n int64
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+pgx.Identifier{t.Name}.Sanitize()).Scan(&n); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "table %s %d %s\n", t.Name, n, strings.Join(t.ColumnNames(), ",")); err != nil {
		return err
	}
	tag, err := tx.Conn().PgConn().CopyTo(ctx, w, `COPY `+t.copyList()+` TO STDOUT`)
	if err != nil {
		return err
	}
	if tag.RowsAffected() != n {
		return fmt.Errorf("copied %d rows, counted %d", tag.RowsAffected(), n)
	}
	_, err = fmt.Fprintln(w, sectionEnd)
	return err
}

// backupHeader is what the first lines of a backup say.
type backupHeader struct {
	SchemaVersion int
	TakenAt       string
}

// readHeader reads and checks a backup's header.
func readHeader(r *bufio.Reader) (backupHeader, error) {
	var h backupHeader
	var format int
	lines := make([]string, 3)
	for i := range lines {
		line, err := r.ReadString('\n')
		if err != nil {
			return h, fmt.Errorf("not a Long Game PostgreSQL backup: %w", err)
		}
		lines[i] = strings.TrimSuffix(line, "\n")
	}
	if _, err := fmt.Sscanf(lines[0], backupMagic+" %d", &format); err != nil {
		return h, errors.New("not a Long Game PostgreSQL backup (it should start with " + backupMagic + ")")
	}
	if format != backupFormat {
		return h, fmt.Errorf("backup format %d: this binary reads format %d", format, backupFormat)
	}
	if _, err := fmt.Sscanf(lines[1], "schema_version %d", &h.SchemaVersion); err != nil || h.SchemaVersion < 1 {
		return h, fmt.Errorf("backup header: bad schema_version line %q", lines[1])
	}
	h.TakenAt, _ = strings.CutPrefix(lines[2], "taken_at ")
	return h, nil
}

// section is a table's header line in a backup.
type section struct {
	table   string
	rows    int64
	columns []string
}

func parseSection(line string) (section, bool, error) {
	if line == backupTrailer {
		return section{}, false, nil
	}
	f := strings.Fields(line)
	if len(f) != 4 || f[0] != "table" {
		return section{}, false, fmt.Errorf("backup: expected a table header, got %.80q", line)
	}
	n, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || n < 0 {
		return section{}, false, fmt.Errorf("backup: bad row count in %.80q", line)
	}
	return section{table: f[1], rows: n, columns: strings.Split(f[3], ",")}, true, nil
}

// sectionReader reads one section's rows, up to and without its end mark,
// for COPY … FROM STDIN.
type sectionReader struct {
	r    *bufio.Reader
	buf  []byte
	done bool
}

func (s *sectionReader) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		if s.done {
			return 0, io.EOF
		}
		line, err := s.r.ReadBytes('\n')
		if err != nil {
			return 0, fmt.Errorf("backup ends inside a table: %w", io.ErrUnexpectedEOF)
		}
		if string(line) == sectionEnd+"\n" {
			s.done = true
			continue
		}
		s.buf = line
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}
