package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
)

// maxStmts bounds a pool's statement cache. The store's SQL is a fixed set
// of texts (a few dozen, with the SET clauses a write may combine); past the
// bound a statement simply runs unprepared.
const maxStmts = 512

// stmtCache holds the prepared statements of one pool, by SQL text, so that
// SQLite parses each query once per connection rather than once per call.
// database/sql prepares a cached *sql.Stmt lazily on each connection it runs
// on, and Tx.StmtContext reuses the transaction's connection's copy.
type stmtCache struct {
	db *sql.DB

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool // missed inside a transaction: prepared once it ends
	closed bool

	prepared atomic.Int64 // statements prepared on the pool; tests read it
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// lookup is query's statement, or nil.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stmts[query]
}

// get is query's statement, prepared on the pool if it was not yet. It must
// not be called while the caller holds a connection of the pool (inside a
// transaction): preparing takes a free connection. nil means "run it
// unprepared" (the cache is full or closed, or the query does not prepare,
// in which case running it reports why).
func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	if s := c.lookup(query); s != nil {
		return s
	}
	return c.prepare(ctx, query)
}

// want notes a query missed inside a transaction, for prepareWanted.
func (c *stmtCache) want(query string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed && len(c.stmts)+len(c.wanted) < maxStmts {
		c.wanted[query] = true
	}
}

// prepareWanted prepares the queries missed inside transactions. Call it
// with no connection of the pool held.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	queries := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		queries = append(queries, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range queries {
		c.prepare(ctx, q)
	}
}

// prepare prepares query on the pool and caches it; nil when it cannot.
// Two callers may race to prepare the same query: the first one cached wins.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	full := c.closed || len(c.stmts) >= maxStmts
	c.mu.Unlock()
	if full {
		return nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.prepared.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		s.Close()
		return nil
	}
	if old := c.stmts[query]; old != nil {
		s.Close()
		return old
	}
	c.stmts[query] = s
	return s
}

// close closes every cached statement; later lookups miss and statements
// run unprepared until the pool itself is closed.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	clear(c.wanted)
	return errors.Join(errs...)
}

// pool is a *sql.DB whose queries run as cached prepared statements.
type pool struct {
	*sql.DB
	stmts *stmtCache
}

func newPool(db *sql.DB) *pool { return &pool{DB: db, stmts: newStmtCache(db)} }

// ExecContext runs query as a cached prepared statement.
func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := p.stmts.get(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return p.DB.ExecContext(ctx, query, args...)
}

// QueryContext runs query as a cached prepared statement.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmts.get(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query as a cached prepared statement.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmts.get(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// begin starts a transaction whose queries use p's statements.
func (p *pool) begin(ctx context.Context, opts *sql.TxOptions) (*txn, error) {
	tx, err := p.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, stmts: p.stmts}, nil
}

// txn is a transaction of a pool. Its queries run as the pool's cached
// statements, bound to the transaction's connection with Tx.StmtContext,
// which reuses the copy already prepared on that connection. A query the
// cache does not hold yet runs unprepared and is prepared once the
// transaction ends: preparing on the pool now would wait for the
// connection this transaction holds.
type txn struct {
	*sql.Tx
	stmts *stmtCache
	bound map[string]*sql.Stmt // closed by database/sql when the transaction ends
}

// stmt is query's statement bound to tx, or nil to run it unprepared.
func (tx *txn) stmt(ctx context.Context, query string) *sql.Stmt {
	if s := tx.bound[query]; s != nil {
		return s
	}
	s := tx.stmts.lookup(query)
	if s == nil {
		tx.stmts.want(query)
		return nil
	}
	if tx.bound == nil {
		tx.bound = map[string]*sql.Stmt{}
	}
	s = tx.Tx.StmtContext(ctx, s)
	tx.bound[query] = s
	return s
}

// ExecContext runs query in tx as a cached prepared statement.
func (tx *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs query in tx as a cached prepared statement.
func (tx *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query in tx as a cached prepared statement.
func (tx *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}
