package sqlite

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// A read connection's first statements are slow: the connection opens the
// file, sets its pragmas, reads and parses the whole schema (every table,
// index and trigger) and then parses each statement the first time it
// runs there. database/sql opens the read pool's connections only when
// reads overlap, so the first burst of commands after a start paid that on
// every connection at once: sixteen risk summaries in flight right after
// 2,000 records shared one read of 1.1–8.7 ms on fresh connections, against
// 0.45–0.5 ms on ready ones.
//
// So a serving process (Options.ReadyReads) opens every read connection in
// the background at start-up and prepares on each the statements a
// command's answer reads most. The connections stay open: the pool keeps
// up to readConns idle ones and never closes them for age.

// readyQueries are the reads prepared on every read connection: a deal
// found by its channel (every command), and its overview and risk summary.
var readyQueries = []string{
	dealByChannelQuery,
	overviewQuery,
	tallyQuery, undisclosedQuery, disclosedQuery, untestedQuery, coverageQuery, coverageCountQuery,
}

// readyWait bounds how long the readying may hold connections while it
// waits for the rest: the dispatcher's first reads may already hold some,
// and they must never wait on an optimisation for long.
var readyWait = 5 * time.Second

// readier opens and prepares the read pool's connections once.
type readier struct {
	cancel context.CancelFunc
	done   chan struct{}
	ready  atomic.Int32 // connections made ready; tests read it
}

// startReadier makes db's read connections ready in the background.
func startReadier(db *DB) *readier {
	ctx, cancel := context.WithCancel(context.Background())
	r := &readier{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.run(ctx, db.read)
	}()
	return r
}

// run prepares readyQueries on the pool, then holds every connection at
// once, so that the pool opens them all, and binds each statement to each.
// It is an optimisation only: whatever fails, or waits past readyWait, is
// left for the reads themselves to meet and report.
func (r *readier) run(ctx context.Context, p *pool) {
	ctx, cancel := context.WithTimeout(ctx, readyWait)
	defer cancel()
	for _, q := range readyQueries {
		p.stmts.get(ctx, q)
	}
	held := make([]*txn, 0, readConns)
	defer func() {
		for _, tx := range held {
			tx.Rollback()
		}
	}()
	for range readConns {
		tx, err := p.begin(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return
		}
		held = append(held, tx)
		for _, q := range readyQueries {
			tx.stmt(ctx, q)
		}
		r.ready.Add(1)
	}
}

// stop ends the readying and waits for it; nil is a readier never started.
func (r *readier) stop() {
	if r == nil {
		return
	}
	r.cancel()
	<-r.done
}
