package storagetest

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// Champions across deals: job changes, goodwill, the favored alternative,
// touches and the people list.

func testMoveChampion(t *testing.T, s storage.Store, clk *Clock) {
	ctx := t.Context()
	open := NewDeal(t, s, Alice, "C1")
	won, _ := WonDeal(t, s, Bob, "C2")
	jane := Must(s.SetChampion(ctx, Alice, open.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme", Title: "CIO"})).Champion
	Must(s.SetChampion(ctx, Bob, won.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"}))
	before := Snapshot(t, s, open.ID)

	// Bad moves write nothing.
	WantErr(t, second(s.MoveChampion(ctx, Alice, jane.ID, storage.ChampionMove{Company: "  "})), storage.ErrInvalid)
	WantErr(t, second(s.MoveChampion(ctx, Alice, jane.ID, storage.ChampionMove{Company: "acme "})), storage.ErrUnchanged)
	WantErr(t, second(s.MoveChampion(ctx, Mallory, jane.ID, storage.ChampionMove{Company: "Hooli"})), storage.ErrNotFound)
	Diff(t, Snapshot(t, s, open.ID), before)

	clk.Advance(time.Hour)
	on := day(T0.AddDate(0, 0, -3))
	reminder := storage.MoveReminder(won.ID, on, storage.Week{Loc: time.UTC, Days: storage.MonToFri})
	moved := Must(s.MoveChampion(ctx, Alice, jane.ID, storage.ChampionMove{Company: "Hooli", Title: "CTO", On: on,
		Reminders: []storage.NewCheckin{reminder}}))
	if moved.From != "Acme" || moved.Champion.Company != "Hooli" || moved.Champion.Title != "CTO" || moved.Reminders != 1 {
		t.Errorf("moved = %+v, want from Acme to Hooli as CTO with 1 reminder", moved)
	}
	if len(moved.Left) != 1 || moved.Left[0].ID != open.ID || moved.Left[0].ChampionLeft != "Acme" {
		t.Errorf("left deals = %+v, want only the open deal, left by Acme", moved.Left)
	}
	if d := Must(s.DealByID(ctx, "T1", won.ID)); d.ChampionLeft != "" {
		t.Errorf("a won deal says its champion left: %q", d.ChampionLeft)
	}
	roles := Must(s.ChampionRoles(ctx, "T1", jane.ID))
	last := roles[len(roles)-1]
	if len(roles) != 2 || last.Company != "Hooli" || last.MovedFrom != "Acme" || !last.Since.Equal(on) || last.Title != "CTO" {
		t.Errorf("timeline = %+v, want Acme then Hooli (moved from Acme on %s)", roles, on.Format(time.DateOnly))
	}
	if roles[0].MovedFrom != "" {
		t.Errorf("the first role says it was a move: %+v", roles[0])
	}
	var job []storage.Checkin
	for _, c := range Must(s.DealCheckins(ctx, "T1", won.ID)) {
		if c.Kind == storage.KindJobChange {
			job = append(job, c)
		}
	}
	if len(job) != 1 || !job[0].DueOn.Equal(reminder.DueOn) || job[0].Status != storage.CheckinPending {
		t.Errorf("job-change check-ins = %+v, want one pending on %s", job, reminder.DueOn.Format(time.DateOnly))
	}
	// Naming a champion again gives the deal a defender.
	set := Must(s.SetChampion(ctx, Alice, open.ID, storage.ChampionInput{Name: "Richard Roe"}))
	if d := Must(s.DealByID(ctx, "T1", open.ID)); d.ChampionLeft != "" || set.Replaced == nil {
		t.Errorf("after /champion set the deal still says its champion left: %+v", d)
	}
}

func testFavoredSurcharge(t *testing.T, s storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, s, Alice, "C1")
	Must(s.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane Doe"}))
	Must(s.AddAsk(ctx, Alice, d.ID, "before", 1))
	d = Must(s.UpdateDeal(ctx, Alice, d.ID, storage.DealChanges{Favored: ptr("  Microsoft ")}))
	if d.Favored != "Microsoft" || d.AskSurcharge() != storage.FavoredSurcharge {
		t.Fatalf("favored = %q, surcharge %d", d.Favored, d.AskSurcharge())
	}
	during := Must(s.AddAsk(ctx, Alice, d.ID, "during", 3))
	if during.Extra != storage.FavoredSurcharge || during.CapitalCost() != 3+storage.FavoredSurcharge {
		t.Errorf("an ask while Microsoft is favored: extra %d, costs %d", during.Extra, during.CapitalCost())
	}
	d = Must(s.UpdateDeal(ctx, Alice, d.ID, storage.DealChanges{Favored: ptr("")}))
	after := Must(s.AddAsk(ctx, Alice, d.ID, "after", 2))
	if d.Favored != "" || after.Extra != 0 {
		t.Errorf("after favored:none: deal favored %q, ask extra %d", d.Favored, after.Extra)
	}
	asks := Must(s.Asks(ctx, "T1", d.ID))
	if asks[0].Extra != 0 || asks[1].Extra != storage.FavoredSurcharge {
		t.Errorf("clearing favored rewrote earlier asks: %+v", asks)
	}
	o := Must(s.DealOverview(ctx, "T1", d.ID))
	want := storage.ComputeCapital(d.Budget, d.ChampionID, asks, nil)
	if o.Capital != want || want.Left != 10-(1+5+2) {
		t.Errorf("capital = %+v, want %+v: 8 spent of 10", o.Capital, want)
	}
}

func testGoodwillAcrossDeals(t *testing.T, s storage.Store, clk *Clock) {
	ctx := t.Context()
	a := NewDeal(t, s, Alice, "C1")
	b := NewDeal(t, s, Bob, "C2")
	c := NewDeal(t, s, Alice, "C3")
	jane := Must(s.SetChampion(ctx, Alice, a.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"})).Champion
	Must(s.SetChampion(ctx, Bob, b.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"}))
	Must(s.AddAsk(ctx, Alice, a.ID, "before the window", 5))
	clk.Advance(24 * time.Hour)
	since := clk.Now()
	Must(s.AddAsk(ctx, Alice, a.ID, "at the window's edge", 2))
	clk.Advance(time.Hour)
	Must(s.AddAsk(ctx, Bob, b.ID, "declined", 4))
	Must(s.SetAskStatus(ctx, Bob, b.ID, 1, storage.AskDeclined))
	Must(s.AddAsk(ctx, Bob, b.ID, "withdrawn", 3))
	Must(s.WithdrawAsk(ctx, Bob, b.ID, 2))
	for range 3 { // above the deal's budget: every give counts
		Must(s.AddGive(ctx, Bob, b.ID, "lunch", 5))
	}
	Must(s.AddAsk(ctx, Alice, c.ID, "nobody named yet", 5)) // not Jane's

	got := Must(s.Goodwill(ctx, "T1", jane.ID, 0, since))
	var asks []storage.Ask
	var gives []storage.Give
	for _, d := range []storage.Deal{a, b, c} {
		asks = append(asks, Must(s.Asks(ctx, "T1", d.ID))...)
		gives = append(gives, Must(s.Gives(ctx, "T1", d.ID))...)
	}
	want := storage.GoodwillOf(jane.ID, []int64{a.ID, b.ID}, asks, gives, since)
	if got != want || want != (storage.Goodwill{Deals: 2, Asked: 2, Given: 15}) {
		t.Errorf("goodwill = %+v, GoodwillOf %+v, want 2 deals, asked 2, given 15", got, want)
	}
	// The deal being asked about counts among their deals.
	if g := Must(s.Goodwill(ctx, "T1", jane.ID, c.ID, since)); g.Deals != 3 {
		t.Errorf("with the current deal: %+v, want 3 deals", g)
	}
	if g := Must(s.Goodwill(ctx, "T2", jane.ID, 0, since)); g != (storage.Goodwill{}) {
		t.Errorf("another workspace reads Jane's goodwill: %+v", g)
	}
}

func testTouchesAndPeople(t *testing.T, s storage.Store, clk *Clock) {
	ctx := t.Context()
	a := NewDeal(t, s, Alice, "C1")
	b := NewDeal(t, s, Bob, "C2")
	none := NewDeal(t, s, Alice, "C3")
	jane := Must(s.SetChampion(ctx, Alice, a.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"})).Champion
	Must(s.SetChampion(ctx, Bob, b.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"}))
	sam := Must(s.SetChampion(ctx, Bob, b.ID, storage.ChampionInput{Name: "Sam Roe", Company: "Globex"})).Champion
	Must(s.AddAsk(ctx, Bob, b.ID, "a favor of Sam", 3))

	before := Snapshot(t, s, none.ID)
	WantErr(t, second(s.AddTouch(ctx, Alice, storage.Touch{DealID: none.ID, Note: "hi"})), storage.ErrInvalid)
	WantErr(t, second(s.AddTouch(ctx, Mallory, storage.Touch{DealID: a.ID})), storage.ErrNotFound)
	Diff(t, Snapshot(t, s, none.ID), before)

	clk.Advance(time.Hour)
	touch := Must(s.AddTouch(ctx, Alice, storage.Touch{DealID: a.ID, Note: " coffee "}))
	if touch.ChampionID != jane.ID || touch.Note != "coffee" || touch.By != Alice.UserID || !touch.At.Equal(clk.Now()) {
		t.Errorf("touch = %+v", touch)
	}

	all := Must(s.People(ctx, "T1", storage.PeopleFilter{Since: T0}))
	if all.Total != 2 || len(all.Items) != 2 || all.Items[0].Champion.ID != jane.ID || all.Items[1].Champion.ID != sam.ID {
		t.Fatalf("people = %+v, want Jane then Sam", all)
	}
	if p := all.Items[0]; p.Deals != 1 || !p.LastContact.Equal(clk.Now()) {
		t.Errorf("Jane = %+v, want 1 deal (b named Sam since) and the touch as last contact", p)
	}
	if p := all.Items[1]; p.Deals != 1 || p.Goodwill.Asked != 3 || p.LastContact.IsZero() {
		t.Errorf("Sam = %+v, want 1 deal, asked 3, the ask as last contact", p)
	}
	mine := Must(s.People(ctx, "T1", storage.PeopleFilter{OwnerID: Bob.UserID, Since: T0}))
	if mine.Total != 1 || mine.Items[0].Champion.ID != sam.ID {
		t.Errorf("Bob's people = %+v, want Sam only", mine)
	}
	// Carol is in no channel and owns nothing: she sees nobody.
	carol := &storage.Viewer{UserID: "UCAROL"}
	if p := Must(s.People(ctx, "T1", storage.PeopleFilter{Viewer: carol})); p.Total != 0 || len(p.Items) != 0 {
		t.Errorf("a viewer of no deal sees %+v", p)
	}
	member := &storage.Viewer{UserID: "UCAROL", Channels: []string{"C2"}}
	if p := Must(s.People(ctx, "T1", storage.PeopleFilter{Viewer: member})); p.Total != 1 || p.Items[0].Champion.ID != sam.ID {
		t.Errorf("a member of C2 sees %+v, want Sam", p)
	}
	unknown := &storage.Viewer{UserID: "UCAROL", Unknown: true}
	if p := Must(s.People(ctx, "T1", storage.PeopleFilter{Viewer: unknown})); p.Total != 0 || p.Hidden != 2 {
		t.Errorf("a viewer whose channels are unknown: %+v, want none and 2 deals hidden", p)
	}
	if p := Must(s.People(ctx, "T1", storage.PeopleFilter{Limit: 1})); p.Total != 2 || len(p.Items) != 1 {
		t.Errorf("limit 1: %+v", p)
	}
	if p := Must(s.People(ctx, "T2", storage.PeopleFilter{})); p.Total != 0 {
		t.Errorf("another workspace lists %+v", p)
	}
	Must(s.MoveChampion(ctx, Bob, sam.ID, storage.ChampionMove{Company: "Hooli", On: day(T0)}))
	p := Must(s.People(ctx, "T1", storage.PeopleFilter{OwnerID: Bob.UserID}))
	if got := p.Items[0]; got.MovedFrom != "Globex" || !got.MovedOn.Equal(day(T0)) || got.Champion.Company != "Hooli" {
		t.Errorf("a moved person: %+v, want moved from Globex on %s", got, day(T0).Format(time.DateOnly))
	}
}

func testNudgeListsUntouchedChampions(t *testing.T, s storage.Store, clk *Clock) {
	ctx := t.Context()
	won, _ := WonDeal(t, s, Alice, "C1")
	open := NewDeal(t, s, Alice, "C2")
	quiet := NewDeal(t, s, Alice, "C3")
	jane := Must(s.SetChampion(ctx, Alice, won.ID, storage.ChampionInput{Name: "Jane Doe"})).Champion
	Must(s.SetChampion(ctx, Alice, open.ID, storage.ChampionInput{Name: "Open Champion"}))
	Must(s.SetChampion(ctx, Alice, quiet.ID, storage.ChampionInput{Name: "Touched Lately"}))
	Must(s.CloseDeal(ctx, Alice, quiet.ID, storage.Close{Stage: storage.StageLost, Reason: "price"}))
	clk.Advance(100 * 24 * time.Hour)
	Must(s.AddTouch(ctx, Alice, storage.Touch{DealID: quiet.ID}))
	w := storage.NudgeWindow{DueBefore: clk.Now(), Today: day(clk.Now()), QuietSince: clk.Now().AddDate(0, 0, -90)}
	nudges := Must(s.Nudges(ctx, "T1", w))
	var got []storage.Untouched
	for _, n := range nudges {
		got = append(got, n.Untouched...)
	}
	if len(got) != 1 || got[0].Champion.ID != jane.ID || got[0].Deal.ID != won.ID || !got[0].LastContact.IsZero() {
		t.Errorf("untouched = %+v, want Jane alone, never contacted", got)
	}
	// A touch takes them off the list.
	Must(s.AddTouch(ctx, Alice, storage.Touch{DealID: won.ID, Note: "call"}))
	for _, n := range Must(s.Nudges(ctx, "T1", w)) {
		if len(n.Untouched) > 0 {
			t.Errorf("after a touch: %+v", n.Untouched)
		}
	}
}

func testExportKeepsTimelinesAndTouches(t *testing.T, s storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, s, Alice, "C1")
	jane := Must(s.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"})).Champion
	Must(s.MoveChampion(ctx, Alice, jane.ID, storage.ChampionMove{Company: "Hooli"}))
	Must(s.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Sam Roe"}))
	Must(s.AddTouch(ctx, Alice, storage.Touch{DealID: d.ID, Note: "lunch"}))
	ex := Must(s.Export(ctx, "T1"))
	if len(ex.Workspaces) != 1 || len(ex.Workspaces[0].Champions) != 2 {
		t.Fatalf("export = %+v, want one workspace with two champions", ex)
	}
	j, sam := ex.Workspaces[0].Champions[0], ex.Workspaces[0].Champions[1]
	if len(j.Roles) != 2 || j.Roles[1].MovedFrom != "Acme" || j.Roles[1].Company != "Hooli" {
		t.Errorf("Jane's timeline = %+v", j.Roles)
	}
	if len(sam.Touches) != 1 || sam.Touches[0].Note != "lunch" || sam.Touches[0].DealID != d.ID {
		t.Errorf("Sam's touches = %+v", sam.Touches)
	}
}
