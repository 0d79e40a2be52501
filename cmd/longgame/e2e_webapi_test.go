package main

import (
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

// countPosts counts the bot's messages in channel that say want.
func countPosts(fake *slackfake.Server, channel, want string) int {
	n := 0
	for _, r := range fake.Replies() {
		if (r.Kind == slackfake.KindPostMessage || r.Kind == slackfake.KindResponseURL) && r.Channel == channel &&
			strings.Contains(render.Message(r.Text, r.Blocks), want) {
			n++
		}
	}
	return n
}

// A 429 on chat.postMessage delays the modal's answer; it arrives once.
func TestRateLimitedAnswerArrivesOnce(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.cmd("U1", "C1", "/champion ask")
	modal := h.fake.Modals("U1")[0]
	h.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 2, Status: 429, RetryAfter: time.Second})
	seq, calls := lastSeq(h.fake), h.fake.Calls("chat.postMessage")
	if _, err := h.fake.ViewSubmission(h.ctx(), slackfake.ViewSubmission{ViewID: modal.ID,
		Values: map[string]map[string]string{"what": {"what": "an intro to the CFO"}, "cost": {"cost": "3"}}}); err != nil {
		t.Fatal(err)
	}
	h.waitPost(seq, "C1")
	if n := countPosts(h.fake, "C1", "an intro to the CFO"); n != 1 {
		t.Errorf("the answer was posted %d times, want once", n)
	}
	if n := h.fake.Calls("chat.postMessage") - calls; n != 3 {
		t.Errorf("%d chat.postMessage calls, want 2 refused and 1 accepted", n)
	}
}

// A record slower than the ack deadline (Slack is slow to take its post)
// is acked empty in time, then reaches the channel once.
func TestSlowRecordAcksInTimeThenReachesTheChannelOnce(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Delay: 2500 * time.Millisecond})
	seq := lastSeq(h.fake)
	ack, err := h.fake.SlashCommand(h.ctx(), slackfake.SlashCommand{UserID: "U1", ChannelID: "C1", Command: "/champion", Text: "ask a slow favor"})
	if err != nil {
		t.Fatalf("the slow command was not acked in time: %v", err)
	}
	if ack.Text != "" {
		t.Fatalf("a command past the deadline was answered in the ack: %q", ack.Text)
	}
	h.waitPost(seq, "C1")
	if n := countPosts(h.fake, "C1", "a slow favor"); n != 1 {
		t.Errorf("the slow answer reached the channel %d times, want once", n)
	}
	if n := h.rows()["asks"]; n != 1 {
		t.Errorf("%d asks recorded, want 1", n)
	}
}

// An answer for its user alone that is slower than the deadline goes
// through the response_url; when that fails too, it is posted ephemeral.
func TestSlowAnswerWhoseResponseURLFails(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.fake.InjectFault("users.conversations", slackfake.Fault{Times: 1, Delay: 2500 * time.Millisecond})
	h.fake.InjectFault("response_url", slackfake.Fault{Times: 1, Status: 500})
	seq := lastSeq(h.fake)
	if a := h.cmd("U1", "C1", "/deal list"); a.text != "" {
		t.Fatalf("a command past the deadline was answered in the ack: %q", a.text)
	}
	r, err := h.fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindPostEphemeral && r.User == "U1"
	})
	if err != nil {
		t.Fatalf("the slow answer never reached its user: %v\n%s", err, h.logs)
	}
	answer{text: render.Message(r.Text, r.Blocks)}.expect(t, "/deal list", "open deals: 1", "Acme")
	if n := countPosts(h.fake, "C1", "open deals"); n != 0 {
		t.Errorf("a list reached the channel %d times", n)
	}
}

// When the channel refuses a record (the app was removed from it), its
// user still sees it, privately, with why; the record is kept and nothing
// reaches the channel.
func TestRefusedRecordReachesItsUserPrivately(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Error: "not_in_channel"})
	seq := lastSeq(h.fake)
	h.private("U1", "C1", "/risk flag legal has not seen the DPA severity:high",
		"could not post in this channel", "legal has not seen the DPA")
	for _, r := range h.fake.Replies()[seq:] {
		if r.User != "U1" || r.Kind == slackfake.KindPostMessage {
			t.Errorf("%s to %q in %q: %q; want only U1's private answer (and U1's Home)", r.Kind, r.User, r.Channel, r.Text)
		}
	}
	if n := h.rows()["risks"]; n != 1 {
		t.Errorf("%d risks stored, want the refused record kept", n)
	}
}
