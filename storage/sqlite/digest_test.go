package sqlite

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

func TestNudges(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	carol := storage.Actor{TeamID: "T1", UserID: "UCAROL"}

	// Alice won C1 at t0: its 14d reminder could not be delivered.
	_, won := wonDeal(t, db, alice, "C1")
	// Alice's C6: two overdue check-ins, the older folded into the newer.
	c6 := newDeal(t, db, alice, "C6")
	older := must(db.AddCheckin(ctx, alice, storage.NewCheckin{DealID: c6.ID, DueAt: t0.AddDate(0, 0, 2)}))
	newer := must(db.AddCheckin(ctx, alice, storage.NewCheckin{DealID: c6.ID, DueAt: t0.AddDate(0, 0, 5)}))
	wantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", "Europe/Paris"), nil)

	// Bob: an open deal with a critical risk, one overdrawn, one with only a
	// medium risk.
	c2 := newDeal(t, db, bob, "C2")
	must(db.AddRisk(ctx, bob, c2.ID, storage.NewRisk{What: "no SSO", Severity: storage.SeverityCritical}))
	c3 := newDeal(t, db, bob, "C3")
	for range 3 {
		must(db.AddAsk(ctx, bob, c3.ID, "exec intro", 5))
	}
	c4 := newDeal(t, db, bob, "C4")
	must(db.AddRisk(ctx, bob, c4.ID, storage.NewRisk{What: "minor", Severity: storage.SeverityMedium}))

	// Carol: a deal won long ago whose check-ins are done or far off.
	clk.Advance(-60 * 24 * time.Hour)
	_, old := wonDeal(t, db, carol, "C7")
	clk.Advance(60 * 24 * time.Hour)
	for _, c := range old {
		if c.DueAt.Before(t0.AddDate(0, 0, 30)) {
			must(db.FinishCheckin(ctx, carol, c.ID, storage.CheckinDone, ""))
		}
	}
	wonDeal(t, db, mallory, "C1") // another workspace

	now := t0.AddDate(0, 0, 20)
	must(db.ClaimDue(ctx, "w1", now, 10))
	wantErr(t, db.MarkFailed(ctx, won[0].ID, "w1", "is_archived", "D1", "1.1"), nil)
	wantErr(t, db.Fold(ctx, []int64{older.ID}, newer.ID, "w1"), nil)
	wantErr(t, db.Release(ctx, newer.ID, "w1", now.Add(time.Hour), "ratelimited"), nil)

	got := must(db.Nudges(ctx, "T1", storage.NudgeWindow{DueBefore: now.AddDate(0, 0, 7), WonSince: asDate(now.AddDate(0, 0, -30))}))
	diff(t, summarize(got), []nudgeSummary{
		{Owner: "UALICE", TZ: "Europe/Paris", Due: []int64{newer.ID}, Failed: []int64{won[0].ID}, Unchecked: []string{"C1"}},
		{Owner: "UBOB", AtRisk: []string{"C2", "C3"}},
	})
	if n := got[1].AtRisk[1]; !n.Capital.Overdrawn() {
		t.Errorf("C3 capital %+v, want overdrawn", n.Capital)
	}
	teams := must(db.Workspaces(ctx))
	diff(t, teams, []string{"T1", "T2"})
}

func TestClaimDigestOncePerSlot(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	const slot = "2026-03-02T09:00 UTC"
	if !must(db.ClaimDigest(ctx, "T1", "UALICE", slot)) {
		t.Fatal("first claim refused")
	}
	if must(db.ClaimDigest(ctx, "T1", "UALICE", slot)) {
		t.Error("second claim of the same slot granted")
	}
	if !must(db.ClaimDigest(ctx, "T1", "UALICE", "2026-03-09T09:00 UTC")) || !must(db.ClaimDigest(ctx, "T1", "UBOB", slot)) ||
		!must(db.ClaimDigest(ctx, "T2", "UALICE", slot)) {
		t.Error("a claim of another slot, user or workspace was refused")
	}
	wantErr(t, db.MarkDigestSent(ctx, "T1", "UALICE", slot, "D1", "1.1"), nil)
	wantErr(t, db.MarkDigestFailed(ctx, "T1", "UBOB", slot, "user_not_found"), nil)
	wantErr(t, db.MarkDigestSent(ctx, "T1", "UNOBODY", slot, "D1", "1.1"), storage.ErrNotFound)
	_, err := db.ClaimDigest(ctx, "T1", "", slot)
	wantErr(t, err, storage.ErrInvalid)
	if n := count(t, db, `SELECT COUNT(*) FROM digests WHERE message_ts = '1.1' AND error = ''`); n != 1 {
		t.Errorf("%d digests recorded as sent, want 1", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM digests WHERE error = 'user_not_found'`); n != 1 {
		t.Errorf("%d digests recorded as failed, want 1", n)
	}
}
