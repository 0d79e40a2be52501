package main

import (
	"strings"
	"testing"
	"time"
)

// A share another replica recorded (it saw the channel_shared event; this
// one did not) reaches this one through the database: within a second it
// answers there privately, and hides the records it had posted there.
// Slack itself still calls the channel the team's, as this replica's
// cache of it does.
func TestShareRecordedByAnotherReplica(t *testing.T) {
	h := newE2E(t)
	dealWithSecrets(h)
	waitFor(t, "the records' ts kept", func() bool { return h.count("posted_messages") == 4 })

	h.exec(`INSERT INTO channel_shares (team_id, channel_id, why, seen_at) VALUES ('T1', 'C1', 'slack_connect', ?)`,
		time.Now().Unix())
	expectAllHidden(t, h, "C1", 4)
	a := h.cmd("U1", "C1", "/champion ask a reference call")
	if !a.ephemeral || !strings.Contains(a.text, "people outside your team are in this channel") {
		t.Errorf("a record in the channel another replica saw shared: %+v, want it private with the reason", a)
	}
}
