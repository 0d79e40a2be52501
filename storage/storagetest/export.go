package storagetest

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testExportGroupsEveryRowUnderItsDeal(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	acme := Must(db.OpenDeal(ctx, Alice, storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "UALICE",
		Value: storage.Money{Minor: 12000000, Currency: "USD"}, Budget: 10}))
	jane := Must(db.SetChampion(ctx, Alice, acme.ID, storage.ChampionInput{Name: "Jane Doe", Title: "VP of IT"})).Champion
	clk.Advance(time.Minute)
	ask1 := Must(db.AddAsk(ctx, Alice, acme.ID, "an intro to the CFO", 5))
	ask2 := Must(db.AddAsk(ctx, Bob, acme.ID, "push the security review", 3))
	ask2 = Must(db.SetAskStatus(ctx, Alice, acme.ID, ask2.Number, storage.AskDeclined))
	give := Must(db.AddGive(ctx, Alice, acme.ID, "a training plan", 2))
	risk := Must(db.AddRisk(ctx, Alice, acme.ID, storage.NewRisk{What: "SSO untested", Severity: storage.SeverityHigh, Area: storage.AreaTechnical, NeedsTest: true}))
	risk = Must(db.DiscloseRisk(ctx, Alice, acme.ID, risk.Number, "told Jane"))
	won := Must(db.CloseDeal(ctx, Alice, acme.ID, storage.Close{Stage: storage.StageWon, Checkins: []storage.NewCheckin{
		{Kind: storage.KindPostClose, Offset: "30d", DueAt: T0.AddDate(0, 0, 30)},
		{Kind: storage.KindPostClose, Offset: "14d", DueAt: T0.AddDate(0, 0, 14)},
	}}))
	bare := NewDeal(t, db, Bob, "C2")
	theirs := NewDeal(t, db, Mallory, "C1")
	Must(db.AddAsk(ctx, Mallory, theirs.ID, "their ask", 1))

	got := Must(db.Export(ctx, "T1"))
	checkins := Must(db.DealCheckins(ctx, "T1", acme.ID))
	if len(checkins) != 2 || checkins[0].Offset != "14d" {
		t.Fatalf("fixture: check-ins %+v", checkins)
	}
	want := storage.Export{Workspaces: []storage.WorkspaceExport{{TeamID: "T1", Deals: []storage.DealExport{
		{Deal: won, Champion: &jane, Capital: storage.Capital{Budget: 10, Left: 7},
			Asks: []storage.Ask{ask1, ask2}, Gives: []storage.Give{give}, Risks: []storage.Risk{risk}, Checkins: checkins},
		{Deal: bare, Capital: storage.Capital{Budget: 10, Left: 10}},
	}, Champions: []storage.ChampionExport{{Champion: jane, Roles: Must(db.ChampionRoles(ctx, "T1", jane.ID))}}}}}
	Diff(t, got, want)

	t.Run("every workspace", func(t *testing.T) {
		all := Must(db.Export(ctx, ""))
		var teams []string
		for _, w := range all.Workspaces {
			teams = append(teams, w.TeamID)
		}
		Diff(t, teams, []string{"T1", "T2"})
		Diff(t, all.Workspaces[0], want.Workspaces[0])
		if d := all.Workspaces[1].Deals; len(d) != 1 || d[0].Deal.ID != theirs.ID || len(d[0].Asks) != 1 {
			t.Errorf("T2 deals: %+v", d)
		}
	})
	t.Run("unknown workspace", func(t *testing.T) {
		Diff(t, Must(db.Export(ctx, "T9")), storage.Export{})
	})
}

func testExportOfEmptyDatabase(t *testing.T, db storage.Store, clk *Clock) {
	Diff(t, Must(db.Export(t.Context(), "")), storage.Export{})
}
