package sqlite

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestClaimPlan checks that a claim reads only what it claims, through the
// claimable index, however many check-ins are finished or far off.
func TestClaimPlan(t *testing.T) {
	db, _ := openTest(t)
	for _, ch := range []string{"C1", "C2", "C3"} {
		wonDeal(t, db, alice, ch)
	}
	rows, err := db.w.conn.QueryContext(t.Context(), `EXPLAIN QUERY PLAN `+claimQuery, "w", t0.Unix(), 10)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	for _, want := range []string{"USING INDEX checkins_claimable (<expr><?)", "USING INDEX checkins_team_deal"} {
		if !strings.Contains(plan.String(), want) {
			t.Errorf("plan:\n%swant %s", plan.String(), want)
		}
	}
	if strings.Contains(plan.String(), "checkins_delivery_due") || strings.Contains(plan.String(), "SCAN c") {
		t.Errorf("plan:\n%sscans the queue", plan.String())
	}
}

// BenchmarkClaimDue claims batches of 64 due reminders, with their deals,
// from a table of 100,000 check-ins of which about a third are due.
func BenchmarkClaimDue(b *testing.B) {
	db, err := Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"), Options{Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const deals, perDeal = 20_000, 5
	exec(b, db, `INSERT INTO workspaces (team_id, created_at) VALUES ('T1', 0)`)
	exec(b, db, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO deals (id, team_id, channel_id, name, stage, owner_id, closed_on, budget, created_by, created_at, updated_by, updated_at)
		SELECT i, 'T1', 'C' || i, 'Deal ' || i, 'won', 'U' || (i % 50), '2026-01-01', 10, 'U1', 0, 'U1', 0 FROM n`, deals)
	// Check-in k of deal i is due k*30 days after a start spread over a
	// year from six months ago.
	exec(b, db, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
		INSERT INTO checkins (team_id, deal_id, kind, due_on, due_at, created_by, created_at, updated_by, updated_at)
		SELECT 'T1', i / ?2 + 1, 'post_close', '2026-01-01', ?3 + (i / ?2) * 1500 + (i % ?2) * 30 * 86400, 'U1', 0, 'U1', 0 FROM n`,
		deals*perDeal-1, perDeal, t0.AddDate(0, -6, 0).Unix())
	claimed := 0
	for b.Loop() {
		due, err := db.ClaimDue(b.Context(), "bench", t0, 64)
		if err != nil {
			b.Fatal(err)
		}
		claimed += len(due)
		b.StopTimer()
		if len(due) == 0 {
			exec(b, db, `UPDATE checkins SET delivery = 'queued' WHERE delivery = 'sent'`)
		} else {
			exec(b, db, `UPDATE checkins SET delivery = 'sent' WHERE delivery = 'sending'`)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(claimed)/b.Elapsed().Seconds(), "claimed/s")
}
