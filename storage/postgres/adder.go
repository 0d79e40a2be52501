package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The numbered adds (asks, gives, risks) are the writes a deal's channel
// sends most, and the dispatcher's marks (sent, released, held…) those a
// batch of reminders sends most; all are one statement each, and the adds
// queue on one row: each takes the deal's next
// number, which locks the deal's row until its commit. Committed one by
// one, a deal's adds would go no faster than one commit after another
// (~1 ms each here). The adder commits them in groups instead, as
// SQLite's writer does: its goroutine takes the adds waiting (up to
// maxAddBatch), sends them in one round trip as one transaction — BEGIN,
// each add's one statement, COMMIT — and answers each caller once the
// COMMIT is confirmed. Adds to one deal keep their order, so numbers
// follow arrival; a batch locks its rows in one order (deals by id, then
// check-ins by id), as every batch of every replica does, so two batches
// never wait on each other in a cycle (and if a transaction of another
// kind makes them, the server breaks the deadlock and the adds run
// alone). If the transaction does not commit (a statement failed), nothing
// of it was written, and each add runs again alone, so that one bad add
// fails only itself; if the connection fails on the way, whether it
// committed is not known, and every add of the batch gets the error
// rather than a second try.

// maxAddBatch bounds how many adds one transaction commits.
const maxAddBatch = 64

// Kinds of grouped writes, in the order a batch locks their rows.
const (
	byDeal    = iota // a numbered add: the deal's row, by deal id
	byCheckin        // a dispatcher's mark: the check-in's row, by id
)

// addOp is one write of one statement waiting for its batch, and its
// caller.
type addOp struct {
	kind int   // byDeal or byCheckin
	key  int64 // the id of the row it locks first

	query string
	args  []any
	scan  func(pgx.Row) error // reads the statement's one row
	done  chan error          // buffered: the adder never blocks on a reply
}

// adder owns the goroutine that commits adds in groups.
type adder struct {
	db      *DB
	ops     chan *addOp
	quit    chan struct{}
	stopped chan struct{}
}

func startAdder(db *DB) *adder {
	a := &adder{db: db, ops: make(chan *addOp), quit: make(chan struct{}), stopped: make(chan struct{})}
	go a.loop()
	return a
}

// add hands op to the adder and waits for its answer. The caller is in
// flight (db.enter), so Close waits for it and the adder is running.
func (a *adder) add(op *addOp) error {
	op.done = make(chan error, 1)
	a.ops <- op
	return <-op.done
}

// stop ends the goroutine; call it with no add in flight.
func (a *adder) stop() {
	close(a.quit)
	<-a.stopped
}

func (a *adder) loop() {
	defer close(a.stopped)
	for {
		select {
		case op := <-a.ops:
			a.run(a.collect(op))
		case <-a.quit:
			return
		}
	}
}

// collect returns first and the adds already waiting behind it.
func (a *adder) collect(first *addOp) []*addOp {
	batch := []*addOp{first}
	for len(batch) < maxAddBatch {
		select {
		case op := <-a.ops:
			batch = append(batch, op)
		default:
			return batch
		}
	}
	return batch
}

// run commits batch and answers every add in it.
func (a *adder) run(batch []*addOp) {
	ctx := context.Background() // once taken, an add runs to its end
	if len(batch) > 1 {
		slices.SortStableFunc(batch, func(x, y *addOp) int {
			if x.kind != y.kind {
				return x.kind - y.kind
			}
			return compareIDs(x.key, y.key)
		})
		start := time.Now()
		errs, err := a.together(ctx, batch)
		if err == nil {
			a.db.committed(start, len(batch))
		}
		if !errors.Is(err, errRolledBack) {
			// Committed (err nil), or not known to be: the connection
			// failed on the way, and running them again could add twice.
			for i, op := range batch {
				if err != nil {
					op.done <- err
				} else {
					op.done <- errs[i]
				}
			}
			return
		}
	}
	for _, op := range batch {
		start := time.Now()
		err := a.alone(ctx, op)
		if err == nil {
			a.db.committed(start, 1)
		}
		op.done <- err
	}
}

// errRolledBack says a batch's transaction certainly did not commit.
var errRolledBack = errors.New("the batch rolled back")

func compareIDs(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// together runs batch as one transaction in one round trip and returns
// each add's own result. It fails with errRolledBack when the server did
// not commit it (nothing of it was written), and with the driver's error
// when the outcome is not known.
func (a *adder) together(ctx context.Context, batch []*addOp) ([]error, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	for _, op := range batch {
		b.Queue(op.query, op.args...)
	}
	b.Queue("COMMIT")
	br := a.db.pool.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, outcome(err)
	}
	errs := make([]error, len(batch))
	for i, op := range batch {
		errs[i] = op.scan(br.QueryRow())
		if errs[i] != nil && !errors.Is(errs[i], pgx.ErrNoRows) {
			return nil, outcome(errs[i]) // a failed statement aborts the transaction
		}
	}
	tag, err := br.Exec()
	if err != nil {
		return nil, outcome(err)
	}
	if tag.String() != "COMMIT" {
		return nil, errRolledBack
	}
	return errs, nil
}

// outcome is errRolledBack for an error the server answered with (its
// transaction then rolls back), err itself for any other.
func outcome(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return errRolledBack
	}
	return err
}

// alone runs op as its own statement, committed on its own.
func (a *adder) alone(ctx context.Context, op *addOp) error {
	var err error
	for try := 1; try <= maxTries; try++ {
		if err = op.scan(a.db.pool.QueryRow(ctx, op.query, op.args...)); err == nil || !retryable(err) {
			break
		}
	}
	return domainError(err)
}

// addNumbered runs a numbered add through the adder: query returns the
// added row, which scan reads; no row means the workspace has no deal
// dealID (ErrNotFound).
func (db *DB) addNumbered(ctx context.Context, dealID int64, query string, args []any, scan func(pgx.Row) error) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	err := db.adds.add(&addOp{kind: byDeal, key: dealID, query: query, args: args, scan: scan})
	return found(err, fmt.Sprintf("deal %d", dealID))
}

// markCheckin runs a dispatcher's write of one statement on check-in id
// through the adder: query returns one row when it changed the check-in,
// which scan reads (nil scan: the row is read and dropped), and none when
// the claim was lost (ErrConflict).
func (db *DB) markCheckin(ctx context.Context, id int64, claimant, query string, args []any, scan func(pgx.Row) error) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if scan == nil {
		scan = func(r pgx.Row) error { var id int64; return r.Scan(&id) }
	}
	err := db.adds.add(&addOp{kind: byCheckin, key: id, query: query, args: args, scan: scan})
	if errors.Is(err, pgx.ErrNoRows) {
		return lostClaim(0, id, claimant)
	}
	return err
}
