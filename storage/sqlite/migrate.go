package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/longgame/longgame/storage"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one embedded schema change, migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// embeddedMigrations are the migrations in version order, read once.
var embeddedMigrations = sync.OnceValues(func() ([]migration, error) {
	return loadMigrations(migrationFS)
})

// loadMigrations reads migrations/*.sql from fsys and checks that their
// versions run 1, 2, 3… without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql") // sorted
	if err != nil {
		return nil, err
	}
	var ms []migration
	for i, name := range names {
		m, err := readMigration(fsys, name)
		if err != nil {
			return nil, err
		}
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: version %d, want %d", name, m.version, i+1)
		}
		ms = append(ms, m)
	}
	return ms, nil
}

// readMigration reads one migration file; its version is the number before
// the first underscore.
func readMigration(fsys fs.FS, name string) (migration, error) {
	base := path.Base(name)
	num, _, ok := strings.Cut(base, "_")
	version, err := strconv.Atoi(num)
	if !ok || err != nil || version <= 0 {
		return migration{}, fmt.Errorf("migration %s: name is not NNNN_name.sql", name)
	}
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		return migration{}, err
	}
	return migration{version: version, name: base, sql: string(buf)}, nil
}

// LatestSchemaVersion is the schema version this binary migrates a database
// to; compare it with DB.SchemaVersion.
func LatestSchemaVersion() int {
	ms, err := embeddedMigrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// SchemaVersion is the highest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	v, err := schemaVersion(ctx, db.read)
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// migrate applies the pending embedded migrations, each in its own
// transaction, and refuses a database migrated by a newer binary.
func migrate(ctx context.Context, conn *sql.DB, now time.Time) error {
	ms, err := embeddedMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	current, err := schemaVersion(ctx, conn)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if latest := LatestSchemaVersion(); current > latest {
		return fmt.Errorf("migrate: database schema version %d is newer than this binary's %d", current, latest)
	}
	for _, m := range ms {
		if err := applyMigration(ctx, conn, m, now); err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	if err := fillCompanyKeys(ctx, conn); err != nil {
		return fmt.Errorf("migrate: company keys: %w", err)
	}
	return nil
}

// fillCompanyKeys sets the matching key of the champions' companies that
// migration 0006 named from their deals: storage.NameKey lower-cases
// every script, which SQL's lower() does not. It finds nothing to do once
// done.
func fillCompanyKeys(ctx context.Context, conn *sql.DB) error {
	type row struct {
		id      int64
		company string
	}
	rows, err := queryAll(ctx, conn, func(s rowScanner, r *row) error { return s.Scan(&r.id, &r.company) },
		`SELECT id, company FROM champions WHERE company_key = '' AND company <> ''`)
	if err != nil || len(rows) == 0 {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `UPDATE champions SET company_key = ? WHERE id = ? AND company = ?`,
			storage.NameKey(r.company), r.id, r.company); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// applyMigration applies m and records it, unless it is already recorded:
// another process may have applied it since we looked.
func applyMigration(ctx context.Context, conn *sql.DB, m migration, now time.Time) error {
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, unixArg(now)); err != nil {
		return err
	}
	return tx.Commit()
}
