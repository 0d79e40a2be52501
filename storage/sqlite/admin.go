package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
)

// IntegrityCheck runs SQLite's integrity and foreign key checks and reports
// what they found.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	problems, err := queryAll(ctx, db.read, scanString, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	var fk []string
	fk, err = queryAll(ctx, db.read, scanFKViolation, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	if len(fk) > 0 {
		return fmt.Errorf("foreign key check: %s", strings.Join(fk, "; "))
	}
	drift, err := queryAll(ctx, db.read, scanTallyDrift, tallyCheckQuery)
	if err != nil {
		return fmt.Errorf("risk tally check: %w", err)
	}
	if len(drift) > 0 {
		return fmt.Errorf("risk tally check: %s", strings.Join(drift, "; "))
	}
	return nil
}

// tallyCheckQuery recounts the open risks and lists the risk tallies
// (migration 0003) that disagree: team, deal, tallied, counted.
const tallyCheckQuery = `SELECT team_id, deal_id, SUM(tallied), SUM(counted) FROM (
		SELECT team_id, deal_id, severity, area, needs_test, disclosed, n AS tallied, 0 AS counted FROM risk_tallies
		UNION ALL
		SELECT team_id, deal_id, severity, area, needs_test, disclosed, 0, 1 FROM risks WHERE status = 'open')
	GROUP BY team_id, deal_id, severity, area, needs_test, disclosed
	HAVING SUM(tallied) <> SUM(counted)`

func scanTallyDrift(s rowScanner, v *string) error {
	var team string
	var deal, tallied, counted int64
	if err := s.Scan(&team, &deal, &tallied, &counted); err != nil {
		return err
	}
	*v = fmt.Sprintf("deal %d of %s has %d open risks of a kind tallied as %d", deal, team, counted, tallied)
	return nil
}

func scanString(s rowScanner, v *string) error { return s.Scan(v) }

// scanFKViolation reads a foreign_key_check row: table, rowid, parent, fkid.
func scanFKViolation(s rowScanner, v *string) error {
	var table, parent string
	var rowid sql.NullInt64
	var fkid int64
	if err := s.Scan(&table, &rowid, &parent, &fkid); err != nil {
		return err
	}
	*v = fmt.Sprintf("%s row %d references a missing %s", table, rowid.Int64, parent)
	return nil
}

// Backup writes a consistent copy of the database to path with VACUUM INTO,
// while the bot keeps running. It refuses an existing file with an error
// wrapping os.ErrExist.
func (db *DB) Backup(ctx context.Context, path string) error {
	// The copy is made in an empty file created readable by its owner
	// only (SQLite would create it readable by all), and never over an
	// existing one.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := db.vacuumInto(ctx, path); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

func (db *DB) vacuumInto(ctx context.Context, path string) error {
	// The read pool is query_only, which refuses VACUUM INTO, so the copy
	// gets a connection of its own; it only reads the database.
	conn, err := openPool(ctx, dsn(db.path, commonPragmas, ""), 1, commonPragmas)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}
