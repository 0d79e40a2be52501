package sqlite

import (
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// TestReadConnectionsAreReady opens a database as longgame run does and
// checks that every read connection is open before the first command, and
// that a command's reads (its deal, the overview, a summary with every list
// and a coverage count) need no statement the readying did not prepare.
func TestReadConnectionsAreReady(t *testing.T) {
	path := filepath.Join(t.TempDir(), "longgame.db")
	seeded, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := storagetest.SeedRisks(t, seeded, alice, "C1", 300, storagetest.Varied)
	if err := seeded.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := Open(t.Context(), path, Options{ReadyReads: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	select {
	case <-db.ready.done:
	case <-time.After(10 * time.Second):
		t.Fatal("read connections still not ready after 10s")
	}
	if got := db.ready.ready.Load(); got != readConns {
		t.Errorf("%d read connections made ready, want %d", got, readConns)
	}
	if got := db.read.Stats().OpenConnections; got != readConns {
		t.Errorf("%d read connections open, want %d", got, readConns)
	}
	prepared := db.read.stmts.prepared.Load()
	if prepared != int64(len(readyQueries)) {
		t.Errorf("%d statements prepared, want the %d ready ones", prepared, len(readyQueries))
	}

	ctx := t.Context()
	must(db.DealByChannel(ctx, "T1", "C1"))
	must(db.DealOverview(ctx, "T1", d.ID))
	s := must(db.RiskSummary(ctx, "T1", d.ID, 10))
	if len(s.UndisclosedTop) == 0 || len(s.DisclosedTop) == 0 || len(s.UntestedTop) == 0 {
		t.Fatalf("summary lists %d undisclosed, %d disclosed, %d untested: the seed should fill each",
			len(s.UndisclosedTop), len(s.DisclosedTop), len(s.UntestedTop))
	}
	counted := false
	for _, a := range storage.CoverageAreas {
		counted = counted || s.CoverageTotal[a] > len(s.Coverage[a])
	}
	if !counted {
		t.Fatal("no area has more risks than its coverage list: the seed should need a count")
	}
	if got := db.read.stmts.prepared.Load(); got != prepared {
		t.Errorf("a command's reads prepared %d statements the ready connections did not have", got-prepared)
	}
}

// TestReadyingGivesWay: when the store's own reads hold the connections
// the readying waits for, it gives up after readyWait and holds none.
func TestReadyingGivesWay(t *testing.T) {
	db, _ := openTest(t)
	defer func(w time.Duration) { readyWait = w }(readyWait)
	readyWait = time.Second
	busy := make([]*txn, 0, readConns-1)
	for range readConns - 1 {
		busy = append(busy, must(db.read.begin(t.Context(), &sql.TxOptions{ReadOnly: true})))
	}
	r := startReadier(db)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the readying still waits for connections after 10s")
	}
	if got := r.ready.Load(); got > 1 {
		t.Errorf("%d connections made ready with %d of %d busy, want the free one at most", got, readConns-1, readConns)
	}
	for _, tx := range busy {
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.DealByChannel(t.Context(), "T1", "C-none"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a read after the readying gave up: %v, want not found", err)
	}
	if got := db.read.Stats().InUse; got != 0 {
		t.Errorf("%d read connections still in use after the readying gave up", got)
	}
}

// TestOneShotOpenLeavesReadsClosed: a command that opens the store for
// one job (export, doctor) opens no read connection it does not use.
func TestOneShotOpenLeavesReadsClosed(t *testing.T) {
	db, _ := openTest(t)
	if db.ready != nil {
		t.Fatal("a readier runs without Options.ReadyReads")
	}
	if got := db.read.Stats().OpenConnections; got > 1 {
		t.Errorf("%d read connections open after Open, want at most the one that checked the pragmas", got)
	}
}
