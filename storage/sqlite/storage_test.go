package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// Fixtures of the conformance suite, by their short names.
var (
	t0                  = storagetest.T0
	alice, bob, mallory = storagetest.Alice, storagetest.Bob, storagetest.Mallory
	wantErr, diff       = storagetest.WantErr, storagetest.Diff
	newDeal, wonDeal    = storagetest.NewDeal, storagetest.WonDeal
)

func must[T any](v T, err error) T { return storagetest.Must(v, err) }

// TestConformance runs the storage conformance suite, each test on a new
// file.
func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T, now func() time.Time) storage.Store {
		return openFile(t, filepath.Join(t.TempDir(), "longgame.db"), now)
	})
}

// openTest opens a database in a temporary directory, with a clock at
// t0, closed at the end of the test.
func openTest(t testing.TB) (*DB, *storagetest.Clock) {
	t.Helper()
	c := storagetest.NewClock(t0)
	return openFile(t, filepath.Join(t.TempDir(), "longgame.db"), c.Now), c
}

// openFile opens the database at path, closed at the end of the test.
func openFile(t testing.TB, path string, now func() time.Time) *DB {
	t.Helper()
	db, err := Open(t.Context(), path, Options{Now: now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
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
