package sqlite

import (
	"fmt"
	"sync"
	"testing"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// TestCachedSummaryNeverOlderThanAnAnswer: the summary and the overview are
// kept between commits; whoever was told a change is recorded must see it
// in the next summary they read, while others read and write the same deal.
func TestCachedSummaryNeverOlderThanAnAnswer(t *testing.T) {
	db, _ := openTest(t)
	d := storagetest.SeedRisks(t, db, alice, "C1", 30, storagetest.Varied)
	ctx := t.Context()
	before := must(db.RiskSummary(ctx, "T1", d.ID, 5))
	_ = must(db.DealOverview(ctx, "T1", d.ID)) // both kept now
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 10 {
				r, err := db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: fmt.Sprintf("writer %d risk %d", w, i),
					Severity: storage.SeverityCritical, Area: storage.AreaTrust})
				if err != nil {
					t.Error(err)
					return
				}
				s, err := db.RiskSummary(ctx, "T1", d.ID, 5)
				if err != nil {
					t.Error(err)
					return
				}
				ov, err := db.DealOverview(ctx, "T1", d.ID)
				if err != nil {
					t.Error(err)
					return
				}
				// Numbers only grow: a summary at least as new as this
				// risk counts this many critical ones or more.
				if s.Open.Critical < before.Open.Critical+1 || ov.OpenRisks.Critical < before.Open.Critical+1 {
					t.Errorf("after risk #%d was recorded: %d critical in the summary, %d in the overview, want more than %d",
						r.Number, s.Open.Critical, ov.OpenRisks.Critical, before.Open.Critical)
					return
				}
			}
		})
	}
	wg.Wait()
	storagetest.WantSummaries(t, db, "after the writers", d)
	if got := must(db.DealOverview(ctx, "T1", d.ID)).OpenRisks.Critical; got != before.Open.Critical+80 {
		t.Errorf("overview: %d critical open risks, want %d", got, before.Open.Critical+80)
	}
}

// TestCachedSummaryIsTheCallersOwn: an answer kept for the next reader
// cannot be changed through the copy a caller got.
func TestCachedSummaryIsTheCallersOwn(t *testing.T) {
	db, _ := openTest(t)
	d := storagetest.SeedRisks(t, db, alice, "C1", 30, storagetest.Varied)
	ctx := t.Context()
	want := must(db.RiskSummary(ctx, "T1", d.ID, 5))
	first := must(db.RiskSummary(ctx, "T1", d.ID, 5)) // the kept one
	for a := range first.ByArea {
		first.ByArea[a] = -1
	}
	first.UndisclosedTop[0].What = "scribbled"
	for a := range first.Coverage {
		first.Coverage[a][0].Number = -1
	}
	storagetest.Diff(t, must(db.RiskSummary(ctx, "T1", d.ID, 5)), want)
}

// TestCachedDealFollowsEveryChange: the deal of a channel is kept across
// the writes that leave deals alone, and never across one that changes it.
func TestCachedDealFollowsEveryChange(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d := storagetest.NewDeal(t, db, alice, "C1")
	byChannel := func() storage.Deal { return must(db.DealByChannel(ctx, "T1", "C1")) }
	byChannel() // kept from here
	must(db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: "SSO untested"}))
	must(db.AddAsk(ctx, alice, d.ID, "an intro to the CFO", 3))
	name := "Acme renewal"
	must(db.UpdateDeal(ctx, alice, d.ID, storage.DealChanges{Name: &name}))
	if got := byChannel().Name; got != name {
		t.Errorf("after a rename: %q, want %q", got, name)
	}
	must(db.SetBudget(ctx, alice, d.ID, 7))
	if got := byChannel().Budget; got != 7 {
		t.Errorf("after a new budget: %d, want 7", got)
	}
	set := must(db.SetChampion(ctx, alice, d.ID, storage.ChampionInput{Name: "Jane Doe"}))
	if got := byChannel().ChampionID; got != set.Champion.ID {
		t.Errorf("after naming a champion: champion %d, want %d", got, set.Champion.ID)
	}
	exec(t, db, `UPDATE deals SET owner_id = 'UBOB' WHERE id = ?`, d.ID)
	if got := byChannel().OwnerID; got != "UBOB" {
		t.Errorf("after a change by hand: owner %q, want UBOB", got)
	}
}
