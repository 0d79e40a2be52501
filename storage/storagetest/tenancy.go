package storagetest

import (
	"testing"

	"github.com/longgame/longgame/storage"
)

// testWorkspacesAreIsolated has Mallory, in workspace T2, guess every id of
// workspace T1: nothing is seen, nothing changes.
func testWorkspacesAreIsolated(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d, series := WonDeal(t, db, Alice, "C1")
	jane := Must(db.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane", UserID: "UJANE"})).Champion
	Must(db.AddAsk(ctx, Alice, d.ID, "intro", 3))
	Must(db.AddGive(ctx, Alice, d.ID, "plan", 1))
	Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "SSO"}))
	WantErr(t, db.SaveUserTZ(ctx, "T1", "UALICE", "Europe/Paris"), nil)
	WantErr(t, db.RecordPosts(ctx, storage.PostedMessage{TeamID: "T1", ChannelID: "C1", TS: "1.1", DealID: d.ID,
		Kind: storage.PostRecord, PostedAt: T0}), nil)
	Must2(db.StartShare(ctx, "T1", "C1", "guest"))
	NewDeal(t, db, Mallory, "C9") // Mallory has a workspace of her own
	before := Snapshot(t, db, d.ID)

	reads := []struct {
		name string
		call func() error
	}{
		{"DealByID", func() error { _, err := db.DealByID(ctx, "T2", d.ID); return err }},
		{"DealByChannel", func() error { _, err := db.DealByChannel(ctx, "T2", "C1"); return err }},
		{"DealOverview", func() error { _, err := db.DealOverview(ctx, "T2", d.ID); return err }},
		{"RiskSummary", func() error { _, err := db.RiskSummary(ctx, "T2", d.ID, 10); return err }},
		{"ChampionByID", func() error { _, err := db.ChampionByID(ctx, "T2", jane.ID); return err }},
		{"ChampionRoles", func() error { _, err := db.ChampionRoles(ctx, "T2", jane.ID); return err }},
		{"CheckinByNumber", func() error { _, err := db.CheckinByNumber(ctx, "T2", d.ID, 1); return err }},
		{"ChampionHistory", func() error { _, err := db.ChampionHistory(ctx, "T2", jane.ID, nil, 0); return err }},
		{"Ledger", func() error { _, err := db.Ledger(ctx, "T2", d.ID); return err }},
		{"CheckinByID", func() error { _, err := db.CheckinByID(ctx, "T2", series[0].ID); return err }},
		{"NextPendingCheckin", func() error { _, err := db.NextPendingCheckin(ctx, "T2", d.ID); return err }},
		{"UserTZ", func() error { _, _, err := db.UserTZ(ctx, "T2", "UALICE"); return err }},
		{"Share", func() error { _, err := db.Share(ctx, "T2", "C1"); return err }},
	}
	for _, tc := range reads {
		t.Run("read "+tc.name, func(t *testing.T) { WantErr(t, tc.call(), storage.ErrNotFound) })
	}

	lists := []struct {
		name string
		n    int
	}{
		{"ListDeals", len(Must(db.ListDeals(ctx, "T2", storage.DealFilter{})).Items) - 1}, // her own deal
		{"Asks", len(Must(db.Asks(ctx, "T2", d.ID)))},
		{"Gives", len(Must(db.Gives(ctx, "T2", d.ID)))},
		{"Risks", len(Must(db.Risks(ctx, "T2", d.ID, true)))},
		{"DealCheckins", len(Must(db.DealCheckins(ctx, "T2", d.ID)))},
		{"OwnerCheckinsDue", len(Must(db.OwnerCheckinsDue(ctx, "T2", "UALICE", T0.AddDate(1, 0, 0))))},
		{"Audit", len(Must(db.Audit(ctx, "T2", d.ID)))},
		{"UnredactedPosts", len(Must(db.UnredactedPosts(ctx, "T2", "C1", 10)))},
		{"Nudges", len(Must(db.Nudges(ctx, "T2", storage.NudgeWindow{DueBefore: T0.AddDate(1, 0, 0)})))},
		{"Export", len(Must(db.Export(ctx, "T2")).Workspaces[0].Deals) - 1}, // her own deal
	}
	for _, tc := range lists {
		if tc.n != 0 {
			t.Errorf("%s: Mallory sees %d rows of T1, want 0", tc.name, tc.n)
		}
	}

	writes := []struct {
		name string
		call func() error
	}{
		{"UpdateDeal", func() error {
			_, err := db.UpdateDeal(ctx, Mallory, d.ID, storage.DealChanges{Name: ptr("mine")})
			return err
		}},
		{"CloseDeal", func() error {
			_, err := db.CloseDeal(ctx, Mallory, d.ID, storage.Close{Stage: storage.StageLost})
			return err
		}},
		{"ReopenDeal", func() error { _, _, err := db.ReopenDeal(ctx, Mallory, d.ID); return err }},
		{"SetBudget", func() error { _, err := db.SetBudget(ctx, Mallory, d.ID, 5); return err }},
		{"SetChampion", func() error {
			_, err := db.SetChampion(ctx, Mallory, d.ID, storage.ChampionInput{Name: "Jane"})
			return err
		}},
		{"AddAsk", func() error { _, err := db.AddAsk(ctx, Mallory, d.ID, "x", 5); return err }},
		{"SetAskStatus", func() error { _, err := db.SetAskStatus(ctx, Mallory, d.ID, 1, storage.AskDeclined); return err }},
		{"AddGive", func() error { _, err := db.AddGive(ctx, Mallory, d.ID, "x", 5); return err }},
		{"AddRisk", func() error { _, err := db.AddRisk(ctx, Mallory, d.ID, storage.NewRisk{What: "x"}); return err }},
		{"ResolveRisk", func() error { _, err := db.ResolveRisk(ctx, Mallory, d.ID, 1, ""); return err }},
		{"ReopenRisk", func() error { _, err := db.ReopenRisk(ctx, Mallory, d.ID, 1); return err }},
		{"DiscloseRisk", func() error { _, err := db.DiscloseRisk(ctx, Mallory, d.ID, 1, ""); return err }},
		{"AddCheckin", func() error {
			_, err := db.AddCheckin(ctx, Mallory, storage.NewCheckin{DealID: d.ID, DueAt: T0})
			return err
		}},
		{"FinishCheckin", func() error {
			_, err := db.FinishCheckin(ctx, Mallory, series[0].ID, storage.CheckinDone, "")
			return err
		}},
		{"SnoozeCheckin", func() error { _, err := db.SnoozeCheckin(ctx, Mallory, series[0].ID, T0, T0); return err }},
		{"MissFolded", func() error { _, err := db.MissFolded(ctx, Mallory, series[0].ID); return err }},
		{"EditAsk", func() error { _, err := db.EditAsk(ctx, Mallory, d.ID, 1, storage.AskEdit{Cost: ptr(1)}); return err }},
		{"WithdrawAsk", func() error { _, err := db.WithdrawAsk(ctx, Mallory, d.ID, 1); return err }},
		{"EditGive", func() error {
			_, err := db.EditGive(ctx, Mallory, d.ID, 1, storage.GiveEdit{Value: ptr(1)})
			return err
		}},
		{"WithdrawGive", func() error { _, err := db.WithdrawGive(ctx, Mallory, d.ID, 1); return err }},
		{"EditRisk", func() error {
			_, err := db.EditRisk(ctx, Mallory, d.ID, 1, storage.RiskEdit{What: ptr("x")})
			return err
		}},
		{"WithdrawRisk", func() error { _, err := db.WithdrawRisk(ctx, Mallory, d.ID, 1); return err }},
		{"ProgressShare", func() error { _, err := db.ProgressShare(ctx, "T2", "C1", 1, true); return err }},
	}
	for _, tc := range writes {
		t.Run("write "+tc.name, func(t *testing.T) { WantErr(t, tc.call(), storage.ErrNotFound) })
	}
	WantErr(t, db.MarkRedacted(ctx, "T2", "C1", "1.1"), nil)
	Diff(t, Snapshot(t, db, d.ID), before)
	if posts := Must(db.UnredactedPosts(ctx, "T1", "C1", 10)); len(posts) != 1 {
		t.Errorf("T1's post after T2 hid its ts: %+v, want it still shown", posts)
	}
	if s := Must(db.Share(ctx, "T1", "C1")); s.Done() || s.Hidden != 0 {
		t.Errorf("T1's share after T2 progressed its channel: %+v", s)
	}
}
