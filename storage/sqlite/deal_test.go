package sqlite

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func TestOpenDeal(t *testing.T) {
	db, _ := openTest(t)
	in := storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "UBOB", Value: storage.Money{Minor: 12000000, Currency: "USD"},
		ExpectedClose: time.Date(2026, 12, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600)), Budget: 10}
	got, err := db.OpenDeal(t.Context(), alice, in)
	wantErr(t, err, nil)
	want := storage.Deal{ID: got.ID, TeamID: "T1", ChannelID: "C1", Name: "Acme", Stage: storage.StageOpen, OwnerID: "UBOB",
		Value: in.Value, ExpectedClose: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Budget: 10,
		CreatedBy: "UALICE", CreatedAt: t0, UpdatedBy: "UALICE", UpdatedAt: t0}
	diff(t, got, want)
	diff(t, must(db.DealByChannel(t.Context(), "T1", "C1")), want)
	diff(t, must(db.DealByID(t.Context(), "T1", got.ID)), want)
	if n := count(t, db, `SELECT COUNT(*) FROM workspaces WHERE team_id = 'T1'`); n != 1 {
		t.Errorf("got %d workspace rows, want 1", n)
	}

	t.Run("second deal in the channel", func(t *testing.T) {
		_, err := db.OpenDeal(t.Context(), bob, storage.NewDeal{ChannelID: "C1", Name: "Other", OwnerID: "UBOB"})
		wantErr(t, err, storage.ErrConflict)
	})
	t.Run("same channel id in another workspace", func(t *testing.T) {
		_, err := db.OpenDeal(t.Context(), mallory, storage.NewDeal{ChannelID: "C1", Name: "Other", OwnerID: "UMALLORY"})
		wantErr(t, err, nil)
	})
}

func TestOpenDealInvalid(t *testing.T) {
	db, _ := openTest(t)
	ok := storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "U1", Budget: 10}
	for _, tc := range []struct {
		name string
		a    storage.Actor
		edit func(*storage.NewDeal)
	}{
		{"no team", storage.Actor{UserID: "U1"}, func(*storage.NewDeal) {}},
		{"no user", storage.Actor{TeamID: "T1"}, func(*storage.NewDeal) {}},
		{"no channel", alice, func(n *storage.NewDeal) { n.ChannelID = "" }},
		{"blank name", alice, func(n *storage.NewDeal) { n.Name = "  " }},
		{"no owner", alice, func(n *storage.NewDeal) { n.OwnerID = "" }},
		{"negative budget", alice, func(n *storage.NewDeal) { n.Budget = -1 }},
		{"lower-case currency", alice, func(n *storage.NewDeal) { n.Value = storage.Money{Minor: 1, Currency: "usd"} }},
		{"amount without currency", alice, func(n *storage.NewDeal) { n.Value = storage.Money{Minor: 100} }},
		{"negative amount", alice, func(n *storage.NewDeal) { n.Value = storage.Money{Minor: -1, Currency: "EUR"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := ok
			tc.edit(&n)
			_, err := db.OpenDeal(t.Context(), tc.a, n)
			wantErr(t, err, storage.ErrInvalid)
		})
	}
	if n := count(t, db, `SELECT COUNT(*) FROM deals`); n != 0 {
		t.Errorf("got %d deals, want none written", n)
	}
}

func TestDealNotFound(t *testing.T) {
	db, _ := openTest(t)
	_, err := db.DealByChannel(t.Context(), "T1", "CNONE")
	wantErr(t, err, storage.ErrNotFound)
	_, err = db.DealByID(t.Context(), "T1", 42)
	wantErr(t, err, storage.ErrNotFound)
	_, err = db.UpdateDeal(t.Context(), alice, 42, storage.DealChanges{Name: ptr("x")})
	wantErr(t, err, storage.ErrNotFound)
	_, err = db.SetBudget(t.Context(), alice, 42, 5)
	wantErr(t, err, storage.ErrNotFound)
	_, err = db.CloseDeal(t.Context(), alice, 42, storage.Close{Stage: storage.StageWon})
	wantErr(t, err, storage.ErrNotFound)
	_, _, err = db.ReopenDeal(t.Context(), alice, 42)
	wantErr(t, err, storage.ErrNotFound)
}

