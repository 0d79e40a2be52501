package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

func TestRiskCommands(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/champion set Jane Doe")
	h.inChannel("U1", "C1", "/risk flag data migration may slip severity:critical area:technical",
		"flagged risk #1: data migration may slip", "Severity critical · area technical", "/risk disclose 1")
	h.inChannel("U2", "C1", `/risk flag SSO with Okta untested severity:HIGH area:security test:"10k users at 9am"`,
		"risk #2", "needs more testing: 10k users at 9am")
	h.inChannel("U2", "C1", "/risk flag renewal price not agreed", "risk #3", "Severity medium · area other")
	h.inChannel("U2", "C1", "/risk flag the load test failed twice", "risk #4", "the load test failed twice")
	h.inChannel("U2", "C1", "/risk flag admins not trained severity:low area:training test", "risk #5", "needs more testing")

	h.private("U1", "C1", "/risk list", "Open risks of Acme: 5", "#1 data migration may slip — critical, technical", "#4 the load test failed twice — medium, other")
	h.inChannel("U1", "C1", "/risk resolve 3 agreed at list price minus 5%", "resolved risk #3", "agreed at list price minus 5%")
	h.private("U1", "C1", "/risk list", "Open risks of Acme: 4")
	h.private("U1", "C1", "/risk list all", "All risks of Acme: 5", "renewal price not agreed — medium, other · :white_check_mark: resolved")
	h.private("U1", "C1", "/risk resolve 3", "Risk #3 is already resolved")
	h.inChannel("U1", "C1", "/risk reopen #3", "reopened risk #3")
	h.private("U1", "C1", "/risk reopen 3", "Risk #3 is already open")
	h.inChannel("U1", "C1", "/risk disclose 1 walked Jane through it on Tuesday", "disclosed risk #1 to the customer", "walked Jane through it")

	summary := h.private("U1", "C1", "/risk", "# Risk summary — Acme", "Open risks: 5", "1 critical, 1 high, 2 medium, 1 low",
		"Not yet disclosed to the customer (4)", "if you feel there are risks you need to highlight, do it",
		"Disclosed, still open (1)", "Scenarios still to test (2)", "10k users at 9am",
		"Champion: Jane Doe", "Champion capital left: 10 of 10",
		"Training: covered by #5", "No process risk recorded", "No trust risk recorded")
	if strings.Index(summary.text, "Not yet disclosed") > strings.Index(summary.text, "Disclosed, still open") {
		t.Errorf("undisclosed risks do not come first:\n%s", summary.text)
	}
	h.private("U1", "C1", "/risk summary", "# Risk summary — Acme")
}

func TestRiskBadInputWritesNothing(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/risk flag something")
	for _, tc := range []struct{ line, want string }{
		{"/risk flag", "Say what it is"},
		{"/risk flag severity:high", "Say what it is"},
		{"/risk flag outage severity:apocalyptic", "severity:apocalyptic is not a severity"},
		{"/risk flag outage area:vibes", "area:vibes is not an area: use commercial, legal, other, process, security, technical, training, trust"},
		{"/risk flag outage severity:", "severity"},
		{"/risk flag outage severity:low severity:high", "severity"},
		{"/risk resolve", "Give the number of the risk"},
		{"/risk resolve two", `"two" is not a risk number`},
		{"/risk resolve 9", "This deal has no risk #9"},
		{"/risk disclose 0", "is not a risk number"},
		{"/risk reopen 1 please", "takes only the number"},
		{"/risk list everything", "takes only `all`"},
		{"/risk frobnicate", "is not a /risk command"},
		{"/checkin add", "Say when"},
		{"/checkin add tomorrow", "Say what to check in about"},
		{"/checkin add 2020-01-01 old news", "in the past"},
		{"/checkin add someday call Jane", "date"},
		{"/checkin snooze forever", `"forever" is not a duration`},
		{"/checkin done", "no pending check-in"},
	} {
		t.Run(tc.line, func(t *testing.T) {
			before := h.rows()
			h.private("U1", "C1", tc.line, tc.want)
			if after := h.rows(); !equalCounts(before, after) {
				t.Errorf("%s wrote: before %v, after %v", tc.line, before, after)
			}
		})
	}
	h.private("U1", "C3", "/risk flag orphan", "This channel has no deal yet")
}

