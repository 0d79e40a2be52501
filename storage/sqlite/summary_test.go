package sqlite

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/longgame/longgame/storage"
)

// riskShape says what the i-th seeded risk of a deal is and what becomes
// of it.
type riskShape func(i int) (r storage.NewRisk, disclose, resolve bool)

// varied cycles through every severity and area, with some risks needing
// a test, some disclosed and some resolved.
func varied(i int) (storage.NewRisk, bool, bool) {
	return storage.NewRisk{What: fmt.Sprintf("risk %d", i), Severity: storage.Severities()[i%len(storage.Severities())], Area: storage.Areas()[i%len(storage.Areas())],
		NeedsTest: i%3 == 0}, i%7 == 0, i%11 == 0
}

// ties has every risk high and most in the same area: the order comes from
// the numbers alone.
func ties(i int) (storage.NewRisk, bool, bool) {
	area := storage.AreaTraining
	if i%5 == 0 {
		area = storage.AreaTrust
	}
	return storage.NewRisk{What: fmt.Sprintf("risk %d", i), Severity: storage.SeverityHigh, Area: area, NeedsTest: i%2 == 0},
		i%4 == 1, i%9 == 3
}

// seedRisks opens a deal in channel as a with n risks shaped by shape,
// written through the store by 16 writers at once.
func seedRisks(t testing.TB, db *DB, a storage.Actor, channel string, n int, shape riskShape) storage.Deal {
	t.Helper()
	d := newDeal(t, db, a, channel)
	ctx := context.Background()
	numbers := make([]int, n) // the number each risk got
	each(t, n, func(i int) error {
		r, _, _ := shape(i)
		risk, err := db.AddRisk(ctx, a, d.ID, r)
		numbers[i] = risk.Number
		return err
	})
	each(t, n, func(i int) error {
		_, disclose, resolve := shape(i)
		if disclose {
			if _, err := db.DiscloseRisk(ctx, a, d.ID, numbers[i], "told them"); err != nil {
				return err
			}
		}
		if resolve {
			_, err := db.ResolveRisk(ctx, a, d.ID, numbers[i], "fixed")
			return err
		}
		return nil
	})
	return d
}

// each runs f(0)…f(n-1) on 16 goroutines and fails t on an error.
func each(t testing.TB, n int, f func(i int) error) {
	t.Helper()
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if err := f(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

// numbers are the numbers of d's risks with status s, in order.
func numbers(t testing.TB, db *DB, d storage.Deal, s storage.RiskStatus) []int {
	t.Helper()
	var ns []int
	for _, r := range must(db.Risks(t.Context(), d.TeamID, d.ID, true)) {
		if r.Status == s {
			ns = append(ns, r.Number)
		}
	}
	return ns
}

// summaryOf is what RiskSummary must return, computed the slow way from a
// deal's open risks as Risks lists them.
func summaryOf(open []storage.Risk, limit int) storage.RiskSummary {
	rank := map[storage.Severity]int{storage.SeverityCritical: 0, storage.SeverityHigh: 1, storage.SeverityMedium: 2, storage.SeverityLow: 3}
	sorted := slices.Clone(open)
	slices.SortStableFunc(sorted, func(x, y storage.Risk) int { return rank[x.Severity] - rank[y.Severity] })
	s := storage.RiskSummary{ByArea: map[storage.Area]int{}, Coverage: map[storage.Area][]int{}}
	top := func(list *[]storage.Risk, r storage.Risk) {
		if len(*list) < limit {
			*list = append(*list, r)
		}
	}
	for _, r := range sorted {
		s.Open.Add(r.Severity, 1)
		s.ByArea[r.Area]++
		if r.DisclosedAt.IsZero() {
			s.Undisclosed++
			top(&s.UndisclosedTop, r)
		} else {
			s.Disclosed++
			top(&s.DisclosedTop, r)
		}
		if r.NeedsTest {
			s.Untested++
			top(&s.UntestedTop, r)
		}
	}
	for _, r := range open { // by number
		if slices.Contains(storage.CoverageAreas, r.Area) && len(s.Coverage[r.Area]) < storage.CoverageMax {
			s.Coverage[r.Area] = append(s.Coverage[r.Area], r.Number)
		}
	}
	return s
}

func TestRiskSummaryMatchesRisks(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	small := newDeal(t, db, alice, "C1")
	for _, r := range []storage.NewRisk{
		{What: "SSO", Severity: storage.SeverityCritical, Area: storage.AreaSecurity, Scenario: "Okta"},
		{What: "no admin trained", Area: storage.AreaTraining},
		{What: "change of process", Severity: storage.SeverityHigh, Area: storage.AreaProcess, NeedsTest: true},
		{What: "legal review", Severity: storage.SeverityLow, Area: storage.AreaLegal},
		{What: "exec sponsor leaves", Severity: storage.SeverityHigh, Area: storage.AreaTrust},
	} {
		must(db.AddRisk(ctx, alice, small.ID, r))
	}
	must(db.DiscloseRisk(ctx, alice, small.ID, 5, "on the call"))
	must(db.ResolveRisk(ctx, alice, small.ID, 4, "signed"))
	reopened := seedRisks(t, db, alice, "C2", 12, varied)
	for _, n := range numbers(t, db, reopened, storage.RiskResolved) {
		must(db.ReopenRisk(ctx, alice, reopened.ID, n))
	}
	tied := seedRisks(t, db, alice, "C3", 150, ties)
	big := seedRisks(t, db, alice, "C4", 2000, varied)
	empty := newDeal(t, db, alice, "C5")
	theirs := seedRisks(t, db, mallory, "C9", 30, varied) // another workspace, same shapes

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
			got := must(db.RiskSummary(ctx, team, tc.deal.ID, tc.limit))
			want := summaryOf(must(db.Risks(ctx, team, tc.deal.ID, false)), tc.limit)
			diff(t, got, want)
			if got.Open.Total() != got.Undisclosed+got.Disclosed {
				t.Errorf("%d open risks, but %d undisclosed and %d disclosed", got.Open.Total(), got.Undisclosed, got.Disclosed)
			}
		})
	}

	t.Run("scoped by workspace", func(t *testing.T) {
		_, err := db.RiskSummary(ctx, "T2", big.ID, 10)
		wantErr(t, err, storage.ErrNotFound)
		_, err = db.RiskSummary(ctx, "T1", theirs.ID, 10)
		wantErr(t, err, storage.ErrNotFound)
		_, err = db.RiskSummary(ctx, "T1", 99999, 10)
		wantErr(t, err, storage.ErrNotFound)
	})
	t.Run("negative limit", func(t *testing.T) {
		_, err := db.RiskSummary(ctx, "T1", small.ID, -1)
		wantErr(t, err, storage.ErrInvalid)
	})
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("IntegrityCheck: %v", err)
	}
}

