package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/longgame/longgame/storage"
)

// TestWorkspacesAreIsolated has mallory, in workspace T2, guess every id of
// workspace T1: nothing is seen, nothing changes.
func TestWorkspacesAreIsolated(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d, series := wonDeal(t, db, alice, "C1")
	jane := must(db.SetChampion(ctx, alice, d.ID, storage.ChampionInput{Name: "Jane", UserID: "UJANE"}))
	must(db.AddAsk(ctx, alice, d.ID, "intro", 3))
	must(db.AddGive(ctx, alice, d.ID, "plan", 1))
	must(db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: "SSO"}))
	newDeal(t, db, mallory, "C9") // mallory has a workspace of her own
	before := snapshot(t, db, d.ID)

	reads := []struct {
		name string
		call func() error
	}{
		{"DealByID", func() error { _, err := db.DealByID(ctx, "T2", d.ID); return err }},
		{"DealByChannel", func() error { _, err := db.DealByChannel(ctx, "T2", "C1"); return err }},
		{"DealOverview", func() error { _, err := db.DealOverview(ctx, "T2", d.ID); return err }},
		{"RiskSummary", func() error { _, err := db.RiskSummary(ctx, "T2", d.ID, 10); return err }},
		{"ChampionByID", func() error { _, err := db.ChampionByID(ctx, "T2", jane.ID); return err }},
		{"FindChampion by name", func() error { _, err := db.FindChampion(ctx, "T2", "Jane", ""); return err }},
		{"FindChampion by user", func() error { _, err := db.FindChampion(ctx, "T2", "", "UJANE"); return err }},
		{"ChampionHistory", func() error { _, err := db.ChampionHistory(ctx, "T2", jane.ID, nil, 0); return err }},
		{"Ledger", func() error { _, err := db.Ledger(ctx, "T2", d.ID); return err }},
		{"CheckinByID", func() error { _, err := db.CheckinByID(ctx, "T2", series[0].ID); return err }},
		{"NextPendingCheckin", func() error { _, err := db.NextPendingCheckin(ctx, "T2", d.ID); return err }},
	}
	for _, tc := range reads {
		t.Run("read "+tc.name, func(t *testing.T) { wantErr(t, tc.call(), storage.ErrNotFound) })
	}

	lists := []struct {
		name string
		n    int
	}{
		{"ListDeals", len(must(db.ListDeals(ctx, "T2", storage.DealFilter{})).Items) - 1}, // her own deal
		{"Asks", len(must(db.Asks(ctx, "T2", d.ID)))},
		{"Gives", len(must(db.Gives(ctx, "T2", d.ID)))},
		{"Risks", len(must(db.Risks(ctx, "T2", d.ID, true)))},
		{"DealCheckins", len(must(db.DealCheckins(ctx, "T2", d.ID)))},
		{"OwnerCheckinsDue", len(must(db.OwnerCheckinsDue(ctx, "T2", "UALICE", t0.AddDate(1, 0, 0))))},
		{"Audit", len(must(db.Audit(ctx, "T2", d.ID)))},
	}
	for _, tc := range lists {
		if tc.n != 0 {
			t.Errorf("%s: mallory sees %d rows of T1, want 0", tc.name, tc.n)
		}
	}

	writes := []struct {
		name string
		call func() error
	}{
		{"UpdateDeal", func() error {
			_, err := db.UpdateDeal(ctx, mallory, d.ID, storage.DealChanges{Name: ptr("mine")})
			return err
		}},
		{"CloseDeal", func() error {
			_, err := db.CloseDeal(ctx, mallory, d.ID, storage.Close{Stage: storage.StageLost})
			return err
		}},
		{"ReopenDeal", func() error { _, _, err := db.ReopenDeal(ctx, mallory, d.ID); return err }},
		{"SetBudget", func() error { _, err := db.SetBudget(ctx, mallory, d.ID, 0); return err }},
		{"SetChampion", func() error {
			_, err := db.SetChampion(ctx, mallory, d.ID, storage.ChampionInput{Name: "Jane"})
			return err
		}},
		{"AddAsk", func() error { _, err := db.AddAsk(ctx, mallory, d.ID, "x", 5); return err }},
		{"SetAskStatus", func() error { _, err := db.SetAskStatus(ctx, mallory, d.ID, 1, storage.AskDeclined); return err }},
		{"AddGive", func() error { _, err := db.AddGive(ctx, mallory, d.ID, "x", 5); return err }},
		{"AddRisk", func() error { _, err := db.AddRisk(ctx, mallory, d.ID, storage.NewRisk{What: "x"}); return err }},
		{"ResolveRisk", func() error { _, err := db.ResolveRisk(ctx, mallory, d.ID, 1, ""); return err }},
		{"ReopenRisk", func() error { _, err := db.ReopenRisk(ctx, mallory, d.ID, 1); return err }},
		{"DiscloseRisk", func() error { _, err := db.DiscloseRisk(ctx, mallory, d.ID, 1, ""); return err }},
		{"AddCheckin", func() error {
			_, err := db.AddCheckin(ctx, mallory, storage.NewCheckin{DealID: d.ID, DueAt: t0})
			return err
		}},
		{"FinishCheckin", func() error {
			_, err := db.FinishCheckin(ctx, mallory, series[0].ID, storage.CheckinDone, "")
			return err
		}},
		{"SnoozeCheckin", func() error { _, err := db.SnoozeCheckin(ctx, mallory, series[0].ID, t0, t0); return err }},
	}
	for _, tc := range writes {
		t.Run("write "+tc.name, func(t *testing.T) { wantErr(t, tc.call(), storage.ErrNotFound) })
	}
	diff(t, snapshot(t, db, d.ID), before)
}

// TestSchemaRefusesCrossWorkspaceRows checks the composite foreign keys:
// even SQL that forgets the team id cannot attach a row to another
// workspace's deal.
func TestSchemaRefusesCrossWorkspaceRows(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	newDeal(t, db, mallory, "C9")
	err := db.write(t.Context(), func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO asks (team_id, deal_id, number, what, cost, created_by, created_at,
			updated_by, updated_at) VALUES ('T2', ?, 1, 'x', 1, 'U', 0, 'U', 0)`, d.ID)
		return err
	})
	if err == nil {
		t.Error("an ask of T2 on a deal of T1 was stored")
	} else if !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Errorf("got %v, want a foreign key violation", err)
	}
}
