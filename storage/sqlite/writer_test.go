package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/longgame/longgame/storage"
)

// insertEvent is a write op that records event id in seen_events.
func insertEvent(id string) writeFunc {
	return func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO seen_events (team_id, event_id, seen_at) VALUES ('T1', ?, 0)`, id)
		return err
	}
}

// events lists the event ids recorded.
func events(t testing.TB, db *DB) []string {
	t.Helper()
	ids, err := queryAll(t.Context(), db.read, scanString, `SELECT event_id FROM seen_events ORDER BY event_id`)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func newOp(ctx context.Context, fn writeFunc) *writeOp {
	return &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
}

func TestBatchOneFailingOpKeepsItsBatchMates(t *testing.T) {
	errBoom := errors.New("boom")
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	for _, tc := range []struct {
		name string
		bad  *writeOp // runs second, after inserting "bad" where it can
		want error
	}{
		{"error", newOp(t.Context(), func(ctx context.Context, tx *txn) error {
			if err := insertEvent("bad")(ctx, tx); err != nil {
				return err
			}
			return errBoom
		}), errBoom},
		{"constraint", newOp(t.Context(), insertEvent("a")), storage.ErrConflict}, // "a" is already in the batch
		{"panic", newOp(t.Context(), func(ctx context.Context, tx *txn) error {
			insertEvent("bad")(ctx, tx)
			panic("boom")
		}), nil},
		{"caller gone", newOp(cancelled, insertEvent("bad")), context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t)
			batch := []*writeOp{newOp(t.Context(), insertEvent("a")), tc.bad, newOp(t.Context(), insertEvent("c"))}
			db.w.commit(batch)

			wantErr(t, <-batch[0].done, nil)
			if err := <-batch[1].done; err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("failing op: got %v, want %v", err, tc.want)
			}
			wantErr(t, <-batch[2].done, nil)
			diff(t, events(t, db), []string{"a", "c"})
		})
	}
}

func TestWriteReturnsAfterCommit(t *testing.T) {
	db, _ := openTest(t)
	err := db.write(t.Context(), func(ctx context.Context, tx *txn) error {
		if err := insertEvent("e1")(ctx, tx); err != nil {
			return err
		}
		var n int
		if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM seen_events`).Scan(&n); err != nil {
			return err
		}
		if n != 0 {
			t.Errorf("readers see %d events before the commit, want 0", n)
		}
		return nil
	})
	wantErr(t, err, nil)

	// A connection of its own, outside both pools, sees the write.
	other, err := sql.Open("sqlite", dsn(db.path, readPragmas, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var n int
	if err := other.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM seen_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("got %d events after write returned, want 1", n)
	}
}

// TestGroupCommit holds the writer inside one write while more arrive, and
// checks that they all go in the next transaction, as OnCommit hears.
func TestGroupCommit(t *testing.T) {
	dir := t.TempDir()
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var commits []int // the writes of each group commit, as reported
		onCommit := func(_ time.Duration, writes int) {
			mu.Lock()
			defer mu.Unlock()
			commits = append(commits, writes)
		}
		db, err := Open(t.Context(), filepath.Join(dir, "x.db"), Options{OnCommit: onCommit})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()

		release, first := make(chan struct{}), make(chan error, 1)
		go func() {
			first <- db.write(t.Context(), func(ctx context.Context, tx *txn) error {
				<-release
				return insertEvent("first")(ctx, tx)
			})
		}()
		synctest.Wait() // the writer is inside the first write

		const waiting = 20
		errs := make(chan error, waiting)
		for i := range waiting {
			go func() { errs <- db.write(t.Context(), insertEvent(fmt.Sprint("e", i))) }()
		}
		synctest.Wait() // all are waiting to be taken
		close(release)
		wantErr(t, <-first, nil)
		for range waiting {
			wantErr(t, <-errs, nil)
		}

		if got := db.w.batches.Load(); got != 2 {
			t.Errorf("got %d transactions, want 2", got)
		}
		mu.Lock()
		diff(t, commits, []int{1, waiting}) // reported before the writers were answered
		mu.Unlock()
		if got := len(events(t, db)); got != waiting+1 {
			t.Errorf("got %d events, want %d", got, waiting+1)
		}
	})
}

func TestWriteCancelledBeforeItIsTaken(t *testing.T) {
	db, _ := openTest(t)
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- db.write(t.Context(), func(ctx context.Context, tx *txn) error {
			close(started)
			<-release
			return nil
		})
	}()
	<-started // the writer is busy: the next write cannot be taken

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	wantErr(t, db.write(ctx, insertEvent("late")), context.Canceled)
	close(release)
	wantErr(t, <-done, nil)
	diff(t, events(t, db), []string(nil))
}

func TestCloseLosesNoAcknowledgedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := must(Open(t.Context(), path, Options{}))
	const writers, each = 8, 20
	acked := make(chan string, writers*each)
	firstAck := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				switch err := db.write(context.Background(), insertEvent(id)); {
				case err == nil:
					acked <- id
					once.Do(func() { close(firstAck) })
				case !errors.Is(err, storage.ErrClosed):
					t.Errorf("write %s: %v", id, err)
				}
			}
		})
	}
	<-firstAck // close while writes are in flight
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(acked)

	db = must(Open(t.Context(), path, Options{}))
	defer db.Close()
	stored := map[string]bool{}
	for _, id := range events(t, db) {
		stored[id] = true
	}
	for id := range acked {
		if !stored[id] {
			t.Errorf("acknowledged write %s is missing after reopen", id)
		}
	}
}

func BenchmarkAddRiskParallel(b *testing.B) {
	db, _ := openTest(b)
	d := newDeal(b, db, alice, "C1")
	b.SetParallelism(4) // 4 × GOMAXPROCS writers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.AddRisk(context.Background(), alice, d.ID, storage.NewRisk{What: "a risk"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/float64(db.w.batches.Load()), "writes/tx")
}

// BenchmarkAddRiskSerial is the baseline: one writer, one fsync per write.
func BenchmarkAddRiskSerial(b *testing.B) {
	db, _ := openTest(b)
	d := newDeal(b, db, alice, "C1")
	for b.Loop() {
		if _, err := db.AddRisk(context.Background(), alice, d.ID, storage.NewRisk{What: "a risk"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBatchOfOneFailsWhole runs failing writes alone: with no savepoint,
// the transaction rolls back whole, the caller gets its error, and the
// writer goes on.
func TestBatchOfOneFailsWhole(t *testing.T) {
	errBoom := errors.New("boom")
	db, _ := openTest(t)
	for _, tc := range []struct {
		name string
		fn   writeFunc
		want error
	}{
		{"error", func(ctx context.Context, tx *txn) error {
			if err := insertEvent("bad")(ctx, tx); err != nil {
				return err
			}
			return errBoom
		}, errBoom},
		{"constraint", func(ctx context.Context, tx *txn) error {
			if err := insertEvent("bad")(ctx, tx); err != nil {
				return err
			}
			return insertEvent("a")(ctx, tx) // recorded by the first write
		}, storage.ErrConflict},
		{"panic", func(ctx context.Context, tx *txn) error {
			insertEvent("bad")(ctx, tx)
			panic("boom")
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, db.write(t.Context(), insertEvent("a")), nil)
			op := newOp(t.Context(), tc.fn)
			db.w.commit([]*writeOp{op})
			if err := <-op.done; err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("got %v, want %v", err, tc.want)
			}
			wantErr(t, db.write(t.Context(), insertEvent("c")), nil)
			diff(t, events(t, db), []string{"a", "c"})
			exec(t, db, `DELETE FROM seen_events`)
		})
	}
}
