// Package sqlite is the storage.Store of Long Game on a SQLite file
// (modernc.org/sqlite, no cgo): deals, champions, asks and gives, risks,
// check-ins and the audit trail, every row scoped by Slack workspace.
//
// The file is in WAL mode with synchronous=FULL and foreign keys on, every
// pragma set in the DSN of each connection and read back at Open; commits
// sync with fdatasync; the database and its WAL are readable by their
// owner only. The schema is versioned by embedded migrations (migrate.go).
//
// Reads go through a small pool of read-only connections (a serving process
// opens them ready: ready.go). Writes go through one connection owned by a
// goroutine that commits them in groups (see writer.go): a write method
// returns nil only once its change is on disk.
// That goroutine also checkpoints the WAL between batches (checkpoint.go).
// Both pools run each query as a prepared statement, parsed once per
// connection (stmt.go).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	modernc "modernc.org/sqlite" // also the "sqlite" database/sql driver

	"github.com/longgame/longgame/storage"
)

const (
	busyTimeoutMS = 5000
	readConns     = 4  // read pool size
	maxBatch      = 64 // writes committed in one transaction at most
)

// pragma is a setting every connection gets from its DSN, with the value it
// must read back: the driver silently ignores a misspelt _pragma.
type pragma struct{ name, set, want string }

var (
	commonPragmas = []pragma{
		{"busy_timeout", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS), fmt.Sprint(busyTimeoutMS)},
		{"foreign_keys", "foreign_keys(1)", "1"},
		{"journal_mode", "journal_mode(WAL)", "wal"},
		{"synchronous", "synchronous(FULL)", "2"},
	}
	// Readers are query_only, so nothing can write behind the writer's back.
	readPragmas = slices.Concat(commonPragmas, []pragma{{"query_only", "query_only(1)", "1"}})
	// The writer never checkpoints inside a commit: its goroutine does it
	// between batches (see checkpoint.go).
	writePragmas = slices.Concat(commonPragmas, []pragma{{"wal_autocheckpoint", "wal_autocheckpoint(0)", "0"}})
)

// Options configure Open.
type Options struct {
	// Now returns the current time; nil means time.Now. Tests inject a clock.
	Now func() time.Time
	// OnCommit, if set, hears of each group commit of the writer: how long
	// its transaction took, from BEGIN to COMMIT (or rollback), and how
	// many writes it held. It runs on the writer's goroutine before the
	// writers are answered, so it must be quick and must not use the DB.
	OnCommit func(took time.Duration, writes int)
	// ReadyReads opens every read connection in the background and
	// prepares on each the reads commands make most (see ready.go): for a
	// long-running process, not for a one-shot command.
	ReadyReads bool

	checkpoint checkpointPolicy // zero means the defaults; tests shrink it
}

// DB is the Long Game store on one SQLite file, safe for concurrent use.
type DB struct {
	path  string
	read  *pool   // readConns query_only connections
	w     *writer // the only writer
	clock func() time.Time
	cache *readCache   // summaries and overviews until the next commit
	days  reminderDays // the reminder days taken (TakeReminderDay)
	ready *readier     // nil without Options.ReadyReads

	closeOnce sync.Once
	closeErr  error
}

var _ storage.Store = (*DB)(nil)

// Open opens the SQLite file at path (creating it), checks that every pragma
// took effect, applies the pending migrations and starts the writer.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	db := &DB{path: path, clock: opts.Now, cache: newReadCache()}
	if db.clock == nil {
		db.clock = time.Now
	}
	if err := checkPath(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	syncWithFdatasync()
	conn, err := openPool(ctx, dsn(path, writePragmas, "immediate"), 1, writePragmas)
	if err != nil {
		return nil, fmt.Errorf("open %s: writer: %w", path, err)
	}
	if err := migrate(ctx, conn, db.now()); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read, err := openPool(ctx, dsn(path, readPragmas, ""), readConns, readPragmas)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("open %s: readers: %w", path, err)
	}
	db.read = newPool(read)
	db.w = startWriter(newPool(conn), maxBatch, opts.checkpoint, opts.OnCommit, db.cache.committed)
	if opts.ReadyReads {
		db.ready = startReadier(db)
	}
	return db, nil
}

