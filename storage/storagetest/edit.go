package storagetest

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// testAnsweringAnAsk checks the champion's answer to an ask: once, the
// same answer again changes nothing, and the other answer needs an edit.
func testAnsweringAnAsk(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	Must(db.AddAsk(ctx, Alice, d.ID, "intro to the CFO", 3))
	Must(db.SetAskStatus(ctx, Alice, d.ID, 1, storage.AskDone))
	before := Snapshot(t, db, d.ID)

	_, err := db.SetAskStatus(ctx, Alice, d.ID, 1, storage.AskDone)
	WantErr(t, err, storage.ErrUnchanged)
	_, err = db.SetAskStatus(ctx, Alice, d.ID, 1, storage.AskDeclined)
	WantErr(t, err, storage.ErrConflict)
	Diff(t, Snapshot(t, db, d.ID), before) // nothing written, not even an audit entry

	declined := Must(db.EditAsk(ctx, Bob, d.ID, 1, storage.AskEdit{Status: ptr(storage.AskDeclined)}))
	if declined.Status != storage.AskDeclined || declined.UpdatedBy != "UBOB" {
		t.Errorf("edited ask: %+v", declined)
	}
	if got := Must(db.DealOverview(ctx, "T1", d.ID)).Capital.Left; got != 10 {
		t.Errorf("capital after the correction: %d, want 10", got)
	}
}

// testEditAndWithdrawAsks checks that a mistyped ask can be fixed: edited
// with both versions kept in the audit, or withdrawn — it stops counting
// and stays in the ledger, and its number is never reused.
func testEditAndWithdrawAsks(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	Must(db.SetChampion(ctx, Alice, d.ID, storage.ChampionInput{Name: "Jane"}))
	Must(db.AddAsk(ctx, Alice, d.ID, "intro", 3))
	Must(db.AddAsk(ctx, Alice, d.ID, "edit 4", 3)) // a command typed as an ask
	clk.Advance(time.Minute)

	edited := Must(db.EditAsk(ctx, Bob, d.ID, 1, storage.AskEdit{What: ptr("intro to the CFO"), Cost: ptr(5)}))
	if edited.What != "intro to the CFO" || edited.Cost != 5 || edited.UpdatedBy != "UBOB" || !edited.UpdatedAt.Equal(T0.Add(time.Minute)) {
		t.Errorf("edited ask: %+v", edited)
	}
	_, err := db.EditAsk(ctx, Bob, d.ID, 1, storage.AskEdit{Cost: ptr(5)})
	WantErr(t, err, storage.ErrUnchanged)
	_, err = db.EditAsk(ctx, Bob, d.ID, 1, storage.AskEdit{Cost: ptr(9)})
	WantErr(t, err, storage.ErrInvalid)
	_, err = db.EditAsk(ctx, Bob, d.ID, 7, storage.AskEdit{Cost: ptr(1)})
	WantErr(t, err, storage.ErrNotFound)

	gone := Must(db.WithdrawAsk(ctx, Bob, d.ID, 2))
	if gone.Status != storage.AskWithdrawn || gone.WithdrawnBy != "UBOB" || !gone.WithdrawnAt.Equal(T0.Add(time.Minute)) {
		t.Errorf("withdrawn ask: %+v", gone)
	}
	_, err = db.WithdrawAsk(ctx, Bob, d.ID, 2)
	WantErr(t, err, storage.ErrUnchanged)
	_, err = db.EditAsk(ctx, Bob, d.ID, 2, storage.AskEdit{Cost: ptr(1)})
	WantErr(t, err, storage.ErrConflict)
	_, err = db.SetAskStatus(ctx, Bob, d.ID, 2, storage.AskDone)
	WantErr(t, err, storage.ErrConflict)

	if got := Must(db.DealOverview(ctx, "T1", d.ID)).Capital.Left; got != 5 {
		t.Errorf("capital %d, want 10 - 5 (the withdrawn ask costs nothing)", got)
	}
	ledger := Must(db.Ledger(ctx, "T1", d.ID))
	if len(ledger) != 2 || ledger[1].Ask.Status != storage.AskWithdrawn || ledger[1].Left != 5 {
		t.Errorf("ledger: %+v, want both asks, the withdrawn one moving nothing", ledger)
	}
	if next := Must(db.AddAsk(ctx, Alice, d.ID, "exec sponsor", 1)); next.Number != 3 {
		t.Errorf("next ask is #%d, want #3: numbers are never reused", next.Number)
	}
	wantAudit(t, db, d.ID, "ask.edit", map[string]any{"number": 1.0,
		"before": map[string]any{"what": "intro", "cost": 3.0, "status": "open"},
		"after":  map[string]any{"what": "intro to the CFO", "cost": 5.0, "status": "open"}})
	wantAudit(t, db, d.ID, "ask.withdraw", map[string]any{"number": 2.0,
		"was": map[string]any{"what": "edit 4", "cost": 3.0, "status": "open"}})
}

