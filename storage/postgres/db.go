// Package postgres is the storage.Store of Long Game on PostgreSQL
// (github.com/jackc/pgx/v5 and its pool), for a team that runs several
// replicas of the bot on one database: deals, champions, asks and gives,
// risks, check-ins and the audit trail, every row scoped by Slack
// workspace, with the same behaviour as package storage/sqlite (both pass
// storage/storagetest).
//
// What SQLite gets from having one writer, PostgreSQL gets from row locks:
// per-deal numbers come from a counter on the deal's row, taken with UPDATE
// … RETURNING, so concurrent adds queue on that row (ask.go); reminders are
// claimed with FOR UPDATE SKIP LOCKED, so dispatchers on several replicas
// never claim one twice (dispatch.go); every write after a claim is fenced
// on it; events and weekly nudges are deduplicated with ON CONFLICT DO
// NOTHING. A write returns nil only once its transaction is committed,
// with synchronous_commit on (Open makes sure of it on every connection).
//
// Instants are timestamptz, in whole seconds: the server's own type for
// an instant, which psql, a backup file and any reporting tool read as a
// time, and which compares and indexes like an integer; the store
// truncates every instant to the second before writing it, so that what
// it stores and compares is what SQLite's INTEGER seconds store. Calendar
// dates are date. Queries run as prepared statements through pgx's
// per-connection statement cache.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/longgame/longgame/storage"
)

// Options configure Open.
type Options struct {
	// Now returns the current time; nil means time.Now. Tests inject a clock.
	Now func() time.Time
	// MaxConns bounds the pool; 0 means the URL's pool_max_conns, else
	// DefaultMaxConns.
	MaxConns int32
	// OnCommit, if set, hears each transaction that committed: how long it
	// took and how many writes it carried (a group of adds counts each).
	OnCommit func(took time.Duration, writes int)
	// KeepConns, if positive, keeps that many connections open (at most
	// the pool's size), each made ready for a command's reads before it
	// serves one (see ready.go): for a long-running process, not for a
	// one-shot command or a test.
	KeepConns int32
}

// DefaultMaxConns is the pool's size unless the URL (pool_max_conns) or
// Options say otherwise: enough that commands in flight and the reminders'
// channels rarely queue for a connection (the reads of channels' deals and
// the adds each share one), few enough that three replicas (48) stay well
// under the server's default max_connections of 100, which 32 each did
// not while other clients were connected. A store opens them as the load
// needs them, unless it keeps them (Options.KeepConns), as longgame run's
// does.
func DefaultMaxConns() int32 { return int32(max(16, 4*runtime.NumCPU())) }

// DB is the Long Game store on a PostgreSQL database, safe for concurrent
// use by any number of goroutines and processes.
type DB struct {
	pool  *pgxpool.Pool
	adds  *adder         // commits the numbered adds in groups
	deals *channelLookup // reads the deals of channels in groups
	kept  *dealCache     // the deals read, until a change is heard of
	hear  *dealListener  // hears of the changes
	url   string         // redacted
	clock func() time.Time

	onCommit func(took time.Duration, writes int)

	warm   *readiness
	keeper *keeper // nil without Options.KeepConns

	// mu is held shared by every call in flight and exclusively by Close,
	// which thus waits for them; closed makes later calls fail.
	mu     sync.RWMutex
	closed bool

	closeOnce sync.Once
}

var _ storage.Store = (*DB)(nil)

// IsURL reports whether dsn names a PostgreSQL database (postgres:// or
// postgresql://) rather than a SQLite file.
func IsURL(dsn string) bool {
	return hasPrefixFold(dsn, "postgres://") || hasPrefixFold(dsn, "postgresql://")
}

// Open connects to the database at url, applies the pending migrations
// (under an advisory lock, so replicas starting together take turns) and
// returns the store. Errors never contain the URL's password.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	db, err := open(ctx, url, opts)
	if err != nil {
		return nil, scrub(err, url)
	}
	return db, nil
}

func open(ctx context.Context, url string, opts Options) (*DB, error) {
	warm := &readiness{}
	pool, err := newPool(ctx, url, opts, warm)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, pool, 0); err != nil {
		pool.Close()
		return nil, err
	}
	db := &DB{pool: pool, url: Redact(url), clock: opts.Now, onCommit: opts.OnCommit, warm: warm}
	if db.clock == nil {
		db.clock = time.Now
	}
	db.adds = startAdder(db)
	db.deals = startChannelLookup(db)
	db.kept = newDealCache()
	db.hear = newDealListener(pool.Config().ConnConfig.Copy(), db.kept)
	if opts.KeepConns > 0 {
		warm.on.Store(true) // the schema is there to be read
		db.keeper = startKeeper(db, min(opts.KeepConns, pool.Config().MaxConns))
	}
	return db, nil
}

