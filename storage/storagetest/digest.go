package storagetest

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// nudgeSummary is a Nudge reduced to what a test compares.
type nudgeSummary struct {
	Owner, TZ         string
	Due, Failed       []int64 // check-in ids
	Unchecked, AtRisk []string
}

func summarize(ns []storage.Nudge) (out []nudgeSummary) {
	for _, n := range ns {
		s := nudgeSummary{Owner: n.OwnerID, TZ: n.OwnerTZ}
		for _, cd := range n.Due {
			s.Due = append(s.Due, cd.Checkin.ID)
		}
		for _, cd := range n.Failed {
			s.Failed = append(s.Failed, cd.Checkin.ID)
		}
		for _, d := range n.Unchecked {
			s.Unchecked = append(s.Unchecked, d.ChannelID)
		}
		for _, o := range n.AtRisk {
			s.AtRisk = append(s.AtRisk, o.Deal.ChannelID)
		}
		if n.Empty() {
			panic("an empty nudge was listed")
		}
		out = append(out, s)
	}
	return out
}

func testNudges(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	carol := storage.Actor{TeamID: "T1", UserID: "UCAROL"}

	// Alice won C1 at T0: its 14d reminder could not be delivered.
	_, won := WonDeal(t, db, Alice, "C1")
	// Alice's C6: two overdue check-ins, the older folded into the newer.
	c6 := NewDeal(t, db, Alice, "C6")
	older := Must(db.AddCheckin(ctx, Alice, storage.NewCheckin{DealID: c6.ID, DueAt: T0.AddDate(0, 0, 2)}))
	newer := Must(db.AddCheckin(ctx, Alice, storage.NewCheckin{DealID: c6.ID, DueAt: T0.AddDate(0, 0, 5)}))
	WantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", "Europe/Paris"), nil)

	// Bob: an open deal with a critical risk, one overdrawn, one with only a
	// medium risk.
	c2 := NewDeal(t, db, Bob, "C2")
	Must(db.AddRisk(ctx, Bob, c2.ID, storage.NewRisk{What: "no SSO", Severity: storage.SeverityCritical}))
	c3 := NewDeal(t, db, Bob, "C3")
	for range 3 {
		Must(db.AddAsk(ctx, Bob, c3.ID, "exec intro", 5))
	}
	c4 := NewDeal(t, db, Bob, "C4")
	Must(db.AddRisk(ctx, Bob, c4.ID, storage.NewRisk{What: "minor", Severity: storage.SeverityMedium}))

	// Carol: a deal won long ago whose check-ins are done or far off.
	clk.Advance(-60 * 24 * time.Hour)
	_, old := WonDeal(t, db, carol, "C7")
	clk.Advance(60 * 24 * time.Hour)
	for _, c := range old {
		if c.DueAt.Before(T0.AddDate(0, 0, 30)) {
			Must(db.FinishCheckin(ctx, carol, c.ID, storage.CheckinDone, ""))
		}
	}
	WonDeal(t, db, Mallory, "C1") // another workspace

	now := T0.AddDate(0, 0, 20)
	Must(db.ClaimDue(ctx, "w1", now, 10))
	WantErr(t, db.MarkFailed(ctx, won[0].ID, "w1", "is_archived", "D1", "1.1"), nil)
	WantErr(t, db.Fold(ctx, []int64{older.ID}, newer.ID, "w1"), nil)
	WantErr(t, db.Release(ctx, newer.ID, "w1", now.Add(time.Hour), "ratelimited"), nil)

	got := Must(db.Nudges(ctx, "T1", storage.NudgeWindow{DueBefore: now.AddDate(0, 0, 7), WonSince: day(now.AddDate(0, 0, -30))}))
	Diff(t, summarize(got), []nudgeSummary{
		{Owner: "UALICE", TZ: "Europe/Paris", Due: []int64{newer.ID}, Failed: []int64{won[0].ID}, Unchecked: []string{"C1"}},
		{Owner: "UBOB", AtRisk: []string{"C2", "C3"}},
	})
	if n := got[1].AtRisk[1]; !n.Capital.Overdrawn() {
		t.Errorf("C3 capital %+v, want overdrawn", n.Capital)
	}
	teams := Must(db.Workspaces(ctx))
	Diff(t, teams, []string{"T1", "T2"})
}

func testClaimDigestOncePerSlot(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	const slot = "2026-03-02T09:00 UTC"
	if !Must(db.ClaimDigest(ctx, "T1", "UALICE", slot)) {
		t.Fatal("first claim refused")
	}
	if Must(db.ClaimDigest(ctx, "T1", "UALICE", slot)) {
		t.Error("second claim of the same slot granted")
	}
	if !Must(db.ClaimDigest(ctx, "T1", "UALICE", "2026-03-09T09:00 UTC")) || !Must(db.ClaimDigest(ctx, "T1", "UBOB", slot)) ||
		!Must(db.ClaimDigest(ctx, "T2", "UALICE", slot)) {
		t.Error("a claim of another slot, user or workspace was refused")
	}
	WantErr(t, db.MarkDigestSent(ctx, "T1", "UALICE", slot, "D1", "1.1"), nil)
	WantErr(t, db.MarkDigestFailed(ctx, "T1", "UBOB", slot, "user_not_found"), nil)
	WantErr(t, db.MarkDigestSent(ctx, "T1", "UNOBODY", slot, "D1", "1.1"), storage.ErrNotFound)
	// A claim whose nudge certainly did not go out is given back, once; a
	// posted one is not.
	WantErr(t, db.ReleaseDigest(ctx, "T2", "UALICE", slot), nil)
	WantErr(t, db.ReleaseDigest(ctx, "T2", "UALICE", slot), storage.ErrNotFound)
	if !Must(db.ClaimDigest(ctx, "T2", "UALICE", slot)) {
		t.Error("a released claim could not be claimed again")
	}
	WantErr(t, db.ReleaseDigest(ctx, "T1", "UALICE", slot), storage.ErrNotFound)
	if Must(db.ClaimDigest(ctx, "T1", "UALICE", slot)) {
		t.Error("a posted nudge's claim was given back")
	}
	_, err := db.ClaimDigest(ctx, "T1", "", slot)
	WantErr(t, err, storage.ErrInvalid)
}
