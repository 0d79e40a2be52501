package postgres

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Restore loads a backup that Backup wrote into the empty database at url:
// it migrates the database to the backup's schema version, copies every
// table in one transaction (checking each table's row count against the
// backup's), migrates on to this binary's version, and checks the result.
// It refuses a database that holds any row. It returns the rows restored
// by table. Errors never contain the URL's password.
func Restore(ctx context.Context, url string, r io.Reader) (map[string]int64, error) {
	counts, err := restore(ctx, url, bufio.NewReaderSize(r, 1<<16))
	return counts, scrub(err, url)
}

func restore(ctx context.Context, url string, r *bufio.Reader) (map[string]int64, error) {
	h, err := readHeader(r)
	if err != nil {
		return nil, err
	}
	if latest := LatestSchemaVersion(); h.SchemaVersion > latest {
		return nil, fmt.Errorf("the backup's schema version %d is newer than this binary's %d: restore it with the binary that took it", h.SchemaVersion, latest)
	}
	pool, err := newPool(ctx, url, Options{MaxConns: 2}, &readiness{})
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	if err := refuseRows(ctx, pool); err != nil {
		return nil, err
	}
	if err := migrate(ctx, pool, h.SchemaVersion); err != nil {
		return nil, err
	}
	counts, err := fill(ctx, pool, func(tx pgx.Tx, ts []Table) (map[string]int64, error) {
		return copySections(ctx, tx, r, ts)
	})
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, pool, 0); err != nil {
		return counts, err
	}
	return counts, checkLoaded(ctx, pool)
}

// copySections copies each section of the backup into its table.
func copySections(ctx context.Context, tx pgx.Tx, r *bufio.Reader, ts []Table) (map[string]int64, error) {
	counts := map[string]int64{}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("backup ends before its last line: %w", io.ErrUnexpectedEOF)
		}
		sec, more, err := parseSection(strings.TrimSuffix(line, "\n"))
		if err != nil || !more {
			return counts, err
		}
		i := slices.IndexFunc(ts, func(t Table) bool { return t.Name == sec.table })
		if i < 0 {
			return nil, fmt.Errorf("backup has a table %s this schema does not", sec.table)
		}
		t := Table{Name: sec.table}
		for _, c := range sec.columns {
			t.Columns = append(t.Columns, Column{Name: c})
		}
		tag, err := tx.Conn().PgConn().CopyFrom(ctx, &sectionReader{r: r}, `COPY `+t.copyList()+` FROM STDIN`)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", sec.table, err)
		}
		if tag.RowsAffected() != sec.rows {
			return nil, fmt.Errorf("table %s: restored %d rows, the backup counted %d", sec.table, tag.RowsAffected(), sec.rows)
		}
		counts[sec.table] = sec.rows
	}
}

// Rows are the rows Load copies into a table: the values of columns, in
// that order, row by row. Columns left out take their defaults.
type Rows struct {
	Columns []string
	Source  pgx.CopyFromSource
}

// Load fills the tables of this store's database, which must hold no row,
// in one transaction: rows gives, for each table of Tables, the rows to
// copy into it (a nil Source for none). The
// identity sequences and the deals' numbering counters are then moved past
// what was loaded, and the whole is checked. It returns the rows loaded by
// table: what `longgame migrate-to` copies from SQLite with.
func (db *DB) Load(ctx context.Context, rows func(t Table) (Rows, error)) (map[string]int64, error) {
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.mu.RUnlock()
	if err := refuseRows(ctx, db.pool); err != nil {
		return nil, err
	}
	counts, err := fill(ctx, db.pool, func(tx pgx.Tx, ts []Table) (map[string]int64, error) {
		counts := map[string]int64{}
		for _, t := range ts {
			r, err := rows(t)
			if err != nil {
				return nil, fmt.Errorf("table %s: %w", t.Name, err)
			}
			if r.Source == nil {
				counts[t.Name] = 0
				continue
			}
			n, err := tx.CopyFrom(ctx, pgx.Identifier{t.Name}, r.Columns, r.Source)
			if err != nil {
				return nil, fmt.Errorf("table %s: %w", t.Name, err)
			}
			counts[t.Name] = n
		}
		return counts, nil
	})
	if err != nil {
		return nil, err
	}
	return counts, checkLoaded(ctx, db.pool)
}

