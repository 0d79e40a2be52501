package storagetest

import (
	"testing"

	"github.com/longgame/longgame/storage"
)

// FirstWeek records, in workspace T1, one of everything a seller's first
// week adds, for an implementation's tests that copy a store (backup and
// restore, migrate-to): a champion who moved (two entries in their
// timeline) and was replaced, asks and gives of both, edited, answered and
// withdrawn ones, an edited, a resolved and a withdrawn risk, and numbered
// check-ins, one of them missed. It returns the deal and both champions.
func FirstWeek(t testing.TB, s storage.Store) (storage.Deal, []storage.Champion) {
	t.Helper()
	ctx := t.Context()
	d, series := WonDeal(t, s, Alice, "C1")
	Must(s.AddAsk(ctx, Alice, d.ID, "asked before anyone was named", 1))
	jane := Must(s.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT", UserID: "UJANE"}))
	Must(s.SetChampion(ctx, Bob, d.ID, storage.ChampionInput{UserID: "UJANE", Title: "CIO", Company: "Élan Gruppe"}))
	Must(s.AddAsk(ctx, Alice, d.ID, "intro to the CFO", 3))
	Must(s.SetAskStatus(ctx, Alice, d.ID, 2, storage.AskDone))
	Must(s.EditAsk(ctx, Bob, d.ID, 2, storage.AskEdit{Cost: ptr(4)}))
	Must(s.AddGive(ctx, Alice, d.ID, "training plan", 2))
	Must(s.AddGive(ctx, Alice, d.ID, "typed twice", 2))
	Must(s.WithdrawGive(ctx, Bob, d.ID, 2))
	sam := Must(s.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Sam Roe"}))
	Must(s.AddAsk(ctx, Alice, d.ID, "edit 2", 2))
	Must(s.WithdrawAsk(ctx, Alice, d.ID, 3))
	Must(s.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "SSO", Area: storage.AreaTraining}))
	Must(s.EditRisk(ctx, Bob, d.ID, 1, storage.RiskEdit{Scenario: ptr("10k users at 9am")}))
	Must(s.ResolveRisk(ctx, Alice, d.ID, 1, "trained"))
	Must(s.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "typo", Severity: storage.SeverityCritical}))
	Must(s.WithdrawRisk(ctx, Alice, d.ID, 2))
	now := T0.AddDate(0, 0, 100)
	Must(s.ClaimDue(ctx, "w1", now, 10))
	WantErr(t, s.Fold(ctx, []int64{series[0].ID}, series[1].ID, "w1"), nil)
	WantErr(t, s.MarkSent(ctx, series[1].ID, "w1", "C1", "1.1", now), nil)
	Must(s.FinishCheckin(ctx, Alice, series[1].ID, storage.CheckinDone, "all good"))
	Must(s.MissFolded(ctx, Alice, series[1].ID))
	return d, []storage.Champion{jane.Champion, sam.Champion}
}
