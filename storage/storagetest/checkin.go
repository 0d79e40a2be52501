package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testAddCheckin(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	due := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC) // 09:00 in Paris
	got := Must(db.AddCheckin(t.Context(), Alice, storage.NewCheckin{DealID: d.ID, Note: "ask about training", DueAt: due}))
	Diff(t, got, storage.Checkin{ID: got.ID, TeamID: "T1", DealID: d.ID, Number: 1, Kind: storage.KindManual, Note: "ask about training",
		DueOn: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), DueAt: due, Status: storage.CheckinPending, Delivery: storage.DeliveryQueued,
		CreatedBy: "UALICE", CreatedAt: T0, UpdatedBy: "UALICE", UpdatedAt: T0})
	Diff(t, Must(db.CheckinByID(t.Context(), "T1", got.ID)), got)

	for _, tc := range []struct {
		name string
		in   storage.NewCheckin
		err  error
	}{
		{"no due time", storage.NewCheckin{DealID: d.ID}, storage.ErrInvalid},
		{"unknown kind", storage.NewCheckin{DealID: d.ID, Kind: "someday", DueAt: due}, storage.ErrInvalid},
		{"no such deal", storage.NewCheckin{DealID: 99, DueAt: due}, storage.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.AddCheckin(t.Context(), Alice, tc.in)
			WantErr(t, err, tc.err)
		})
	}
	_, err := db.CheckinByID(t.Context(), "T1", 99)
	WantErr(t, err, storage.ErrNotFound)
}

func testCloseSchedulesCheckins(t *testing.T, db storage.Store, clk *Clock) {
	_, series := WonDeal(t, db, Alice, "C1")
	var got []string
	for _, c := range series {
		got = append(got, fmt.Sprintf("%s %s %s %s", c.Kind, c.Offset, c.DueOn.Format(time.DateOnly), c.Status))
	}
	Diff(t, got, []string{
		"post_close 14d 2026-03-16 pending",
		"post_close 30d 2026-04-01 pending",
		"post_close 90d 2026-05-31 pending",
	})
}

func testFinishCheckinLeavesTheOthers(t *testing.T, db storage.Store, clk *Clock) {
	d, series := WonDeal(t, db, Alice, "C1")
	clk.Advance(time.Hour)

	done := Must(db.FinishCheckin(t.Context(), Bob, series[0].ID, storage.CheckinDone, "training on track"))
	want := series[0]
	want.Status, want.DoneNote, want.UpdatedBy, want.UpdatedAt = storage.CheckinDone, "training on track", "UBOB", T0.Add(time.Hour)
	Diff(t, done, want)
	Diff(t, Must(db.DealCheckins(t.Context(), "T1", d.ID)), []storage.Checkin{done, series[1], series[2]})
	Diff(t, Must(db.NextPendingCheckin(t.Context(), "T1", d.ID)), series[1])

	_, err := db.FinishCheckin(t.Context(), Bob, series[0].ID, storage.CheckinSkipped, "")
	WantErr(t, err, storage.ErrConflict)
	_, err = db.FinishCheckin(t.Context(), Bob, series[1].ID, storage.CheckinCancelled, "")
	WantErr(t, err, storage.ErrInvalid)
	_, err = db.FinishCheckin(t.Context(), Bob, 99, storage.CheckinDone, "")
	WantErr(t, err, storage.ErrNotFound)

	skipped := Must(db.FinishCheckin(t.Context(), Bob, series[1].ID, storage.CheckinSkipped, ""))
	Must(db.FinishCheckin(t.Context(), Bob, series[2].ID, storage.CheckinDone, ""))
	if skipped.Status != storage.CheckinSkipped {
		t.Errorf("got %s, want skipped", skipped.Status)
	}
	_, err = db.NextPendingCheckin(t.Context(), "T1", d.ID)
	WantErr(t, err, storage.ErrNotFound)
}