// Counts are the rows of every table of Tables, read in one snapshot.
func (db *DB) Counts(ctx context.Context) (map[string]int64, error) {
	counts := map[string]int64{}
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		ts, err := tables(ctx, tx)
		if err != nil {
			return err
		}
		for _, t := range ts {
			var n int64
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+pgx.Identifier{t.Name}.Sanitize()).Scan(&n); err != nil {
				return err
			}
			counts[t.Name] = n
		}
		return nil
	})
	return counts, err
}

// refuseRows fails unless every table of the database's schema is empty
// (the migrations' own record aside): a restore or an import never mixes
// its rows with others.
func refuseRows(ctx context.Context, pool *pgxpool.Pool) error {
	names, err := queryAll(ctx, pool, scanString, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
		ORDER BY table_name`)
	if err != nil {
		return err
	}
	for _, name := range names {
		var any bool
		if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+pgx.Identifier{name}.Sanitize()+`)`).Scan(&any); err != nil {
			return err
		}
		if any {
			return fmt.Errorf("the database is not empty (table %s has rows): restore into a new, empty database", name)
		}
	}
	return nil
}

// fill runs copy in one transaction whose foreign keys are checked at its
// commit (rows may come in any order, check-ins referencing later ones),
// then moves each identity sequence past the largest id loaded and each
// deal's counters to its largest numbers, and gathers the planner's
// statistics.
func fill(ctx context.Context, pool *pgxpool.Pool, copy func(tx pgx.Tx, ts []Table) (map[string]int64, error)) (map[string]int64, error) {
	var counts map[string]int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL DEFERRED`); err != nil {
			return err
		}
		ts, err := tables(ctx, tx)
		if err != nil {
			return err
		}
		if counts, err = copy(tx, ts); err != nil {
			return err
		}
		for _, t := range ts {
			if !slices.ContainsFunc(t.Columns, func(c Column) bool { return c.Name == "id" }) {
				continue
			}
			name := pgx.Identifier{t.Name}.Sanitize()
			_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM `+name, t.Name)
			if err != nil {
				return fmt.Errorf("table %s: move its id sequence: %w", t.Name, err)
			}
		}
		if err := moveCounters(ctx, tx, ts); err != nil {
			return err
		}
		// Statistics now, not when autovacuum comes by: planned without
		// them, a query may scan a whole table where an index would find
		// the rows (the daily cap's did, before its rewrite), and a
		// database just filled is about to be used.
		if _, err := tx.Exec(ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("gather statistics: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}

// counters are the deals' numbering counters and the table each numbers.
var counters = []struct{ column, table string }{
	{"last_ask", "asks"}, {"last_give", "gives"}, {"last_risk", "risks"}, {"last_checkin", "checkins"},
}

// moveCounters moves each deal's counters to the largest numbers loaded.
// It moves those the schema has: a restore fills the schema of its backup,
// perhaps older than this binary's (last_checkin came with 0002, which
// numbers the check-ins itself).
func moveCounters(ctx context.Context, tx pgx.Tx, ts []Table) error {
	i := slices.IndexFunc(ts, func(t Table) bool { return t.Name == "deals" })
	if i < 0 {
		return fmt.Errorf("no deals table")
	}
	var sets []string
	for _, c := range counters {
		if slices.Contains(ts[i].ColumnNames(), c.column) {
			sets = append(sets, fmt.Sprintf(`%[1]s = GREATEST(d.%[1]s,
				(SELECT COALESCE(MAX(number), 0) FROM %[2]s WHERE team_id = d.team_id AND deal_id = d.id))`, c.column, c.table))
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE deals d SET `+strings.Join(sets, ", ")); err != nil {
		return fmt.Errorf("move the deals' counters: %w", err)
	}
	return nil
}

// checkLoaded runs the integrity check on what was loaded.
func checkLoaded(ctx context.Context, pool *pgxpool.Pool) error {
	db := &DB{pool: pool}
	if err := db.IntegrityCheck(ctx); err != nil {
		return fmt.Errorf("after loading: %w", err)
	}
	return nil
}
