package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// localStart is where the emulated clock of a scripted session starts: a
// Wednesday afternoon, so that what a script's /time reaches — the day of
// the week, before or after 09:00 — is the same whenever the test runs.
var localStart = time.Date(2026, time.December, 2, 15, 0, 0, 0, time.UTC)

// runLocalScript pipes script into `longgame local` and returns what the
// terminal showed.
func runLocalScript(t *testing.T, dbPath, script string) string {
	t.Helper()
	clearConfigEnv(t)
	t.Setenv("LONGGAME_DB", dbPath)
	var out, errOut bytes.Buffer
	began := time.Now()
	inv := invocation{stdin: strings.NewReader(script), stdout: &out, stderr: &errOut,
		now: func() time.Time { return localStart.Add(time.Since(began)) }}
	code := runLocal(context.Background(), inv)
	if code != exitOK {
		t.Fatalf("longgame local exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	return out.String()
}

// expectInOrder fails unless each of want appears in text after the one
// before it.
func expectInOrder(t *testing.T, text string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(text[at:], w)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, in the transcript:\n%s", w, text)
		}
		at += i + len(w)
	}
}

func TestLocalSessionPlaysTheLongGame(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "local.db")
	out := runLocalScript(t, dbPath, strings.Join([]string{
		"/deal open Acme value:120k",
		`/champion set Jane Doe title:"VP of IT"`,
		"/champion ask an intro to the CFO cost:high",
		"/champion ask",
		"push the security review",
		"2",
		"/risk flag SSO untested severity:high area:security test",
		":shared on",
		"/champion give a training plan",
		":shared off",
		"/deal close won",
		"/time +15d",
		":click 1",
		":home",
		":user ben",
		"/deal",
		":bogus",
		":quit",
		"/never reached",
	}, "\n")+"\n")

	expectInOrder(t, out,
		"Data goes to "+dbPath,
		"you@#deal-demo> /deal open Acme value:120k", "Long Game (in #deal-demo):", "opened the deal *Acme*", "$120,000",
		"you@#deal-demo> /champion set", "named Jane Doe (VP of IT at Acme) the champion",
		"ask #1 of the champion: an intro to the CFO — cost 5 (high)", "Champion capital left: *5 of 10*",
		"Long Game opened a form: Ask of the champion", "What are you asking of the champion?: push the security review",
		"Cost [1 — low, 2, 3 — medium, 4, 5 — high]", "ask #2 of the champion: push the security review — cost 2", "*3 of 10*",
		"flagged risk #1: SSO untested",
		"#deal-demo is now shared", "Long Game (only visible to you):", "🔒 Only you can see this", "give #1",
		"#deal-demo is no longer shared",
		"closed *Acme* as *won*", "14-day check-in",
		"/time +15d", "the emulated clock moves",
		"Long Game (in #deal-demo):", "14-day check-in", "Jane Doe", "SSO untested", "[1: Done] [2: Snooze 1 week] [3: Skip]",
		":click 1", "(you pressed Done)", "updated its message in #deal-demo", "✅ Done by @you",
		"App Home of Long Game:", "# Play the long game",
		"ben@#deal-demo> /deal", "# Acme", "*Stage*: won",
		"! :bogus is not one of the emulator's commands",
	)
	if strings.Contains(out, "/never reached") {
		t.Error("input after :quit was read")
	}

	// The data stays in the file: a second session sees the deal.
	again := runLocalScript(t, dbPath, "/champion ledger\n")
	expectInOrder(t, again, "# Ledger of Acme", "an intro to the CFO", "push the security review", "a training plan")
}

func TestLocalEndsAtEndOfInput(t *testing.T) {
	out := runLocalScript(t, filepath.Join(t.TempDir(), "local.db"), ":help\n")
	expectInOrder(t, out, ":channel NAME", ":click N", "/time +30d", ":quit")
}

// The relationship outlives the deal, in the emulator: the champion of a
// won deal changes jobs; a month later the reminder's button opens a deal
// at their new company, in a channel picked by name.
func TestLocalChampionMovesAndADealFollows(t *testing.T) {
	out := runLocalScript(t, filepath.Join(t.TempDir(), "local.db"), strings.Join([]string{
		"/deal open Acme",
		"/champion set Jane Doe title:CIO",
		"/deal close won",
		"/champion moved Hooli title:CTO",
		"/time +33d",
		"/time +1d",
		":click 1",
		"deal-hooli",
		"",
		"50k",
		":channel deal-hooli",
		"/champion people",
	}, "\n")+"\n")
	expectInOrder(t, out,
		"recorded that Jane Doe moved from Acme to *Hooli* as CTO",
		"Keep in touch: a reminder to congratulate them",
		"/time +33d", "30-day check-in", "1 earlier check-in was missed",
		"/time +1d", "Jane Doe* moved to *CTO at Hooli*", "[1: Open a deal at Hooli]",
		"(you pressed Open a deal at Hooli)", "Long Game opened a form: Open a deal",
		"Channel (the deal's home; only your team in it) [a channel name, e.g. deal-hooli]: deal-hooli",
		"Deal name [Hooli]:", "Value: 50k",
		"opened the deal *Hooli*", "$50,000", "Champion: Jane Doe (CTO at Hooli)",
		"Champions of the deals you can see: 1", "Jane Doe (CTO at Hooli) — 2 deals",
	)
}
