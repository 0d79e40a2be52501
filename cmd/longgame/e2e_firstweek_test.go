package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

// A seller's first week, as a new user types it: mistakes are fixed, typos
// refused, and the record stays honest.

// noPost runs a command that must answer its user alone and post nothing.
func (h *e2e) noPost(user, channel, line string, want ...string) answer {
	h.t.Helper()
	posts, before := len(posted(h.fake, channel)), h.rows()
	a := h.private(user, channel, line, want...)
	if n := len(posted(h.fake, channel)); n != posts {
		h.t.Errorf("%s: posted %d messages in %s, want none", line, n-posts, channel)
	}
	if diff := rowsDiff(before, h.rows()); diff != "" {
		h.t.Errorf("%s: wrote %s, want nothing", line, diff)
	}
	return a
}

func TestAMistypedAskIsRefusedAndMistakesAreFixed(t *testing.T) {
	h := newE2E(t)
	addStrangers(h)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe")
	h.inChannel("U1", "C1", "/champion ask an intro cost:medium", "ask #1", "7 of 10")

	// "/champion ask edit 1 …" is a command typed after ask, not an ask.
	h.noPost("U1", "C1", "/champion ask edit 1 cost:high", "would record a new ask", "/champion edit 1 cost:high")
	h.noPost("U1", "C1", "/champion ask delete #1", "/champion delete #1")
	h.noPost("U1", "C1", "/champion ask intro cst:high", "`cst:` is not an option", "did you mean `cost:`?")
	h.inChannel("U1", "C1", "/champion ask the exec sponsor's time", "ask #2", "4 of 10")

	h.inChannel("U1", "C1", "/champion edit 1 an intro to the CFO cost:high",
		"corrected ask #1: an intro to the CFO — cost 5 (high)", "earlier version stays in the audit", "2 of 10")
	h.inChannel("U1", "C1", "/champion delete 2", "withdrew ask #2 (the exec sponsor's time)", "no longer counts", "5 of 10")
	h.noPost("U1", "C1", "/champion delete 2", "Ask #2 was already withdrawn")
	h.noPost("U1", "C1", "/champion edit 2 cost:low", "Ask #2 was withdrawn")
	h.noPost("U1", "C1", "/champion edit 1 cost:high", "already says: nothing changed")
	h.noPost("U1", "C1", "/champion edit 1", "Say what to change on ask #1")
	h.noPost("U1", "C1", "/champion edit 9 cost:low", "This deal has no ask #9")
	h.noPost("U1", "C1", "/champion edit 1 status:maybe", "status:maybe is not an ask's status")
	h.inChannel("U1", "C1", "/champion ask a reference call", "ask #3") // numbers are never reused

	h.noPost("U1", "C1", "/champion edit give 1 value:high", "This deal has no give #1")
	h.inChannel("U1", "C1", "/champion give a training plan value:low", "give #1")
	h.inChannel("U1", "C1", "/champion edit give 1 value:high", "corrected give #1: a training plan — value 5 (high)")
	h.inChannel("U1", "C1", "/champion delete give 1", "withdrew give #1")

	ledger := h.private("U1", "C1", "/champion ledger", "withdrawn by @U1", "#1 an intro to the CFO (cost 5)")
	if n := strings.Count(ledger.text, "withdrawn by"); n != 2 {
		t.Errorf("the ledger marks %d entries withdrawn, want 2:\n%s", n, ledger.text)
	}
	if n := h.count("audit WHERE action IN ('ask.edit', 'ask.withdraw', 'give.edit', 'give.withdraw')"); n != 4 {
		t.Errorf("%d edits and withdrawals audited, want 4", n)
	}
	// Guests and the customer's users change nothing.
	before := h.rows()
	for _, user := range []string{"UG", "UX"} {
		for _, line := range []string{"/champion edit 1 cost:low", "/champion delete 1", "/champion delete give 1"} {
			strangerSaw(t, user+" "+line, h.cmd(user, "C1", line).text)
		}
	}
	if diff := rowsDiff(before, h.rows()); diff != "" {
		t.Errorf("strangers' edits wrote: %s", diff)
	}
}

func TestTyposInOptionsWriteNothing(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	for _, tc := range []struct{ line, want string }{
		{"/champion ask intro cst:high", "did you mean `cost:`?"},
		{"/risk flag SSO sev:high", "did you mean `severity:`?"},
		{"/risk flag SSO cost:high", "`cost:`"},
		{"/champion give lunch vaule:high", "did you mean `value:`?"},
		{"/risk edit 1 sevrity:low", "did you mean `severity:`?"},
		{"/champion edit 1 stauts:done", "did you mean `status:`?"},
		{"/risk flag approval test:run their 3-step approval in sandbox", "quotes"},
	} {
		h.noPost("U1", "C1", tc.line, tc.want)
	}
	// Other word:value text stays text.
	h.inChannel("U1", "C1", "/risk flag re: pricing, call at time:10am", "re: pricing, call at time:10am")
	h.inChannel("U1", "C2", "/deal open Pied Piper value:120k EUR", "Pied Piper", "€120,000")
	if a := h.private("U1", "C2", "/deal"); strings.Contains(a.text, "Pied Piper EUR") {
		t.Errorf("the currency went into the name:\n%s", a.text)
	}
	h.inChannel("U1", "C1", `/risk flag approval test:"run their 3-step approval in sandbox"`,
		"needs more testing: run their 3-step approval in sandbox")
}

