package postgres_test

import (
	"context"
	"fmt"
	neturl "net/url"
	"os"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/postgres"
	"github.com/longgame/longgame/storage/postgres/pgtest"
	"github.com/longgame/longgame/storage/storagetest"
)

// migrated is a database at the latest schema, copied for each test.
var migrated = &pgtest.Template{Prepare: func(ctx context.Context, url string) error {
	db, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		return err
	}
	return db.Close()
}}

func TestMain(m *testing.M) {
	code := m.Run()
	if err := migrated.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "drop the template database: %v\n", err)
		code = 1
	}
	os.Exit(code)
}

// TestConformance runs the storage conformance suite, each test on a
// database of its own on the server LONGGAME_TEST_POSTGRES names.
func TestConformance(t *testing.T) {
	pgtest.ServerURL(t)
	storagetest.Run(t, func(t *testing.T, now func() time.Time) storage.Store {
		return openTest(t, migrated.New(t), now)
	})
}

// openTest opens the store at url, closed when t ends.
func openTest(t testing.TB, url string, now func() time.Time) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), url, postgres.Options{Now: now})
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

// TestAdminAcceptsThePoolsSettings: a URL that sizes the pool
// (pool_max_conns, as the README shows) works for the commands that open
// a single connection too (migrate-to's check of the target, creating and
// dropping a database), instead of the server refusing an unknown
// parameter.
func TestAdminAcceptsThePoolsSettings(t *testing.T) {
	server := pgtest.ServerURL(t)
	u, err := neturl.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", "2")
	q.Set("pool_min_conns", "1")
	u.RawQuery = q.Encode()
	name := fmt.Sprintf("lgtest_pool_%d", time.Now().UnixNano())
	if err := postgres.CreateDatabase(t.Context(), u.String(), name, ""); err != nil {
		t.Fatalf("create a database through a URL with pool settings: %v", err)
	}
	t.Cleanup(func() {
		if err := postgres.DropDatabase(context.Background(), u.String(), name); err != nil {
			t.Errorf("drop: %v", err)
		}
	})
	db, err := postgres.WithDatabase(u.String(), name)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := postgres.PeekSchemaVersion(t.Context(), db); err != nil || v != 0 {
		t.Errorf("schema version of a new database: %d, %v; want 0 and no error", v, err)
	}
}
