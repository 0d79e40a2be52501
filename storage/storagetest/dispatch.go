package storagetest

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testClaimDueClaimsWhatIsDueOnce(t *testing.T, db storage.Store, clk *Clock) {
	d, series := WonDeal(t, db, Alice, "C1")
	Must(db.SetChampion(t.Context(), Alice, d.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT"}))
	before := Must(db.AddRisk(t.Context(), Alice, d.ID, storage.NewRisk{What: "SSO untested", Severity: storage.SeverityHigh}))
	crit := Must(db.AddRisk(t.Context(), Alice, d.ID, storage.NewRisk{What: "data migration", Severity: storage.SeverityCritical}))
	resolved := Must(db.AddRisk(t.Context(), Alice, d.ID, storage.NewRisk{What: "pricing", Severity: storage.SeverityLow}))
	Must(db.ResolveRisk(t.Context(), Alice, d.ID, resolved.Number, "agreed"))
	clk.Advance(48 * time.Hour)
	after := Must(db.AddRisk(t.Context(), Alice, d.ID, storage.NewRisk{What: "flagged after the close"}))
	WantErr(t, db.SaveUserTZ(t.Context(), "T1", "UALICE", "Europe/Paris"), nil)
	_, theirs := WonDeal(t, db, Mallory, "C9") // another workspace: claimed too

	now := T0.AddDate(0, 0, 15)
	due := Must(db.ClaimDue(t.Context(), "w1", now, 10))
	Diff(t, dueIDs(due), []int64{series[0].ID, theirs[0].ID})
	got := due[0]
	if got.Deal.ID != d.ID || got.Deal.ChannelID != "C1" || got.Champion == nil || got.Champion.Name != "Jane Doe" {
		t.Errorf("claimed %+v: want deal %d in C1 with champion Jane Doe", got, d.ID)
	}
	if got.OwnerTZ != "Europe/Paris" || got.ClaimedBy != "w1" || !got.ClaimedAt.Equal(now) || got.Uncertain || got.Missed != 0 {
		t.Errorf("claim = tz %q by %q at %s uncertain %v missed %d", got.OwnerTZ, got.ClaimedBy, got.ClaimedAt, got.Uncertain, got.Missed)
	}
	Diff(t, risksOf(got), []string{crit.What, before.What, after.What + " (since the close)"})
	if got.OpenRisks != 3 {
		t.Errorf("%d open risks, want 3", got.OpenRisks)
	}
	if got.Checkin.Delivery != storage.DeliverySending {
		t.Errorf("delivery %s, want sending", got.Checkin.Delivery)
	}
	Diff(t, dueIDs(Must(db.ClaimDue(t.Context(), "w2", now, 10))), []int64(nil))
}

func testClaimDueSkipsWhatIsNotDue(t *testing.T, db storage.Store, clk *Clock) {
	d, series := WonDeal(t, db, Alice, "C1")
	now := T0.AddDate(0, 0, 15)
	Must(db.FinishCheckin(t.Context(), Alice, series[0].ID, storage.CheckinDone, ""))
	if _, _, err := db.ReopenDeal(t.Context(), Alice, d.ID); err != nil { // cancels the rest
		t.Fatal(err)
	}
	manual := Must(db.AddCheckin(t.Context(), Alice, storage.NewCheckin{DealID: d.ID, DueAt: now.Add(-time.Hour)}))
	// A retry a minute from now.
	Must(db.ClaimDue(t.Context(), "w0", now.Add(-time.Hour), 10))
	WantErr(t, db.Release(t.Context(), manual.ID, "w0", now.Add(time.Minute), "ratelimited"), nil)
	Diff(t, dueIDs(Must(db.ClaimDue(t.Context(), "w1", now, 10))), []int64(nil))
	Diff(t, dueIDs(Must(db.ClaimDue(t.Context(), "w1", now.Add(time.Minute), 10))), []int64{manual.ID})

	_, err := db.ClaimDue(t.Context(), "", now, 10)
	WantErr(t, err, storage.ErrInvalid)
	_, err = db.ClaimDue(t.Context(), "w1", now, 0)
	WantErr(t, err, storage.ErrInvalid)
}

func testClaimDueLimitKeepsADealWhole(t *testing.T, db storage.Store, clk *Clock) {
	_, series := WonDeal(t, db, Alice, "C1")
	_, other := WonDeal(t, db, Bob, "C2")
	now := T0.AddDate(0, 0, 40)
	first := Must(db.ClaimDue(t.Context(), "w1", now, 1))
	Diff(t, dueIDs(first), []int64{series[0].ID, series[1].ID})
	Diff(t, dueIDs(Must(db.ClaimDue(t.Context(), "w1", now, 1))), []int64{other[0].ID, other[1].ID})
}

func testFencedWrites(t *testing.T, db storage.Store, clk *Clock) {
	_, series := WonDeal(t, db, Alice, "C1")
	now := T0.AddDate(0, 0, 15)
	id := series[0].ID
	Must(db.ClaimDue(t.Context(), "w1", now, 10))

	WantErr(t, db.MarkSent(t.Context(), id, "stale", "C1", "1.1", now), storage.ErrConflict)
	WantErr(t, db.Release(t.Context(), id, "w1", time.Time{}, "x"), storage.ErrInvalid)
	WantErr(t, db.ReleaseUncertain(t.Context(), id, "w1", now.Add(time.Minute), "http 503"), nil)
	WantErr(t, db.MarkSent(t.Context(), id, "w1", "C1", "1.1", now), storage.ErrConflict) // released: the claim is gone
	c := Must(db.CheckinByID(t.Context(), "T1", id))
	if c.Delivery != storage.DeliveryQueued || c.Attempts != 1 || c.DeliveryError != "http 503" {
		t.Errorf("after release: %s, %d attempts, error %q", c.Delivery, c.Attempts, c.DeliveryError)
	}

	due := Must(db.ClaimDue(t.Context(), "w2", now.Add(time.Minute), 10))
	if len(due) != 1 || !due[0].Uncertain {
		t.Fatalf("reclaimed %+v, want check-in %d, uncertain", due, id)
	}
	WantErr(t, db.Hold(t.Context(), id, "w2", now.Add(24*time.Hour)), nil)
	if c := Must(db.CheckinByID(t.Context(), "T1", id)); c.Attempts != 1 {
		t.Errorf("a hold counted an attempt: %d", c.Attempts)
	}
	if due = Must(db.ClaimDue(t.Context(), "w2", now.Add(24*time.Hour), 10)); len(due) != 1 {
		t.Fatalf("after the hold: claimed %d, want the held check-in", len(due))
	}
	WantErr(t, db.Release(t.Context(), id, "w2", now.Add(25*time.Hour), "ratelimited"), nil)
	due = Must(db.ClaimDue(t.Context(), "w3", now.Add(25*time.Hour), 10))
	if len(due) != 1 || due[0].Uncertain {
		t.Errorf("after a certain release: %+v, want not uncertain", due)
	}
	WantErr(t, db.MarkSent(t.Context(), id, "w3", "C1", "1.2", now.Add(25*time.Hour)), nil)
	c = Must(db.CheckinByID(t.Context(), "T1", id))
	if c.Delivery != storage.DeliverySent || c.MessageTS != "1.2" || c.MessageChan != "C1" || c.Attempts != 3 || c.DeliveryError != "" {
		t.Errorf("after sent: %+v", c)
	}
	WantErr(t, db.MarkSent(t.Context(), id, "w3", "C1", "1.3", now), storage.ErrConflict) // not sending any more
}

func testMarkFailedKeepsTheError(t *testing.T, db storage.Store, clk *Clock) {
	_, series := WonDeal(t, db, Alice, "C1")
	clk.Advance(15 * 24 * time.Hour)
	Must(db.ClaimDue(t.Context(), "w1", clk.Now(), 10))
	WantErr(t, db.MarkFailed(t.Context(), series[0].ID, "w1", "is_archived", "D1", "5.5"), nil)
	c := Must(db.CheckinByID(t.Context(), "T1", series[0].ID))
	if c.Delivery != storage.DeliveryFailed || c.DeliveryError != "is_archived" || c.MessageChan != "D1" || c.MessageTS != "5.5" {
		t.Errorf("after failure: %+v", c)
	}
	if c.Status != storage.CheckinPending {
		t.Errorf("a delivery failure changed the check-in's status to %s", c.Status)
	}
}

func testFold(t *testing.T, db storage.Store, clk *Clock) {
	d, series := WonDeal(t, db, Alice, "C1")
	_, other := WonDeal(t, db, Bob, "C2")
	now := T0.AddDate(0, 0, 100) // all three overdue
	Must(db.ClaimDue(t.Context(), "w1", now, 10))
	WantErr(t, db.Fold(t.Context(), []int64{series[0].ID, other[0].ID}, series[2].ID, "w1"), storage.ErrConflict) // another deal
	WantErr(t, db.Fold(t.Context(), []int64{series[0].ID}, series[2].ID, "w2"), storage.ErrConflict)
	WantErr(t, db.Fold(t.Context(), []int64{series[2].ID}, series[2].ID, "w1"), storage.ErrInvalid)
	// The 14d one folds into the 30d one, which is then released…
	WantErr(t, db.Fold(t.Context(), []int64{series[0].ID}, series[1].ID, "w1"), nil)
	WantErr(t, db.Release(t.Context(), series[1].ID, "w1", now, "ratelimited"), nil)
	WantErr(t, db.Release(t.Context(), series[2].ID, "w1", now, "ratelimited"), nil)
	// …and next time both fold into the 90d one, which covers two.
	due := Must(db.ClaimDue(t.Context(), "w1", now, 10))
	Diff(t, dueIDs(due), []int64{series[1].ID, series[2].ID}) // Bob's are still claimed
	WantErr(t, db.Fold(t.Context(), []int64{series[1].ID}, series[2].ID, "w1"), nil)
	WantErr(t, db.Release(t.Context(), series[2].ID, "w1", now, "ratelimited"), nil)
	due = Must(db.ClaimDue(t.Context(), "w1", now, 1))
	if len(due) != 1 || due[0].Checkin.ID != series[2].ID || due[0].Missed != 2 {
		t.Fatalf("claimed %+v, want the 90d check-in covering 2", due)
	}
	for _, c := range Must(db.DealCheckins(t.Context(), "T1", d.ID))[:2] {
		if c.Delivery != storage.DeliveryFolded || c.Status != storage.CheckinPending {
			t.Errorf("check-in %d: %s %s, want folded, still pending", c.ID, c.Delivery, c.Status)
		}
	}
	// Finishing a folded check-in takes it out of the count.
	Must(db.FinishCheckin(t.Context(), Alice, series[0].ID, storage.CheckinDone, ""))
	WantErr(t, db.Release(t.Context(), series[2].ID, "w1", now, "x"), nil)
	if due := Must(db.ClaimDue(t.Context(), "w1", now, 1)); due[0].Missed != 1 {
		t.Errorf("missed = %d, want 1", due[0].Missed)
	}
}

func testReclaimStuck(t *testing.T, db storage.Store, clk *Clock) {
	_, series := WonDeal(t, db, Alice, "C1")
	claimedAt := T0.AddDate(0, 0, 15)
	Must(db.ClaimDue(t.Context(), "crashed", claimedAt, 10))
	Diff(t, dueIDs(Must(db.StuckSending(t.Context(), claimedAt))), []int64(nil))
	Diff(t, dueIDs(Must(db.StuckSending(t.Context(), claimedAt.Add(time.Second)))), []int64{series[0].ID})

	later := claimedAt.Add(10 * time.Minute)
	Diff(t, dueIDs(Must(db.ReclaimStuck(t.Context(), "w2", later, claimedAt, 10))), []int64(nil)) // lease not over
	due := Must(db.ReclaimStuck(t.Context(), "w2", later, later.Add(-5*time.Minute), 10))
	if len(due) != 1 || due[0].Checkin.ID != series[0].ID || !due[0].Uncertain || due[0].ClaimedBy != "w2" {
		t.Fatalf("reclaimed %+v, want check-in %d for w2, uncertain", due, series[0].ID)
	}
	WantErr(t, db.MarkSent(t.Context(), series[0].ID, "crashed", "C1", "1.1", later), storage.ErrConflict)
	WantErr(t, db.MarkSent(t.Context(), series[0].ID, "w2", "C1", "1.1", later), nil)

	// A stuck claim of a check-in finished meanwhile is dropped, not reclaimed.
	Must(db.ClaimDue(t.Context(), "crashed", T0.AddDate(0, 0, 31), 10))
	Must(db.FinishCheckin(t.Context(), Alice, series[1].ID, storage.CheckinDone, ""))
	Diff(t, dueIDs(Must(db.ReclaimStuck(t.Context(), "w2", T0.AddDate(0, 0, 32), T0.AddDate(0, 0, 32), 10))), []int64(nil))
	if c := Must(db.CheckinByID(t.Context(), "T1", series[1].ID)); c.Delivery != storage.DeliveryQueued {
		t.Errorf("finished check-in left %s", c.Delivery)
	}
}

// testRenewClaim checks that a renewed claim is not taken over until a
// lease after its renewal, and that a claim taken over cannot be renewed.
func testRenewClaim(t *testing.T, db storage.Store, clk *Clock) {
	_, series := WonDeal(t, db, Alice, "C1")
	id := series[0].ID
	claimedAt := T0.AddDate(0, 0, 15)
	lease := 5 * time.Minute
	Must(db.ClaimDue(t.Context(), "w1", claimedAt, 10))
	renewed := claimedAt.Add(4 * time.Minute)
	WantErr(t, db.RenewClaim(t.Context(), id, "w2", renewed), storage.ErrConflict) // not w2's
	WantErr(t, db.RenewClaim(t.Context(), id, "w1", renewed), nil)

	later := claimedAt.Add(lease + time.Minute) // the first claim's lease is over, not the renewed one's
	Diff(t, dueIDs(Must(db.ReclaimStuck(t.Context(), "w2", later, later.Add(-lease), 10))), []int64(nil))
	later = renewed.Add(lease + time.Second)
	Diff(t, dueIDs(Must(db.ReclaimStuck(t.Context(), "w2", later, later.Add(-lease), 10))), []int64{id})
	WantErr(t, db.RenewClaim(t.Context(), id, "w1", later), storage.ErrConflict) // taken over
	WantErr(t, db.MarkSent(t.Context(), id, "w2", "C1", "1.1", later), nil)
	WantErr(t, db.RenewClaim(t.Context(), id, "w2", later), storage.ErrConflict) // sent: no claim left
}

// testMissFolded checks that the check-ins a reminder covered are marked
// missed, never done: they did not happen.
func testMissFolded(t *testing.T, db storage.Store, clk *Clock) {
	d, series := WonDeal(t, db, Alice, "C1")
	now := T0.AddDate(0, 0, 100)
	Must(db.ClaimDue(t.Context(), "w1", now, 10))
	WantErr(t, db.Fold(t.Context(), []int64{series[0].ID, series[1].ID}, series[2].ID, "w1"), nil)
	WantErr(t, db.MarkSent(t.Context(), series[2].ID, "w1", "C1", "1.1", now), nil)
	Must(db.FinishCheckin(t.Context(), Alice, series[0].ID, storage.CheckinSkipped, "")) // one was answered already

	Must(db.FinishCheckin(t.Context(), Bob, series[2].ID, storage.CheckinDone, "all good"))
	if n := Must(db.MissFolded(t.Context(), Bob, series[2].ID)); n != 1 {
		t.Errorf("marked %d folded check-ins missed, want 1", n)
	}
	var got []storage.CheckinStatus
	for _, c := range Must(db.DealCheckins(t.Context(), "T1", d.ID)) {
		got = append(got, c.Status)
	}
	Diff(t, got, []storage.CheckinStatus{storage.CheckinSkipped, storage.CheckinMissed, storage.CheckinDone})
	if n := Must(db.MissFolded(t.Context(), Bob, series[2].ID)); n != 0 {
		t.Errorf("marking again marked %d", n)
	}
	_, err := db.MissFolded(t.Context(), Mallory, series[2].ID)
	WantErr(t, err, storage.ErrNotFound)
}

// testClaimDueOnceUnderConcurrency has 16 dispatchers claim at once, one
// deal at a time: every due reminder is claimed, by one of them only.
func testClaimDueOnceUnderConcurrency(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	var want []int64
	for i := range 12 {
		_, series := WonDeal(t, db, Alice, fmt.Sprintf("C%d", i))
		want = append(want, series[0].ID, series[1].ID) // due at the 31st day
	}
	now := T0.AddDate(0, 0, 31)
	var mu sync.Mutex
	claimed := map[int64]string{}
	Each(t, 16, func(i int) error {
		claimant := fmt.Sprintf("w%d", i)
		for {
			due, err := db.ClaimDue(ctx, claimant, now, 1)
			if err != nil || len(due) == 0 {
				return err
			}
			mu.Lock()
			for _, d := range due {
				if by, ok := claimed[d.Checkin.ID]; ok {
					mu.Unlock()
					return fmt.Errorf("check-in %d claimed by %s and %s", d.Checkin.ID, by, claimant)
				}
				claimed[d.Checkin.ID] = claimant
			}
			mu.Unlock()
		}
	})
	Diff(t, slices.Sorted(maps.Keys(claimed)), want)
}

// testCheckinListsEveryOpenRisk records a close days after its date, with
// a risk flagged in between and one after: the check-in lists every open
// risk of the deal, and only the one flagged after the close was recorded
// is since the close.
func testCheckinListsEveryOpenRisk(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	early := Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "flagged while open", Severity: storage.SeverityMedium}))
	clk.Advance(10 * 24 * time.Hour)
	between := Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "flagged after the close date", Severity: storage.SeverityHigh}))
	clk.Advance(30 * 24 * time.Hour) // the close is recorded 39 days after its date
	closedOn := day(T0.AddDate(0, 0, 1))
	won := Must(db.CloseDeal(ctx, Alice, d.ID, storage.Close{Stage: storage.StageWon, On: closedOn,
		Checkins: []storage.NewCheckin{{Kind: storage.KindPostClose, Offset: "14d", DueAt: closedOn.AddDate(0, 0, 14)}}}))
	if recorded := clk.Now(); !won.ClosedOn.Equal(closedOn) || !won.ClosedAt.Equal(recorded) {
		t.Errorf("closed on %v at %v, want on %v at %v", won.ClosedOn, won.ClosedAt, closedOn, recorded)
	}
	clk.Advance(24 * time.Hour)
	since := Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "flagged after the close", Severity: storage.SeverityCritical}))
	resolved := Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "resolved", Severity: storage.SeverityCritical}))
	Must(db.ResolveRisk(ctx, Alice, d.ID, resolved.Number, ""))

	due := Must(db.ClaimDue(ctx, "w1", clk.Now(), 10))
	if len(due) != 1 {
		t.Fatalf("claimed %d check-ins, want the 14-day one", len(due))
	}
	Diff(t, risksOf(due[0]), []string{since.What + " (since the close)", between.What, early.What})
	Diff(t, Must(db.DealByID(ctx, "T1", d.ID)), due[0].Deal)

	reopened, _ := Must2(db.ReopenDeal(ctx, Alice, d.ID))
	if !reopened.ClosedAt.IsZero() || reopened.SinceClose(since) {
		t.Errorf("reopened deal closed at %v; want no close", reopened.ClosedAt)
	}
}