func TestRepeatingIsHarmless(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion ask an intro")
	h.inChannel("U1", "C1", "/champion done 1", "did ask #1")
	h.noPost("U1", "C1", "/champion done 1", "Ask #1 is already marked done")
	h.noPost("U1", "C1", "/champion declined 1", "already marked done", "/champion edit 1 status:declined")
	h.inChannel("U1", "C1", "/champion edit 1 status:declined", "corrected ask #1", "declined by the champion", "10 of 10")

	h.inChannel("U1", "C1", "/risk flag SSO untested")
	h.inChannel("U1", "C1", "/risk disclose 1 told Jane", "disclosed risk #1")
	h.noPost("U1", "C1", "/risk disclose 1 told her again", "Risk #1 was already disclosed")
	h.inChannel("U1", "C1", "/risk resolve 1 fixed", "resolved risk #1")
	h.noPost("U1", "C1", "/risk resolve 1", "Risk #1 is already resolved")
	h.inChannel("U1", "C1", "/risk edit 1 severity:critical area:security", "corrected risk #1", "critical, security")
	h.inChannel("U1", "C1", "/risk flag a typo", "risk #2")
	h.inChannel("U1", "C1", "/risk delete 2", "withdrew risk #2")
	h.noPost("U1", "C1", "/risk delete 2", "Risk #2 was already withdrawn")
	h.noPost("U1", "C1", "/risk resolve 2", "Risk #2 was withdrawn")
	if a := h.private("U1", "C1", "/risk list all", "withdrawn by @U1"); !strings.Contains(a.text, "#1") {
		t.Errorf("risk list all:\n%s", a.text)
	}
	if a := h.private("U1", "C1", "/risk"); strings.Contains(a.text, "a typo") {
		t.Errorf("the summary shows a withdrawn risk:\n%s", a.text)
	}
}

func TestANewChampionIsANewPerson(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Gavin Belson title:CEO")
	h.inChannel("U1", "C1", "/champion ask push legal cost:high", "5 of 10")
	h.inChannel("U1", "C1", "/champion set Richard Hendricks",
		"replacing Gavin Belson", "Gavin Belson's asks and gives stay theirs", "10 of 10")
	h.private("U1", "C1", "/champion ledger", "an earlier champion's")
	h.private("U1", "C1", "/champion history Gavin Belson", "1 ask", "champion before another was named")

	// Jane Doe at two customers: two people; a title on one retitles
	// nobody else.
	h.inChannel("U1", "C2", "/deal open Globex")
	h.inChannel("U1", "C2", "/champion set Jane Doe title:CIO", "Jane Doe (CIO at Globex)")
	h.inChannel("U1", "C3", "/deal open Initech")
	h.inChannel("U1", "C3", `/champion set Jane Doe title:"VP of IT"`, "Jane Doe (VP of IT at Initech)",
		"1 champion is also called Jane Doe at another company")
	h.private("U1", "C2", "/champion", "Jane Doe (CIO at Globex)")
	h.private("U1", "C1", "/champion history Jane Doe", "2 champions are called Jane Doe", "Globex", "Initech")
	h.private("U1", "C1", "/champion history Jane Doe company:initech", "Jane Doe across the workspace: 1 deal", "Initech")
	// The same person on a second deal of the same customer: company:.
	h.inChannel("U1", "C1", "/champion set Jane Doe company:Globex", "Jane Doe (CIO at Globex)", "replacing Richard Hendricks")
	h.private("U1", "C1", "/champion history Jane Doe company:Globex", "2 deals", "Acme", "Globex")
	if n := h.count("champions"); n != 4 {
		t.Errorf("%d champions, want Gavin, Richard and two Jane Does", n)
	}
}

// A guest or an outsider never learns who else is called like a champion
// they ask about.
func TestChampionNamesakesStayPrivate(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe")
	h.inChannel("U2", "C2", "/deal open Globex")
	h.inChannel("U2", "C2", "/champion set Jane Doe")
	// U1 is not in C2: Globex's Jane Doe is none of theirs.
	if err := h.fake.RemoveMember("C2", "U1"); err != nil {
		t.Fatal(err)
	}
	if a := h.private("U1", "C1", "/champion history Jane Doe", "Jane Doe across the workspace: 1 deal"); strings.Contains(a.text, "Globex") {
		t.Errorf("U1 learnt of Globex's Jane Doe:\n%s", a.text)
	}
	h.inChannel("U1", "C3", "/deal open Initech")
	// Only Acme's Jane Doe is U1's to know of.
	h.inChannel("U1", "C3", "/champion set Jane Doe", "1 champion is also called Jane Doe")
}