func testSnoozeCheckinMovesOnlyThatOne(t *testing.T, db storage.Store, clk *Clock) {
	d, series := WonDeal(t, db, Alice, "C1")
	// The first reminder went out; snoozing queues it again.
	sentAt := series[0].DueAt
	Must(db.ClaimDue(t.Context(), "w1", sentAt, 10))
	WantErr(t, db.MarkSent(t.Context(), series[0].ID, "w1", "C1", "1.2", sentAt), nil)
	clk.Advance(time.Hour)

	newDue := series[0].DueAt.AddDate(0, 0, 7)
	got := Must(db.SnoozeCheckin(t.Context(), Bob, series[0].ID, time.Time{}, newDue))
	want := series[0]
	want.DueOn, want.DueAt = day(newDue), newDue
	want.Delivery, want.MessageTS, want.MessageChan = storage.DeliveryQueued, "1.2", "C1"
	want.UpdatedBy, want.UpdatedAt = "UBOB", T0.Add(time.Hour)
	Diff(t, got, want)
	Diff(t, Must(db.DealCheckins(t.Context(), "T1", d.ID)), []storage.Checkin{got, series[1], series[2]})

	// A snooze drops the claim of a send in flight: the sender's mark
	// fails, and the reminder is claimable again at its new time, not before.
	Diff(t, dueIDs(Must(db.ClaimDue(t.Context(), "w2", newDue, 10))), []int64{series[0].ID})
	later := newDue.AddDate(0, 0, 1)
	Must(db.SnoozeCheckin(t.Context(), Bob, series[0].ID, time.Time{}, later))
	WantErr(t, db.MarkSent(t.Context(), series[0].ID, "w2", "C1", "1.3", newDue), storage.ErrConflict)
	Diff(t, dueIDs(Must(db.ClaimDue(t.Context(), "w3", later.Add(-time.Second), 10))), []int64(nil))
	Diff(t, dueIDs(Must(db.ClaimDue(t.Context(), "w3", later, 10))), []int64{series[0].ID})

	_, err := db.SnoozeCheckin(t.Context(), Bob, series[0].ID, time.Time{}, time.Time{})
	WantErr(t, err, storage.ErrInvalid)
	Must(db.FinishCheckin(t.Context(), Bob, series[0].ID, storage.CheckinDone, ""))
	_, err = db.SnoozeCheckin(t.Context(), Bob, series[0].ID, time.Time{}, newDue)
	WantErr(t, err, storage.ErrConflict)
}

func testOwnerCheckinsDue(t *testing.T, db storage.Store, clk *Clock) {
	mine, series := WonDeal(t, db, Alice, "C1")
	_, theirs := WonDeal(t, db, Bob, "C2")
	WonDeal(t, db, Mallory, "C1") // another workspace
	Must(db.FinishCheckin(t.Context(), Alice, series[0].ID, storage.CheckinDone, ""))
	overdue := Must(db.AddCheckin(t.Context(), Alice, storage.NewCheckin{DealID: mine.ID, Note: "overdue", DueAt: T0.AddDate(0, 0, -3)}))

	ids := func(owner string, before time.Time) (got []int64) {
		for _, cd := range Must(db.OwnerCheckinsDue(t.Context(), "T1", owner, before)) {
			if cd.Deal.ID != cd.Checkin.DealID || cd.Deal.OwnerID != owner {
				t.Errorf("check-in %d came with deal %d of %s", cd.Checkin.ID, cd.Deal.ID, cd.Deal.OwnerID)
			}
			got = append(got, cd.Checkin.ID)
		}
		return got
	}
	for _, tc := range []struct {
		name   string
		owner  string
		before time.Time
		want   []int64
	}{
		{"next 14 days: overdue only, the 14d one is done", "UALICE", T0.AddDate(0, 0, 14), []int64{overdue.ID}},
		{"next 31 days", "UALICE", T0.AddDate(0, 0, 31), []int64{overdue.ID, series[1].ID}},
		{"before is exclusive", "UALICE", series[1].DueAt, []int64{overdue.ID}},
		{"another owner", "UBOB", T0.AddDate(0, 0, 15), []int64{theirs[0].ID}},
		{"nobody", "UNOBODY", T0.AddDate(1, 0, 0), nil},
	} {
		t.Run(tc.name, func(t *testing.T) { Diff(t, ids(tc.owner, tc.before), tc.want) })
	}
}
