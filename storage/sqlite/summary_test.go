package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// TestRiskSummaryFollowsChanges checks the counts after changes made
// behind the store's back, with SQL: the triggers keep the tallies, whoever
// writes. (storagetest checks the changes the store makes.)
func TestRiskSummaryFollowsChanges(t *testing.T) {
	db, _ := openTest(t)
	d := storagetest.SeedRisks(t, db, alice, "C1", 40, storagetest.Varied)
	other := newDeal(t, db, alice, "C2")
	open, resolved := storagetest.Numbers(t, db, d, storage.RiskOpen), storagetest.Numbers(t, db, d, storage.RiskResolved)
	// The seeding's 16 writers number the risks in any order: disclose an
	// open one the seeding left undisclosed.
	target := 0
	for _, r := range must(db.Risks(t.Context(), "T1", d.ID, false)) {
		if r.DisclosedAt.IsZero() && r.Number != open[2] && r.Number != open[3] && r.Number != open[4] &&
			r.Number != open[5] && r.Number != open[6] {
			target = r.Number
			break
		}
	}
	must(db.DiscloseRisk(t.Context(), alice, d.ID, target, ""))
	exec(t, db, `UPDATE risks SET severity = 'critical', area = 'trust', needs_test = 1 WHERE deal_id = ? AND number IN (?, ?, ?)`,
		d.ID, open[2], open[3], resolved[1])
	exec(t, db, `UPDATE risks SET disclosed_at = NULL, disclosed_by = NULL WHERE deal_id = ? AND number = ?`, d.ID, target)
	storagetest.WantSummaries(t, db, "updates by hand", d, other)
	exec(t, db, `DELETE FROM risks WHERE deal_id = ? AND number IN (?, ?, ?)`, d.ID, open[4], open[5], resolved[2])
	storagetest.WantSummaries(t, db, "deletes by hand", d, other)
	exec(t, db, `UPDATE risks SET deal_id = ? WHERE deal_id = ? AND number IN (?, ?)`, other.ID, d.ID, open[6], resolved[3])
	storagetest.WantSummaries(t, db, "moved to another deal", d, other)
}

func TestIntegrityCheckRecountsTallies(t *testing.T) {
	db, _ := openTest(t)
	d := storagetest.SeedRisks(t, db, alice, "C1", 5, storagetest.Varied)
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
	d := storagetest.SeedRisks(b, db, alice, "C1", 2000, storagetest.Varied)
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
