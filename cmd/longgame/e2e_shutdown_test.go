package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
)

// SIGTERM while a command is in flight: the command is recorded and its
// answer reaches the user before the process exits 0.
func TestShutdownFinishesCommandsInFlight(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	// Hold the command inside the bot: the post of its record waits on Slack.
	posts := h.fake.Calls("chat.postMessage")
	h.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Delay: time.Second})

	type result struct {
		ack *slackfake.Ack
		err error
	}
	got := make(chan result, 1)
	before := len(h.fake.Replies())
	go func() {
		ack, err := h.fake.SlashCommand(context.Background(), slackfake.SlashCommand{UserID: "U1", ChannelID: "C1", Command: "/champion", Text: "ask an intro to the CFO"})
		got <- result{ack, err}
	}()
	waitFor(t, "the command to reach chat.postMessage", func() bool { return h.fake.Calls("chat.postMessage") > posts })

	if code := h.shutdown(); code != exitOK {
		t.Fatalf("exit %d, want 0; log:\n%s", code, h.logs)
	}
	r := <-got
	if r.err != nil {
		t.Fatalf("the in-flight command was not acked: %v\n%s", r.err, h.logs)
	}
	answerTo(h.fake, before, "C1", r.ack).expect(t, "in-flight ask", "recorded ask #1")
	if n := h.rows()["asks"]; n != 1 {
		t.Errorf("%d asks in the database after shutdown, want 1", n)
	}
}

// waitFor polls cond until it holds, failing the test after a deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func TestRefusedAppTokenExitsWithTheFix(t *testing.T) {
	fake := newWorkspace(t)
	fake.InjectFault("apps.connections.open", slackfake.Fault{Error: "invalid_auth"})
	clearConfigEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", testBotToken)
	t.Setenv("SLACK_APP_TOKEN", testAppToken)
	t.Setenv("SLACK_API_URL", fake.APIURL())
	t.Setenv("LONGGAME_DB", t.TempDir()+"/lg.db")
	code, _, stderr := runForTest(t, "run")
	if code != exitError || !strings.Contains(stderr, "slack refused SLACK_APP_TOKEN (invalid_auth)") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 saying the app token was refused", code, stderr)
	}
	if strings.Contains(stderr, testAppToken) {
		t.Error("the app token was printed")
	}
}
