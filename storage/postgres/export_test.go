package postgres

import (
	"context"
	"time"
)

// MigrateUpTo migrates the database at url to schema version only, as an
// older binary left it: for the tests of a migration.
func MigrateUpTo(ctx context.Context, url string, version int) error {
	pool, err := newPool(ctx, url, Options{MaxConns: 2}, &readiness{})
	if err != nil {
		return err
	}
	defer pool.Close()
	return migrate(ctx, pool, version)
}

// BackupAsIs writes a backup of the database at url without migrating it
// first, as an older binary would have: for the tests of a restore across
// migrations.
func BackupAsIs(ctx context.Context, url, path string) error {
	pool, err := newPool(ctx, url, Options{MaxConns: 2}, &readiness{})
	if err != nil {
		return err
	}
	defer pool.Close()
	db := &DB{pool: pool, clock: time.Now}
	return db.Backup(ctx, path)
}