// checkPath refuses what cannot be a shared database file.
func checkPath(path string) error {
	switch {
	case path == "":
		return fmt.Errorf("empty path: %w", storage.ErrInvalid)
	case strings.Contains(path, ":memory:") || strings.Contains(path, "mode=memory"):
		return fmt.Errorf("in-memory databases are not shared across connections: %w", storage.ErrInvalid)
	case strings.ContainsRune(path, '?'):
		// The driver splits the DSN at the first '?'.
		return fmt.Errorf("path contains '?': %w", storage.ErrInvalid)
	}
	return nil
}

// ownerOnly makes the database file readable by its owner only, creating
// it if need be, before SQLite opens it: SQLite gives the WAL and the
// shared-memory file the mode of the database file. Files an earlier
// version left readable by others are tightened too. (This runs before any
// connection exists: closing a descriptor of an open database would drop
// SQLite's locks.)
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(name, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// dsn is the driver's data source name for path with the given pragmas.
func dsn(path string, pragmas []pragma, txlock string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p.set)
	}
	if txlock != "" {
		q.Set("_txlock", txlock)
	}
	return path + "?" + q.Encode()
}

// openPool opens a pool of at most conns connections and checks pragmas on
// one of them.
func openPool(ctx context.Context, dsn string, conns int, pragmas []pragma) (*sql.DB, error) {
	pool, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	if err := checkPragmas(ctx, pool, pragmas); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// checkPragmas reads each pragma back on one connection of pool and names
// the first that is not what was asked.
func checkPragmas(ctx context.Context, pool *sql.DB, pragmas []pragma) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, p := range pragmas {
		var got string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(&got); err != nil {
			return fmt.Errorf("read pragma %s: %w", p.name, err)
		}
		if !strings.EqualFold(got, p.want) {
			return fmt.Errorf("pragma %s is %q, want %q", p.name, got, p.want)
		}
	}
	return nil
}

// Close stops the writer once the writes it has taken are committed, then
// closes the connections. Writes attempted afterwards fail with ErrClosed.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.ready.stop()
		db.w.stop() // commits what it took, then checkpoints and closes its statements
		db.closeErr = errors.Join(db.w.conn.Close(), db.read.stmts.close(), db.read.Close())
	})
	return db.closeErr
}

// now is the current time as stored: UTC, whole seconds.
func (db *DB) now() time.Time {
	return db.clock().UTC().Truncate(time.Second)
}

// write runs fn in the writer's next transaction and returns once that
// transaction is committed. fn runs in its own savepoint: its error rolls
// back only its own changes.
func (db *DB) write(ctx context.Context, fn writeFunc) error {
	return db.w.write(ctx, fn, changesDeals)
}

// writeKeepingDeals is write for a change that never touches the deals
// table, so the deals read cache outlives it.
func (db *DB) writeKeepingDeals(ctx context.Context, fn writeFunc) error {
	return db.w.write(ctx, fn, keepsDeals)
}

// writeKeepingReads is write for bookkeeping no kept read shows (the ts of
// a posted record, a seen event): every read cache outlives it. A summary
// posted in its channel records its ts, and must not void the summary the
// next one would read.
func (db *DB) writeKeepingReads(ctx context.Context, fn writeFunc) error {
	return db.w.write(ctx, fn, keepsReads)
}

// readTx runs fn in a read-only transaction, so its queries see one snapshot.
func (db *DB) readTx(ctx context.Context, fn func(tx *txn) error) error {
	tx, err := db.read.begin(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	// Once the connection is back in the pool, prepare what the
	// transaction ran unprepared.
	defer db.read.stmts.prepareWanted(context.WithoutCancel(ctx))
	defer tx.Rollback()
	return fn(tx)
}

// syncWithFdatasync makes commits sync with fdatasync(2), as SQLite's own
// Linux builds do: it writes the data and the metadata needed to read it
// back (the file's size included), so a commit is as durable as with
// fsync(2), without waiting for a timestamp update to go through the file
// system's journal. modernc.org/sqlite keeps fsync unless asked; where
// fdatasync does not exist, SQLite's default stays.
func syncWithFdatasync() {
	_, _ = modernc.Fdatasync(true)
}
