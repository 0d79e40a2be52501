package storage

import "testing"

// TestAtRisk is the weekly nudge's rule: an open deal with high or
// critical open risks, or an overdrawn champion.
func TestAtRisk(t *testing.T) {
	open := Deal{Stage: StageOpen}
	for _, tc := range []struct {
		name string
		o    DealOverview
		want bool
	}{
		{"nothing wrong", DealOverview{Deal: open, Capital: Capital{10, 10}, OpenRisks: RiskCounts{Low: 3, Medium: 2}}, false},
		{"a high risk", DealOverview{Deal: open, OpenRisks: RiskCounts{High: 1}}, true},
		{"a critical risk", DealOverview{Deal: open, OpenRisks: RiskCounts{Critical: 1}}, true},
		{"overdrawn", DealOverview{Deal: open, Capital: Capital{10, -1}}, true},
		{"low is not at risk", DealOverview{Deal: open, Capital: Capital{10, 0}}, false},
		{"won, with a critical risk", DealOverview{Deal: Deal{Stage: StageWon}, OpenRisks: RiskCounts{Critical: 1}}, false},
		{"lost, overdrawn", DealOverview{Deal: Deal{Stage: StageLost}, Capital: Capital{10, -5}}, false},
	} {
		if got := tc.o.AtRisk(); got != tc.want {
			t.Errorf("%s: AtRisk() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
