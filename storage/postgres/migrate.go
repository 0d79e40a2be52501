package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	neturl "net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

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
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version != i+1 {
			return nil, fmt.Errorf("migration %s: want a name %04d_name.sql", name, i+1)
		}
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: version, name: base, sql: string(buf)})
	}
	return ms, nil
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

// migrationLock is the key of the session advisory lock a migration holds:
// replicas starting together apply the migrations one after the other, and
// each finds the work done by the first.
const migrationLock int64 = 0x4c6f6e6747616d65 // "LongGame"

// migrate applies the embedded migrations up to version target (0: all),
// each in its own transaction, and refuses a database migrated by a newer
// binary.
func migrate(ctx context.Context, pool *pgxpool.Pool, target int) error {
	ms, err := embeddedMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	latest := LatestSchemaVersion()
	if target == 0 {
		target = latest
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT date_trunc('second', now())
	)`
	if _, err := conn.Exec(ctx, create); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	current, err := schemaVersion(ctx, conn)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if current > latest {
		return fmt.Errorf("migrate: database schema version %d is newer than this binary's %d", current, latest)
	}
	for _, m := range ms {
		if m.version <= current || m.version > target {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			if after := afterMigration[m.version]; after != nil {
				if err := after(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.version)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate %s: %w", m.name, err)
		}
	}
	return nil
}

// afterMigration finishes, in Go and in the same transaction, the
// migrations whose work SQL cannot do as the store does, by version.
var afterMigration = map[int]func(ctx context.Context, tx pgx.Tx) error{
	2: fillCompanyKeys,
}

// fillCompanyKeys sets the matching key of the companies that migration
// 0002 gave the champions from their deals. FindChampions compares keys
// the store wrote with storage.NameKey, which collapses spaces and
// lower-cases every script as Go does: the server's lower() does not
// collapse spaces, and folds case as the database's locale says.
func fillCompanyKeys(ctx context.Context, tx pgx.Tx) error {
	type company struct {
		id   int64
		name string
	}
	cs, err := queryAll(ctx, tx, func(s rowScanner, c *company) error { return s.Scan(&c.id, &c.name) },
		`SELECT id, company FROM champions WHERE company <> ''`)
	if err != nil {
		return fmt.Errorf("company keys: %w", err)
	}
	ids, keys := make([]int64, len(cs)), make([]string, len(cs))
	for i, c := range cs {
		ids[i], keys[i] = c.id, storage.NameKey(c.name)
	}
	_, err = tx.Exec(ctx, `UPDATE champions ch SET company_key = k.key
		FROM unnest($1::bigint[], $2::text[]) AS k(id, key) WHERE ch.id = k.id`, ids, keys)
	if err != nil {
		return fmt.Errorf("company keys: %w", err)
	}
	return nil
}

// SchemaVersion is the highest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	v, err := read(ctx, db, func(q querier) (int, error) { return schemaVersion(ctx, q) })
	if err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

// PeekSchemaVersion reads the schema version of the database at url
// without migrating it: 0 when it holds no Long Game schema yet. Errors
// never contain the URL's password.
func PeekSchemaVersion(ctx context.Context, url string) (int, error) {
	v, err := peekSchemaVersion(ctx, url)
	return v, scrub(err, url)
}

func peekSchemaVersion(ctx context.Context, url string) (int, error) {
	conn, err := connect(ctx, url)
	if err != nil {
		return 0, fmt.Errorf("connect to %s: %w", Redact(url), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil || !exists {
		return 0, err
	}
	return schemaVersion(ctx, conn)
}

// CreateDatabase creates database name on the server of url (connecting
// to url's own database to do it), as a copy of template ("" for the
// server's default).
func CreateDatabase(ctx context.Context, url, name, template string) error {
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	return scrub(onServer(ctx, url, stmt), url)
}

// DropDatabase drops database name on the server of url, closing the
// connections still open to it; a missing one is not an error.
func DropDatabase(ctx context.Context, url, name string) error {
	return scrub(onServer(ctx, url, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"), url)
}

func onServer(ctx context.Context, url, stmt string) error {
	conn, err := connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", Redact(url), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, stmt)
	return err
}

// connect opens one connection to url outside the pool. The URL may carry
// the pool's own settings (pool_max_conns…), which the pool's parser takes
// out: given to the server, they would be refused as unknown parameters.
func connect(ctx context.Context, url string) (*pgx.Conn, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	return pgx.ConnectConfig(ctx, cfg.ConnConfig)
}

// WithDatabase is url with its database replaced by name.
func WithDatabase(url, name string) (string, error) {
	u, err := neturl.Parse(url)
	if err != nil {
		return "", fmt.Errorf("parse %s: %w", Redact(url), err)
	}
	u.Path = "/" + name
	return u.String(), nil
}
