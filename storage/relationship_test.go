package storage

import (
	"slices"
	"testing"
	"time"
)

// TestMoveAudit: a job change is audited on each open deal it left the
// deal without a champion inside; with none and no reminder, once on the
// workspace, so no move goes unrecorded.
func TestMoveAudit(t *testing.T) {
	m := ChampionMove{Company: "Hooli", Title: "CTO", On: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	detail, deals := m.Audit(7, "Acme", []Deal{{ID: 3}, {ID: 9}})
	if !slices.Equal(deals, []int64{3, 9}) {
		t.Errorf("deals audited: %v, want [3 9]", deals)
	}
	want := map[string]any{"champion_id": int64(7), "from": "Acme", "to": "Hooli", "title": "CTO", "on": "2026-11-02"}
	for k, v := range want {
		if detail[k] != v {
			t.Errorf("detail[%q] = %v, want %v", k, detail[k], v)
		}
	}
	if _, deals := (ChampionMove{Company: "Hooli"}).Audit(7, "Acme", nil); !slices.Equal(deals, []int64{0}) {
		t.Errorf("a move leaving no deal and scheduling nothing: audited on %v, want the workspace alone [0]", deals)
	}
	withReminder := ChampionMove{Company: "Hooli", Reminders: []NewCheckin{{DealID: 4, Kind: KindJobChange}}}
	if detail, deals := withReminder.Audit(7, "Acme", nil); len(deals) != 0 || detail["on"] != nil {
		t.Errorf("a move whose reminder is its record: audited on %v (on %v), want none and no date", deals, detail["on"])
	}
}
