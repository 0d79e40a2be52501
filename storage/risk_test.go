package storage

import (
	"testing"
	"time"
)

func TestAddRisk(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	for _, tc := range []struct {
		name string
		in   NewRisk
		want Risk // ID, DealID, Number and the audit fields are filled in below
		err  error
	}{
		{"defaults", NewRisk{What: "no admin trained"},
			Risk{What: "no admin trained", Severity: SeverityMedium, Area: AreaOther, Status: RiskOpen}, nil},
		{"all fields", NewRisk{What: "SSO", Severity: SeverityCritical, Area: AreaSecurity, NeedsTest: true},
			Risk{What: "SSO", Severity: SeverityCritical, Area: AreaSecurity, NeedsTest: true, Status: RiskOpen}, nil},
		{"a scenario needs a test", NewRisk{What: "load", Area: AreaTechnical, Scenario: "10k users"},
			Risk{What: "load", Severity: SeverityMedium, Area: AreaTechnical, NeedsTest: true, Scenario: "10k users", Status: RiskOpen}, nil},
		{"unknown severity", NewRisk{What: "x", Severity: "dire"}, Risk{}, ErrInvalid},
		{"unknown area", NewRisk{What: "x", Area: "vibes"}, Risk{}, ErrInvalid},
		{"blank", NewRisk{What: "  "}, Risk{}, ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.AddRisk(t.Context(), alice, d.ID, tc.in)
			wantErr(t, err, tc.err)
			if err != nil {
				return
			}
			want := tc.want
			want.ID, want.DealID, want.Number = got.ID, d.ID, got.Number
			want.CreatedBy, want.CreatedAt, want.UpdatedBy, want.UpdatedAt = "UALICE", t0, "UALICE", t0
			diff(t, got, want)
		})
	}
	var numbers []int
	for _, r := range must(db.Risks(t.Context(), "T1", d.ID, false)) {
		numbers = append(numbers, r.Number)
	}
	diff(t, numbers, []int{1, 2, 3})
	_, err := db.AddRisk(t.Context(), alice, 99, NewRisk{What: "x"})
	wantErr(t, err, ErrNotFound)
}

func TestResolveReopenDiscloseRisk(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	d := newDeal(t, db, alice, "C1")
	must(db.AddRisk(ctx, alice, d.ID, NewRisk{What: "SSO"}))
	must(db.AddRisk(ctx, alice, d.ID, NewRisk{What: "training"}))
	clk.Advance(time.Hour)
	t1 := t0.Add(time.Hour)

	resolved := must(db.ResolveRisk(ctx, bob, d.ID, 1, "tested with Okta"))
	if resolved.Status != RiskResolved || resolved.ResolutionNote != "tested with Okta" || !resolved.ResolvedAt.Equal(t1) || resolved.UpdatedBy != "UBOB" {
		t.Errorf("got %+v, want resolved at %v by UBOB with the note", resolved, t1)
	}
	_, err := db.ResolveRisk(ctx, bob, d.ID, 1, "again")
	wantErr(t, err, ErrConflict)

	open := func() (n []int) {
		for _, r := range must(db.Risks(ctx, "T1", d.ID, false)) {
			n = append(n, r.Number)
		}
		return n
	}
	diff(t, open(), []int{2})
	if all := must(db.Risks(ctx, "T1", d.ID, true)); len(all) != 2 {
		t.Errorf("got %d risks with the resolved ones, want 2", len(all))
	}

	reopened := must(db.ReopenRisk(ctx, alice, d.ID, 1))
	if reopened.Status != RiskOpen || reopened.ResolutionNote != "" || !reopened.ResolvedAt.IsZero() {
		t.Errorf("got %+v, want open with the resolution forgotten", reopened)
	}
	_, err = db.ReopenRisk(ctx, alice, d.ID, 1)
	wantErr(t, err, ErrConflict)
	diff(t, open(), []int{1, 2})

	disclosed := must(db.DiscloseRisk(ctx, bob, d.ID, 2, "told Jane on the call"))
	want := Risk{DisclosedAt: t1, DisclosedBy: "UBOB", DisclosureNote: "told Jane on the call"}
	diff(t, Risk{DisclosedAt: disclosed.DisclosedAt, DisclosedBy: disclosed.DisclosedBy, DisclosureNote: disclosed.DisclosureNote}, want)

	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"resolve", func() error { _, err := db.ResolveRisk(ctx, alice, d.ID, 9, ""); return err }},
		{"reopen", func() error { _, err := db.ReopenRisk(ctx, alice, d.ID, 9); return err }},
		{"disclose", func() error { _, err := db.DiscloseRisk(ctx, alice, d.ID, 9, ""); return err }},
	} {
		t.Run(tc.name+" missing risk", func(t *testing.T) { wantErr(t, tc.call(), ErrNotFound) })
	}
}
