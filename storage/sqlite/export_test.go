package sqlite

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func TestExportGroupsEveryRowUnderItsDeal(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	acme := must(db.OpenDeal(ctx, alice, storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "UALICE",
		Value: storage.Money{Minor: 12000000, Currency: "USD"}, Budget: 10}))
	jane := must(db.SetChampion(ctx, alice, acme.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT"}))
	clk.Advance(time.Minute)
	ask1 := must(db.AddAsk(ctx, alice, acme.ID, "an intro to the CFO", 5))
	ask2 := must(db.AddAsk(ctx, bob, acme.ID, "push the security review", 3))
	ask2 = must(db.SetAskStatus(ctx, alice, acme.ID, ask2.Number, storage.AskDeclined))
	give := must(db.AddGive(ctx, alice, acme.ID, "a training plan", 2))
	risk := must(db.AddRisk(ctx, alice, acme.ID, storage.NewRisk{What: "SSO untested", Severity: storage.SeverityHigh, Area: storage.AreaTechnical, NeedsTest: true}))
	risk = must(db.DiscloseRisk(ctx, alice, acme.ID, risk.Number, "told Jane"))
	won := must(db.CloseDeal(ctx, alice, acme.ID, storage.Close{Stage: storage.StageWon, Checkins: []storage.NewCheckin{
		{Kind: storage.KindPostClose, Offset: "30d", DueAt: t0.AddDate(0, 0, 30)},
		{Kind: storage.KindPostClose, Offset: "14d", DueAt: t0.AddDate(0, 0, 14)},
	}}))
	bare := newDeal(t, db, bob, "C2")
	theirs := newDeal(t, db, mallory, "C1")
	must(db.AddAsk(ctx, mallory, theirs.ID, "their ask", 1))

	got := must(db.Export(ctx, "T1"))
	checkins := must(db.DealCheckins(ctx, "T1", acme.ID))
	if len(checkins) != 2 || checkins[0].Offset != "14d" {
		t.Fatalf("fixture: check-ins %+v", checkins)
	}
	want := storage.Export{Workspaces: []storage.WorkspaceExport{{TeamID: "T1", Deals: []storage.DealExport{
		{Deal: won, Champion: &jane, Capital: storage.Capital{Budget: 10, Left: 7},
			Asks: []storage.Ask{ask1, ask2}, Gives: []storage.Give{give}, Risks: []storage.Risk{risk}, Checkins: checkins},
		{Deal: bare, Capital: storage.Capital{Budget: 10, Left: 10}},
	}}}}
	diff(t, got, want)

	t.Run("every workspace", func(t *testing.T) {
		all := must(db.Export(ctx, ""))
		var teams []string
		for _, w := range all.Workspaces {
			teams = append(teams, w.TeamID)
		}
		diff(t, teams, []string{"T1", "T2"})
		diff(t, all.Workspaces[0], want.Workspaces[0])
		if d := all.Workspaces[1].Deals; len(d) != 1 || d[0].Deal.ID != theirs.ID || len(d[0].Asks) != 1 {
			t.Errorf("T2 deals: %+v", d)
		}
	})
	t.Run("unknown workspace", func(t *testing.T) {
		diff(t, must(db.Export(ctx, "T9")), storage.Export{})
	})
}

func TestExportOfEmptyDatabase(t *testing.T) {
	db, _ := openTest(t)
	diff(t, must(db.Export(t.Context(), "")), storage.Export{})
}