// testEditAndWithdrawGives does the same for gives.
func testEditAndWithdrawGives(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	Must(db.AddAsk(ctx, Alice, d.ID, "push legal", 5))
	Must(db.AddAsk(ctx, Alice, d.ID, "intro", 5))
	Must(db.AddGive(ctx, Alice, d.ID, "training plan", 2))
	Must(db.AddGive(ctx, Alice, d.ID, "oops", 4))

	edited := Must(db.EditGive(ctx, Bob, d.ID, 1, storage.GiveEdit{Value: ptr(3)}))
	if edited.Value != 3 || edited.UpdatedBy != "UBOB" {
		t.Errorf("edited give: %+v", edited)
	}
	_, err := db.EditGive(ctx, Bob, d.ID, 1, storage.GiveEdit{What: ptr("training plan")})
	WantErr(t, err, storage.ErrUnchanged)
	gone := Must(db.WithdrawGive(ctx, Bob, d.ID, 2))
	if !gone.Withdrawn() || gone.WithdrawnBy != "UBOB" {
		t.Errorf("withdrawn give: %+v", gone)
	}
	_, err = db.WithdrawGive(ctx, Bob, d.ID, 2)
	WantErr(t, err, storage.ErrUnchanged)
	_, err = db.EditGive(ctx, Bob, d.ID, 2, storage.GiveEdit{Value: ptr(1)})
	WantErr(t, err, storage.ErrConflict)
	_, err = db.WithdrawGive(ctx, Bob, d.ID, 3)
	WantErr(t, err, storage.ErrNotFound)
	if got := Must(db.DealOverview(ctx, "T1", d.ID)).Capital.Left; got != 3 {
		t.Errorf("capital %d, want 10 - 10 + 3", got)
	}
	if got := len(Must(db.Gives(ctx, "T1", d.ID))); got != 2 {
		t.Errorf("%d gives listed, want both, the withdrawn one included", got)
	}
	wantAudit(t, db, d.ID, "give.edit", map[string]any{"number": 1.0,
		"before": map[string]any{"what": "training plan", "value": 2.0},
		"after":  map[string]any{"what": "training plan", "value": 3.0}})
}

