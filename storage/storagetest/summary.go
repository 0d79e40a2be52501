package storagetest

import (
	"testing"

	"github.com/longgame/longgame/storage"
)

func testRiskSummaryMatchesRisks(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	small := NewDeal(t, db, Alice, "C1")
	for _, r := range []storage.NewRisk{
		{What: "SSO", Severity: storage.SeverityCritical, Area: storage.AreaSecurity, Scenario: "Okta"},
		{What: "no admin trained", Area: storage.AreaTraining},
		{What: "change of process", Severity: storage.SeverityHigh, Area: storage.AreaProcess, NeedsTest: true},
		{What: "legal review", Severity: storage.SeverityLow, Area: storage.AreaLegal},
		{What: "exec sponsor leaves", Severity: storage.SeverityHigh, Area: storage.AreaTrust},
	} {
		Must(db.AddRisk(ctx, Alice, small.ID, r))
	}
	Must(db.DiscloseRisk(ctx, Alice, small.ID, 5, "on the call"))
	Must(db.ResolveRisk(ctx, Alice, small.ID, 4, "signed"))
	reopened := SeedRisks(t, db, Alice, "C2", 12, Varied)
	for _, n := range Numbers(t, db, reopened, storage.RiskResolved) {
		Must(db.ReopenRisk(ctx, Alice, reopened.ID, n))
	}
	tied := SeedRisks(t, db, Alice, "C3", 150, Ties)
	big := SeedRisks(t, db, Alice, "C4", 2000, Varied)
	empty := NewDeal(t, db, Alice, "C5")
	theirs := SeedRisks(t, db, Mallory, "C9", 30, Varied) // another workspace, same shapes

	for _, tc := range []struct {
		name  string
		deal  storage.Deal
		limit int
	}{
		{"no risks", empty, 10},
		{"small", small, 10},
		{"small, limit 2", small, 2},
		{"small, limit 0", small, 0},
		{"reopened", reopened, 3},
		{"tie-heavy", tied, 7},
		{"tie-heavy, all", tied, 500},
		{"2000 risks", big, 10},
		{"2000 risks, all", big, 2000},
		{"other workspace", theirs, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			team := tc.deal.TeamID
			got := Must(db.RiskSummary(ctx, team, tc.deal.ID, tc.limit))
			want := SummaryOf(Must(db.Risks(ctx, team, tc.deal.ID, true)), tc.limit)
			Diff(t, got, want)
			if got.Open.Total() != got.Undisclosed+got.Disclosed {
				t.Errorf("%d open risks, but %d undisclosed and %d disclosed", got.Open.Total(), got.Undisclosed, got.Disclosed)
			}
		})
	}

	t.Run("scoped by workspace", func(t *testing.T) {
		_, err := db.RiskSummary(ctx, "T2", big.ID, 10)
		WantErr(t, err, storage.ErrNotFound)
		_, err = db.RiskSummary(ctx, "T1", theirs.ID, 10)
		WantErr(t, err, storage.ErrNotFound)
		_, err = db.RiskSummary(ctx, "T1", 99999, 10)
		WantErr(t, err, storage.ErrNotFound)
	})
	t.Run("negative limit", func(t *testing.T) {
		_, err := db.RiskSummary(ctx, "T1", small.ID, -1)
		WantErr(t, err, storage.ErrInvalid)
	})
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("IntegrityCheck: %v", err)
	}
}

// testRiskSummaryFollowsChanges checks the counts after every kind of change
// to a risk the store makes.
func testRiskSummaryFollowsChanges(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := SeedRisks(t, db, Alice, "C1", 40, Varied)
	other := NewDeal(t, db, Alice, "C2")
	WantSummaries(t, db, "seeding", d, other)
	open, resolved := Numbers(t, db, d, storage.RiskOpen), Numbers(t, db, d, storage.RiskResolved)
	quiet := undisclosed(t, db, d, open[0])
	Must(db.ResolveRisk(ctx, Alice, d.ID, open[0], ""))
	Must(db.ReopenRisk(ctx, Alice, d.ID, resolved[0]))
	Must(db.DiscloseRisk(ctx, Alice, d.ID, quiet, ""))
	_, err := db.DiscloseRisk(ctx, Alice, d.ID, quiet, "again") // the first disclosure stands
	WantErr(t, err, storage.ErrUnchanged)
	Must(db.AddRisk(ctx, Alice, other.ID, storage.NewRisk{What: "new", Severity: storage.SeverityCritical, Area: storage.AreaTrust}))
	WantSummaries(t, db, "resolve, reopen, disclose, add", d, other)
}

// undisclosed is the number of an open risk of d, other than not, that is
// not disclosed yet. SeedRisks discloses risks by the order they were
// added in, which its concurrent adds do not tie to their numbers.
func undisclosed(t *testing.T, db storage.Store, d storage.Deal, not int) int {
	t.Helper()
	for _, r := range Must(db.Risks(t.Context(), d.TeamID, d.ID, false)) {
		if r.Number != not && r.DisclosedAt.IsZero() {
			return r.Number
		}
	}
	t.Fatal("no open risk left to disclose")
	return 0
}