// Done on a reminder that covered missed check-ins marks those missed:
// /checkin, the App Home and the nudge agree.
func TestCoveredCheckinsAreMissedNotDone(t *testing.T) {
	fake, dbPath := newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db")
	h := startBot(t, fake, dbPath, reminderEnv...)
	h.inChannel("U1", "C1", "/deal open Acme")
	seq := lastSeq(h.fake)
	h.inChannel("U1", "C1", "/deal close won "+daysAgo("U1", 100), "14-day", "90-day")
	r := h.waitReminder(seq, "C1")
	answer{text: render.Message(r.Text, r.Blocks)}.expect(t, "reminder", "90-day", "2 earlier check-ins were missed")

	h.private("U1", "C1", "/checkin", "#1", "14-day check-in — missed — a later reminder covers it", "#3",
		"90-day check-in — :alarm_clock: overdue")
	// The Home lists the covering check-in, not the covered ones on their own.
	h.openHome("U1", func(text string) bool {
		return !strings.Contains(text, "14-day") && !strings.Contains(text, "30-day") && strings.Contains(text, "90-day")
	})
	// The nudge, once the reminder is out, agrees.
	h.shutdown()
	env := append(append([]string(nil), reminderEnv...), "LONGGAME_DIGEST_SCHEDULE", "@every 1s")
	h = startBot(t, fake, dbPath, env...)
	n := h.waitNudge(lastSeq(fake), "U1")
	if nudge := render.Message(n.Text, n.Blocks); strings.Contains(nudge, "14-day") || !strings.Contains(nudge, "90-day") {
		t.Errorf("the nudge lists covered check-ins:\n%s", nudge)
	}
	h.noPost("U1", "C1", "/checkin done #1", "Check-in #1 was missed")
	h.inChannel("U1", "C1", "/checkin done talked to Jane", "did the 90-day check-in",
		"The 2 earlier check-ins it covered are recorded as missed")
	h.private("U1", "C1", "/checkin", "14-day check-in — missed", "30-day check-in — missed", "90-day check-in — :white_check_mark: done")
	if n := h.count("checkins WHERE status = 'done'"); n != 1 {
		t.Errorf("%d check-ins done, want the one that happened", n)
	}
}

func TestCheckinDoneNeverTakesAFutureOne(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/checkin add +3d ask about the admins")
	h.noPost("U1", "C1", "/checkin done", "No check-in is due yet", "/checkin done #1")
	h.inChannel("U1", "C1", "/checkin done #1 they called early", "did the check-in")
	h.noPost("U1", "C1", "/checkin done #1", "Check-in #1 is already done")
	h.noPost("U1", "C1", "/checkin done #7", "This deal has no check-in #7")
}

func TestResolvedRiskCoversItsAreaAndWonDealsStayAtRisk(t *testing.T) {
	env := append(append([]string(nil), reminderEnv...), "LONGGAME_DIGEST_SCHEDULE", "@every 1s")
	h := startBot(t, newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db"), env...)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/risk flag admins untrained area:training severity:critical")
	h.inChannel("U1", "C1", "/risk flag rollout slips area:process severity:critical")
	h.inChannel("U1", "C1", "/risk resolve 1 trained")
	h.private("U1", "C1", "/risk", "Training: covered by #1 resolved")

	h.inChannel("U1", "C1", "/deal close won")
	// The Home keeps a won deal with a critical risk open.
	h.openHome("U1", func(text string) bool {
		return strings.Contains(text, "Post-sale, still at risk: 1") && strings.Contains(text, "Acme")
	})
	// An open deal past its expected close is in the nudge: U2's first,
	// which may go out before the /deal below is answered.
	seq := lastSeq(h.fake)
	h.inChannel("U2", "C2", "/deal open Globex close:"+daysAgo("U2", 4))
	h.private("U2", "C2", "/deal", "expected close passed 4 days ago")
	nudge := h.waitNudge(seq, "U2")
	answer{text: render.Message(nudge.Text, nudge.Blocks)}.expect(t, "nudge", "Past their expected close", "Globex",
		"expected close passed 4 days ago")
}

// A date a user types or reads is their own, whatever the server's zone:
// a seller in Samoa closing a deal in the evening closes it that evening's
// date, not UTC's. One user far ahead of UTC and one far behind make the
// test bite at any hour.
func TestDatesAreTheCallersOwn(t *testing.T) {
	h := newE2E(t)
	for i, tz := range []string{"Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		user, channel := fmt.Sprintf("UZ%d", i), fmt.Sprintf("CZ%d", i)
		h.fake.AddUser(slackfake.User{ID: user, Name: "seller" + strconv.Itoa(i), TZ: tz})
		h.fake.AddChannel(slackfake.Channel{ID: channel, Name: "deal-zone-" + strconv.Itoa(i), IsMember: true})
		zone, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		today := time.Now().In(zone)
		h.inChannel(user, channel, "/deal open Zone close:"+today.AddDate(0, 0, -2).Format(time.DateOnly))
		h.private(user, channel, "/deal", "expected close passed 2 days ago")
		h.inChannel(user, channel, "/deal close won", "as won on "+today.Format("Mon 2 Jan 2006"))
	}
}