// testCheckinRisksAreBounded gives a deal more open risks than a reminder
// lists: the claimed check-in carries the most severe, and the count.
func testCheckinRisksAreBounded(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d, series := WonDeal(t, db, Alice, "C1")
	sevs := storage.Severities() // low, medium, high, critical, low…
	for i := range storage.MaxDueRisks + 5 {
		Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: fmt.Sprintf("risk %d", i+1), Severity: sevs[i%len(sevs)]}))
	}
	want := []string{"risk 4", "risk 8", "risk 12", "risk 3", "risk 7", "risk 11", "risk 15", "risk 2", "risk 6", "risk 10"}
	due := Must(db.ClaimDue(ctx, "w1", series[0].DueAt, 10))
	if len(due) != 1 || due[0].OpenRisks != storage.MaxDueRisks+5 {
		t.Fatalf("claimed %+v, want one check-in of a deal with %d open risks", due, storage.MaxDueRisks+5)
	}
	Diff(t, risksOf(due[0]), want)
}

// risksOf lists what a claimed check-in's risks say, marking those flagged
// since the close.
func risksOf(d storage.DueCheckin) []string {
	var out []string
	for _, r := range d.Risks {
		if d.Deal.SinceClose(r) {
			r.What += " (since the close)"
		}
		out = append(out, r.What)
	}
	return out
}
