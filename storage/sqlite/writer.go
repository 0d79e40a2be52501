package sqlite

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/longgame/longgame/storage"
)

// writeFunc is one write. It runs inside the batch's transaction, in its own
// savepoint when it shares the batch, and must neither commit nor roll back
// tx.
type writeFunc func(ctx context.Context, tx *txn) error

// writeOp is a write waiting for its batch and the caller waiting for it.
type writeOp struct {
	ctx  context.Context
	fn   writeFunc
	done chan error // buffered: the writer never blocks on a reply
	// scope is what of the kept reads fn may change (readcache.go).
	scope scope
}

// scope is what a write may change of what the read cache keeps.
type scope uint8

const (
	changesDeals scope = iota // anything, the deals table included
	keepsDeals                // never the deals table (AddRisk, say); a deal's summary, yes
	keepsReads                // nothing a kept read shows: the ts of a posted record, a seen event
)

// writer owns the one write connection. Its goroutine takes the writes that
// are waiting (up to maxBatch), runs them in one BEGIN IMMEDIATE transaction,
// commits once, then answers each caller: a group commit. With
// synchronous=FULL one fsync covers the whole batch, so throughput grows with
// concurrency while every nil answer still means "on disk".
//
// Between batches the same goroutine checkpoints the WAL (checkpoint.go):
// never inside a commit, and never while another write could start.
type writer struct {
	conn     *pool // at most one connection
	ops      chan *writeOp
	quit     chan struct{} // closed by stop
	stopped  chan struct{} // closed when the goroutine is gone
	maxBatch int
	batches  atomic.Int64 // transactions begun; tests read it
	onCommit func(time.Duration, int)
	// committed runs after each batch, before its callers are answered:
	// it voids the read cache (readcache.go) as far as the batch's writes
	// reach: the narrowest scope of any of them.
	committed func(scope)

	ckpt checkpointer
}

// startWriter starts the writer goroutine on conn; onCommit, if not nil,
// hears of each batch's transaction.
func startWriter(conn *pool, maxBatch int, policy checkpointPolicy, onCommit func(time.Duration, int), committed func(scope)) *writer {
	if committed == nil {
		committed = func(scope) {}
	}
	w := &writer{
		committed: committed,
		conn:      conn,
		ops:       make(chan *writeOp), // unbuffered: a write is either taken or still the caller's
		quit:      make(chan struct{}),
		stopped:   make(chan struct{}),
		maxBatch:  maxBatch,
		onCommit:  onCommit,
		ckpt:      checkpointer{conn: conn.DB, policy: policy.withDefaults()},
	}
	go w.loop()
	return w
}

// write hands fn to the writer and waits for the commit of its batch. Until
// the writer takes it, ctx can cancel it; once taken, the answer is awaited,
// so a nil error always means committed and an error means not written.
func (w *writer) write(ctx context.Context, fn writeFunc, sc scope) error {
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1), scope: sc}
	select {
	case w.ops <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-w.quit:
		return storage.ErrClosed
	}
	return <-op.done
}

// stop makes the writer commit what it has taken, checkpoint and exit.
func (w *writer) stop() {
	close(w.quit)
	<-w.stopped
}

// loop is the writer goroutine.
func (w *writer) loop() {
	defer close(w.stopped)
	idle := time.NewTimer(w.ckpt.policy.Idle)
	idle.Stop()                        // armed by wait while the WAL has frames to checkpoint
	w.ckpt.count(context.Background()) // what the migrations wrote
	for {
		op := w.wait(idle)
		if op == nil {
			w.drain()
			w.ckpt.close(context.Background())
			w.conn.stmts.close()
			return
		}
		for op != nil {
			w.commit(w.collect(op))
			op = w.afterCommit()
		}
	}
}

// wait blocks until a write arrives, and returns it, or until stop, and
// returns nil. A WAL left with frames is checkpointed once the writer has
// been idle for the policy's Idle.
func (w *writer) wait(idle *time.Timer) *writeOp {
	for {
		var fired <-chan time.Time
		if w.ckpt.pending() {
			idle.Reset(w.ckpt.policy.Idle)
			fired = idle.C
		}
		select {
		case op := <-w.ops:
			idle.Stop()
			return op
		case <-fired:
			w.ckpt.run(context.Background(), checkpointPassive)
		case <-w.quit:
			idle.Stop()
			return nil
		}
	}
}

