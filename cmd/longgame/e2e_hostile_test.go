package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/longgame/longgame/bot/slackfake"
)

// hostileFragments are texts users, clients and attackers really send.
var hostileFragments = []string{
	"", "   ", "\t\n\r", strings.Repeat("a", 10000), strings.Repeat("é", 2001), "\x00\x01\x02 nul", "\xff\xfe invalid utf8",
	"\u202eevil rtl", "zero\u200bwidth\u200dspace", "emoji 🎉🔥👩‍👩‍👧", `nested "quotes "inside" here"`, `unbalanced "quote`,
	"“typographic” quotes", "<@", "<@U123", "<@U123|", "<#C1|", "<#C1|>", "<https://evil.example|click me>", "<!channel> <!here>",
	"&lt;script&gt;alert(1)&lt;/script&gt;", "'; DROP TABLE deals; --", "Robert'); DELETE FROM asks;--",
	"cost:", "value:", "severity:", "area:", "test:", "close:", "owner:", "name:", "title:",
	"cost:1 cost:2", "value:low value:high", "severity:low severity:high", "owner:<@U1|a> owner:<@U2|b>",
	"99999999999999999999", "-5", "0", "#0", "#-1", "#99999999999", "1e9", "NaN", "cost:-3", "value:-1", "cost:6",
	"2026-02-30", "99999-01-01", "close:99999-01-01", "close:2026-02-30", "value:1e400", "value:$-5", "value:€",
	"severity:CRITICAL area:Legal", "test test test", "x area:training test:\"a \\\"b\\\" c\"",
	"%s %d %n", "../../etc/passwd", "C:\\Windows", "\\u0000", "@here", "@jane", "key:value:more",
	"cst:high", "sev:high", "company:", "status:maybe", "#1", "give 99999999", "test:none",
	"favored:", "favored:none", "favord:Teams", "to", "to to", "Jane Doe to", "to Hooli", "Hooli 2099-01-01",
	"Jane Doe to Hooli title:", "mine mine", "mine everyone",
}

// hostilePrefixes are every subcommand that takes input.
var hostilePrefixes = []string{
	"/deal open", "/deal set", "/deal close won", "/deal close lost", "/deal list", "/deal",
	"/champion set", "/champion ask", "/champion give", "/champion done", "/champion declined",
	"/champion budget", "/champion history", "/champion ledger",
	"/champion edit", "/champion edit 1", "/champion edit give 1", "/champion delete", "/champion delete give",
	"/risk flag", "/risk resolve", "/risk reopen", "/risk disclose", "/risk list", "/risk",
	"/risk edit", "/risk edit 1", "/risk delete",
	"/checkin add", "/checkin snooze", "/checkin done", "/checkin",
	"/champion moved", "/champion touch", "/champion people",
}

// Every hostile text through every subcommand gets an answer: a record, or
// a specific refusal that wrote nothing. Nothing panics, nothing fails
// inside the bot.
func TestHostileInput(t *testing.T) {
	h := newE2E(t)
	for i, prefix := range hostilePrefixes {
		channel := fmt.Sprintf("CH%03d", i)
		h.fake.AddChannel(slackfake.Channel{ID: channel, Name: fmt.Sprintf("deal-%d", i), IsMember: true})
		h.inChannel("U1", channel, "/deal open Hostile "+channel)
		h.inChannel("U1", channel, "/champion set Jane Doe")
		h.inChannel("U1", channel, "/champion ask an intro")
		h.inChannel("U1", channel, "/risk flag something")
		h.inChannel("U1", channel, "/checkin add +3d call Jane")
		for _, frag := range hostileFragments {
			line := prefix + " " + frag
			before := h.rows()
			a := h.cmd("U1", channel, line)
			after := h.rows()
			short := fmt.Sprintf("%.60q", line)
			opensForm := prefix == "/champion ask" && strings.TrimSpace(frag) == ""
			switch {
			case opensForm:
				if a.text != "" || len(h.fake.Modals("U1")) == 0 {
					t.Errorf("%s: want the ask form, got %.80q", short, a.text)
				}
			case a.text == "":
				t.Errorf("%s: no answer", short)
			case strings.Contains(a.text, "could not finish this command"):
				t.Errorf("%s: failed inside the bot:\n%s", short, a.text)
			case a.ephemeral && !equalCounts(before, after):
				t.Errorf("%s: refused (%.80q) yet wrote: %v → %v", short, a.text, before, after)
			case !a.ephemeral && after["audit"] <= before["audit"]:
				t.Errorf("%s: answered in the channel without recording anything: %.120q", short, a.text)
			}
		}
	}
	if strings.Contains(h.logs.String(), "panicked") {
		t.Errorf("a handler panicked:\n%s", h.logs)
	}
}
