package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

func TestChampionCapitalAcrossAsksAndGives(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", `/champion set Jane Doe title:"VP of IT" <@U9|jane>`,
		"named Jane Doe (VP of IT at Acme, @U9) the champion of Acme", "Champion capital left: 10 of 10")
	h.inChannel("U1", "C1", "/champion ask an intro to the CFO cost:high",
		"ask #1 of the champion: an intro to the CFO — cost 5 (high)", "Champion capital left: 5 of 10")
	h.inChannel("U2", "C1", "/champion ask push the security review",
		"ask #2", "cost 3 (medium)", "Champion capital left: 2 of 10", "Running low")
	h.inChannel("U1", "C1", "/champion ask a reference call with their peer cost:2",
		"ask #3", "Champion capital left: 0 of 10", "Running low")
	a := h.inChannel("U1", "C1", "/champion ask sign the order form early cost:low",
		"ask #4", "Champion capital left: -1 of 10", "Overdrawn by 1", "you might lose despite winning it — give back before you ask again")
	if strings.Contains(a.text, "Running low") {
		t.Errorf("an overdrawn answer also says running low:\n%s", a.text)
	}
	h.inChannel("U1", "C1", "/champion declined 4", "declined", "ask #4", "Champion capital left: 0 of 10")
	h.inChannel("U1", "C1", "/champion done #1", "recorded that the champion did ask #1", "Champion capital left: 0 of 10")
	h.inChannel("U1", "C1", "/champion give a training plan for their admins value:high",
		"give #1 for the champion: a training plan for their admins — value 5 (high)", "Champion capital left: 5 of 10")
	h.inChannel("U1", "C1", "/champion give a business case for the board value:5", "Champion capital left: 10 of 10")
	h.inChannel("U1", "C1", "/champion give an exec intro", "Champion capital left: 10 of 10")
	h.inChannel("U1", "C1", "/champion budget 12", "budget to 12", "Champion capital left: 12 of 12")

	h.private("U1", "C1", "/champion", "# Champion of Acme", "Jane Doe (VP of IT at Acme, @U9)", "12 of 12",
		"Last asks", "#4 sign the order form early (cost 1) — declined", "Last gives", "#3 an exec intro")
	ledger := h.private("U1", "C1", "/champion ledger", "# Ledger of Acme", "Budget 12",
		"ask #1 an intro to the CFO (cost 5) — done → 7", "give #1 a training plan for their admins (value 5)")
	if n := strings.Count(ledger.text, "→"); n != 7 {
		t.Errorf("ledger shows %d entries, want 7:\n%s", n, ledger.text)
	}
}

func TestChampionHistoryAcrossDeals(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe <@U9|jane>")
	h.inChannel("U1", "C1", "/champion ask an intro")
	h.inChannel("U2", "C2", "/deal open Globex")
	// The same person, named differently, at the same company: one
	// champion.
	h.inChannel("U2", "C2", "/champion set  jane   DOE  company:acme")
	h.inChannel("U2", "C2", "/champion give a reference call")
	h.inChannel("U2", "C3", "/deal open Initech")
	h.inChannel("U2", "C3", "/champion set John Roe")
	if a := h.private("U1", "C3", "/champion history Jane Doe", "1 deal", "Acme"); strings.Contains(a.text, "Globex") {
		t.Errorf("history shows a deal of a channel the caller is not in:\n%s", a.text)
	}
	if err := h.fake.AddMember("C2", "U1"); err != nil {
		t.Fatal(err)
	}
	h.event(h.fake.NewMemberJoinedChannel("C2", "U1", "U2"))

	for _, line := range []string{"/champion history Jane Doe", "/champion history <@U9|jane>", "/champion history JANE DOE"} {
		h.private("U1", "C3", line, "Jane Doe across the workspace: 2 deals", "Acme", "1 ask", "Globex", "1 give")
	}
	if a := h.private("U1", "C3", "/champion history Jane Doe"); strings.Contains(a.text, "Initech") {
		t.Errorf("history of Jane lists John's deal:\n%s", a.text)
	}
	h.private("U1", "C1", "/champion history Nobody Known", "No deal you can see has a champion called Nobody Known")
	h.private("U1", "C1", "/champion history", "Name the champion")
}

