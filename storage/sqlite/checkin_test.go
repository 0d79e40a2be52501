package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// wonDeal is a deal owned by owner, won at t0 with check-ins 14, 30 and 90
// days later, returned in due order.
func wonDeal(t *testing.T, db *DB, a storage.Actor, channel string) (storage.Deal, []storage.Checkin) {
	t.Helper()
	d := newDeal(t, db, a, channel)
	var series []storage.NewCheckin
	for _, days := range []int{14, 30, 90} {
		due := t0.AddDate(0, 0, days)
		series = append(series, storage.NewCheckin{Kind: storage.KindPostClose, Offset: fmt.Sprintf("%dd", days), DueOn: asDate(due), DueAt: due})
	}
	must(db.CloseDeal(t.Context(), a, d.ID, storage.Close{Stage: storage.StageWon, Checkins: series}))
	return d, must(db.DealCheckins(t.Context(), a.TeamID, d.ID))
}

func TestAddCheckin(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	due := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC) // 09:00 in Paris
	got := must(db.AddCheckin(t.Context(), alice, storage.NewCheckin{DealID: d.ID, Note: "ask about training", DueAt: due}))
	diff(t, got, storage.Checkin{ID: got.ID, TeamID: "T1", DealID: d.ID, Kind: storage.KindManual, Note: "ask about training",
		DueOn: time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC), DueAt: due, Status: storage.CheckinPending, Delivery: storage.DeliveryQueued,
		CreatedBy: "UALICE", CreatedAt: t0, UpdatedBy: "UALICE", UpdatedAt: t0})
	diff(t, must(db.CheckinByID(t.Context(), "T1", got.ID)), got)

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
			_, err := db.AddCheckin(t.Context(), alice, tc.in)
			wantErr(t, err, tc.err)
		})
	}
	_, err := db.CheckinByID(t.Context(), "T1", 99)
	wantErr(t, err, storage.ErrNotFound)
}

func TestCloseSchedulesCheckins(t *testing.T) {
	db, _ := openTest(t)
	_, series := wonDeal(t, db, alice, "C1")
	var got []string
	for _, c := range series {
		got = append(got, fmt.Sprintf("%s %s %s %s", c.Kind, c.Offset, c.DueOn.Format(time.DateOnly), c.Status))
	}
	diff(t, got, []string{
		"post_close 14d 2026-03-16 pending",
		"post_close 30d 2026-04-01 pending",
		"post_close 90d 2026-05-31 pending",
	})
}

func TestFinishCheckinLeavesTheOthers(t *testing.T) {
	db, clk := openTest(t)
	d, series := wonDeal(t, db, alice, "C1")
	clk.Advance(time.Hour)

	done := must(db.FinishCheckin(t.Context(), bob, series[0].ID, storage.CheckinDone, "training on track"))
	want := series[0]
	want.Status, want.DoneNote, want.UpdatedBy, want.UpdatedAt = storage.CheckinDone, "training on track", "UBOB", t0.Add(time.Hour)
	diff(t, done, want)
	diff(t, must(db.DealCheckins(t.Context(), "T1", d.ID)), []storage.Checkin{done, series[1], series[2]})
	diff(t, must(db.NextPendingCheckin(t.Context(), "T1", d.ID)), series[1])

	_, err := db.FinishCheckin(t.Context(), bob, series[0].ID, storage.CheckinSkipped, "")
	wantErr(t, err, storage.ErrConflict)
	_, err = db.FinishCheckin(t.Context(), bob, series[1].ID, storage.CheckinCancelled, "")
	wantErr(t, err, storage.ErrInvalid)
	_, err = db.FinishCheckin(t.Context(), bob, 99, storage.CheckinDone, "")
	wantErr(t, err, storage.ErrNotFound)

	skipped := must(db.FinishCheckin(t.Context(), bob, series[1].ID, storage.CheckinSkipped, ""))
	must(db.FinishCheckin(t.Context(), bob, series[2].ID, storage.CheckinDone, ""))
	if skipped.Status != storage.CheckinSkipped {
		t.Errorf("got %s, want skipped", skipped.Status)
	}
	_, err = db.NextPendingCheckin(t.Context(), "T1", d.ID)
	wantErr(t, err, storage.ErrNotFound)
}

func TestSnoozeCheckinMovesOnlyThatOne(t *testing.T) {
	db, clk := openTest(t)
	d, series := wonDeal(t, db, alice, "C1")
	// The first reminder went out; snoozing queues it again.
	exec(t, db, `UPDATE checkins SET delivery = 'sent', message_ts = '1.2', attempts = 1, claimed_by = 'w1',
		claimed_at = 1 WHERE id = ?`, series[0].ID)
	clk.Advance(time.Hour)

	newDue := series[0].DueAt.AddDate(0, 0, 7)
	got := must(db.SnoozeCheckin(t.Context(), bob, series[0].ID, time.Time{}, newDue))
	want := series[0]
	want.DueOn, want.DueAt = asDate(newDue), newDue
	want.Delivery, want.MessageTS, want.UpdatedBy, want.UpdatedAt = storage.DeliveryQueued, "1.2", "UBOB", t0.Add(time.Hour)
	diff(t, got, want)
	diff(t, must(db.DealCheckins(t.Context(), "T1", d.ID)), []storage.Checkin{got, series[1], series[2]})
	if n := count(t, db, `SELECT COUNT(*) FROM checkins WHERE claimed_by IS NOT NULL OR claimed_at IS NOT NULL`); n != 0 {
		t.Errorf("%d check-ins still claimed, want none", n)
	}

	_, err := db.SnoozeCheckin(t.Context(), bob, series[0].ID, time.Time{}, time.Time{})
	wantErr(t, err, storage.ErrInvalid)
	must(db.FinishCheckin(t.Context(), bob, series[0].ID, storage.CheckinDone, ""))
	_, err = db.SnoozeCheckin(t.Context(), bob, series[0].ID, time.Time{}, newDue)
	wantErr(t, err, storage.ErrConflict)
}

func TestOwnerCheckinsDue(t *testing.T) {
	db, _ := openTest(t)
	mine, series := wonDeal(t, db, alice, "C1")
	_, theirs := wonDeal(t, db, bob, "C2")
	wonDeal(t, db, mallory, "C1") // another workspace
	must(db.FinishCheckin(t.Context(), alice, series[0].ID, storage.CheckinDone, ""))
	overdue := must(db.AddCheckin(t.Context(), alice, storage.NewCheckin{DealID: mine.ID, Note: "overdue", DueAt: t0.AddDate(0, 0, -3)}))

	ids := func(owner string, before time.Time) (got []int64) {
		for _, cd := range must(db.OwnerCheckinsDue(t.Context(), "T1", owner, before)) {
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
		{"next 14 days: overdue only, the 14d one is done", "UALICE", t0.AddDate(0, 0, 14), []int64{overdue.ID}},
		{"next 31 days", "UALICE", t0.AddDate(0, 0, 31), []int64{overdue.ID, series[1].ID}},
		{"before is exclusive", "UALICE", series[1].DueAt, []int64{overdue.ID}},
		{"another owner", "UBOB", t0.AddDate(0, 0, 15), []int64{theirs[0].ID}},
		{"nobody", "UNOBODY", t0.AddDate(1, 0, 0), nil},
	} {
		t.Run(tc.name, func(t *testing.T) { diff(t, ids(tc.owner, tc.before), tc.want) })
	}
}
