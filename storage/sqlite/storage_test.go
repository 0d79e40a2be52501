package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/longgame/longgame/storage"
)

// t0 is when every test starts: a Monday, 09:00 UTC.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Actors of two workspaces.
var (
	alice   = storage.Actor{TeamID: "T1", UserID: "UALICE"}
	bob     = storage.Actor{TeamID: "T1", UserID: "UBOB"}
	mallory = storage.Actor{TeamID: "T2", UserID: "UMALLORY"}
)

// clock is a fake clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// openTest opens a database in a temporary directory, closed at the end of
// the test.
func openTest(t testing.TB) (*DB, *clock) {
	t.Helper()
	c := &clock{now: t0}
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "longgame.db"), Options{Now: c.Now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, c
}

// newDeal opens a deal in channel as a, or fails the test.
func newDeal(t testing.TB, db *DB, a storage.Actor, channel string) storage.Deal {
	t.Helper()
	d, err := db.OpenDeal(t.Context(), a, storage.NewDeal{ChannelID: channel, Name: "Deal " + channel, OwnerID: a.UserID, Budget: 10})
	if err != nil {
		t.Fatalf("OpenDeal(%s): %v", channel, err)
	}
	return d
}

// must returns v, or panics on err: for fixtures and calls that cannot
// fail, where the panic fails the test with a stack.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// wantErr fails the test unless errors.Is(err, want); want nil means no error.
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

// diff fails the test when got and want differ; nil and empty slices are
// equal.
func diff(t testing.TB, got, want any, opts ...cmp.Option) {
	t.Helper()
	if d := cmp.Diff(want, got, append(opts, cmpopts.EquateEmpty())...); d != "" {
		t.Errorf("mismatch (-want +got):\n%s", d)
	}
}

// count runs a COUNT query on the read pool.
func count(t testing.TB, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.read.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// exec runs a statement through the writer, as a test fixture.
func exec(t testing.TB, db *DB, query string, args ...any) {
	t.Helper()
	err := db.write(t.Context(), func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func ptr[T any](v T) *T { return &v }
