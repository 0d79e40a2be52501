package postgres

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// A store that keeps its connections opens them in the background and
// has each ready for a command's reads (its overview and risk summary
// prepared, every statement planned once) before it serves any; so is a
// connection the pool opens later. A store that does not keep them opens
// only what it uses.
func TestKeptConnectionsAreReady(t *testing.T) {
	url := newInternalDatabase(t)
	db, err := Open(t.Context(), url, Options{MaxConns: 4, KeepConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(10 * time.Second)
	for db.pool.Stat().IdleConns() < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open, %d idle; want 3 kept", db.pool.Stat().TotalConns(), db.pool.Stat().IdleConns())
		}
		time.Sleep(5 * time.Millisecond) // polling the pool: it has no event to wait on
	}
	var held []*pgxpool.Conn
	for range 4 { // the three kept, then one opened now
		c, err := db.pool.Acquire(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	defer release(held)
	for i, c := range held {
		var mode string
		var prepared int
		if err := c.QueryRow(t.Context(), `SELECT current_setting('plan_cache_mode'),
			(SELECT count(*) FROM pg_prepared_statements WHERE statement IN ($1, $2))`,
			overviewQuery, tallyQuery).Scan(&mode, &prepared); err != nil {
			t.Fatal(err)
		}
		if mode != "force_generic_plan" || prepared != 2 {
			t.Errorf("connection %d: plan_cache_mode %s, %d of the overview and tally statements prepared; want force_generic_plan and 2",
				i+1, mode, prepared)
		}
	}

	plain := openInternal(t, url)
	if n := plain.pool.Stat().TotalConns(); n > 1 {
		t.Errorf("a store that keeps none has %d connections open after Open, want at most 1", n)
	}
}
