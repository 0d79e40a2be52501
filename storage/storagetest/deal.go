package storagetest

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testOpenDeal(t *testing.T, db storage.Store, clk *Clock) {
	in := storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "UBOB", Value: storage.Money{Minor: 12000000, Currency: "USD"},
		ExpectedClose: time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600)), Budget: 10}
	got, err := db.OpenDeal(t.Context(), Alice, in)
	WantErr(t, err, nil)
	want := storage.Deal{ID: got.ID, TeamID: "T1", ChannelID: "C1", Name: "Acme", Stage: storage.StageOpen, OwnerID: "UBOB",
		Value: in.Value, ExpectedClose: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Budget: 10,
		CreatedBy: "UALICE", CreatedAt: T0, UpdatedBy: "UALICE", UpdatedAt: T0}
	Diff(t, got, want)
	Diff(t, Must(db.DealByChannel(t.Context(), "T1", "C1")), want)
	Diff(t, Must(db.DealByID(t.Context(), "T1", got.ID)), want)
	Diff(t, Must(db.Workspaces(t.Context())), []string{"T1"})

	t.Run("second deal in the channel", func(t *testing.T) {
		_, err := db.OpenDeal(t.Context(), Bob, storage.NewDeal{ChannelID: "C1", Name: "Other", OwnerID: "UBOB", Budget: 10})
		WantErr(t, err, storage.ErrConflict)
	})
	t.Run("same channel id in another workspace", func(t *testing.T) {
		_, err := db.OpenDeal(t.Context(), Mallory, storage.NewDeal{ChannelID: "C1", Name: "Other", OwnerID: "UMALLORY", Budget: 10})
		WantErr(t, err, nil)
	})
}

func testOpenDealInvalid(t *testing.T, db storage.Store, clk *Clock) {
	ok := storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "U1", Budget: 10}
	for _, tc := range []struct {
		name string
		a    storage.Actor
		edit func(*storage.NewDeal)
	}{
		{"no team", storage.Actor{UserID: "U1"}, func(*storage.NewDeal) {}},
		{"no user", storage.Actor{TeamID: "T1"}, func(*storage.NewDeal) {}},
		{"no channel", Alice, func(n *storage.NewDeal) { n.ChannelID = "" }},
		{"blank name", Alice, func(n *storage.NewDeal) { n.Name = "  " }},
		{"no owner", Alice, func(n *storage.NewDeal) { n.OwnerID = "" }},
		{"negative budget", Alice, func(n *storage.NewDeal) { n.Budget = -1 }},
		{"no budget", Alice, func(n *storage.NewDeal) { n.Budget = 0 }},
		{"budget over 100", Alice, func(n *storage.NewDeal) { n.Budget = 101 }},
		{"lower-case currency", Alice, func(n *storage.NewDeal) { n.Value = storage.Money{Minor: 1, Currency: "usd"} }},
		{"amount without currency", Alice, func(n *storage.NewDeal) { n.Value = storage.Money{Minor: 100} }},
		{"negative amount", Alice, func(n *storage.NewDeal) { n.Value = storage.Money{Minor: -1, Currency: "EUR"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := ok
			tc.edit(&n)
			_, err := db.OpenDeal(t.Context(), tc.a, n)
			WantErr(t, err, storage.ErrInvalid)
		})
	}
	if ws, deals := Must(db.Workspaces(t.Context())), Must(db.ListDeals(t.Context(), "T1", storage.DealFilter{})); len(ws) != 0 || deals.Total != 0 {
		t.Errorf("got workspaces %q and %d deals, want none written", ws, deals.Total)
	}
}

func testDealNotFound(t *testing.T, db storage.Store, clk *Clock) {
	_, err := db.DealByChannel(t.Context(), "T1", "CNONE")
	WantErr(t, err, storage.ErrNotFound)
	_, err = db.DealByID(t.Context(), "T1", 42)
	WantErr(t, err, storage.ErrNotFound)
	_, err = db.UpdateDeal(t.Context(), Alice, 42, storage.DealChanges{Name: ptr("x")})
	WantErr(t, err, storage.ErrNotFound)
	_, err = db.SetBudget(t.Context(), Alice, 42, 5)
	WantErr(t, err, storage.ErrNotFound)
	_, err = db.CloseDeal(t.Context(), Alice, 42, storage.Close{Stage: storage.StageWon})
	WantErr(t, err, storage.ErrNotFound)
	_, _, err = db.ReopenDeal(t.Context(), Alice, 42)
	WantErr(t, err, storage.ErrNotFound)
}