// testEditAndWithdrawRisks checks that an edited risk moves between the
// summary's counts, and that a withdrawn one leaves them, the lists and
// the reminders, and stays in the full list.
func testEditAndWithdrawRisks(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "SSO", Severity: storage.SeverityMedium, Area: storage.AreaTraining}))
	Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "approval", Scenario: "run", Area: storage.AreaProcess}))
	Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "typo", Severity: storage.SeverityCritical}))
	WantSummaries(t, db, "adding", d)

	edited := Must(db.EditRisk(ctx, Bob, d.ID, 1, storage.RiskEdit{Severity: ptr(storage.SeverityHigh), Area: ptr(storage.AreaTrust)}))
	if edited.Severity != storage.SeverityHigh || edited.Area != storage.AreaTrust || edited.UpdatedBy != "UBOB" {
		t.Errorf("edited risk: %+v", edited)
	}
	fixed := Must(db.EditRisk(ctx, Bob, d.ID, 2, storage.RiskEdit{Scenario: ptr("run their 3-step approval in sandbox")}))
	if fixed.Scenario != "run their 3-step approval in sandbox" || !fixed.NeedsTest {
		t.Errorf("edited scenario: %+v", fixed)
	}
	_, err := db.EditRisk(ctx, Bob, d.ID, 1, storage.RiskEdit{Area: ptr(storage.AreaTrust)})
	WantErr(t, err, storage.ErrUnchanged)
	WantSummaries(t, db, "editing", d)

	gone := Must(db.WithdrawRisk(ctx, Bob, d.ID, 3))
	if gone.Status != storage.RiskWithdrawn || gone.WithdrawnBy != "UBOB" {
		t.Errorf("withdrawn risk: %+v", gone)
	}
	WantSummaries(t, db, "withdrawing", d)
	if got := Must(db.DealOverview(ctx, "T1", d.ID)).OpenRisks.Critical; got != 0 {
		t.Errorf("%d critical risks on the card, want 0", got)
	}
	if open := Must(db.Risks(ctx, "T1", d.ID, false)); len(open) != 2 {
		t.Errorf("%d open risks, want 2", len(open))
	}
	if all := Must(db.Risks(ctx, "T1", d.ID, true)); len(all) != 3 || all[2].Status != storage.RiskWithdrawn {
		t.Errorf("all risks: %+v, want the withdrawn one listed", all)
	}
	for name, err := range map[string]error{
		"withdraw again": second(db.WithdrawRisk(ctx, Bob, d.ID, 3)),
		"resolve":        second(db.ResolveRisk(ctx, Bob, d.ID, 3, "")),
		"disclose":       second(db.DiscloseRisk(ctx, Bob, d.ID, 3, "")),
		"edit":           second(db.EditRisk(ctx, Bob, d.ID, 3, storage.RiskEdit{What: ptr("x")})),
	} {
		want := storage.ErrConflict
		if name == "withdraw again" {
			want = storage.ErrUnchanged
		}
		if !errors.Is(err, want) {
			t.Errorf("%s a withdrawn risk: %v, want %v", name, err, want)
		}
	}
	if next := Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "next"})); next.Number != 4 {
		t.Errorf("next risk is #%d, want #4", next.Number)
	}
	// A resolved training risk still covers training in the checklist.
	Must(db.ResolveRisk(ctx, Alice, d.ID, 1, "done"))
	Must(db.EditRisk(ctx, Alice, d.ID, 1, storage.RiskEdit{Area: ptr(storage.AreaTraining)}))
	s := Must(db.RiskSummary(ctx, "T1", d.ID, 5))
	Diff(t, s.Coverage[storage.AreaTraining], []storage.Cover{{Number: 1, Resolved: true}})
	WantSummaries(t, db, "resolving", d)
}

func second[T any](_ T, err error) error { return err }

// wantAudit checks that the deal's latest audit entry of action has detail.
func wantAudit(t *testing.T, db storage.Store, dealID int64, action string, want map[string]any) {
	t.Helper()
	var got map[string]any
	for _, e := range Must(db.Audit(t.Context(), "T1", dealID)) {
		if e.Action == action {
			got = nil
			if err := json.Unmarshal([]byte(e.Detail), &got); err != nil {
				t.Fatalf("audit %s: %v", action, err)
			}
		}
	}
	if got == nil {
		t.Fatalf("no %s in the audit", action)
	}
	Diff(t, got, want)
}

// testCheckinsAreNumbered checks that a deal's check-ins are numbered in
// the order they were made, across closes and by hand.
func testCheckinsAreNumbered(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d, series := WonDeal(t, db, Alice, "C1")
	extra := Must(db.AddCheckin(ctx, Alice, storage.NewCheckin{DealID: d.ID, DueAt: T0.AddDate(0, 0, 3)}))
	other := NewDeal(t, db, Alice, "C2")
	first := Must(db.AddCheckin(ctx, Alice, storage.NewCheckin{DealID: other.ID, DueAt: T0}))
	var numbers []int
	for _, c := range series {
		numbers = append(numbers, c.Number)
	}
	Diff(t, numbers, []int{1, 2, 3})
	if extra.Number != 4 || first.Number != 1 {
		t.Errorf("numbers %d and %d, want 4 and 1", extra.Number, first.Number)
	}
	Diff(t, Must(db.CheckinByNumber(ctx, "T1", d.ID, 2)), series[1])
	_, err := db.CheckinByNumber(ctx, "T1", d.ID, 9)
	WantErr(t, err, storage.ErrNotFound)
}

