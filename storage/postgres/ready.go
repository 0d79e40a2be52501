package postgres

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/longgame/longgame/storage"
)

// A connection's first reads are slow: the server loads, for that backend
// alone, its catalog caches for every table, index and constraint they
// touch (~5 ms of CPU for a risk summary's, against ~0.5 ms once loaded),
// and plans each statement afresh for its first five runs before it may
// settle on one plan. A burst of commands on a pool that grew for it paid
// that on every new connection at once: on 2 cores, 16 summaries in flight
// right after the pool grew had a p99 of 466 ms.
//
// So every connection plans each statement once (planOnce), and a
// long-running process (Options.KeepConns) keeps that many connections
// open, each made to run the reads of a command before it serves one
// (readyConn): a keeper opens them one at a time in the background, at
// start-up and whenever the pool has fewer (they close after an hour, or
// on an error). pgxpool's own MinConns would open them all at once, at
// start-up, where they held a 100,000-deal start back by 100–150 ms.

// readiness says whether new connections are made ready: from when the
// schema is there, in a store that keeps its connections.
type readiness struct{ on atomic.Bool }

// planOnce makes the connection plan each of its prepared statements once,
// for any arguments, rather than five times first. The store's statements
// take a workspace and a deal, channel or row id as arguments and their
// fixed values (statuses, kinds) as literals, so that one plan finds their
// rows through the same indexes whatever the arguments (plans_test.go
// checks those that could scan).
func planOnce(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		return fmt.Errorf("set plan_cache_mode: %w", err)
	}
	return nil
}

// readyConn runs on conn the reads a command's answer makes most (a deal's
// overview and its risk summary), for a deal that does not exist: the
// server loads its caches and the connection prepares the statements. It
// is an optimisation only: whatever fails leaves the connection as it was,
// outside any transaction, for its own reads to report.
func readyConn(ctx context.Context, conn *pgx.Conn) {
	_, _ = riskSummary(ctx, conn, "", 0, 1)
	var o storage.DealOverview
	_ = scanOverview(conn.QueryRow(ctx, overviewQuery, "", int64(0)), &o) // no rows
	if conn.PgConn().TxStatus() != 'I' {
		_, _ = conn.Exec(ctx, `ROLLBACK`)
	}
}

// keepEvery is how often the keeper checks the pool holds its connections.
const keepEvery = time.Minute

// keeper keeps a pool at n connections, all ready.
type keeper struct {
	db      *DB
	n       int32
	quit    chan struct{}
	stopped chan struct{}
}

func startKeeper(db *DB, n int32) *keeper {
	k := &keeper{db: db, n: n, quit: make(chan struct{}), stopped: make(chan struct{})}
	go k.loop()
	return k
}

func (k *keeper) loop() {
	defer close(k.stopped)
	tick := time.NewTicker(keepEvery)
	defer tick.Stop()
	for first := true; ; first = false {
		k.topUp(first)
		select {
		case <-tick.C:
		case <-k.quit:
			return
		}
	}
}

// topUp opens connections, one at a time, until the pool has k.n; the
// first also readies those the pool opened before the schema was there
// to read. It holds every idle connection meanwhile, so that each Acquire
// opens a new one.
func (k *keeper) topUp(first bool) {
	if k.db.enter() != nil {
		return
	}
	defer k.db.mu.RUnlock()
	ctx, cancel := context.WithTimeout(context.Background(), keepEvery)
	defer cancel()
	pool := k.db.pool
	if !first && pool.Stat().TotalConns() >= k.n {
		return
	}
	held := pool.AcquireAllIdle(ctx)
	if first {
		for _, c := range held {
			readyConn(ctx, c.Conn())
		}
	}
	defer func() { release(held) }()
	for pool.Stat().TotalConns() < k.n {
		select {
		case <-k.quit:
			return
		default:
		}
		c, err := pool.Acquire(ctx) // opens one, readied by AfterConnect
		if err != nil {
			return // the server is away: the next tick tries again
		}
		held = append(held, c)
	}
}

func release(conns []*pgxpool.Conn) {
	for _, c := range conns {
		c.Release()
	}
}

// stop ends the keeper and waits for it; nil is a keeper never started.
func (k *keeper) stop() {
	if k == nil {
		return
	}
	close(k.quit)
	<-k.stopped
}
