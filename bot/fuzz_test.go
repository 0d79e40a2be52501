package bot

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/sqlite"
)

// fuzzCommands are the commands whose text the fuzzer writes.
var fuzzCommands = []string{"/deal", "/champion", "/risk", "/checkin"}

// fuzzCallers are who the fuzzer types as: a member, a guest of the
// workspace, a user of another organisation claiming its own team, and one
// claiming ours.
var fuzzCallers = []struct{ user, team string }{{"U1", "T1"}, {"UG", "T1"}, {"UX", "T2"}, {"UX", "T1"}}

// FuzzCommands sends arbitrary text to every command's handlers, on a real
// database holding one deal, as a member or a stranger. For a member a
// handler may answer or refuse, never panic, never fail inside, and a
// refusal writes nothing. A stranger gets the one line, whatever they type,
// and nothing is written: no deal name, champion or risk reaches them.
func FuzzCommands(f *testing.F) {
	for _, seed := range []string{
		"open Acme value:120k close:2026-12-01 owner:<@U1|ana>", "set value:€90k", "close won 2026-11-20",
		"close lost yesterday chose the incumbent", "reopen", "list all mine", "",
		"set Jane Doe title:\"VP of IT\" <@U9|jane>", "ask an intro cost:high", "give a plan value:low", "done 1",
		"declined #1", "budget 12", "history Jane Doe", "ledger", "flag SSO severity:critical area:security test:\"10k users\"",
		"resolve 1 fixed", "reopen 1", "disclose 1 told Jane", "summary", "add +3w call Jane", "snooze 2w", "done went well",
		"flag \x00\xff <@ &lt; \u202e", "ask " + strings.Repeat("x", 2100), "set value:1e400 close:99999-01-01",
		"set owner:<@UG|gus>", "open Other owner:<@UX>",
		"edit 1 an intro to the CFO cost:high status:declined", "edit give 1 value:5", "delete 1", "delete give 1",
		"edit 1 severity:low area:trust test:none", "edit #1 sevrity:low", "ask edit 4", "ask intro cst:high",
		"set Jane Doe company:\"Acme Corp\"", "history Jane Doe company:acme", "done #2 went well", "done #0",
		"moved Hooli title:CTO 2026-11-02", "moved Jane Doe to Hooli", "moved <@U9|jane> to Hooli", "moved Back to Basics Inc",
		"moved Hooli 2099-01-01", "touch coffee", "people", "people mine", "people everyone", "set favored:\"Microsoft Teams\"",
		"set favored:none", "set favord:Teams",
	} {
		for i := range fuzzCommands {
			for who := range fuzzCallers {
				f.Add(i, who, seed)
			}
		}
	}
	b, db, dealID := fuzzBot(f)
	f.Fuzz(func(t *testing.T, which, who int, text string) {
		name := fuzzCommands[(which%len(fuzzCommands)+len(fuzzCommands))%len(fuzzCommands)]
		caller := fuzzCallers[(who%len(fuzzCallers)+len(fuzzCallers))%len(fuzzCallers)]
		cmd := slack.SlashCommand{Command: name, Text: text, TeamID: caller.team, ChannelID: "C1", UserID: caller.user}
		before := auditCount(t, db, dealID)
		if caller.user != "U1" {
			deals := dealCount(t, db)
			r, o := b.runCommand(context.Background(), cmd)
			if r.InChannel || r.Text != StrangerText || o != Refused {
				t.Errorf("%s %s %q: a stranger was answered %q (%s)", caller.user, name, text, r.Text, o)
			}
			if auditCount(t, db, dealID) != before || dealCount(t, db) != deals {
				t.Errorf("%s %s %q: a stranger's command wrote", caller.user, name, text)
			}
			return
		}
		if name == "/champion" && strings.EqualFold(strings.TrimSpace(text), "ask") {
			return // opens a form through Slack, which this test has not
		}
		ans, err := b.cmds.Run(context.Background(), cmd)
		switch {
		case err == nil && ans.Reply.Empty():
			t.Errorf("%s %q: empty answer", name, text)
		case err != nil && !slash.IsUserError(err):
			t.Errorf("%s %q: failed inside: %v", name, text, err)
		case err != nil && auditCount(t, db, dealID) != before:
			t.Errorf("%s %q: refused (%v) yet wrote", name, text, err)
		}
	})
}

func fuzzBot(f *testing.F) (*Bot, *sqlite.DB, int64) {
	f.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "fuzz.db"), sqlite.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	// No Slack: every Web API call fails at once, as in an outage.
	api := slack.New("xoxb-fuzz", slack.OptionAPIURL("http://127.0.0.1:1/api/"))
	b := New(api, db, Config{Config: slash.Config{Budget: 10, Currency: "USD", CheckinOffsets: []int{14, 30}, LostFollowup: 90,
		Now: func() time.Time { return testNow }}, Access: members().checker()})
	ctx := context.Background()
	actor := storage.Actor{TeamID: "T1", UserID: "U1"}
	d, err := db.OpenDeal(ctx, actor, storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "U1", Budget: 10})
	if err != nil {
		f.Fatal(err)
	}
	for _, step := range []func() error{
		func() error {
			_, err := db.SetChampion(ctx, actor, d.ID, storage.ChampionInput{Name: "Jane Doe"})
			return err
		},
		func() error { _, err := db.AddAsk(ctx, actor, d.ID, "an intro", 3); return err },
		func() error { _, err := db.AddRisk(ctx, actor, d.ID, storage.NewRisk{What: "SSO"}); return err },
	} {
		if err := step(); err != nil {
			f.Fatal(err)
		}
	}
	return b, db, d.ID
}

// dealCount counts the deals of both workspaces.
func dealCount(t *testing.T, db *sqlite.DB) int {
	t.Helper()
	n := 0
	for _, team := range []string{"T1", "T2"} {
		l, err := db.ListDeals(context.Background(), team, storage.DealFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		n += l.Total
	}
	return n
}

func auditCount(t *testing.T, db *sqlite.DB, dealID int64) int {
	t.Helper()
	entries, err := db.Audit(context.Background(), "T1", dealID)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}