func TestChampionBadInputWritesNothing(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe")
	h.inChannel("U1", "C1", "/champion ask an intro")
	long := strings.Repeat("x", 2001)
	for _, tc := range []struct{ line, want string }{
		{"/champion ask an intro cost:extreme", "cost:extreme is not a level"},
		{"/champion ask an intro cost:9", "cost:9 is not a level"},
		{"/champion ask an intro cost:", "cost"},
		{"/champion ask an intro cost:1 cost:2", "cost"},
		{"/champion ask cost:high", "Say what it is"},
		{"/champion ask " + long, "2,000"},
		{"/champion give value:low", "Say what it is"},
		{"/champion give lunch value:lots", "value:lots is not a level"},
		{"/champion done", "Give the number of the ask"},
		{"/champion done seven", "Give the number of the ask"},
		{"/champion done 7", "This deal has no ask #7"},
		{"/champion declined 0", "Give the number of the ask"},
		{"/champion budget", "from 1 to 100"},
		{"/champion budget -4", "from 1 to 100"},
		{"/champion budget 1000", "from 1 to 100"},
		{"/champion set", "Name the champion"},
		{"/champion set Jane <@U9|jane> <@U2|ben>", "at most one person"},
		{"/champion set " + strings.Repeat("n", 201), "200"},
		{"/deal open", "needs a name"},
		{"/deal set", "Say what to change"},
		{"/deal set value:lots", "value"},
		{"/deal set close:2026-02-30", "close"},
		{"/deal set owner:@jane", "owner"},
		{"/deal set hello", "takes only options"},
		{"/deal close maybe", "won or lost"},
		{"/deal close won 2099-01-01", "in the future"},
		{"/deal close won 2026-13-01", "date"},
		{"/deal close won because", "takes only a date"},
		{"/deal list closed", "does not understand"},
		{"/deal reopen now", "takes nothing"},
	} {
		t.Run(tc.line[:min(len(tc.line), 40)], func(t *testing.T) {
			before := h.rows()
			a := h.private("U1", "C1", tc.line, tc.want)
			if !strings.Contains(a.text, "For example") && !strings.Contains(a.text, "try") {
				t.Errorf("%s: the error shows no example:\n%s", tc.line, a.text)
			}
			if after := h.rows(); !equalCounts(before, after) {
				t.Errorf("%s wrote: before %v, after %v", tc.line, before, after)
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestAskModal(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	if a := h.cmd("U1", "C1", "/champion ask"); a.text != "" {
		t.Errorf("/champion ask with no text answered %q, want only a modal", a.text)
	}
	modals := h.fake.Modals("U1")
	if len(modals) != 1 || modals[0].Title != "Ask of the champion" {
		t.Fatalf("modals open: %+v", modals)
	}
	before := h.rows()
	ack, err := h.fake.ViewSubmission(h.ctx(), slackfake.ViewSubmission{ViewID: modals[0].ID,
		Values: map[string]map[string]string{"what": {"what": "   "}, "cost": {"cost": "5"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ack.ResponseAction != "errors" || !strings.Contains(ack.Errors["what"], "Say what it is") {
		t.Errorf("empty ask: ack %+v, want errors on the what block", ack)
	}
	if after := h.rows(); !equalCounts(before, after) {
		t.Errorf("a rejected modal wrote: before %v, after %v", before, after)
	}
	seq := lastSeq(h.fake)
	ack, err = h.fake.ViewSubmission(h.ctx(), slackfake.ViewSubmission{ViewID: modals[0].ID,
		Values: map[string]map[string]string{"what": {"what": "an intro to the CFO"}, "cost": {"cost": "5"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ack.ResponseAction != "" {
		t.Errorf("valid ask: ack %+v, want the modal closed", ack)
	}
	r, err := h.fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindPostMessage && r.Channel == "C1"
	})
	if err != nil {
		t.Fatalf("the ask was not posted in the channel: %v\n%s", err, h.logs)
	}
	answer{text: render.Message(r.Text, r.Blocks)}.expect(t, "modal", "ask #1 of the champion: an intro to the CFO — cost 5 (high)", "Champion capital left: 5 of 10")
}

func lastSeq(fake *slackfake.Server) int {
	rs := fake.Replies()
	if len(rs) == 0 {
		return 0
	}
	return rs[len(rs)-1].Seq
}

func TestSharedChannelKeepsChampionPrivate(t *testing.T) {
	h := newE2E(t)
	h.fake.AddChannel(slackfake.Channel{ID: "C7", Name: "acme-shared", IsMember: true, IsShared: true, IsExtShared: true})
	for _, line := range []string{
		"/deal open Acme value:80k",
		"/champion set Jane Doe",
		"/champion ask an intro to the CFO cost:high",
		"/champion give a training plan",
		"/champion done 1",
		"/champion budget 8",
	} {
		h.private("U1", "C7", line, "Only you can see this", "people outside your team are in this channel")
	}
	if got := posted(h.fake, "C7"); len(got) > 0 {
		t.Errorf("Long Game posted in a shared channel: %q", got)
	}
	for _, m := range h.fake.Messages("C7") {
		if text := render.Message(m.Text, m.Blocks); strings.Contains(text, "capital") || strings.Contains(text, "CFO") {
			t.Errorf("the shared channel received: %s", text)
		}
	}
	// A channel that becomes shared stops getting champion answers in the
	// open as soon as Slack says so, whatever was cached.
	h.inChannel("U1", "C1", "/deal open Globex")
	h.inChannel("U1", "C1", "/champion ask a favor")
	h.event(h.fake.NewChannelShared("C1", "T2"))
	h.private("U1", "C1", "/champion ask another favor", "Only you can see this")
}

// Two workspaces of one Enterprise Grid org, served by one installation:
// their users are members, yet neither workspace sees the other's deals.
func TestWorkspacesCannotSeeEachOther(t *testing.T) {
	h := startBot(t, newWorkspaceWith(t, slackfake.Options{EnterpriseID: "E1", EnterpriseName: "Acme Group"}),
		filepath.Join(t.TempDir(), "longgame.db"))
	h.fake.AddTeam(slackfake.Team{ID: "T2", Name: "Other Co", Domain: "other", EnterpriseID: "E1"})
	h.fake.AddUser(slackfake.User{ID: "U5", TeamID: "T2", Name: "olga", TZ: "UTC"})
	h.fake.AddChannel(slackfake.Channel{ID: "C5", Name: "deal-x", IsMember: true})

	h.inChannel("U1", "C1", "/deal open Acme value:100k")
	h.inChannel("U1", "C1", "/champion set Jane Doe")
	h.inChannel("U1", "C1", "/champion ask an intro")

	h.private("U5", "C5", "/deal list all", "deals: 0")
	h.private("U5", "C5", "/champion history Jane Doe", "No deal you can see has a champion called Jane Doe")
	h.inChannel("U5", "C5", "/deal open Their deal")
	h.inChannel("U5", "C5", "/champion set Jane Doe")
	h.private("U5", "C5", "/champion history Jane Doe", "1 deal", "Their deal")
	if a := h.private("U1", "C1", "/deal list all", "deals: 1"); strings.Contains(a.text, "Their deal") {
		t.Errorf("workspace T1 sees T2's deal:\n%s", a.text)
	}
}

var _ = json.Marshal
