package main

import (
	"strings"
	"testing"
)

func TestRunWithoutTokensNamesEachMissingOne(t *testing.T) {
	clearConfigEnv(t)
	code, _, stderr := runForTest(t, "run")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"SLACK_BOT_TOKEN is not set", "SLACK_APP_TOKEN is not set", "manifest.yml", "longgame local"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
}

func TestRunRefusesSwappedTokensWithoutEchoingThem(t *testing.T) {
	clearConfigEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", testAppToken)
	t.Setenv("SLACK_APP_TOKEN", testBotToken)
	code, out, stderr := runForTest(t)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"SLACK_BOT_TOKEN holds an app-level token", "SLACK_APP_TOKEN holds a bot token"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr+out, testAppToken) || strings.Contains(stderr+out, testBotToken) {
		t.Errorf("a token was echoed:\n%s", stderr)
	}
}

func TestDealLifecycle(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme renewal value:$120,000 close:2026-12-15",
		"opened the deal Acme renewal", "$120,000", "Tue 15 Dec 2026", "@U1")
	h.private("U1", "C1", "/deal", "# Acme renewal", "Stage: open", "Value: $120,000", "Champion capital left: 10 of 10")
	h.private("U2", "C1", "/deal status", "# Acme renewal")
	h.inChannel("U2", "C1", `/deal set value:150k owner:<@U2|ben> name:"Acme renewal 2027"`,
		"value: $120,000 → $150,000", "owner: @U1 → @U2", "name: Acme renewal → Acme renewal 2027")
	h.inChannel("U1", "C2", "/deal open Globex value:€90k owner:<@U1|ana>", "Globex", "€90,000")
	h.private("U1", "C1", "/deal list", "open deals: 2", "Acme renewal 2027", "#C1", "Globex", "#C2")
	h.private("U1", "C1", "/deal list mine", "Your open deals: 1", "Globex")

	h.inChannel("U2", "C1", "/deal close won 2026-11-20", "closed Acme renewal 2027 as won on Fri 20 Nov 2026",
		"14-day check-in", "365-day check-in", "Fri 4 Dec 2026 09:00 EST")
	h.private("U1", "C1", "/deal list won", "won deals: 1", "Acme renewal 2027")
	h.private("U1", "C1", "/deal close lost", "already closed as won")
	h.inChannel("U2", "C1", "/deal reopen", "reopened the deal Acme renewal 2027", "5 pending reminders were cancelled")
	h.inChannel("U1", "C1", "/deal close lost yesterday chose the incumbent after the pilot",
		"as lost", "Reason: chose the incumbent after the pilot", "keep-in-touch check-in")
	h.private("U1", "C1", "/deal", "Lost: chose the incumbent after the pilot")
	h.private("U1", "C1", "/deal list all", "deals: 2")
}

func TestDealCommandsNeedADeal(t *testing.T) {
	h := newE2E(t)
	for _, line := range []string{"/deal", "/deal set value:10k", "/deal close won", "/deal reopen", "/champion ask intro", "/champion"} {
		h.private("U1", "C3", line, "This channel has no deal yet", "/deal open")
	}
}

func TestHelpAndUnknownSubcommands(t *testing.T) {
	h := newE2E(t)
	h.private("U1", "C1", "/deal help", "/deal open <name>", "/deal list [open|won|lost|all] [mine]")
	h.private("U1", "C1", "/champion HELP", "/champion ask <what>", "/champion history")
	h.private("U1", "C1", "/deal frobnicate now", "/deal frobnicate", "is not a /deal command", "/deal close won")
	h.private("U1", "C1", "/risk help", "/risk flag <what> [severity:low|medium|high|critical]", "/risk disclose <n> [note]")
	h.private("U1", "C1", "/checkin help", "/checkin snooze [<duration>]", "/checkin add <date|+dur> <note>")
}

func TestOneDealPerChannel(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	before := h.rows()
	h.private("U2", "C1", "/deal open Acme again", "already the home of the deal Acme", "one deal per channel")
	if after := h.rows(); after["deals"] != before["deals"] || after["audit"] != before["audit"] {
		t.Errorf("a rejected /deal open wrote: before %v, after %v", before, after)
	}
}