// testCoveredCheckinsAreNotDueOnTheirOwn checks that the App Home's list,
// the next check-in and the nudge agree: check-ins a later reminder covers
// are its business, not overdue on their own.
func testCoveredCheckinsAreNotDueOnTheirOwn(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d, series := WonDeal(t, db, Alice, "C1")
	now := T0.AddDate(0, 0, 100)
	Must(db.ClaimDue(ctx, "w1", now, 10))
	WantErr(t, db.Fold(ctx, []int64{series[0].ID, series[1].ID}, series[2].ID, "w1"), nil)
	WantErr(t, db.MarkSent(ctx, series[2].ID, "w1", "C1", "1.1", now), nil)

	due := Must(db.OwnerCheckinsDue(ctx, "T1", "UALICE", now))
	if len(due) != 1 || due[0].Checkin.ID != series[2].ID {
		t.Errorf("due: %d check-ins, want only the covering one", len(due))
	}
	if next := Must(db.NextPendingCheckin(ctx, "T1", d.ID)); next.ID != series[2].ID {
		t.Errorf("next check-in #%d, want #%d (the covering one)", next.Number, series[2].Number)
	}
	nudges := Must(db.Nudges(ctx, "T1", storage.NudgeWindow{DueBefore: now, WonSince: T0, Today: day(now)}))
	if len(nudges) != 1 || len(nudges[0].Due) != 1 || nudges[0].Due[0].Checkin.ID != series[2].ID {
		t.Errorf("nudge: %+v, want the covering check-in only", nudges)
	}
	covered := Must(db.CheckinByID(ctx, "T1", series[0].ID))
	if !covered.Covered() {
		t.Errorf("check-in #1: %+v, want covered", covered)
	}
}

// testNudgeListsLateDeals checks that an open deal whose expected close
// passed is in its owner's nudge, most overdue first.
func testNudgeListsLateDeals(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	today := day(T0)
	for i, days := range []int{-3, 5, -10, 0} {
		d := NewDeal(t, db, Alice, string(rune('A'+i)))
		close := today.AddDate(0, 0, days)
		Must(db.UpdateDeal(ctx, Alice, d.ID, storage.DealChanges{ExpectedClose: &close}))
	}
	won := NewDeal(t, db, Alice, "W")
	past := today.AddDate(0, 0, -20)
	Must(db.UpdateDeal(ctx, Alice, won.ID, storage.DealChanges{ExpectedClose: &past}))
	Must(db.CloseDeal(ctx, Alice, won.ID, storage.Close{Stage: storage.StageWon, On: today}))

	nudges := Must(db.Nudges(ctx, "T1", storage.NudgeWindow{DueBefore: T0, WonSince: today.AddDate(0, 0, 1), Today: today}))
	if len(nudges) != 1 {
		t.Fatalf("%d nudges, want Alice's", len(nudges))
	}
	var late []string
	for _, d := range nudges[0].Late {
		late = append(late, d.ChannelID)
	}
	Diff(t, late, []string{"C", "A"})
}

// testStillAtRiskAfterTheSale checks the App Home's post-sale list: won
// deals of the watch window that still have open high or critical risks.
func testStillAtRiskAfterTheSale(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	today := day(T0)
	win := func(channel string, on time.Time, sev storage.Severity) storage.Deal {
		d := NewDeal(t, db, Alice, channel)
		if sev != "" {
			Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "rollout", Severity: sev}))
		}
		return Must(db.CloseDeal(ctx, Alice, d.ID, storage.Close{Stage: storage.StageWon, On: on}))
	}
	critical := win("C1", today.AddDate(0, 0, -10), storage.SeverityCritical)
	win("C2", today.AddDate(0, 0, -10), storage.SeverityLow)
	win("C3", today.AddDate(0, 0, -200), storage.SeverityHigh)
	win("C4", today, "")
	NewDeal(t, db, Alice, "C5")
	since := today.Add(-storage.PostSaleWatch)
	got := Must(db.ListDeals(ctx, "T1", storage.DealFilter{OwnerID: "UALICE", StillAtRiskSince: since}))
	if len(got.Items) != 1 || got.Items[0].Deal.ID != critical.ID || got.Total != 1 {
		t.Errorf("still at risk: %+v, want only the deal won 10 days ago with a critical risk", got)
	}
	Must(db.ResolveRisk(ctx, Alice, critical.ID, 1, "rolled out"))
	if got := Must(db.ListDeals(ctx, "T1", storage.DealFilter{OwnerID: "UALICE", StillAtRiskSince: since})); got.Total != 0 {
		t.Errorf("after the risk was resolved: %d deals, want 0", got.Total)
	}
	_, err := db.ListDeals(ctx, "T1", storage.DealFilter{Stage: storage.StageOpen, StillAtRiskSince: since})
	WantErr(t, err, storage.ErrInvalid)
}
