package storagetest

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// backlog is what ReminderBacklog says at a time.
type backlog struct {
	Pending int
	Oldest  time.Time
}

func testReminderBacklog(t *testing.T, db storage.Store, _ *Clock) {
	at := func(now time.Time) backlog {
		t.Helper()
		n, oldest := Must2(db.ReminderBacklog(t.Context(), now))
		return backlog{n, oldest}
	}
	day := func(n int) time.Time { return T0.AddDate(0, 0, n) }
	Diff(t, at(T0), backlog{})
	_, mine := WonDeal(t, db, Alice, "C1")
	_, theirs := WonDeal(t, db, Mallory, "C9")
	Diff(t, at(day(13)), backlog{}) // nothing due yet

	// Every workspace's, overdue ones included.
	Diff(t, at(day(31)), backlog{4, mine[0].DueAt})

	// A finished check-in needs no reminder; a claimed one is in hand.
	Must(db.FinishCheckin(t.Context(), Alice, mine[0].ID, storage.CheckinDone, ""))
	Diff(t, dueIDs(Must(db.ClaimDue(t.Context(), "w1", day(15), 10))), []int64{theirs[0].ID})
	Diff(t, at(day(31)), backlog{2, mine[1].DueAt})

	// Waiting for a retry, it is left out until the retry time, then
	// counted from when it was due.
	WantErr(t, db.Release(t.Context(), theirs[0].ID, "w1", day(40), "ratelimited"), nil)
	Diff(t, at(day(31)), backlog{2, mine[1].DueAt})
	Diff(t, at(day(40)), backlog{3, theirs[0].DueAt})
}
