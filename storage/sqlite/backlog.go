package sqlite

import (
	"context"
	"fmt"
	"time"
)

// backlogQuery counts the reminders claimable at ?2, as ClaimDue would see
// them, with the oldest due time. It reads the range of the
// checkins_claimable index up to now, as ClaimDue does, so its cost is the
// backlog's size, never the number of check-ins (TestBacklogPlan). ?1 is
// unused: claimable names the time ?2.
const backlogQuery = `SELECT COUNT(*), MIN(due_at) FROM checkins INDEXED BY checkins_claimable WHERE ` + claimable

// ReminderBacklog is how many reminders, across all workspaces, are queued
// and due at now, and the due time of the oldest (the zero time when there
// are none). It counts what ClaimDue would claim: a reminder claimed by a
// dispatcher, or waiting for the retry time a refusal or a 429 set, is in
// hand and left out. It is read when metrics are scraped: one index range,
// no write.
func (db *DB) ReminderBacklog(ctx context.Context, now time.Time) (pending int, oldestDue time.Time, err error) {
	if err := db.read.QueryRowContext(ctx, backlogQuery, nil, unixArg(now)).Scan(&pending, unix(&oldestDue)); err != nil {
		return 0, time.Time{}, fmt.Errorf("reminder backlog: %w", err)
	}
	return pending, oldestDue, nil
}
