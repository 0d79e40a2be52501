package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"time"

	modernc "modernc.org/sqlite"
)

// SQLite's automatic checkpoint runs inside the commit that crosses
// wal_autocheckpoint pages: that commit's callers wait for the copy into
// the database file and its fsync. The writer connection turns it off
// (wal_autocheckpoint=0) and its goroutine checkpoints between batches
// instead, with a PASSIVE checkpoint that never waits for readers. The
// durability of a commit is unchanged: it is on disk once its WAL frames
// are fsynced (synchronous=FULL), whenever the checkpoint comes.

// checkpointPolicy says when the writer checkpoints.
type checkpointPolicy struct {
	// Pages: checkpoint once the WAL holds this many pages, if no write is
	// waiting (SQLite's own default threshold).
	Pages int
	// MaxPages: checkpoint even with writes waiting, so that the WAL stays
	// bounded under constant load.
	MaxPages int
	// Idle: checkpoint what is left after this long without a write.
	Idle time.Duration
}

func (p checkpointPolicy) withDefaults() checkpointPolicy {
	if p.Pages <= 0 {
		p.Pages = 1000
	}
	if p.MaxPages < p.Pages {
		p.MaxPages = 4 * p.Pages
	}
	if p.Idle <= 0 {
		p.Idle = time.Second
	}
	return p
}

// Checkpoint modes.
const (
	checkpointPassive  = "PASSIVE"  // copies what it can, waits for nobody
	checkpointTruncate = "TRUNCATE" // copies everything and empties the WAL file; waits for readers
)

// checkpointer checkpoints the writer's database; only the writer goroutine
// calls it.
type checkpointer struct {
	conn   *sql.DB // the writer's pool, used between batches
	policy checkpointPolicy
	pages  int // WAL frames not yet known to be checkpointed

	runs     atomic.Int64 // checkpoints run; tests read them
	failures atomic.Int64 // of which failed: the next one tries again
}

// count adds the pages the last commit wrote to the WAL.
func (c *checkpointer) count(ctx context.Context) {
	n, err := walPagesWritten(ctx, c.conn)
	if err != nil {
		// Without the count, assume a checkpoint is due: one too many is
		// harmless, a WAL that grows without bound is not.
		n = c.policy.Pages
	}
	c.pages += n
}

// pending reports whether the WAL may hold frames not yet checkpointed.
func (c *checkpointer) pending() bool { return c.pages > 0 }

// due reports whether the WAL passed the policy's Pages.
func (c *checkpointer) due() bool { return c.pages >= c.policy.Pages }

// overdue reports whether the WAL passed the policy's MaxPages.
func (c *checkpointer) overdue() bool { return c.pages >= c.policy.MaxPages }

// run checkpoints in mode. A checkpoint that could not copy every frame
// (a reader still uses an older snapshot) leaves the WAL's size as the
// count, so the next batch tries again; so does one that failed. Either
// way no commit is at risk: the WAL holds it.
func (c *checkpointer) run(ctx context.Context, mode string) {
	c.runs.Add(1)
	var busy, log, done int
	err := c.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done)
	switch {
	case err != nil:
		c.failures.Add(1)
	case busy == 0 && log == done:
		c.pages = 0
	default:
		c.pages = max(log, 1)
	}
}

// close checkpoints everything and truncates the WAL, once the last batch
// is committed. Failing leaves the WAL for the next open to checkpoint: it
// loses nothing.
func (c *checkpointer) close(ctx context.Context) {
	c.run(ctx, checkpointTruncate)
}

// walPagesWritten is how many pages the writer connection wrote to the WAL
// since it was last asked (SQLITE_DBSTATUS_CACHE_WRITE, reset on read).
func walPagesWritten(ctx context.Context, db *sql.DB) (int, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var n int
	err = conn.Raw(func(dc any) error {
		s, ok := dc.(modernc.DBStatus)
		if !ok {
			return fmt.Errorf("driver connection %T has no Status", dc)
		}
		n, _, err = s.Status(modernc.DBStatusCacheWrite, true)
		return err
	})
	return n, err
}
