package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// backlogQuery counts the reminders claimable at $1, as ClaimDue would see
// them, with the oldest due time. claimable names its time $2, and
// PostgreSQL refuses a query whose $1 is never used, so it is renumbered.
var backlogQuery = `SELECT count(*), min(c.due_at) FROM checkins c WHERE ` +
	strings.ReplaceAll(claimable, "$2", "$1")

// ReminderBacklog is how many reminders, across all workspaces, are queued
// and due at now, and the due time of the oldest (the zero time when there
// are none). A reminder claimed by a dispatcher, or waiting for the retry
// time a refusal or a 429 set, is in hand and left out.
func (db *DB) ReminderBacklog(ctx context.Context, now time.Time) (pending int, oldestDue time.Time, err error) {
	var oldest *time.Time
	if err := db.pool.QueryRow(ctx, backlogQuery, tsArg(now)).Scan(&pending, &oldest); err != nil {
		return 0, time.Time{}, fmt.Errorf("reminder backlog: %w", err)
	}
	if oldest != nil {
		oldestDue = oldest.UTC()
	}
	return pending, oldestDue, nil
}
