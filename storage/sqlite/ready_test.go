package sqlite

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// TestReadConnectionsAreReady opens a database as longgame run does and
// checks that every read connection is open before the first command, and
// that a command's reads (its deal, the overview, a summary with every list
// and a coverage count) then prepare nothing: they are all among those
// made ready.
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