func TestUpdateDeal(t *testing.T) {
	db, clk := openTest(t)
	d := newDeal(t, db, alice, "C1")
	later := t0.Add(time.Hour)
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
			before := must(db.DealByID(t.Context(), "T1", d.ID))
			got, err := db.UpdateDeal(t.Context(), bob, d.ID, tc.changes)
			wantErr(t, err, tc.err)
			if tc.err != nil {
				diff(t, must(db.DealByID(t.Context(), "T1", d.ID)), before)
				return
			}
			want := before
			tc.edit(&want)
			want.UpdatedBy, want.UpdatedAt = "UBOB", later
			diff(t, got, want)
		})
	}
}

func TestCloseAndReopenDeal(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	on := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

	_, err := db.CloseDeal(t.Context(), alice, d.ID, storage.Close{Stage: storage.StageOpen})
	wantErr(t, err, storage.ErrInvalid)

	won := must(db.CloseDeal(t.Context(), alice, d.ID, storage.Close{Stage: storage.StageWon, On: on}))
	if won.Stage != storage.StageWon || !won.ClosedOn.Equal(on) {
		t.Errorf("got stage %s closed on %v, want won on %v", won.Stage, won.ClosedOn, on)
	}
	_, err = db.CloseDeal(t.Context(), alice, d.ID, storage.Close{Stage: storage.StageLost})
	wantErr(t, err, storage.ErrConflict)

	reopened, n, err := db.ReopenDeal(t.Context(), alice, d.ID)
	wantErr(t, err, nil)
	if reopened.Stage != storage.StageOpen || !reopened.ClosedOn.IsZero() || n != 0 {
		t.Errorf("got %s closed on %v, %d cancelled; want open, no date, 0", reopened.Stage, reopened.ClosedOn, n)
	}
	_, _, err = db.ReopenDeal(t.Context(), alice, d.ID)
	wantErr(t, err, storage.ErrConflict)

	lost := must(db.CloseDeal(t.Context(), alice, d.ID, storage.Close{Stage: storage.StageLost, Reason: "budget frozen"}))
	if lost.Stage != storage.StageLost || lost.LostReason != "budget frozen" || !lost.ClosedOn.Equal(asDate(t0)) {
		t.Errorf("got %s (%q) on %v, want lost (budget frozen) today", lost.Stage, lost.LostReason, lost.ClosedOn)
	}
	reopened, _ = must2(db.ReopenDeal(t.Context(), alice, d.ID))
	if reopened.LostReason != "" {
		t.Errorf("reopened deal keeps lost reason %q", reopened.LostReason)
	}
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func TestReopenCancelsOnlyTheCloseCheckins(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
	manualBefore := must(db.AddCheckin(t.Context(), alice, storage.NewCheckin{DealID: d.ID, Note: "call", DueAt: day(3)}))
	closing := storage.Close{Stage: storage.StageWon, Checkins: []storage.NewCheckin{
		{Kind: storage.KindPostClose, Offset: "14d", DueAt: day(14)},
		{Kind: storage.KindPostClose, Offset: "30d", DueAt: day(30)},
		{Kind: storage.KindPostClose, Offset: "90d", DueAt: day(90)},
	}}
	must(db.CloseDeal(t.Context(), alice, d.ID, closing))
	must(db.AddCheckin(t.Context(), alice, storage.NewCheckin{DealID: d.ID, Note: "lunch", DueAt: day(20)}))
	first := must(db.NextPendingCheckin(t.Context(), "T1", d.ID))
	if first.ID != manualBefore.ID {
		t.Fatalf("next pending is %d, want the manual one %d", first.ID, manualBefore.ID)
	}
	all := must(db.DealCheckins(t.Context(), "T1", d.ID))
	done := all[1] // the 14d check-in
	must(db.FinishCheckin(t.Context(), alice, done.ID, storage.CheckinDone, "all good"))

	_, n, err := db.ReopenDeal(t.Context(), alice, d.ID)
	wantErr(t, err, nil)
	if n != 2 {
		t.Errorf("cancelled %d check-ins, want 2 (30d, 90d)", n)
	}
	statuses := func() map[string]storage.CheckinStatus {
		m := map[string]storage.CheckinStatus{}
		for _, c := range must(db.DealCheckins(t.Context(), "T1", d.ID)) {
			m[c.Offset+c.Note] = c.Status
		}
		return m
	}
	diff(t, statuses(), map[string]storage.CheckinStatus{
		"call": storage.CheckinPending, "lunch": storage.CheckinPending,
		"14d": storage.CheckinDone, "30d": storage.CheckinCancelled, "90d": storage.CheckinCancelled,
	})

	// A second close and reopen cancel the second close's check-ins only.
	must(db.CloseDeal(t.Context(), alice, d.ID, storage.Close{Stage: storage.StageLost, Checkins: []storage.NewCheckin{
		{Kind: storage.KindKeepInTouch, Offset: "90d", Note: " again", DueAt: day(91)},
	}}))
	_, n, err = db.ReopenDeal(t.Context(), alice, d.ID)
	wantErr(t, err, nil)
	if n != 1 {
		t.Errorf("second reopen cancelled %d, want 1", n)
	}
	if got := statuses()["90d again"]; got != storage.CheckinCancelled {
		t.Errorf("keep-in-touch is %s, want cancelled", got)
	}
}

func TestSetBudget(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	if got := must(db.SetBudget(t.Context(), alice, d.ID, 20)).Budget; got != 20 {
		t.Errorf("got budget %d, want 20", got)
	}
	_, err := db.SetBudget(t.Context(), alice, d.ID, -1)
	wantErr(t, err, storage.ErrInvalid)
}

func TestEveryWriteIsAudited(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	ctx := t.Context()
	must(db.UpdateDeal(ctx, bob, d.ID, storage.DealChanges{Name: ptr("Acme 2")}))
	must(db.SetChampion(ctx, alice, d.ID, storage.ChampionInput{Name: "Jane"}))
	must(db.AddAsk(ctx, alice, d.ID, "intro", 2))
	must(db.SetAskStatus(ctx, alice, d.ID, 1, storage.AskDone))
	must(db.AddGive(ctx, alice, d.ID, "training plan", 1))
	must(db.SetBudget(ctx, alice, d.ID, 12))
	must(db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: "SSO"}))
	must(db.ResolveRisk(ctx, alice, d.ID, 1, "tested"))
	must(db.ReopenRisk(ctx, alice, d.ID, 1))
	must(db.DiscloseRisk(ctx, alice, d.ID, 1, "told Jane"))
	c := must(db.AddCheckin(ctx, alice, storage.NewCheckin{DealID: d.ID, DueAt: t0.AddDate(0, 0, 1)}))
	must(db.SnoozeCheckin(ctx, alice, c.ID, time.Time{}, t0.AddDate(0, 0, 8)))
	must(db.FinishCheckin(ctx, alice, c.ID, storage.CheckinSkipped, ""))
	must(db.CloseDeal(ctx, alice, d.ID, storage.Close{Stage: storage.StageWon}))
	must2(db.ReopenDeal(ctx, alice, d.ID))
	// Failed writes leave no trace.
	db.AddAsk(ctx, alice, d.ID, "too much", 9)
	db.ResolveRisk(ctx, alice, d.ID, 7, "")

	var actions []string
	for _, e := range must(db.Audit(ctx, "T1", d.ID)) {
		if e.TeamID != "T1" || e.At != t0 || e.DealID != d.ID {
			t.Errorf("entry %+v: want team T1, at %v, deal %d", e, t0, d.ID)
		}
		actions = append(actions, e.Action)
	}
	diff(t, actions, []string{"deal.open", "deal.update", "champion.set", "ask.add", "ask.status", "give.add",
		"deal.budget", "risk.add", "risk.resolve", "risk.reopen", "risk.disclose", "checkin.add", "checkin.snooze",
		"checkin.finish", "deal.close", "deal.reopen"})
}