// TestRiskSummaryFollowsChanges checks the counts after every kind of
// change to a risk, including ones made behind the store's back.
func TestRiskSummaryFollowsChanges(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d := seedRisks(t, db, alice, "C1", 40, varied)
	other := newDeal(t, db, alice, "C2")
	check := func(step string) {
		t.Helper()
		for _, deal := range []storage.Deal{d, other} {
			got := must(db.RiskSummary(ctx, "T1", deal.ID, 5))
			diff(t, got, summaryOf(must(db.Risks(ctx, "T1", deal.ID, false)), 5))
		}
		if err := db.IntegrityCheck(ctx); err != nil {
			t.Errorf("after %s: %v", step, err)
		}
	}
	check("seeding")
	open, resolved := numbers(t, db, d, storage.RiskOpen), numbers(t, db, d, storage.RiskResolved)
	must(db.ResolveRisk(ctx, alice, d.ID, open[0], ""))
	must(db.ReopenRisk(ctx, alice, d.ID, resolved[0]))
	must(db.DiscloseRisk(ctx, alice, d.ID, open[1], ""))
	must(db.DiscloseRisk(ctx, alice, d.ID, open[1], "again")) // stays disclosed
	check("resolve, reopen, disclose")
	exec(t, db, `UPDATE risks SET severity = 'critical', area = 'trust', needs_test = 1 WHERE deal_id = ? AND number IN (?, ?, ?)`,
		d.ID, open[2], open[3], resolved[1])
	exec(t, db, `UPDATE risks SET disclosed_at = NULL, disclosed_by = NULL WHERE deal_id = ? AND number = ?`, d.ID, open[1])
	check("updates by hand")
	exec(t, db, `DELETE FROM risks WHERE deal_id = ? AND number IN (?, ?, ?)`, d.ID, open[4], open[5], resolved[2])
	check("deletes by hand")
	exec(t, db, `UPDATE risks SET deal_id = ? WHERE deal_id = ? AND number IN (?, ?)`, other.ID, d.ID, open[6], resolved[3])
	check("moved to another deal")
}

func TestIntegrityCheckRecountsTallies(t *testing.T) {
	db, _ := openTest(t)
	d := seedRisks(t, db, alice, "C1", 5, varied)
	exec(t, db, `UPDATE risk_tallies SET n = n + 1 WHERE deal_id = ? AND severity = 'low'`, d.ID)
	if err := db.IntegrityCheck(t.Context()); err == nil {
		t.Error("IntegrityCheck passed with a tally off by one")
	}
}

// BenchmarkRiskSummary2000 is /risk summary's read of a deal with 2,000
// risks (most of them open, some disclosed), with lists of 10 and of 25 as
// the bot asks.
func BenchmarkRiskSummary2000(b *testing.B) {
	db, _ := openTest(b)
	d := seedRisks(b, db, alice, "C1", 2000, varied)
	ctx := context.Background()
	for _, limit := range []int{10, 25} {
		b.Run(fmt.Sprintf("limit=%d", limit), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.RiskSummary(ctx, "T1", d.ID, limit); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
