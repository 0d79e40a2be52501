package main

import (
	"context"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/sqlite"
)

// storeOptions are openStore's: all may be left zero.
type storeOptions struct {
	now      func() time.Time // the clock; nil is real time
	onCommit func(took time.Duration, writes int)
	// serving is set by longgame run, which serves commands for as long
	// as it runs: it keeps its pool's connections open and ready for them,
	// where a one-shot command opens what it uses.
	serving bool
}

// openStore opens the store dsn (LONGGAME_DB) names: PostgreSQL for a
// postgres:// or postgresql:// URL, else the SQLite file at that path.
// Pending migrations are applied.
func openStore(ctx context.Context, dsn string, o storeOptions) (storage.Store, error) {
	if postgres.IsURL(dsn) {
		var keep int32
		if o.serving {
			keep = postgres.DefaultMaxConns()
		}
		return postgres.Open(ctx, dsn, postgres.Options{Now: o.now, OnCommit: o.onCommit, KeepConns: keep})
	}
	return sqlite.Open(ctx, dsn, sqlite.Options{Now: o.now, OnCommit: o.onCommit, ReadyReads: o.serving})
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
