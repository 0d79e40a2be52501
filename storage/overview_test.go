package storage

import (
	"testing"
)

func TestDealOverview(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d, series := wonDeal(t, db, alice, "C1")
	jane := must(db.SetChampion(ctx, alice, d.ID, ChampionInput{Name: "Jane"}))
	must(db.AddAsk(ctx, alice, d.ID, "intro", 4))
	must(db.AddGive(ctx, alice, d.ID, "plan", 1))
	for _, r := range []NewRisk{
		{What: "a", Severity: SeverityCritical, NeedsTest: true},
		{What: "b", Severity: SeverityHigh},
		{What: "c", Severity: SeverityHigh, Scenario: "failover"},
		{What: "d", Severity: SeverityLow},
		{What: "e", Severity: SeverityMedium, NeedsTest: true}, // resolved below
	} {
		must(db.AddRisk(ctx, alice, d.ID, r))
	}
	must(db.ResolveRisk(ctx, alice, d.ID, 5, ""))
	must(db.FinishCheckin(ctx, alice, series[0].ID, CheckinDone, ""))
	d = must(db.DealByID(ctx, "T1", d.ID))

	got := must(db.DealOverview(ctx, "T1", d.ID))
	diff(t, got, DealOverview{
		Deal:          d,
		Champion:      &jane,
		Capital:       Capital{Budget: 10, Left: 7},
		OpenRisks:     RiskCounts{Low: 1, High: 2, Critical: 1},
		UntestedRisks: 2,
		NextCheckin:   &series[1],
	})
	if got.OpenRisks.Total() != 4 {
		t.Errorf("Total() = %d, want 4", got.OpenRisks.Total())
	}

	bare := newDeal(t, db, alice, "C2")
	diff(t, must(db.DealOverview(ctx, "T1", bare.ID)), DealOverview{Deal: bare, Capital: Capital{Budget: 10, Left: 10}})
	_, err := db.DealOverview(ctx, "T1", 99)
	wantErr(t, err, ErrNotFound)
}

func TestListDeals(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	won, _ := wonDeal(t, db, alice, "C1")
	open := func(a Actor, channel, name string) int64 {
		return must(db.OpenDeal(ctx, a, NewDeal{ChannelID: channel, Name: name, OwnerID: a.UserID, Budget: 10})).ID
	}
	zeta, alpha, bobs := open(alice, "C2", "zeta"), open(alice, "C3", "Alpha"), open(bob, "C4", "beta")
	lost := open(bob, "C5", "gamma")
	must(db.CloseDeal(ctx, bob, lost, Close{Stage: StageLost}))
	open(mallory, "C6", "other workspace")

	ids := func(f DealFilter) (got []int64) {
		for _, o := range must(db.ListDeals(ctx, "T1", f)) {
			got = append(got, o.Deal.ID)
		}
		return got
	}
	for _, tc := range []struct {
		name string
		f    DealFilter
		want []int64
	}{
		{"all: open first, then by name", DealFilter{}, []int64{alpha, bobs, zeta, won.ID, lost}},
		{"open", DealFilter{Stage: StageOpen}, []int64{alpha, bobs, zeta}},
		{"won", DealFilter{Stage: StageWon}, []int64{won.ID}},
		{"lost", DealFilter{Stage: StageLost}, []int64{lost}},
		{"mine", DealFilter{OwnerID: "UALICE"}, []int64{alpha, zeta, won.ID}},
		{"bob's open", DealFilter{Stage: StageOpen, OwnerID: "UBOB"}, []int64{bobs}},
	} {
		t.Run(tc.name, func(t *testing.T) { diff(t, ids(tc.f), tc.want) })
	}

	_, err := db.ListDeals(ctx, "T1", DealFilter{Stage: "all"})
	wantErr(t, err, ErrInvalid)

	// ListDeals and DealOverview fill the same struct.
	for _, o := range must(db.ListDeals(ctx, "T1", DealFilter{})) {
		diff(t, o, must(db.DealOverview(ctx, "T1", o.Deal.ID)))
	}
}
