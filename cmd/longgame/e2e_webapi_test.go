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
	seq := lastSeq(h.fake)
	if _, err := h.fake.ViewSubmission(h.ctx(), slackfake.ViewSubmission{ViewID: modal.ID,
		Values: map[string]map[string]string{"what": {"what": "an intro to the CFO"}, "cost": {"cost": "3"}}}); err != nil {
		t.Fatal(err)
	}
	h.waitPost(seq, "C1")
	if n := countPosts(h.fake, "C1", "an intro to the CFO"); n != 1 {
		t.Errorf("the answer was posted %d times, want once", n)
	}
	if calls := h.fake.Calls("chat.postMessage"); calls != 3 {
		t.Errorf("%d chat.postMessage calls, want 2 refused and 1 accepted", calls)
	}
}

// A command slower than the ack deadline is answered through the
// response_url; when that fails too, the answer is posted instead.
func TestSlowCommandWhoseResponseURLFails(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.fake.InjectFault("conversations.info", slackfake.Fault{Times: 1, Delay: 2500 * time.Millisecond})
	h.fake.InjectFault("response_url", slackfake.Fault{Times: 1, Status: 500})
	seq := lastSeq(h.fake)
	if a := h.cmd("U1", "C1", "/champion ask a slow favor"); a.text != "" {
		t.Fatalf("a command past the deadline was answered in the ack: %q", a.text)
	}
	h.waitPost(seq, "C1")
	if n := countPosts(h.fake, "C1", "a slow favor"); n != 1 {
		t.Errorf("the slow answer reached the channel %d times, want once", n)
	}
	if n := h.rows()["asks"]; n != 1 {
		t.Errorf("%d asks recorded, want 1", n)
	}
}