func testUpdateDeal(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	later := T0.Add(time.Hour)
	clk.Advance(time.Hour)
	for _, tc := range []struct {
		name    string
		changes storage.DealChanges
		edit    func(*storage.Deal) // the expected change
		err     error
	}{
		{"name", storage.DealChanges{Name: ptr("Acme renewal")}, func(d *storage.Deal) { d.Name = "Acme renewal" }, nil},
		{"value", storage.DealChanges{Value: &storage.Money{Minor: 9000000, Currency: "EUR"}},
			func(d *storage.Deal) { d.Value = storage.Money{Minor: 9000000, Currency: "EUR"} }, nil},
		{"clear value", storage.DealChanges{Value: &storage.Money{}}, func(d *storage.Deal) { d.Value = storage.Money{} }, nil},
		{"close date", storage.DealChanges{ExpectedClose: ptr(time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC))},
			func(d *storage.Deal) { d.ExpectedClose = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC) }, nil},
		{"clear close date", storage.DealChanges{ExpectedClose: &time.Time{}}, func(d *storage.Deal) { d.ExpectedClose = time.Time{} }, nil},
		{"owner", storage.DealChanges{OwnerID: ptr("UBOB")}, func(d *storage.Deal) { d.OwnerID = "UBOB" }, nil},
		{"blank name", storage.DealChanges{Name: ptr("")}, nil, storage.ErrInvalid},
		{"bad currency", storage.DealChanges{Value: &storage.Money{Minor: 1, Currency: "EURO"}}, nil, storage.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := Must(db.DealByID(t.Context(), "T1", d.ID))
			got, err := db.UpdateDeal(t.Context(), Bob, d.ID, tc.changes)
			WantErr(t, err, tc.err)
			if tc.err != nil {
				Diff(t, Must(db.DealByID(t.Context(), "T1", d.ID)), before)
				return
			}
			want := before
			tc.edit(&want)
			want.UpdatedBy, want.UpdatedAt = "UBOB", later
			Diff(t, got, want)
		})
	}
}

func testCloseAndReopenDeal(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	on := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

	_, err := db.CloseDeal(t.Context(), Alice, d.ID, storage.Close{Stage: storage.StageOpen})
	WantErr(t, err, storage.ErrInvalid)

	won := Must(db.CloseDeal(t.Context(), Alice, d.ID, storage.Close{Stage: storage.StageWon, On: on}))
	if won.Stage != storage.StageWon || !won.ClosedOn.Equal(on) {
		t.Errorf("got stage %s closed on %v, want won on %v", won.Stage, won.ClosedOn, on)
	}
	_, err = db.CloseDeal(t.Context(), Alice, d.ID, storage.Close{Stage: storage.StageLost})
	WantErr(t, err, storage.ErrConflict)

	reopened, n, err := db.ReopenDeal(t.Context(), Alice, d.ID)
	WantErr(t, err, nil)
	if reopened.Stage != storage.StageOpen || !reopened.ClosedOn.IsZero() || n != 0 {
		t.Errorf("got %s closed on %v, %d cancelled; want open, no date, 0", reopened.Stage, reopened.ClosedOn, n)
	}
	_, _, err = db.ReopenDeal(t.Context(), Alice, d.ID)
	WantErr(t, err, storage.ErrConflict)

	lost := Must(db.CloseDeal(t.Context(), Alice, d.ID, storage.Close{Stage: storage.StageLost, Reason: "budget frozen"}))
	if lost.Stage != storage.StageLost || lost.LostReason != "budget frozen" || !lost.ClosedOn.Equal(day(T0)) {
		t.Errorf("got %s (%q) on %v, want lost (budget frozen) today", lost.Stage, lost.LostReason, lost.ClosedOn)
	}
	reopened, _ = Must2(db.ReopenDeal(t.Context(), Alice, d.ID))
	if reopened.LostReason != "" {
		t.Errorf("reopened deal keeps lost reason %q", reopened.LostReason)
	}
}

