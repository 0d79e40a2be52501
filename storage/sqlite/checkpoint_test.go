package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// walSize is the size of the WAL file next to path; 0 when there is none.
func walSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	} else if err != nil {
		t.Error(err) // not Fatal: a reader goroutine samples it too
		return 0
	}
	return fi.Size()
}

// TestWALStaysBounded writes thousands of risks from 16 writers, with a
// reader reading all along, and checks that the WAL file never grows past
// the checkpoint policy's MaxPages and a batch: the writer checkpoints
// between batches although SQLite's own checkpoint is off. Then it reopens
// the file and finds every write.
func TestWALStaysBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	policy := checkpointPolicy{Pages: 25, MaxPages: 100, Idle: time.Hour}
	db := must(Open(t.Context(), path, Options{checkpoint: policy}))
	d := newDeal(t, db, alice, "C1")
	const writes = 2000 // some 10 MB of WAL without checkpoints
	// One batch writes at most a few pages per write (the risk, three
	// indexes, the tally, the audit row and its index), fewer as they share
	// pages.
	const frame = 4096 + 24 // a page and its frame header
	bound := int64(32 + (policy.MaxPages+maxBatch*8)*frame)

	var maxWAL atomic.Int64
	sample := func() {
		for s := walSize(t, path); ; {
			m := maxWAL.Load()
			if s <= m || maxWAL.CompareAndSwap(m, s) {
				return
			}
		}
	}
	stop := make(chan struct{})
	var reader sync.WaitGroup
	reader.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.RiskSummary(context.Background(), "T1", d.ID, 10); err != nil {
				t.Error(err)
				return
			}
			sample()
		}
	})
	storagetest.Each(t, writes, func(i int) error {
		_, err := db.AddRisk(context.Background(), alice, d.ID, storage.NewRisk{What: fmt.Sprintf("risk %d", i)})
		if i%50 == 0 {
			sample()
		}
		return err
	})
	close(stop)
	reader.Wait()
	sample()
	t.Logf("%d writes in %d transactions, %d checkpoints; WAL at most %d bytes (bound %d)",
		writes, db.w.batches.Load(), db.w.ckpt.runs.Load(), maxWAL.Load(), bound)
	if maxWAL.Load() > bound {
		t.Errorf("the WAL grew to %d bytes, past %d", maxWAL.Load(), bound)
	}
	if n := db.w.ckpt.failures.Load(); n > 0 {
		t.Errorf("%d checkpoints failed", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = must(Open(t.Context(), path, Options{}))
	defer db.Close()
	risks := must(db.Risks(t.Context(), "T1", d.ID, true))
	if len(risks) != writes {
		t.Fatalf("got %d risks after reopening, want %d", len(risks), writes)
	}
	for i, r := range risks {
		if r.Number != i+1 {
			t.Fatalf("risk %d has number %d", i+1, r.Number)
		}
	}
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Error(err)
	}
}

// TestCheckpointWhenIdle checks that a write left in the WAL is
// checkpointed once the writer has been idle for the policy's Idle, and
// only then.
func TestCheckpointWhenIdle(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		db, err := Open(t.Context(), filepath.Join(dir, "x.db"), Options{checkpoint: checkpointPolicy{Idle: time.Second}})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		synctest.Wait()
		before := db.w.ckpt.runs.Load() // the migrations' writes may have been checkpointed already
		wantErr(t, db.write(t.Context(), insertEvent("e1")), nil)
		time.Sleep(999 * time.Millisecond)
		synctest.Wait()
		if got := db.w.ckpt.runs.Load(); got != before {
			t.Errorf("%d checkpoints before the writer was idle a second, want none", got-before)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if got := db.w.ckpt.runs.Load(); got != before+1 {
			t.Errorf("%d checkpoints after the writer was idle a second, want 1", got-before)
		}
		time.Sleep(time.Hour) // nothing left to checkpoint: no more runs
		synctest.Wait()
		if got := db.w.ckpt.runs.Load(); got != before+1 {
			t.Errorf("%d checkpoints after an idle hour, want 1", got-before)
		}
	})
}

// TestCloseTruncatesWAL keeps a connection of its own open on the file,
// so that closing the store's connections does not delete the WAL, and
// checks that Close emptied it after checkpointing everything.
func TestCloseTruncatesWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := must(Open(t.Context(), path, Options{checkpoint: checkpointPolicy{Pages: 1 << 20, Idle: time.Hour}}))
	d := newDeal(t, db, alice, "C1")
	for i := range 50 {
		must(db.AddRisk(t.Context(), alice, d.ID, storage.NewRisk{What: fmt.Sprint("risk ", i)}))
	}
	other, err := sql.Open("sqlite", dsn(path, readPragmas, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	if err := other.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM risks`).Scan(&n); err != nil || n != 50 {
		t.Fatalf("got %d risks, %v; want 50", n, err)
	}
	if walSize(t, path) == 0 {
		t.Fatal("the WAL is empty before Close: nothing to test")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if size := walSize(t, path); size != 0 {
		t.Errorf("the WAL holds %d bytes after Close, want 0", size)
	}
	if err := other.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM risks`).Scan(&n); err != nil || n != 50 {
		t.Errorf("got %d risks after Close, %v; want 50", n, err)
	}
}
