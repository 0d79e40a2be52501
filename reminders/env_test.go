package reminders

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/sqlite"
)

// t0 is when most tests start: Monday 2 March 2026, 09:00 UTC.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var (
	alice = storage.Actor{TeamID: "T1", UserID: "UALICE"}
	bob   = storage.Actor{TeamID: "T1", UserID: "UBOB"}
	carol = storage.Actor{TeamID: "T1", UserID: "UCAROL"}
)

// clock is a fake clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// env is a database, a fake Slack workspace and a dispatcher on one clock.
type env struct {
	t     testing.TB
	clock *clock
	db    *sqlite.DB
	fake  *slackfake.Server
	api   *slack.Client
	http  *http.Transport
	d     *Dispatcher
}

// newEnv starts an env at start (a zero start means real time, and a real
// clock). Channels C1–C3 exist with the bot in them; alice (Paris), bob and
// carol are users.
func newEnv(t testing.TB, start time.Time) *env {
	t.Helper()
	e := &env{t: t, clock: &clock{now: start}}
	now := e.clock.Now
	if start.IsZero() {
		now = time.Now
	}
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "longgame.db"), sqlite.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	e.db = db
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("close db: %v", err)
		}
	})
	e.fake = slackfake.New(slackfake.Options{Now: now})
	if err := e.fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.fake.Close)
	for _, u := range []slackfake.User{
		{ID: "UALICE", Name: "alice", TZ: "Europe/Paris"},
		{ID: "UBOB", Name: "bob", TZ: "America/New_York"},
		{ID: "UCAROL", Name: "carol"},
	} {
		e.fake.AddUser(u)
	}
	for _, ch := range []string{"C1", "C2", "C3"} {
		e.fake.AddChannel(slackfake.Channel{ID: ch, Name: "deal-" + strings.ToLower(ch), IsMember: true})
	}
	e.http = &http.Transport{MaxIdleConnsPerHost: 128} // as longgame run keeps them
	t.Cleanup(e.http.CloseIdleConnections)
	e.api = slack.New("xoxb-fake", slack.OptionAPIURL(e.fake.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: e.http, Timeout: 10 * time.Second}))
	e.d = e.dispatcher("w1", e.api)
	return e
}

// dispatcher is another dispatcher on the same database, clock and Slack.
func (e *env) dispatcher(claimant string, p Poster) *Dispatcher {
	now := e.clock.Now
	if e.clock.Now().IsZero() {
		now = time.Now
	}
	return New(e.db, p, echoMessages{}, Options{Logger: testLogger(e.t), Now: now, ClaimantID: claimant, Lease: 5 * time.Minute})
}

// testLogger sends logs to t.Log.
func testLogger(t testing.TB) *slog.Logger {
	if _, bench := t.(*testing.B); bench {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// dispatch runs one pass at now, setting the clock there first.
func (e *env) dispatch(now time.Time) time.Time {
	e.t.Helper()
	e.clock.Set(now)
	next, err := e.d.Dispatch(e.t.Context(), now)
	if err != nil {
		e.t.Fatalf("Dispatch(%s): %v", now, err)
	}
	return next
}

// openDeal opens a deal in channel owned by a, with champion (if any).
func (e *env) openDeal(a storage.Actor, channel, champion string) storage.Deal {
	e.t.Helper()
	d := must(e.db.OpenDeal(e.t.Context(), a, storage.NewDeal{ChannelID: channel, Name: "Deal " + channel, OwnerID: a.UserID, Budget: 10}))
	if champion != "" {
		must(e.db.SetChampion(e.t.Context(), a, d.ID, storage.ChampionInput{Name: champion, Title: "VP of IT"}))
	}
	return d
}

// wonDeal opens a deal and closes it won on closedOn (a date) with
// check-ins at the given offsets in days, due at 09:00 in loc on any day
// of the week.
func (e *env) wonDeal(a storage.Actor, channel string, closedOn time.Time, loc *time.Location, offsets ...int) (storage.Deal, []storage.Checkin) {
	e.t.Helper()
	d := e.openDeal(a, channel, "Jane Doe")
	must(e.db.CloseDeal(e.t.Context(), a, d.ID, storage.Close{Stage: storage.StageWon, On: closedOn,
		Checkins: storage.PostClose(d.ID, closedOn, offsets, storage.Week{Loc: loc})}))
	return must(e.db.DealByID(e.t.Context(), a.TeamID, d.ID)), must(e.db.DealCheckins(e.t.Context(), a.TeamID, d.ID))
}

// checkin is the check-in as stored now.
func (e *env) checkin(id int64) storage.Checkin {
	e.t.Helper()
	return must(e.db.CheckinByID(e.t.Context(), "T1", id))
}

// posts are the bot's messages in channel.
func (e *env) posts(channel string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range e.fake.Messages(channel) {
		if m.BotID != "" {
			out = append(out, m)
		}
	}
	return out
}

// wantPosts fails unless channel holds exactly the reminders of ids, in
// order, by their metadata.
func (e *env) wantPosts(channel string, ids ...int64) []slackfake.Message {
	e.t.Helper()
	posts := e.posts(channel)
	var got []int64
	for _, m := range posts {
		got = append(got, metaCheckinID(e.t, m.Metadata))
	}
	if !equalIDs(got, ids) {
		e.t.Errorf("reminders in %s: got check-ins %v, want %v", channel, got, ids)
	}
	return posts
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// metaCheckinID is the checkin_id of a reminder's metadata, 0 if none.
func metaCheckinID(t testing.TB, raw json.RawMessage) int64 {
	t.Helper()
	if raw == nil {
		return 0
	}
	var m struct {
		EventType    string `json:"event_type"`
		EventPayload struct {
			CheckinID int64 `json:"checkin_id"`
		} `json:"event_payload"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("metadata %s: %v", raw, err)
	}
	if m.EventType != MetadataEventType {
		return 0
	}
	return m.EventPayload.CheckinID
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// check panics on err: for fixtures that cannot fail.
func check(err error) {
	if err != nil {
		panic(err)
	}
}

func mustLoad(name string) *time.Location { return must(time.LoadLocation(name)) }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