func TestMentionPostsSummaryOnce(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/risk flag data migration may slip severity:critical")

	ev, err := h.fake.NewAppMention("C1", "U2", "<@U0BOT> risk summary please", "")
	if err != nil {
		t.Fatal(err)
	}
	seq := lastSeq(h.fake)
	if _, err := h.fake.Event(h.ctx(), ev); err != nil {
		t.Fatal(err)
	}
	r := h.waitPost(seq, "C1")
	answer{text: render.Message(r.Text, r.Blocks)}.expect(t, "mention", "Risk summary — Acme", "data migration may slip")

	// Slack redelivers when it missed the ack: the summary is not posted twice.
	ev.RetryAttempt, ev.RetryReason = 1, "timeout"
	if _, err := h.fake.Event(h.ctx(), ev); err != nil {
		t.Fatal(err)
	}
	// A later mention in a thread is answered in that thread; once it is
	// there, the redelivery above has been handled.
	threadTS := r.TS
	ev2, err := h.fake.NewAppMention("C1", "U2", "<@U0BOT> Risk Summary", threadTS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.Event(h.ctx(), ev2); err != nil {
		t.Fatal(err)
	}
	r2 := h.waitPost(r.Seq, "C1")
	if r2.ThreadTS != threadTS {
		t.Errorf("answer to a mention in a thread went to thread %q, want %q", r2.ThreadTS, threadTS)
	}
	summaries := 0
	for _, m := range h.fake.Replies() {
		if m.Kind == slackfake.KindPostMessage && strings.Contains(render.Message(m.Text, m.Blocks), "Risk summary — Acme") {
			summaries++
		}
	}
	if summaries != 2 {
		t.Errorf("%d summaries posted for two distinct mentions and one redelivery, want 2", summaries)
	}

	seq = lastSeq(h.fake)
	ev3, _ := h.fake.NewAppMention("C1", "U2", "<@U0BOT> help", "")
	h.fake.Event(h.ctx(), ev3)
	answer{text: render.Message(h.waitPost(seq, "C1").Text, nil)}.expect(t, "mention help", "risk summary", "/risk flag")

	seq = lastSeq(h.fake)
	ev4, _ := h.fake.NewAppMention("C1", "U2", "<@U0BOT> what's up", "")
	h.fake.Event(h.ctx(), ev4)
	hint, err := h.fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool { return r.Kind == slackfake.KindPostEphemeral })
	if err != nil || hint.User != "U2" || !strings.Contains(hint.Text, "risk summary") {
		t.Errorf("an unknown mention got %+v (%v), want a one-line hint to U2", hint, err)
	}
}

// waitPost waits for the bot's next message in channel after seq.
func (h *e2e) waitPost(seq int, channel string) slackfake.Reply {
	h.t.Helper()
	r, err := h.fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindPostMessage && r.Channel == channel
	})
	if err != nil {
		h.t.Fatalf("no message in %s: %v\nlog:\n%s", channel, err, h.logs)
	}
	return r
}

func TestSharedChannelKeepsRisksPrivate(t *testing.T) {
	h := newE2E(t)
	h.fake.AddChannel(slackfake.Channel{ID: "C7", Name: "acme-shared", IsMember: true, IsExtShared: true})
	h.private("U1", "C7", "/deal open Acme", "Only you can see this")
	h.private("U1", "C7", "/risk flag their CISO may block SSO severity:high", "Only you can see this", "risk #1")
	h.private("U1", "C7", "/risk disclose 1", "Only you can see this")
	h.private("U1", "C7", "/risk resolve 1", "Only you can see this")
	h.private("U1", "C7", "/risk", "Risk summary")
	seq := lastSeq(h.fake)
	ev, _ := h.fake.NewAppMention("C7", "U1", "<@U0BOT> risk summary", "")
	h.fake.Event(h.ctx(), ev)
	r, err := h.fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindPostEphemeral || r.Kind == slackfake.KindPostMessage
	})
	if err != nil || r.Kind != slackfake.KindPostEphemeral || !strings.Contains(r.Text, "Only you can see this") {
		t.Errorf("risk summary in a shared channel: %+v (%v), want an ephemeral answer", r, err)
	}
	for _, m := range h.fake.Messages("C7") {
		if m.BotID != "" {
			t.Errorf("Long Game posted in the shared channel: %s", render.Message(m.Text, m.Blocks))
		}
	}
}