// newPool opens a pool on url and checks that it answers. Its connections
// commit durably, plan each statement once (see readyConn) and, once warm
// is on, are made ready for reads before they serve any.
func newPool(ctx context.Context, url string, opts Options, warm *readiness) (*pgxpool.Pool, error) {
	if !IsURL(url) {
		return nil, fmt.Errorf("%s is not a postgres:// URL: %w", Redact(url), storage.ErrInvalid)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", Redact(url), err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	} else if !hasParam(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns()
	}
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		if err := durableCommits(ctx, conn); err != nil {
			return err
		}
		if err := planOnce(ctx, conn); err != nil {
			return err
		}
		if warm.on.Load() {
			readyConn(ctx, conn)
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", Redact(url), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to %s: %w", Redact(url), err)
	}
	return pool, nil
}

// durableCommits makes every connection wait for the WAL flush at commit,
// whatever the server's or the role's default says: a write returns only
// once it is durable. A stronger setting (remote_write, remote_apply) is
// kept.
func durableCommits(ctx context.Context, conn *pgx.Conn) error {
	var mode string
	if err := conn.QueryRow(ctx, `SELECT current_setting('synchronous_commit')`).Scan(&mode); err != nil {
		return fmt.Errorf("read synchronous_commit: %w", err)
	}
	if mode == "off" || mode == "local" {
		if _, err := conn.Exec(ctx, `SET synchronous_commit = on`); err != nil {
			return fmt.Errorf("set synchronous_commit: %w", err)
		}
	}
	return nil
}

// Close waits for the calls in flight and closes the pool; later calls fail
// with ErrClosed. Closing again is harmless.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.keeper.stop() // before the lock: it may wait for a top-up in flight
		db.mu.Lock()
		db.closed = true
		db.mu.Unlock()
		db.adds.stop() // nothing in flight: every add was answered
		db.deals.stop()
		db.hear.stop()
		db.pool.Close()
	})
	return nil
}

// enter marks a call in flight; leave it with db.mu.RUnlock.
func (db *DB) enter() error {
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		return storage.ErrClosed
	}
	return nil
}

// now is the current time as stored: UTC, whole seconds.
func (db *DB) now() time.Time {
	return db.clock().UTC().Truncate(time.Second)
}

// maxTries bounds how often a write runs when the server aborts it to
// break a deadlock or a serialization conflict: it is then safe to run it
// again, as nothing of it was committed.
const maxTries = 4

// writeValue runs fn in a transaction with the time of the write and
// returns its result once committed: the shell of every write of several
// statements. Once begun, the transaction runs to its end whatever ctx
// does, so that nil always means committed and an error means not written.
func writeValue[T any](ctx context.Context, db *DB, fn func(ctx context.Context, tx pgx.Tx, now time.Time) (T, error)) (T, error) {
	var zero T
	if err := db.enter(); err != nil {
		return zero, err
	}
	defer db.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	ctx = context.WithoutCancel(ctx)
	defer db.kept.forgetAll() // this replica's next read sees the write, whatever became of it
	now := db.now()
	for try := 1; ; try++ {
		var v T
		start := time.Now()
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			var err error
			v, err = fn(ctx, tx, now)
			return err
		})
		if err == nil {
			db.committed(start, 1)
			return v, nil
		}
		if try == maxTries || !retryable(err) {
			return zero, domainError(err)
		}
	}
}

// write is writeValue for a write with no result.
func (db *DB) write(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx, now time.Time) error) error {
	_, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (struct{}, error) {
		return struct{}{}, fn(ctx, tx, now)
	})
	return err
}

// readTx runs fn in a read-only REPEATABLE READ transaction, so that its
// queries see one snapshot.
func (db *DB) readTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.mu.RUnlock()
	opts := pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
	return pgx.BeginTxFunc(ctx, db.pool, opts, fn)
}

// committed tells Options.OnCommit of a commit begun at start.
func (db *DB) committed(start time.Time, writes int) {
	if db.onCommit != nil {
		db.onCommit(time.Since(start), writes)
	}
}

// read runs fn on the pool, for a read of one statement (one snapshot).
func read[T any](ctx context.Context, db *DB, fn func(q querier) (T, error)) (T, error) {
	if err := db.enter(); err != nil {
		var zero T
		return zero, err
	}
	defer db.mu.RUnlock()
	return fn(db.pool)
}

// retryable reports whether the server aborted a transaction that can
// simply run again: a deadlock it broke, or a serialization failure.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// exec1 runs fn, a write of one statement, on the pool: the statement is
// its own transaction, committed when it returns. Like writeValue, once
// sent it runs to its end whatever ctx does.
func (db *DB) exec1(ctx context.Context, fn func(ctx context.Context, q querier) error) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	defer db.kept.forgetAll() // this replica's next read sees the write, whatever became of it
	for try := 1; ; try++ {
		err := fn(ctx, db.pool)
		if err == nil || try == maxTries || !retryable(err) {
			return domainError(err)
		}
	}
}
