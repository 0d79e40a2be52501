package storage

import (
	"errors"
	"testing"
	"time"
)

func TestAskAnswer(t *testing.T) {
	for _, tc := range []struct {
		from, to AskStatus
		want     error
	}{
		{AskOpen, AskDone, nil},
		{AskOpen, AskDeclined, nil},
		{AskDone, AskDone, ErrUnchanged},
		{AskDeclined, AskDeclined, ErrUnchanged},
		{AskDone, AskDeclined, ErrConflict}, // an edit corrects it, never a silent flip
		{AskDeclined, AskDone, ErrConflict},
		{AskWithdrawn, AskDone, ErrConflict},
		{AskOpen, AskWithdrawn, ErrInvalid},
		{AskOpen, AskOpen, ErrInvalid},
	} {
		err := Ask{Number: 4, Status: tc.from}.Answer(tc.to)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s → %s: got %v, want %v", tc.from, tc.to, err, tc.want)
		}
	}
}

func TestAskEdit(t *testing.T) {
	what, cost, done := "intro to the CFO", 5, AskDone
	a := Ask{Number: 2, What: "intro", Cost: 3, Status: AskOpen}
	got, changed, err := AskEdit{What: &what, Cost: &cost, Status: &done}.Apply(a)
	if err != nil || !changed || got.What != what || got.Cost != 5 || got.Status != AskDone {
		t.Errorf("Apply = %+v, %v, %v", got, changed, err)
	}
	same := 3
	if _, changed, _ := (AskEdit{Cost: &same}).Apply(a); changed {
		t.Error("an edit to the same cost changed the ask")
	}
	if _, _, err := (AskEdit{Cost: &cost}).Apply(Ask{Status: AskWithdrawn}); !errors.Is(err, ErrConflict) {
		t.Errorf("editing a withdrawn ask: %v, want ErrConflict", err)
	}
	for _, e := range []AskEdit{{Cost: ptr(0)}, {Cost: ptr(6)}, {What: ptr("  ")}, {Status: ptr(AskWithdrawn)}, {Status: ptr(AskStatus("maybe"))}} {
		if err := e.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v.Validate() = %v, want ErrInvalid", e, err)
		}
	}
}

func TestGiveEdit(t *testing.T) {
	g := Give{Number: 1, What: "training plan", Value: 2}
	if got, changed, err := (GiveEdit{Value: ptr(4)}).Apply(g); err != nil || !changed || got.Value != 4 {
		t.Errorf("Apply = %+v, %v, %v", got, changed, err)
	}
	g.WithdrawnAt, g.WithdrawnBy = time.Unix(1, 0), "U1"
	if _, _, err := (GiveEdit{Value: ptr(4)}).Apply(g); !errors.Is(err, ErrConflict) {
		t.Errorf("editing a withdrawn give: %v, want ErrConflict", err)
	}
	if g.CapitalValue() != 0 {
		t.Errorf("a withdrawn give is worth %d, want 0", g.CapitalValue())
	}
}

func TestRiskTransitions(t *testing.T) {
	open := Risk{Number: 1, Status: RiskOpen}
	resolved := Risk{Number: 1, Status: RiskResolved}
	withdrawn := Risk{Number: 1, Status: RiskWithdrawn}
	disclosed := Risk{Number: 1, Status: RiskOpen, DisclosedAt: time.Unix(1, 0)}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"resolve open", open.Resolve(), nil},
		{"resolve resolved", resolved.Resolve(), ErrUnchanged},
		{"resolve withdrawn", withdrawn.Resolve(), ErrConflict},
		{"reopen resolved", resolved.Reopen(), nil},
		{"reopen open", open.Reopen(), ErrUnchanged},
		{"disclose open", open.Disclose(), nil},
		{"disclose twice", disclosed.Disclose(), ErrUnchanged},
		{"disclose withdrawn", withdrawn.Disclose(), ErrConflict},
	} {
		if tc.want == nil && tc.err != nil || tc.want != nil && !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

func TestRiskEdit(t *testing.T) {
	r := Risk{Number: 3, What: "SSO", Severity: SeverityMedium, Area: AreaOther}
	got, changed, err := RiskEdit{Severity: ptr(SeverityHigh), Scenario: ptr("log in with Okta")}.Apply(r)
	if err != nil || !changed || got.Severity != SeverityHigh || !got.NeedsTest || got.Scenario != "log in with Okta" {
		t.Errorf("Apply = %+v, %v, %v", got, changed, err)
	}
	got, _, _ = RiskEdit{NeedsTest: ptr(false)}.Apply(got)
	if got.NeedsTest || got.Scenario != "" {
		t.Errorf("no test keeps a scenario: %+v", got)
	}
	if _, changed, _ := (RiskEdit{Area: ptr(AreaOther)}).Apply(r); changed {
		t.Error("an edit to the same area changed the risk")
	}
	if err := (RiskEdit{Severity: ptr(Severity("huge"))}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown severity: %v", err)
	}
}

func TestCheckinDueToFinish(t *testing.T) {
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		c    Checkin
		want bool
	}{
		{"overdue", Checkin{Status: CheckinPending, DueOn: today.AddDate(0, 0, -3)}, true},
		{"due today", Checkin{Status: CheckinPending, DueOn: today}, true},
		{"tomorrow", Checkin{Status: CheckinPending, DueOn: today.AddDate(0, 0, 1)}, false},
		{"covered by a later reminder", Checkin{Status: CheckinPending, Delivery: DeliveryFolded, DueOn: today}, false},
		{"done", Checkin{Status: CheckinDone, DueOn: today}, false},
	} {
		if got := tc.c.DueToFinish(today); got != tc.want {
			t.Errorf("%s: DueToFinish = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestBudgetAndCloseDateRules(t *testing.T) {
	for _, b := range []int{0, -1, 101} {
		if err := ValidateBudget(b); !errors.Is(err, ErrInvalid) {
			t.Errorf("budget %d: %v, want ErrInvalid", b, err)
		}
	}
	for _, b := range []int{1, 10, 100} {
		if err := ValidateBudget(b); err != nil {
			t.Errorf("budget %d: %v", b, err)
		}
	}
	today := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	if err := ValidateCloseDate(today.AddDate(0, 0, 1), today); !errors.Is(err, ErrInvalid) {
		t.Errorf("tomorrow's close: %v, want ErrInvalid", err)
	}
	if err := ValidateCloseDate(today, today); err != nil {
		t.Errorf("today's close: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
