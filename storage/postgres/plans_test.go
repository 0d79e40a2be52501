package postgres

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// The plans every connection keeps (planOnce: one plan per statement, made
// for any arguments) find a command's rows through an index: none reads a
// whole table of the workspace's records. Checked on tables of thousands
// of rows and no statistics yet (a database just filled by migrate-to),
// where a plan made without the arguments has the least to go on.
func TestOnePlanPerStatementFindsRowsByIndex(t *testing.T) {
	db := openAdderTest(t)
	ctx := t.Context()
	seed := []string{
		`INSERT INTO workspaces VALUES ('T1', now())`,
		`INSERT INTO deals (team_id, channel_id, name, stage, owner_id, budget, closed_on, closed_at,
			created_by, created_at, updated_by, updated_at)
			SELECT 'T1', 'C' || g, 'deal ' || g, 'won', 'U1', 5, current_date, now(), 'U1', now(), 'U1', now()
			FROM generate_series(1, 2000) g`,
		`INSERT INTO risks (team_id, deal_id, number, what, severity, area, needs_test, created_by, created_at, updated_by, updated_at)
			SELECT 'T1', d.id, n, 'risk ' || n, (ARRAY['low','medium','high','critical'])[1 + n % 4],
				(ARRAY['training','process','trust','technical'])[1 + n % 4], n % 2 = 0, 'U1', now(), 'U1', now()
			FROM deals d, generate_series(1, 10) n`,
		`INSERT INTO checkins (team_id, deal_id, number, kind, due_on, due_at, created_by, created_at, updated_by, updated_at)
			SELECT 'T1', d.id, n, 'post_close', current_date + n, now() + n * interval '1 day', 'U1', now(), 'U1', now()
			FROM deals d, generate_series(1, 5) n`,
	}
	for _, q := range seed {
		if _, err := db.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%.50s: %v", q, err)
		}
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	var mode string
	if err := conn.QueryRow(ctx, `SHOW plan_cache_mode`).Scan(&mode); err != nil || mode != "force_generic_plan" {
		t.Fatalf("plan_cache_mode %q (%v), want every connection's force_generic_plan", mode, err)
	}
	at := time.Now().UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		name, query, args string
	}{
		{"deal overview", overviewQuery, `'T1', 7`},
		{"deal by channel", lookupQuery, `ARRAY['T1'], ARRAY['C7']`},
		{"risk tallies", tallyQuery, `'T1', 7`},
		{"undisclosed risks", undisclosedQuery, `'T1', 7, 3`},
		{"disclosed risks", disclosedQuery, `'T1', 7, 3`},
		{"untested risks", untestedQuery, `'T1', 7, 3`},
		{"coverage", coverageQuery, `'T1', 7, 5, ARRAY['training', 'process', 'trust']`},
		{"risks of a deal", `SELECT ` + riskCols + ` FROM risks r WHERE r.team_id = $1 AND r.deal_id = $2 AND ($3 OR r.status = 'open') ORDER BY r.number`, `'T1', 7, true`},
		{"claim due reminders", claimQuery, `'replica', '` + at + `', 10`},
	} {
		name := strings.ReplaceAll(tc.name, " ", "_")
		if _, err := conn.Exec(ctx, `PREPARE `+name+` AS `+tc.query); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		rows, err := conn.Query(ctx, fmt.Sprintf(`EXPLAIN EXECUTE %s(%s)`, name, tc.args))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		text := strings.Join(plan, "\n")
		for _, table := range []string{"deals", "risks", "checkins", "risk_tallies"} {
			if strings.Contains(text, "Seq Scan on "+table) {
				t.Errorf("%s reads every row of %s:\n%s", tc.name, table, text)
			}
		}
	}
}
