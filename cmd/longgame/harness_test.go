package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

// Tokens unique to the tests, so a test can prove they never reach a log.
const (
	testBotToken = "xoxb-e2e-bot-token-5f1c0d"
	testAppToken = "xapp-e2e-app-token-9a7b3e"
)

// e2e is the binary's own wiring (run, as main calls it) against a fake
// Slack on 127.0.0.1 and a real SQLite file.
type e2e struct {
	t      *testing.T
	fake   *slackfake.Server
	dbPath string
	logs   *syncBuffer
	stop   context.CancelFunc
	exit   chan int
}

// newWorkspace starts a fake Slack with one team, users and channels.
func newWorkspace(t *testing.T) *slackfake.Server {
	t.Helper()
	return newWorkspaceWith(t, slackfake.Options{})
}

// newWorkspaceWith is newWorkspace with more options (an Enterprise Grid
// org, say).
func newWorkspaceWith(t *testing.T, o slackfake.Options) *slackfake.Server {
	t.Helper()
	o.BotToken, o.AppToken, o.TeamID, o.TeamName = testBotToken, testAppToken, "T1", "Acme Sales"
	fake := slackfake.New(o)
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	for _, u := range []slackfake.User{
		{ID: "U1", Name: "ana", RealName: "Ana Seller"},
		{ID: "U2", Name: "ben", RealName: "Ben Engineer"},
		{ID: "U9", Name: "jane", RealName: "Jane Doe"},
	} {
		u.TZ = userZones[u.ID]
		fake.AddUser(u)
	}
	for _, c := range []slackfake.Channel{
		{ID: "C1", Name: "deal-acme", IsMember: true},
		{ID: "C2", Name: "deal-globex", IsMember: true},
		{ID: "C3", Name: "deal-initech", IsMember: true},
	} {
		fake.AddChannel(c)
	}
	return fake
}

// userZones are the time zones of newWorkspace's users: one ahead of UTC,
// one behind, so that for part of every day a user's date is not UTC's.
var userZones = map[string]string{"U1": "Europe/Paris", "U2": "America/New_York", "U9": "UTC"}

// daysAgo is the date n days before user's today, as they would type it.
func daysAgo(user string, n int) string {
	zone, err := time.LoadLocation(userZones[user])
	if err != nil {
		panic(err)
	}
	return time.Now().In(zone).AddDate(0, 0, -n).Format(time.DateOnly)
}