func TestCheckinCommandsAndHome(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", "/checkin add +3d ask Jane how the admin training went", "added a check-in to Acme", "ask Jane how the admin training went")
	h.inChannel("U1", "C1", "/checkin add +20d quarterly review", "quarterly review")
	h.inChannel("U1", "C1", "/checkin add +40d half-year review", "half-year review")
	h.private("U1", "C1", "/checkin", "Check-ins of Acme: 3", "ask Jane how the admin training went” — due", "half-year review")
	h.private("U1", "C3", "/checkin", "Your check-ins due in the next 14 days or overdue: 1", "Acme", "admin training")
	h.private("U2", "C3", "/checkin list", "Your check-ins due in the next 14 days or overdue: 0")

	h.inChannel("U1", "C1", "/checkin snooze 2w", "moved the check-in “ask Jane how the admin training went” of Acme", "The rest of the series stays where it is")
	h.private("U1", "C3", "/checkin", "overdue: 0")
	// Not due yet: only named does it count as done early.
	h.private("U1", "C1", "/checkin done the training went well", "No check-in is due yet", "/checkin done #1")
	h.inChannel("U1", "C1", "/checkin done #1 the training went well", "did the check-in “ask Jane how the admin training went” of Acme", "the training went well")
	h.private("U1", "C1", "/checkin", ":white_check_mark: done", "quarterly review” — due")

	// The App Home lists the user's open deals and check-ins due, with buttons.
	h.inChannel("U1", "C1", "/checkin add today call Jane")
	home := h.openHome("U1", func(text string) bool {
		return strings.Contains(text, "Your open deals: 1") && strings.Contains(text, "call Jane")
	})
	done := home.button(t, "Done")
	seq := lastSeq(h.fake)
	if _, err := h.fake.BlockAction(h.ctx(), slackfake.BlockAction{UserID: "U1", ViewID: home.viewID, ActionID: done.ActionID, BlockID: done.BlockID}); err != nil {
		t.Fatal(err)
	}
	// Other refreshes may publish meanwhile: wait for the one without it.
	_, err := h.fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindViewPublish && r.User == "U1" && !strings.Contains(viewText(r.View), "call Jane")
	})
	if err != nil {
		t.Fatalf("the Home still lists the check-in after Done: %v\n%s", err, h.openHome("U1", nil).text)
	}
	h.private("U1", "C1", "/checkin", "call Jane” — :white_check_mark: done")
}

type homeView struct {
	viewID  string
	text    string
	buttons []render.Button
}

func (v homeView) button(t *testing.T, label string) render.Button {
	t.Helper()
	for _, b := range v.buttons {
		if b.Label == label {
			return b
		}
	}
	t.Fatalf("no %q button in the Home:\n%s", label, v.text)
	return render.Button{}
}

// openHome opens user's App Home and waits for the bot to publish it.
// openHome opens user's App Home and returns the first Home published
// since that shows what shows says (any, when nil): a refresh started by
// an earlier change may publish what it read before, after the opening.
func (h *e2e) openHome(user string, shows func(text string) bool) homeView {
	h.t.Helper()
	seq := lastSeq(h.fake)
	if _, err := h.fake.Event(h.ctx(), h.fake.NewAppHomeOpened(user)); err != nil {
		h.t.Fatal(err)
	}
	var last string
	r, err := h.fake.WaitReplyAfter(h.ctx(), seq, func(r slackfake.Reply) bool {
		if r.Kind != slackfake.KindViewPublish || r.User != user {
			return false
		}
		last = viewText(r.View)
		return shows == nil || shows(last)
	})
	if err != nil {
		h.t.Fatalf("no Home published that shows what it should: %v\nlast published:\n%s", err, last)
	}
	var view struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	json.Unmarshal(r.View, &view)
	text, buttons := render.Blocks(view.Blocks)
	return homeView{viewID: r.ViewID, text: text, buttons: buttons}
}

func viewText(raw json.RawMessage) string {
	var view struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	json.Unmarshal(raw, &view)
	text, _ := render.Blocks(view.Blocks)
	return text
}

// The summary is rendered again after any change that shows in it, the
// champion's included, though unchanged deals are served from a cache.
func TestRiskSummaryFollowsEveryChange(t *testing.T) {
	h := newE2E(t)
	h.inChannel("U1", "C1", "/deal open Acme")
	h.inChannel("U1", "C1", `/champion set Jane Doe title:"VP of IT"`)
	h.inChannel("U1", "C1", "/risk flag data migration may slip severity:critical")
	h.private("U1", "C1", "/risk", "Open risks: 1", "Jane Doe (VP of IT at Acme)", "10 of 10")
	h.private("U1", "C1", "/risk", "Open risks: 1") // the cached one
	h.inChannel("U1", "C1", "/risk flag SSO untested severity:high area:trust")
	h.private("U1", "C1", "/risk", "Open risks: 2", "Trust: covered by #2")
	h.inChannel("U1", "C1", "/champion ask an intro cost:high")
	h.private("U1", "C1", "/risk", "5 of 10")
	// The same champion (at Acme), retitled from another deal's channel.
	h.inChannel("U2", "C2", "/deal open Globex")
	h.inChannel("U2", "C2", `/champion set Jane Doe title:CIO company:Acme`)
	h.private("U1", "C1", "/risk", "Jane Doe (CIO at Acme)")
	h.inChannel("U1", "C1", "/risk resolve 1")
	if a := h.private("U1", "C1", "/risk", "Open risks: 1"); strings.Contains(a.text, "data migration") {
		t.Errorf("a resolved risk is still in the summary:\n%s", a.text)
	}
}
