package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

// Champions across deals, as a seller lives them: the champion changes
// jobs, their goodwill is one account across deals, an alternative is
// favored, and the relationship outlives the deal.

// A champion moves: the open deal is warned it has no defender, and the
// won deal's owner, 30 days after the move, is reminded to congratulate
// them, with a button that opens a prefilled /deal open form.
func TestJobChangeWarnsAndOpensADealAtTheNewCompany(t *testing.T) {
	fake, dbPath := newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db")
	h := startBot(t, fake, dbPath, reminderEnv...)
	addStrangers(h)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe title:CIO")
	h.inChannel("U1", "C1", "/deal close won "+daysAgo("U1", 3))
	h.inChannel("U1", "C2", "/deal open Acme phase 2")
	h.inChannel("U1", "C2", "/champion set Jane Doe company:Acme", "Jane Doe")

	// Bad moves write nothing.
	h.noPost("U1", "C2", "/champion moved", "Say which company they moved to")
	h.noPost("U1", "C2", "/champion moved Hooli 2099-01-01", "is in the future")
	h.noPost("U1", "C2", "/champion moved Acme", "already")
	h.noPost("U1", "C3", "/champion moved Nobody Known to Hooli", "No deal you can see has a champion called Nobody Known")
	h.noPost("U1", "C3", "/champion moved Hooli", "Outside a deal channel, say who moved")

	seq := lastSeq(fake)
	h.inChannel("U1", "C2", "/champion moved Hooli title:CTO "+daysAgo("U1", 35),
		"moved from Acme to Hooli as CTO", "Your champion left", "Acme phase 2", "no defender inside Acme")
	h.private("U1", "C2", "/deal", "Your champion left", "no defender inside Acme")
	h.private("U1", "C2", "/risk summary", "Your champion left")
	// The owner's App Home shows the move.
	h.event(fake.NewAppHomeOpened("U1"), nil)
	waitFor(t, "the Home to show the move", func() bool {
		home, ok := fake.Home("U1")
		return ok && strings.Contains(render.Message("", home.Blocks), "Changed jobs lately")
	})
	home, _ := fake.Home("U1")
	answer{text: render.Message("", home.Blocks)}.expect(t, "Home", "Jane Doe (CTO at Hooli) — moved from Acme")

	// 35 days ago + 30: the keep-in-touch reminder is due, in the won
	// deal's channel.
	r := h.waitReminder(seq, "C1")
	text := render.Message(r.Text, r.Blocks)
	answer{text: text}.expect(t, "job-change reminder", "@U1", "Jane Doe", "CTO at Hooli", "Congratulate them",
		"[1: Open a deal at Hooli]", "[2: Done]")
	_, buttons := render.Blocks(r.Blocks)

	// A guest and a customer's user clicking it get the one line.
	for _, u := range []string{"UG", "UX"} {
		if _, err := fake.BlockAction(h.ctx(), slackfake.BlockAction{UserID: u, ChannelID: "C1", MessageTS: r.TS,
			ActionID: buttons[0].ActionID, BlockID: buttons[0].BlockID}); err != nil {
			t.Fatal(err)
		}
		strangerSaw(t, u+" clicking Open a deal", h.waitEphemeral(u, "members of this workspace only"))
		if n := len(fake.Modals(u)); n != 0 {
			t.Errorf("%s opened the deal form", u)
		}
	}
	seq = lastSeq(fake)
	if _, err := fake.BlockAction(h.ctx(), slackfake.BlockAction{UserID: "U1", ChannelID: "C1", MessageTS: r.TS,
		ActionID: buttons[0].ActionID, BlockID: buttons[0].BlockID}); err != nil {
		t.Fatal(err)
	}
	if _, err := fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool { return r.Kind == slackfake.KindViewOpen }); err != nil {
		t.Fatalf("no form opened: %v\nlog:\n%s", err, h.logs)
	}
	modals := fake.Modals("U1")
	if len(modals) != 1 || modals[0].Title != "Open a deal" || !strings.Contains(string(modals[0].Blocks), `"initial_value":"Hooli"`) ||
		!strings.Contains(string(modals[0].Blocks), "Jane Doe") {
		t.Fatalf("the form: %+v\nlog:\n%s", modals, h.logs)
	}
	form := modals[0]
	before := h.rows()
	// A channel U1 is not in is refused; nothing is written.
	fake.AddChannel(slackfake.Channel{ID: "C5", Name: "hooli", IsMember: true})
	if err := fake.RemoveMember("C5", "U1"); err != nil {
		t.Fatal(err)
	}
	ack, err := fake.ViewSubmission(h.ctx(), slackfake.ViewSubmission{ViewID: form.ID,
		Values: map[string]map[string]string{"channel": {"channel": "C5"}, "name": {"name": "Hooli"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ack.ResponseAction != "errors" || !strings.Contains(ack.Errors["channel"], "not in that channel") {
		t.Errorf("a channel of others: ack %+v", ack)
	}
	// Forged metadata naming another workspace's reminder is refused.
	forged, _ := json.Marshal(map[string]any{"team": "T2", "checkin": 1})
	ack, err = fake.ViewSubmission(h.ctx(), slackfake.ViewSubmission{ViewID: form.ID, ForgedMetadata: string(forged),
		Values: map[string]map[string]string{"channel": {"channel": "C3"}, "name": {"name": "Hooli"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ack.ResponseAction != "errors" {
		t.Errorf("forged metadata: ack %+v, want errors", ack)
	}
	// A guest and a customer's user submitting it are refused.
	for _, u := range []string{"UG", "UX"} {
		ack, err := fake.ViewSubmission(h.ctx(), slackfake.ViewSubmission{UserID: u, ViewID: form.ID,
			Values: map[string]map[string]string{"channel": {"channel": "C3"}, "name": {"name": "Hooli"}}})
		if err != nil {
			t.Fatal(err)
		}
		if ack.ResponseAction != "errors" || !strings.Contains(ack.Errors["channel"], "members of this workspace only") {
			t.Errorf("%s submitting the deal form: ack %+v", u, ack)
		}
	}
	if diff := rowsDiff(before, h.rows()); diff != "" {
		t.Errorf("refused forms wrote: %s", diff)
	}
	seq = lastSeq(fake)
	ack, err = fake.ViewSubmission(h.ctx(), slackfake.ViewSubmission{ViewID: form.ID,
		Values: map[string]map[string]string{"channel": {"channel": "C3"}, "name": {"name": "Hooli"}, "value": {"value": "50k EUR"}}})
	if err != nil || ack.ResponseAction == "errors" {
		t.Fatalf("the form: %+v, %v", ack, err)
	}
	opened, err := fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool { return r.Channel == "C3" })
	if err != nil {
		t.Fatal(err)
	}
	answer{text: render.Message(opened.Text, opened.Blocks)}.expect(t, "deal opened from the form", "opened the deal Hooli",
		"€50,000", "Jane Doe", "CTO at Hooli")
	h.private("U1", "C3", "/champion history Jane Doe", "Acme", "Acme phase 2", "Hooli")
}

// Goodwill is one account across deals; a favored alternative costs every
// new ask 2 more; a touch is a contact; /champion people lists whom the
// caller may see.
func TestGoodwillFavoredAndPeople(t *testing.T) {
	h := newE2E(t)
	addStrangers(h)
	// Ben owns nothing and is in no deal channel.
	for _, c := range []string{"C1", "C2", "C3"} {
		if err := h.fake.RemoveMember(c, "U2"); err != nil {
			t.Fatal(err)
		}
	}
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe")
	h.inChannel("U1", "C1", "/champion ask an intro to the CFO cost:high")
	h.inChannel("U1", "C1", "/champion ask push the PO cost:high")
	h.inChannel("U1", "C2", "/deal open Acme phase 2")
	h.inChannel("U1", "C2", "/champion set Jane Doe company:Acme")
	h.inChannel("U1", "C2", "/champion ask a reference call cost:medium",
		"Jane Doe across 2 deals in 12 months: asked 13, given 0", "overdrawn across deals")
	h.private("U1", "C2", "/deal", "Jane Doe across 2 deals in 12 months")

	h.noPost("U1", "C2", "/deal set favored:", "needs a value")
	h.noPost("U1", "C2", "/deal set favord:Teams", "did you mean `favored:`?")
	h.inChannel("U1", "C2", `/deal set favored:"Microsoft Teams"`, "favored alternative: Microsoft Teams", "costs 2 more")
	h.inChannel("U1", "C2", "/champion ask a second reference cost:low", "cost 1 (low). +2: Microsoft Teams is favored.",
		"4 of 10")
	summary := h.private("U1", "C2", "/risk summary", "Microsoft Teams is favored")
	if strings.Index(summary.text, "Microsoft Teams is favored") > strings.Index(summary.text, "across 2 deals") {
		t.Errorf("the favored alternative is not first among the risks to the champion:\n%s", summary.text)
	}
	h.inChannel("U1", "C2", "/deal set favored:none", "→ none")
	h.inChannel("U1", "C2", "/champion ask one more cost:low", "cost 1 (low).", "3 of 10")

	h.noPost("U1", "C3", "/champion touch lunch", "This channel has no deal yet")
	h.inChannel("U1", "C3", "/deal open Initech")
	h.noPost("U1", "C3", "/champion touch lunch", "names no champion yet")
	h.inChannel("U1", "C1", "/champion touch coffee at the user group", "recorded a contact with Jane Doe", "coffee at the user group")

	people := h.private("U1", "C1", "/champion people", "Champions of the deals you can see: 1", "Jane Doe", "2 deals", "net -17")
	if strings.Contains(people.text, "last contact never") {
		t.Errorf("the touch is not Jane's last contact:\n%s", people.text)
	}
	h.noPost("U1", "C1", "/champion people everyone", "takes only `mine`")
	// Ben sees nobody, from a channel of his.
	h.fake.AddChannel(slackfake.Channel{ID: "C8", Name: "random", IsMember: true})
	if a := h.private("U2", "C8", "/champion people", "Champions of the deals you can see: 0"); strings.Contains(a.text, "Jane") {
		t.Errorf("Ben, in no deal channel, saw Jane:\n%s", a.text)
	}
	before := h.rows()
	for _, who := range []struct{ user, channel string }{{"UG", "C1"}, {"UX", "C1"}} {
		for _, line := range []string{"/champion people", "/champion people mine", "/champion touch hi",
			"/champion moved Hooli", "/champion moved Jane Doe to Hooli", `/deal set favored:Teams`} {
			a := h.cmd(who.user, who.channel, line)
			strangerSaw(t, fmt.Sprintf("%s in %s, %s", who.user, who.channel, line), a.text)
		}
	}
	if diff := rowsDiff(before, h.rows()); diff != "" {
		t.Errorf("strangers wrote: %s", diff)
	}
}

// The weekly nudge lists the champions of closed deals nobody talked to
// for LONGGAME_KEEP_IN_TOUCH.
func TestNudgeListsChampionsNobodyTalkedTo(t *testing.T) {
	// The deals are set up before the nudge runs: a nudge sent before the
	// clock is turned back would be the slot's one nudge.
	fake, dbPath := newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db")
	h := startBot(t, fake, dbPath, reminderEnv...)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe title:CIO")
	h.inChannel("U1", "C1", "/champion ask an intro to the CFO")
	h.inChannel("U1", "C1", "/deal close lost chose the incumbent")
	// Something else keeps the nudge coming: a deal at risk.
	h.inChannel("U1", "C2", "/deal open Globex")
	h.inChannel("U1", "C2", "/risk flag their CISO may block SSO severity:critical")
	// The close and the ask were 30 days ago.
	h.exec(`UPDATE deals SET closed_at = closed_at - 30*86400`)
	h.exec(`UPDATE asks SET created_at = created_at - 30*86400`)
	h.shutdown()
	env := append(append([]string(nil), reminderEnv...), "LONGGAME_DIGEST_SCHEDULE", "@every 1s", "LONGGAME_KEEP_IN_TOUCH", "7d")
	h = startBot(t, fake, dbPath, env...)
	r := h.waitNudge(lastSeq(fake), "U1")
	answer{text: render.Message(r.Text, r.Blocks)}.expect(t, "nudge", "Champions you have not talked to in 7 days",
		"Jane Doe (CIO at Acme)", "Acme", "last contact")

	// A touch is a contact: the conformance suite checks it takes Jane
	// off the list; here, that it is recorded on her.
	h.inChannel("U1", "C1", "/champion touch called to say hi", "recorded a contact with Jane Doe")
	if n := h.count("touches WHERE note = 'called to say hi'"); n != 1 {
		t.Errorf("%d touches recorded, want 1", n)
	}
}

// A champion linked to a Slack user moves, told from anywhere by their
// mention: the answer names deals, so outside their deal channel it goes
// to who asked alone.
func TestChampionMovedByMentionFromAnywhere(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe <@U9|jane>")
	h.inChannel("U1", "C2", "/deal open Globex")
	h.private("U1", "C3", "/champion moved <@U9|jane> to Hooli title:CTO", "moved from Acme to Hooli as CTO",
		"Your champion left", "Acme")
	h.private("U1", "C1", "/deal", "no defender inside Acme")
	h.private("U1", "C1", "/champion people mine", "Champions of your deals: 1", "Jane Doe (CTO at Hooli")
	// In the deal channel, "moved to" reads as it is meant.
	h.inChannel("U1", "C1", "/champion moved to Initech", "moved from Hooli to Initech")
}
