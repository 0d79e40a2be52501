package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// wholeWorkspaceOverview is the overview query as it was before it was
// scoped to the deals it lists: every sum over the whole workspace ?1, the
// risks counted one by one, then filtered by stage ?2, owner ?3 and deal id
// ?4 ("" and 0 match all). The scoped queries must give the same results.
const wholeWorkspaceOverview = `WITH
	ask_sums AS (
		SELECT deal_id, SUM(CASE status WHEN 'declined' THEN 0 ELSE cost END) AS spent
		FROM asks WHERE team_id = ?1 GROUP BY deal_id),
	give_sums AS (
		SELECT deal_id, SUM(value) AS given FROM gives WHERE team_id = ?1 GROUP BY deal_id),
	open_risks AS (
		SELECT deal_id, SUM(severity = 'low') AS low, SUM(severity = 'medium') AS medium,
			SUM(severity = 'high') AS high, SUM(severity = 'critical') AS critical, SUM(needs_test) AS untested
		FROM risks WHERE team_id = ?1 AND status = 'open' GROUP BY deal_id),
	next_checkins AS (
		SELECT *, ROW_NUMBER() OVER (PARTITION BY deal_id ORDER BY due_at, id) AS rank
		FROM checkins WHERE team_id = ?1 AND status = 'pending')
	SELECT ` + dealCols + `, ` + championCols + `, ` + checkinCols + `,
		COALESCE(ak.spent, 0), COALESCE(gv.given, 0),
		COALESCE(r.low, 0), COALESCE(r.medium, 0), COALESCE(r.high, 0), COALESCE(r.critical, 0), COALESCE(r.untested, 0)
	FROM deals d
	LEFT JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
	LEFT JOIN next_checkins c ON c.deal_id = d.id AND c.rank = 1
	LEFT JOIN ask_sums ak ON ak.deal_id = d.id
	LEFT JOIN give_sums gv ON gv.deal_id = d.id
	LEFT JOIN open_risks r ON r.deal_id = d.id
	WHERE d.team_id = ?1 AND (?2 = '' OR d.stage = ?2) AND (?3 = '' OR d.owner_id = ?3) AND (?4 = 0 OR d.id = ?4)
	ORDER BY CASE d.stage WHEN 'open' THEN 0 WHEN 'won' THEN 1 ELSE 2 END, d.name COLLATE NOCASE, d.id`

// TestOverviewScopedMatchesWholeWorkspace fills two workspaces with deals
// of every kind and compares ListDeals and DealOverview with the
// whole-workspace query.
func TestOverviewScopedMatchesWholeWorkspace(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	var deals []storage.Deal
	for i, a := range []storage.Actor{alice, bob, alice, mallory, bob, alice, mallory} {
		d := storagetest.SeedRisks(t, db, a, fmt.Sprintf("C%d", i), i*7, storagetest.Varied)
		for j := range i {
			ask := must(db.AddAsk(ctx, a, d.ID, fmt.Sprintf("ask %d", j), 1+j%5))
			if j%3 == 1 {
				must(db.SetAskStatus(ctx, a, d.ID, ask.Number, storage.AskDeclined))
			}
			if j%2 == 0 {
				must(db.AddGive(ctx, a, d.ID, fmt.Sprintf("give %d", j), 1+j%4))
			}
		}
		if i%2 == 1 {
			must(db.SetChampion(ctx, a, d.ID, storage.ChampionInput{Name: fmt.Sprintf("Champion %d", i%3)}))
		}
		switch i % 3 {
		case 1: // won, with its series, some of it done, and a check-in due at the same time as another
			due := t0.AddDate(0, 0, 14)
			c := storage.Close{Stage: storage.StageWon, Checkins: []storage.NewCheckin{{DueAt: due}, {DueAt: due}, {DueAt: t0.AddDate(0, 0, 30)}}}
			must(db.CloseDeal(ctx, a, d.ID, c))
			first := must(db.NextPendingCheckin(ctx, a.TeamID, d.ID))
			must(db.FinishCheckin(ctx, a, first.ID, storage.CheckinDone, ""))
		case 2:
			must(db.CloseDeal(ctx, a, d.ID, storage.Close{Stage: storage.StageLost, Checkins: []storage.NewCheckin{{DueAt: t0.AddDate(0, 3, 0)}}}))
		}
		clk.Advance(time.Minute)
		deals = append(deals, must(db.DealByID(ctx, a.TeamID, d.ID)))
	}

	whole := func(team string, stage storage.Stage, owner string, id int64) []storage.DealOverview {
		return must(queryAll(ctx, db.read, scanOverview, wholeWorkspaceOverview, team, string(stage), owner, id))
	}
	for _, team := range []string{"T1", "T2", "T3"} {
		for _, stage := range []storage.Stage{"", storage.StageOpen, storage.StageWon, storage.StageLost} {
			for _, owner := range []string{"", "UALICE", "UBOB", "UMALLORY"} {
				f := storage.DealFilter{Stage: stage, OwnerID: owner}
				t.Run(fmt.Sprintf("%s %+v", team, f), func(t *testing.T) {
					diff(t, must(db.ListDeals(ctx, team, f)).Items, whole(team, stage, owner, 0))
				})
			}
		}
	}
	for _, d := range deals {
		t.Run(fmt.Sprintf("deal %d", d.ID), func(t *testing.T) {
			want := whole(d.TeamID, "", "", d.ID)
			if len(want) != 1 {
				t.Fatalf("whole-workspace query found %d overviews of deal %d", len(want), d.ID)
			}
			diff(t, must(db.DealOverview(ctx, d.TeamID, d.ID)), want[0])
			other := map[string]string{"T1": "T2", "T2": "T1"}[d.TeamID]
			_, err := db.DealOverview(ctx, other, d.ID)
			wantErr(t, err, storage.ErrNotFound)
		})
	}
}
