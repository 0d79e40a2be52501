package sqlite

import (
	"strings"
	"testing"
)

// TestBacklogPlan checks that the backlog read for metrics, run at every
// scrape, reads only the claimable index's range up to now: never the
// queue of check-ins far off or long finished.
func TestBacklogPlan(t *testing.T) {
	db, _ := openTest(t)
	plan := queryPlan(t, db, backlogQuery, nil, t0.Unix())
	if want := "USING INDEX checkins_claimable (<expr><?)"; !strings.Contains(plan, want) {
		t.Errorf("plan does not use %q:\n%s", want, plan)
	}
	if strings.Contains(plan, "SCAN") {
		t.Errorf("plan scans:\n%s", plan)
	}
}