func testReopenCancelsOnlyTheCloseCheckins(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	day := func(n int) time.Time { return T0.AddDate(0, 0, n) }
	manualBefore := Must(db.AddCheckin(t.Context(), Alice, storage.NewCheckin{DealID: d.ID, Note: "call", DueAt: day(3)}))
	closing := storage.Close{Stage: storage.StageWon, Checkins: []storage.NewCheckin{
		{Kind: storage.KindPostClose, Offset: "14d", DueAt: day(14)},
		{Kind: storage.KindPostClose, Offset: "30d", DueAt: day(30)},
		{Kind: storage.KindPostClose, Offset: "90d", DueAt: day(90)},
	}}
	Must(db.CloseDeal(t.Context(), Alice, d.ID, closing))
	Must(db.AddCheckin(t.Context(), Alice, storage.NewCheckin{DealID: d.ID, Note: "lunch", DueAt: day(20)}))
	first := Must(db.NextPendingCheckin(t.Context(), "T1", d.ID))
	if first.ID != manualBefore.ID {
		t.Fatalf("next pending is %d, want the manual one %d", first.ID, manualBefore.ID)
	}
	all := Must(db.DealCheckins(t.Context(), "T1", d.ID))
	done := all[1] // the 14d check-in
	Must(db.FinishCheckin(t.Context(), Alice, done.ID, storage.CheckinDone, "all good"))

	_, n, err := db.ReopenDeal(t.Context(), Alice, d.ID)
	WantErr(t, err, nil)
	if n != 2 {
		t.Errorf("cancelled %d check-ins, want 2 (30d, 90d)", n)
	}
	statuses := func() map[string]storage.CheckinStatus {
		m := map[string]storage.CheckinStatus{}
		for _, c := range Must(db.DealCheckins(t.Context(), "T1", d.ID)) {
			m[c.Offset+c.Note] = c.Status
		}
		return m
	}
	Diff(t, statuses(), map[string]storage.CheckinStatus{
		"call": storage.CheckinPending, "lunch": storage.CheckinPending,
		"14d": storage.CheckinDone, "30d": storage.CheckinCancelled, "90d": storage.CheckinCancelled,
	})

	// A second close and reopen cancel the second close's check-ins only.
	Must(db.CloseDeal(t.Context(), Alice, d.ID, storage.Close{Stage: storage.StageLost, Checkins: []storage.NewCheckin{
		{Kind: storage.KindKeepInTouch, Offset: "90d", Note: " again", DueAt: day(91)},
	}}))
	_, n, err = db.ReopenDeal(t.Context(), Alice, d.ID)
	WantErr(t, err, nil)
	if n != 1 {
		t.Errorf("second reopen cancelled %d, want 1", n)
	}
	if got := statuses()["90d again"]; got != storage.CheckinCancelled {
		t.Errorf("keep-in-touch is %s, want cancelled", got)
	}
}

func testSetBudget(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	if got := Must(db.SetBudget(t.Context(), Alice, d.ID, 20)).Budget; got != 20 {
		t.Errorf("got budget %d, want 20", got)
	}
	for _, b := range []int{-1, 0, 101} {
		_, err := db.SetBudget(t.Context(), Alice, d.ID, b)
		WantErr(t, err, storage.ErrInvalid)
	}
}

func testEveryWriteIsAudited(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
	ctx := t.Context()
	Must(db.UpdateDeal(ctx, Bob, d.ID, storage.DealChanges{Name: ptr("Acme 2")}))
	Must(db.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane"}))
	Must(db.AddAsk(ctx, Alice, d.ID, "intro", 2))
	Must(db.SetAskStatus(ctx, Alice, d.ID, 1, storage.AskDone))
	Must(db.AddGive(ctx, Alice, d.ID, "training plan", 1))
	Must(db.SetBudget(ctx, Alice, d.ID, 12))
	Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "SSO"}))
	Must(db.ResolveRisk(ctx, Alice, d.ID, 1, "tested"))
	Must(db.ReopenRisk(ctx, Alice, d.ID, 1))
	Must(db.DiscloseRisk(ctx, Alice, d.ID, 1, "told Jane"))
	c := Must(db.AddCheckin(ctx, Alice, storage.NewCheckin{DealID: d.ID, DueAt: T0.AddDate(0, 0, 1)}))
	Must(db.SnoozeCheckin(ctx, Alice, c.ID, time.Time{}, T0.AddDate(0, 0, 8)))
	Must(db.FinishCheckin(ctx, Alice, c.ID, storage.CheckinSkipped, ""))
	Must(db.CloseDeal(ctx, Alice, d.ID, storage.Close{Stage: storage.StageWon}))
	Must2(db.ReopenDeal(ctx, Alice, d.ID))
	// Failed writes leave no trace.
	db.AddAsk(ctx, Alice, d.ID, "too much", 9)
	db.ResolveRisk(ctx, Alice, d.ID, 7, "")

	var actions []string
	for _, e := range Must(db.Audit(ctx, "T1", d.ID)) {
		if e.TeamID != "T1" || e.At != T0 || e.DealID != d.ID {
			t.Errorf("entry %+v: want team T1, at %v, deal %d", e, T0, d.ID)
		}
		actions = append(actions, e.Action)
	}
	Diff(t, actions, []string{"deal.open", "deal.update", "champion.set", "ask.add", "ask.status", "give.add",
		"deal.budget", "risk.add", "risk.resolve", "risk.reopen", "risk.disclose", "checkin.add", "checkin.snooze",
		"checkin.finish", "deal.close", "deal.reopen"})
}
