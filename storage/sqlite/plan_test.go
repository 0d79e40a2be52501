package sqlite

import (
	"strings"
	"testing"
)

// queryPlan is EXPLAIN QUERY PLAN of query, one line per step.
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.read.DB.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n")
}

// TestSummaryPlans checks that the reads of a risk summary and a deal
// overview use their indexes, with no scan of a deal's risks and no sort:
// their cost must not grow with the number of risks.
func TestSummaryPlans(t *testing.T) {
	db, _ := openTest(t)
	for _, tc := range []struct {
		name  string
		query string
		uses  []string
	}{
		{"tallies", tallyQuery, []string{"SEARCH t USING PRIMARY KEY (team_id=? AND deal_id=?)"}},
		{"undisclosed", undisclosedQuery, []string{"USING INDEX risks_open_by_rank (team_id=? AND deal_id=? AND disclosed=?)"}},
		{"disclosed", disclosedQuery, []string{"USING INDEX risks_open_by_rank (team_id=? AND deal_id=? AND disclosed=?)"}},
		{"untested", untestedQuery, []string{"USING INDEX risks_untested_by_rank (team_id=? AND deal_id=?)"}},
		{"coverage", coverageQuery, []string{"USING COVERING INDEX risks_adoption (team_id=? AND deal_id=? AND area=?)"}},
		{"overview", overviewQuery, []string{"SEARCH t USING PRIMARY KEY (team_id=? AND deal_id=?)",
			"SEARCH nc USING COVERING INDEX checkins_team_deal", "SEARCH a USING INDEX asks_team_champion (team_id=? AND champion_id=? AND deal_id=?)"}},
		{"list", listQuery, []string{"SEARCH t USING PRIMARY KEY (team_id=? AND deal_id=?)",
			"SEARCH nc USING COVERING INDEX checkins_team_deal", "SEARCH g USING INDEX gives_team_champion (team_id=? AND champion_id=? AND deal_id=?)"}},
		{"insert risk", insertRiskQuery, []string{"COVERING INDEX sqlite_autoindex_risks_1 (team_id=? AND deal_id=?)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, db, tc.query, "T1", 1, 10, "", "", "", "", "", "")
			for _, want := range tc.uses {
				if !strings.Contains(plan, want) {
					t.Errorf("plan does not use %q:\n%s", want, plan)
				}
			}
			bad := []string{"SCAN risks", "SCAN r\n", "SCAN asks", "SCAN gives", "SCAN checkins", "SCAN deals"}
			if tc.name != "overview" && tc.name != "list" { // which sort the deals they read
				bad = append(bad, "TEMP B-TREE")
			}
			for _, b := range bad {
				if strings.Contains(plan+"\n", b) {
					t.Errorf("plan has %q:\n%s", b, plan)
				}
			}
		})
	}
}

// TestPeopleOfOneOwnerPlan: "/champion people mine" and the App Home read
// one owner's deals through their index, and each deal's asks and gives
// through theirs: their cost follows the owner's deals, not the
// workspace's.
func TestPeopleOfOneOwnerPlan(t *testing.T) {
	db, _ := openTest(t)
	plan := queryPlan(t, db, peopleDeals(true), "T1", "", "[]", "UALICE")
	for _, want := range []string{"deals_team_owner (team_id=? AND owner_id=?)", "sqlite_autoindex_asks_1 (team_id=? AND deal_id=?)",
		"sqlite_autoindex_gives_1 (team_id=? AND deal_id=?)"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan does not use %q:\n%s", want, plan)
		}
	}
	for _, bad := range []string{"SCAN asks", "SCAN gives", "SCAN a\n", "SCAN g\n"} {
		if strings.Contains(plan+"\n", bad) {
			t.Errorf("plan scans (%q):\n%s", bad, plan)
		}
	}
}