// afterCommit prepares the statements the batch missed and counts the WAL
// pages it wrote. Past the policy's Pages it checkpoints, unless a write is
// already waiting: then it returns that write, to run first (past MaxPages
// the checkpoint runs anyway, so the WAL stays bounded under any load).
func (w *writer) afterCommit() *writeOp {
	ctx := context.Background()
	w.conn.stmts.prepareWanted(ctx)
	w.ckpt.count(ctx)
	if !w.ckpt.due() {
		return nil
	}
	select {
	case op := <-w.ops:
		if w.ckpt.overdue() {
			w.ckpt.run(ctx, checkpointPassive)
		}
		return op
	default:
		w.ckpt.run(ctx, checkpointPassive)
		return nil
	}
}

// collect returns first and the writes already waiting behind it.
func (w *writer) collect(first *writeOp) []*writeOp {
	batch := []*writeOp{first}
	for len(batch) < w.maxBatch {
		select {
		case op := <-w.ops:
			batch = append(batch, op)
		default:
			return batch
		}
	}
	return batch
}

// drain commits the writes still being offered when stop is called.
func (w *writer) drain() {
	for {
		select {
		case op := <-w.ops:
			w.commit(w.collect(op))
		default:
			return
		}
	}
}

// commit runs batch in one transaction, reports it to onCommit, and
// answers every caller: its own error if its write failed (and was rolled
// back alone), else the transaction's error, else nil.
func (w *writer) commit(batch []*writeOp) {
	w.batches.Add(1)
	opErrs := make([]error, len(batch))
	start := time.Now()
	txErr := w.run(batch, opErrs)
	if w.onCommit != nil {
		w.onCommit(time.Since(start), len(batch))
	}
	reach := keepsReads
	for _, op := range batch {
		reach = min(reach, op.scope)
	}
	w.committed(reach) // even after a rollback: cheap, and never wrong
	for i, op := range batch {
		err := opErrs[i]
		if err == nil {
			err = txErr
		}
		op.done <- err
	}
}

// run executes batch in one transaction, recording each write's own error in
// opErrs. It returns an error when the transaction as a whole failed.
func (w *writer) run(batch []*writeOp, opErrs []error) error {
	// Not the callers' contexts: one caller giving up must not roll back the
	// others' writes.
	ctx := context.Background()
	tx, err := w.conn.begin(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if len(batch) == 1 {
		return runAlone(ctx, tx, batch[0], opErrs)
	}
	for i, op := range batch {
		if opErrs[i], err = runOp(ctx, tx, op); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// runAlone runs a batch of one: the transaction is the write's own, so it
// needs no savepoint; if the write fails, the transaction rolls back whole.
func runAlone(ctx context.Context, tx *txn, op *writeOp, opErrs []error) error {
	if err := op.ctx.Err(); err != nil {
		opErrs[0] = err // its caller gave up while it waited
		tx.Rollback()
		return nil
	}
	if opErrs[0] = domainError(call(op, tx)); opErrs[0] != nil {
		if err := tx.Rollback(); err != nil {
			return fmt.Errorf("rollback: %w", err)
		}
		return nil
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// runOp runs op in a savepoint and rolls it back alone if it fails. opErr is
// the write's own failure; err means the transaction is no longer usable
// (e.g. SQLite rolled it back whole after an I/O error).
func runOp(ctx context.Context, tx *txn, op *writeOp) (opErr, err error) {
	if err := op.ctx.Err(); err != nil {
		return err, nil // its caller gave up while it waited in the batch
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT op"); err != nil {
		return nil, fmt.Errorf("savepoint: %w", err)
	}
	if opErr = call(op, tx); opErr != nil {
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO op"); err != nil {
			return opErr, fmt.Errorf("rollback to savepoint: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE op"); err != nil {
		return opErr, fmt.Errorf("release savepoint: %w", err)
	}
	return domainError(opErr), nil
}

// call runs op.fn. A panic becomes the op's error, so the batch and the
// writer live on. The statements run without the caller's cancellation: an
// interrupted statement can roll back the whole transaction in SQLite.
func call(op *writeOp, tx *txn) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write panicked: %v\n%s", r, debug.Stack())
		}
	}()
	return op.fn(context.WithoutCancel(op.ctx), tx)
}
