package sqlite

import (
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func TestAddRisk(t *testing.T) {
	db, _ := openTest(t)
	d := newDeal(t, db, alice, "C1")
	for _, tc := range []struct {
		name string
		in   storage.NewRisk
		want storage.Risk // ID, DealID, Number and the audit fields are filled in below
		err  error
	}{
		{"defaults", storage.NewRisk{What: "no admin trained"},
			storage.Risk{What: "no admin trained", Severity: storage.SeverityMedium, Area: storage.AreaOther, Status: storage.RiskOpen}, nil},
		{"all fields", storage.NewRisk{What: "SSO", Severity: storage.SeverityCritical, Area: storage.AreaSecurity, NeedsTest: true},
			storage.Risk{What: "SSO", Severity: storage.SeverityCritical, Area: storage.AreaSecurity, NeedsTest: true, Status: storage.RiskOpen}, nil},
		{"a scenario needs a test", storage.NewRisk{What: "load", Area: storage.AreaTechnical, Scenario: "10k users"},
			storage.Risk{What: "load", Severity: storage.SeverityMedium, Area: storage.AreaTechnical, NeedsTest: true, Scenario: "10k users", Status: storage.RiskOpen}, nil},
		{"unknown severity", storage.NewRisk{What: "x", Severity: "dire"}, storage.Risk{}, storage.ErrInvalid},
		{"unknown area", storage.NewRisk{What: "x", Area: "vibes"}, storage.Risk{}, storage.ErrInvalid},
		{"blank", storage.NewRisk{What: "  "}, storage.Risk{}, storage.ErrInvalid},
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
	_, err := db.AddRisk(t.Context(), alice, 99, storage.NewRisk{What: "x"})
	wantErr(t, err, storage.ErrNotFound)
}

func TestResolveReopenDiscloseRisk(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	d := newDeal(t, db, alice, "C1")
	must(db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: "SSO"}))
	must(db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: "training"}))
	clk.Advance(time.Hour)
	t1 := t0.Add(time.Hour)

	resolved := must(db.ResolveRisk(ctx, bob, d.ID, 1, "tested with Okta"))
	if resolved.Status != storage.RiskResolved || resolved.ResolutionNote != "tested with Okta" || !resolved.ResolvedAt.Equal(t1) || resolved.UpdatedBy != "UBOB" {
		t.Errorf("got %+v, want resolved at %v by UBOB with the note", resolved, t1)
	}
	_, err := db.ResolveRisk(ctx, bob, d.ID, 1, "again")
	wantErr(t, err, storage.ErrConflict)

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
	if reopened.Status != storage.RiskOpen || reopened.ResolutionNote != "" || !reopened.ResolvedAt.IsZero() {
		t.Errorf("got %+v, want open with the resolution forgotten", reopened)
	}
	_, err = db.ReopenRisk(ctx, alice, d.ID, 1)
	wantErr(t, err, storage.ErrConflict)
	diff(t, open(), []int{1, 2})

	disclosed := must(db.DiscloseRisk(ctx, bob, d.ID, 2, "told Jane on the call"))
	want := storage.Risk{DisclosedAt: t1, DisclosedBy: "UBOB", DisclosureNote: "told Jane on the call"}
	diff(t, storage.Risk{DisclosedAt: disclosed.DisclosedAt, DisclosedBy: disclosed.DisclosedBy, DisclosureNote: disclosed.DisclosureNote}, want)

	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"resolve", func() error { _, err := db.ResolveRisk(ctx, alice, d.ID, 9, ""); return err }},
		{"reopen", func() error { _, err := db.ReopenRisk(ctx, alice, d.ID, 9); return err }},
		{"disclose", func() error { _, err := db.DiscloseRisk(ctx, alice, d.ID, 9, ""); return err }},
	} {
		t.Run(tc.name+" missing risk", func(t *testing.T) { wantErr(t, tc.call(), storage.ErrNotFound) })
	}
}
