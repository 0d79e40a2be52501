package storagetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testAddRisk(t *testing.T, db storage.Store, clk *Clock) {
	d := NewDeal(t, db, Alice, "C1")
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
			got, err := db.AddRisk(t.Context(), Alice, d.ID, tc.in)
			WantErr(t, err, tc.err)
			if err != nil {
				return
			}
			want := tc.want
			want.ID, want.DealID, want.Number = got.ID, d.ID, got.Number
			want.CreatedBy, want.CreatedAt, want.UpdatedBy, want.UpdatedAt = "UALICE", T0, "UALICE", T0
			Diff(t, got, want)
		})
	}
	var numbers []int
	for _, r := range Must(db.Risks(t.Context(), "T1", d.ID, false)) {
		numbers = append(numbers, r.Number)
	}
	Diff(t, numbers, []int{1, 2, 3})
	_, err := db.AddRisk(t.Context(), Alice, 99, storage.NewRisk{What: "x"})
	WantErr(t, err, storage.ErrNotFound)
}

func testResolveReopenDiscloseRisk(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "SSO"}))
	Must(db.AddRisk(ctx, Alice, d.ID, storage.NewRisk{What: "training"}))
	clk.Advance(time.Hour)
	t1 := T0.Add(time.Hour)

	resolved := Must(db.ResolveRisk(ctx, Bob, d.ID, 1, "tested with Okta"))
	if resolved.Status != storage.RiskResolved || resolved.ResolutionNote != "tested with Okta" || !resolved.ResolvedAt.Equal(t1) || resolved.UpdatedBy != "UBOB" {
		t.Errorf("got %+v, want resolved at %v by UBOB with the note", resolved, t1)
	}
	_, err := db.ResolveRisk(ctx, Bob, d.ID, 1, "again")
	WantErr(t, err, storage.ErrUnchanged)

	open := func() (n []int) {
		for _, r := range Must(db.Risks(ctx, "T1", d.ID, false)) {
			n = append(n, r.Number)
		}
		return n
	}
	Diff(t, open(), []int{2})
	if all := Must(db.Risks(ctx, "T1", d.ID, true)); len(all) != 2 {
		t.Errorf("got %d risks with the resolved ones, want 2", len(all))
	}

	reopened := Must(db.ReopenRisk(ctx, Alice, d.ID, 1))
	if reopened.Status != storage.RiskOpen || reopened.ResolutionNote != "" || !reopened.ResolvedAt.IsZero() {
		t.Errorf("got %+v, want open with the resolution forgotten", reopened)
	}
	_, err = db.ReopenRisk(ctx, Alice, d.ID, 1)
	WantErr(t, err, storage.ErrUnchanged)
	Diff(t, open(), []int{1, 2})

	disclosed := Must(db.DiscloseRisk(ctx, Bob, d.ID, 2, "told Jane on the call"))
	want := storage.Risk{DisclosedAt: t1, DisclosedBy: "UBOB", DisclosureNote: "told Jane on the call"}
	Diff(t, storage.Risk{DisclosedAt: disclosed.DisclosedAt, DisclosedBy: disclosed.DisclosedBy, DisclosureNote: disclosed.DisclosureNote}, want)

	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"resolve", func() error { _, err := db.ResolveRisk(ctx, Alice, d.ID, 9, ""); return err }},
		{"reopen", func() error { _, err := db.ReopenRisk(ctx, Alice, d.ID, 9); return err }},
		{"disclose", func() error { _, err := db.DiscloseRisk(ctx, Alice, d.ID, 9, ""); return err }},
	} {
		t.Run(tc.name+" missing risk", func(t *testing.T) { WantErr(t, tc.call(), storage.ErrNotFound) })
	}
}

// testRiskNumbersUnderConcurrency has 16 writers add risks to one deal at
// once: the numbers run 1..n, with no gap and no duplicate.
func testRiskNumbersUnderConcurrency(t *testing.T, db storage.Store, clk *Clock) {
	const writers, each = 16, 25
	d := NewDeal(t, db, Alice, "C1")
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				r := storage.NewRisk{What: fmt.Sprintf("risk %d of writer %d", i, w)}
				if _, err := db.AddRisk(t.Context(), Alice, d.ID, r); err != nil {
					t.Errorf("AddRisk: %v", err)
				}
			}
		})
	}
	wg.Wait()

	risks := Must(db.Risks(t.Context(), "T1", d.ID, true))
	if len(risks) != writers*each {
		t.Fatalf("got %d risks, want %d", len(risks), writers*each)
	}
	for i, r := range risks {
		if r.Number != i+1 {
			t.Fatalf("risk %d has number %d, want %d", i, r.Number, i+1)
		}
	}
}