// startBot runs `longgame run` against fake until the test ends.
func startBot(t *testing.T, fake *slackfake.Server, dbPath string, env ...string) *e2e {
	t.Helper()
	clearConfigEnv(t)
	t.Setenv("SLACK_BOT_TOKEN", testBotToken)
	t.Setenv("SLACK_APP_TOKEN", testAppToken)
	t.Setenv("SLACK_API_URL", fake.APIURL())
	t.Setenv("LONGGAME_DB", dbPath)
	t.Setenv("LONGGAME_LOG_LEVEL", "debug")
	for i := 0; i+1 < len(env); i += 2 {
		t.Setenv(env[i], env[i+1])
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &e2e{t: t, fake: fake, dbPath: dbPath, logs: &syncBuffer{}, stop: cancel, exit: make(chan int, 1)}
	go func() { h.exit <- run(ctx, []string{"run"}, strings.NewReader(""), h.logs, h.logs) }()
	t.Cleanup(func() {
		if code := h.shutdown(); code != exitOK {
			t.Errorf("longgame exited with %d on shutdown; log:\n%s", code, h.logs)
		}
		// Whatever the test did, no secret reached the log.
		for _, secret := range []string{testBotToken, testAppToken, "ticket=", "/response/"} {
			if strings.Contains(h.logs.String(), secret) {
				t.Errorf("the log contains %q:\n%s", secret, h.logs)
			}
		}
	})
	return h
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	return startBot(t, newWorkspace(t), filepath.Join(t.TempDir(), "longgame.db"))
}

// shutdown sends what SIGTERM sends and waits for the exit status.
func (h *e2e) shutdown() int {
	h.stop()
	select {
	case code := <-h.exit:
		h.exit <- code // a second call sees the same status
		return code
	case <-time.After(30 * time.Second):
		h.t.Fatalf("longgame did not stop within 30s; log:\n%s", h.logs)
		return -1
	}
}

func (h *e2e) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// answer is what the user saw in reply to a command.
type answer struct {
	ephemeral bool
	text      string // rendered as Slack shows it
}

// cmd runs a slash command as user in channel and returns the answer: the
// ack's, which only its user sees, or the record the bot posted in the
// channel (with chat.postMessage, before acking, so that it keeps its ts).
func (h *e2e) cmd(user, channel, line string) answer {
	h.t.Helper()
	name, text, _ := strings.Cut(line, " ")
	before := len(h.fake.Replies())
	ack, err := h.fake.SlashCommand(h.ctx(), slackfake.SlashCommand{UserID: user, ChannelID: channel, Command: name, Text: text})
	if err != nil {
		h.t.Fatalf("%s: %v\nlog:\n%s", line, err, h.logs)
	}
	if ack.ResponseType == "in_channel" {
		h.t.Errorf("%s: answered in_channel from the ack: its ts is lost, so it could not be hidden later", line)
	}
	return answerTo(h.fake, before, channel, ack)
}

// answerTo is what a user saw of a command sent when the fake had before
// replies: the ack's answer (theirs alone), else the first record posted in
// channel since.
func answerTo(fake *slackfake.Server, before int, channel string, ack *slackfake.Ack) answer {
	if ack.Text != "" || ack.Blocks != nil {
		return answer{ephemeral: ack.ResponseType != "in_channel", text: render.Message(ack.Text, ack.Blocks)}
	}
	for _, r := range fake.Replies()[before:] {
		if r.Kind == slackfake.KindPostMessage && r.Channel == channel {
			return answer{text: render.Message(r.Text, r.Blocks)}
		}
	}
	return answer{}
}

// event sends an event the fake built (its error, if any, fails the test)
// and waits for the ack. What the bot must forget about a channel or a user
// is forgotten before it acks; what it does after, a test waits for.
func (h *e2e) event(e slackfake.Event, err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.fake.Event(h.ctx(), e); err != nil {
		h.t.Fatalf("event: %v", err)
	}
}

// posted renders every message the bot posted in channel, in order.
func posted(fake *slackfake.Server, channel string) []string {
	var out []string
	for _, r := range fake.Replies() {
		if r.Kind == slackfake.KindPostMessage && r.Channel == channel {
			out = append(out, render.Message(r.Text, r.Blocks))
		}
	}
	return out
}

// inChannel runs a recording command and fails unless the channel saw it.
func (h *e2e) inChannel(user, channel, line string, want ...string) answer {
	h.t.Helper()
	a := h.cmd(user, channel, line)
	if a.ephemeral {
		h.t.Errorf("%s: answered ephemeral, want in the channel:\n%s", line, a.text)
	}
	a.expect(h.t, line, want...)
	return a
}

// private runs a command whose answer only its user may see.
func (h *e2e) private(user, channel, line string, want ...string) answer {
	h.t.Helper()
	a := h.cmd(user, channel, line)
	if !a.ephemeral {
		h.t.Errorf("%s: answered in the channel, want ephemeral:\n%s", line, a.text)
	}
	a.expect(h.t, line, want...)
	return a
}

func (a answer) expect(t *testing.T, line string, want ...string) {
	t.Helper()
	// Emphasis marks are mrkdwn; the assertions are about the words.
	seen := strings.ReplaceAll(a.text, "*", "")
	for _, w := range want {
		if !strings.Contains(seen, w) {
			t.Errorf("%s: answer does not say %q:\n%s", line, w, a.text)
		}
	}
}

// rows counts the rows of every table holding what users record, straight
// from the SQLite file.
func (h *e2e) rows() map[string]int {
	h.t.Helper()
	db := h.readOnly()
	defer db.Close()
	out := map[string]int{}
	for _, table := range []string{"deals", "champions", "asks", "gives", "risks", "checkins", "audit"} {
		out[table] = countIn(h.t, db, table)
	}
	return out
}

// count is SELECT count(*) FROM what, straight from the SQLite file.
func (h *e2e) count(what string) int {
	h.t.Helper()
	db := h.readOnly()
	defer db.Close()
	return countIn(h.t, db, what)
}

// exec runs a statement on the SQLite file while the bot runs, as another
// process would, and returns the rows it changed: for tests that play a
// crash's aftermath.
func (h *e2e) exec(query string, args ...any) int64 {
	h.t.Helper()
	db, err := sql.Open("sqlite", "file:"+h.dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(query, args...)
	if err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
	n, _ := res.RowsAffected()
	return n
}

func (h *e2e) readOnly() *sql.DB {
	h.t.Helper()
	db, err := sql.Open("sqlite", "file:"+h.dbPath+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		h.t.Fatal(err)
	}
	return db
}

func countIn(t *testing.T, db *sql.DB, what string) int {
	t.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM " + what).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", what, err)
	}
	return n
}

// syncBuffer is a log sink the bot and the test share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var _ fmt.Stringer = (*syncBuffer)(nil)
