package storagetest

import (
	"testing"

	"github.com/longgame/longgame/storage"
)

func testDealOverview(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d, series := WonDeal(t, db, Alice, "C1")
	jane := Must(db.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane"})).Champion
	Must(db.AddAsk(ctx, Alice, d.ID, "intro", 4))
	Must(db.AddGive(ctx, Alice, d.ID, "plan", 1))
	for _, r := range []storage.NewRisk{
		{What: "a", Severity: storage.SeverityCritical, NeedsTest: true},
		{What: "b", Severity: storage.SeverityHigh},
		{What: "c", Severity: storage.SeverityHigh, Scenario: "failover"},
		{What: "d", Severity: storage.SeverityLow},
		{What: "e", Severity: storage.SeverityMedium, NeedsTest: true}, // resolved below
	} {
		Must(db.AddRisk(ctx, Alice, d.ID, r))
	}
	Must(db.ResolveRisk(ctx, Alice, d.ID, 5, ""))
	Must(db.FinishCheckin(ctx, Alice, series[0].ID, storage.CheckinDone, ""))
	d = Must(db.DealByID(ctx, "T1", d.ID))

	got := Must(db.DealOverview(ctx, "T1", d.ID))
	Diff(t, got, storage.DealOverview{
		Deal:          d,
		Champion:      &jane,
		Capital:       storage.Capital{Budget: 10, Left: 7},
		OpenRisks:     storage.RiskCounts{Low: 1, High: 2, Critical: 1},
		UntestedRisks: 2,
		NextCheckin:   &series[1],
	})
	if got.OpenRisks.Total() != 4 {
		t.Errorf("Total() = %d, want 4", got.OpenRisks.Total())
	}

	bare := NewDeal(t, db, Alice, "C2")
	Diff(t, Must(db.DealOverview(ctx, "T1", bare.ID)), storage.DealOverview{Deal: bare, Capital: storage.Capital{Budget: 10, Left: 10}})
	_, err := db.DealOverview(ctx, "T1", 99)
	WantErr(t, err, storage.ErrNotFound)
}

func testListDeals(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	won, _ := WonDeal(t, db, Alice, "C1")
	open := func(a storage.Actor, channel, name string) int64 {
		return Must(db.OpenDeal(ctx, a, storage.NewDeal{ChannelID: channel, Name: name, OwnerID: a.UserID, Budget: 10})).ID
	}
	zeta, alpha, bobs := open(Alice, "C2", "zeta"), open(Alice, "C3", "Alpha"), open(Bob, "C4", "beta")
	lost := open(Bob, "C5", "gamma")
	Must(db.CloseDeal(ctx, Bob, lost, storage.Close{Stage: storage.StageLost}))
	open(Mallory, "C6", "other workspace")

	ids := func(f storage.DealFilter) (got []int64) {
		for _, o := range Must(db.ListDeals(ctx, "T1", f)).Items {
			got = append(got, o.Deal.ID)
		}
		return got
	}
	for _, tc := range []struct {
		name string
		f    storage.DealFilter
		want []int64
	}{
		{"all: open first, then by name", storage.DealFilter{}, []int64{alpha, bobs, zeta, won.ID, lost}},
		{"open", storage.DealFilter{Stage: storage.StageOpen}, []int64{alpha, bobs, zeta}},
		{"won", storage.DealFilter{Stage: storage.StageWon}, []int64{won.ID}},
		{"lost", storage.DealFilter{Stage: storage.StageLost}, []int64{lost}},
		{"mine", storage.DealFilter{OwnerID: "UALICE"}, []int64{alpha, zeta, won.ID}},
		{"Bob's open", storage.DealFilter{Stage: storage.StageOpen, OwnerID: "UBOB"}, []int64{bobs}},
	} {
		t.Run(tc.name, func(t *testing.T) { Diff(t, ids(tc.f), tc.want) })
	}

	_, err := db.ListDeals(ctx, "T1", storage.DealFilter{Stage: "all"})
	WantErr(t, err, storage.ErrInvalid)

	// ListDeals and DealOverview fill the same struct.
	for _, o := range Must(db.ListDeals(ctx, "T1", storage.DealFilter{})).Items {
		Diff(t, o, Must(db.DealOverview(ctx, "T1", o.Deal.ID)))
	}
}
