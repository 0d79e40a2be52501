package main

import (
	"context"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/sqlite"
)

// openStore opens the store dsn (LONGGAME_DB) names: PostgreSQL for a
// postgres:// or postgresql:// URL, else the SQLite file at that path.
// Pending migrations are applied. now is the clock; nil is real time.
func openStore(ctx context.Context, dsn string, now func() time.Time, onCommit func(time.Duration, int)) (storage.Store, error) {
	if postgres.IsURL(dsn) {
		return postgres.Open(ctx, dsn, postgres.Options{Now: now, OnCommit: onCommit})
	}
	return sqlite.Open(ctx, dsn, sqlite.Options{Now: now, OnCommit: onCommit})
}

// isPostgres reports whether dsn names a PostgreSQL database.
func isPostgres(dsn string) bool { return postgres.IsURL(dsn) }

// dbName is dsn as it may be shown in a log line, an error or doctor's
// output: a URL's password is masked (postgres://user:***@host/db).
func dbName(dsn string) string { return postgres.Redact(dsn) }

// latestSchemaVersion is the schema version this binary migrates dsn's
// engine to.
func latestSchemaVersion(dsn string) int {
	if isPostgres(dsn) {
		return postgres.LatestSchemaVersion()
	}
	return sqlite.LatestSchemaVersion()
}
