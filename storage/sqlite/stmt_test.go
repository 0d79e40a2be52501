package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/longgame/longgame/storage"
)

// TestStatementsPreparedOnce runs each kind of call many times and checks
// that the statements were prepared once each, not once per call.
func TestStatementsPreparedOnce(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d := newDeal(t, db, alice, "C1")
	calls := func() {
		must(db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: "SSO"}))
		must(db.AddAsk(ctx, alice, d.ID, "intro", 2))
		must(db.DealByChannel(ctx, "T1", "C1"))
		must(db.Ledger(ctx, "T1", d.ID)) // a read transaction
		must(db.RiskSummary(ctx, "T1", d.ID, 5))
	}
	// The writer prepares what a batch missed after answering it: the second
	// round's first write waits for the first round's preparing to end.
	calls()
	calls()
	writes, reads := db.w.conn.stmts.prepared.Load(), db.read.stmts.prepared.Load()
	for range 20 {
		calls()
	}
	if got := db.w.conn.stmts.prepared.Load(); got != writes {
		t.Errorf("writer: %d statements prepared after the first round, %d after 20 more", writes, got)
	}
	if got := db.read.stmts.prepared.Load(); got != reads {
		t.Errorf("readers: %d statements prepared after the first round, %d after 20 more", reads, got)
	}
	for _, q := range []string{insertRiskQuery, insertAskQuery, tallyQuery, undisclosedQuery} {
		cache := db.read.stmts
		if q == insertRiskQuery || q == insertAskQuery {
			cache = db.w.conn.stmts
		}
		if cache.lookup(q) == nil {
			t.Errorf("not cached: %.60s…", q)
		}
	}
}

// TestStatementMissInsideTransaction runs a query the cache has not seen
// inside a transaction (it must run unprepared: preparing would wait for the
// connection the transaction holds), then again once it is prepared.
func TestStatementMissInsideTransaction(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	const q = `SELECT COUNT(*) FROM seen_events WHERE team_id = ?`
	for i := range 3 {
		err := db.readTx(ctx, func(tx *txn) error {
			var n int
			return tx.QueryRowContext(ctx, q, "T1").Scan(&n)
		})
		wantErr(t, err, nil)
		if db.read.stmts.lookup(q) == nil {
			t.Fatalf("round %d: not prepared after the transaction", i)
		}
		for j := range 2 {
			if _, err := db.MarkEventSeen(ctx, "T1", fmt.Sprintf("E%d-%d", i, j)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := count(t, db, q, "T1"); got != 6 {
		t.Errorf("got %d events, want 6", got)
	}
}

func TestCloseClosesStatements(t *testing.T) {
	db, _ := openTest(t)
	newDeal(t, db, alice, "C1")                     // fills the writer's cache
	must(db.DealByChannel(t.Context(), "T1", "C1")) // and the readers'

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*stmtCache{"writer": db.w.conn.stmts, "readers": db.read.stmts} {
		c.mu.Lock()
		if !c.closed || len(c.stmts) != 0 {
			t.Errorf("%s: closed %v with %d statements", name, c.closed, len(c.stmts))
		}
		c.mu.Unlock()
	}
}

func TestInvalidSQLStillReportsItsError(t *testing.T) {
	db, _ := openTest(t)
	_, err := db.read.QueryContext(t.Context(), `SELECT nope FROM nowhere`)
	if err == nil {
		t.Fatal("got no error")
	}
	err = db.write(t.Context(), func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `UPDATE nowhere SET nope = 1`)
		return err
	})
	if err == nil {
		t.Fatal("got no error from the writer")
	}
}
