package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
// COMMIT is confirmed. The adds of one kind in a batch (the risks, which
// commands record most) are one statement: one INSERT of several rows per
// table, each deal's counter moved once (see merger). Adds to one deal
// keep their order, so numbers follow arrival; a batch locks its rows in
// one order (deals by id, first of all when it adds to several, then
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
	byChannel        // a reminder day taken: the channel's row, by team and channel
)

// addOp is one write of one statement waiting for its batch, and its
// caller.
type addOp struct {
	kind int    // byDeal, byCheckin or byChannel
	key  int64  // the id of the row it locks first
	name string // byChannel's key: team and channel

	// prelude runs just before query, in its transaction, its results
	// dropped: e.g. a row made and locked, so that query's snapshot, taken
	// after the lock, sees what the lock's last holder wrote.
	prelude []queued
	query   string
	args    []any
	scan    func(pgx.Row) error // reads the statement's one row
	done    chan error          // buffered: the adder never blocks on a reply

	// merge, if set, writes this add and the others of its kind in the
	// batch as one statement, from each one's item.
	merge *merger
	item  any
}

// merger makes one statement of the adds of one kind in a batch. Each
// statement costs the server more to set up (its plan, its constraints'
// expressions, its triggers) than to write a row, so that sixteen adds of
// one row each cost it several times what one add of sixteen rows does.
type merger struct {
	// query writes the adds whose values args gives as arrays, in the
	// adds' order, and returns one row for each add written: its
	// position among them (from 1), then the columns the add's own
	// statement returns. An add with no row found nothing to add to.
	query string
	args  func(items []any) []any
}

// queued is a statement and its arguments.
type queued struct {
	query string
	args  []any
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
			return cmp.Or(compareIDs(x.key, y.key), strings.Compare(x.name, y.name))
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

// statement is one statement of a batch: one add's own, or the merged
// statement of several (their positions in the batch).
type statement struct {
	op     *addOp
	at     int   // op's position in the batch
	merged []int // nil for an add's own statement
}

// statements lays batch out as statements, in batch order: the adds of
// one merger join the statement of the first of them (an add alone of its
// kind keeps its own statement, which costs the server less).
func statements(batch []*addOp) []statement {
	var out []statement
	at := map[*merger]int{}
	for i, op := range batch {
		if op.merge == nil {
			out = append(out, statement{op: op, at: i})
			continue
		}
		if j, ok := at[op.merge]; ok {
			out[j].merged = append(out[j].merged, i)
			continue
		}
		at[op.merge] = len(out)
		out = append(out, statement{op: op, at: i, merged: []int{i}})
	}
	for j := range out {
		if len(out[j].merged) == 1 {
			out[j].merged = nil // alone, its own statement is the simpler
		}
	}
	return out
}

// lockDealsQuery locks a batch's deals in the order of their ids before
// any of its statements does: merged statements lock their deals in an
// order of the plan's choosing, and two batches must never wait on each
// other in a cycle.
const lockDealsQuery = `SELECT id FROM deals WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE`

// together runs batch as one transaction in one round trip and returns
// each add's own result. It fails with errRolledBack when the server did
// not commit it (nothing of it was written), and with the driver's error
// when the outcome is not known.
func (a *adder) together(ctx context.Context, batch []*addOp) ([]error, error) {
	stmts := statements(batch)
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	deals := dealsOf(batch)
	if len(deals) > 1 {
		b.Queue(lockDealsQuery, deals)
	}
	for _, s := range stmts {
		if s.merged == nil {
			for _, q := range s.op.prelude {
				b.Queue(q.query, q.args...)
			}
			b.Queue(s.op.query, s.op.args...)
			continue
		}
		items := make([]any, len(s.merged))
		for j, i := range s.merged {
			items[j] = batch[i].item
		}
		b.Queue(s.op.merge.query, s.op.merge.args(items)...)
	}
	b.Queue("COMMIT")
	br := a.db.pool.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, outcome(err)
	}
	if len(deals) > 1 {
		if _, err := br.Exec(); err != nil {
			return nil, outcome(err)
		}
	}
	errs := make([]error, len(batch))
	for _, s := range stmts {
		if s.merged == nil {
			for range s.op.prelude {
				if _, err := br.Exec(); err != nil {
					return nil, outcome(err)
				}
			}
			err := s.op.scan(br.QueryRow())
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return nil, outcome(err) // a failed statement aborts the transaction
			}
			errs[s.at] = err
			continue
		}
		if err := scanMerged(br, batch, s.merged, errs); err != nil {
			return nil, outcome(err)
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

// dealsOf is the ids of the deals batch adds to, each once, in order.
func dealsOf(batch []*addOp) []int64 {
	var ids []int64
	for _, op := range batch {
		if op.kind == byDeal && (len(ids) == 0 || ids[len(ids)-1] != op.key) {
			ids = append(ids, op.key) // batch is sorted
		}
	}
	return ids
}

// scanMerged reads the rows of a merged statement, the adds at positions
// merged of batch, into their results: each add's own scan reads its row
// (without the position in front); an add with no row gets pgx.ErrNoRows.
// An error is the statement's.
func scanMerged(br pgx.BatchResults, batch []*addOp, merged []int, errs []error) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := make([]bool, len(merged))
	for rows.Next() {
		dest := make([]any, len(rows.FieldDescriptions()))
		var pos int64
		dest[0] = &pos
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if pos < 1 || int(pos) > len(merged) || seen[pos-1] {
			return fmt.Errorf("merged add: row for position %d of %d", pos, len(merged))
		}
		seen[pos-1] = true
		i := merged[pos-1]
		errs[i] = batch[i].scan(skipFirst{rows})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for j, ok := range seen {
		if !ok {
			errs[merged[j]] = pgx.ErrNoRows
		}
	}
	return nil
}

// skipFirst reads a row of a merged statement as the add's own statement
// returns it: without the position in front.
type skipFirst struct{ rows pgx.Rows }

func (s skipFirst) Scan(dest ...any) error {
	return s.rows.Scan(append([]any{nil}, dest...)...)
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
		if err = a.once(ctx, op); err == nil || !retryable(err) {
			break
		}
	}
	return domainError(err)
}

// once runs op by itself: with its prelude, all in one round trip and one
// implicit transaction.
func (a *adder) once(ctx context.Context, op *addOp) error {
	if len(op.prelude) == 0 {
		return op.scan(a.db.pool.QueryRow(ctx, op.query, op.args...))
	}
	b := &pgx.Batch{}
	for _, q := range op.prelude {
		b.Queue(q.query, q.args...)
	}
	b.Queue(op.query, op.args...)
	br := a.db.pool.SendBatch(ctx, b)
	var err error
	for range op.prelude {
		if _, err = br.Exec(); err != nil {
			break
		}
	}
	if err == nil {
		err = op.scan(br.QueryRow())
	}
	return cmp.Or(err, br.Close())
}

// addNumbered runs a numbered add through the adder: query returns the
// added row, which scan reads; no row means the workspace has no deal
// dealID (ErrNotFound). With a merger (nil: none), the adds of its kind in
// a batch are written as one statement, each from its item.
func (db *DB) addNumbered(ctx context.Context, dealID int64, query string, args []any, scan func(pgx.Row) error, merge *merger, item any) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	err := db.adds.add(&addOp{kind: byDeal, key: dealID, query: query, args: args, scan: scan, merge: merge, item: item})
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
