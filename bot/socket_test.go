package bot_test

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot"
	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/storage/sqlite"
	"github.com/longgame/longgame/storage/storagetest"
)

// liveBot runs the bot, as main wires it, against a fake Slack.
type liveBot struct {
	fake *slackfake.Server
	db   *sqlite.DB
	done chan error
	stop context.CancelFunc
}

func startLiveBot(t *testing.T, pingTimeout time.Duration, before func(*slackfake.Server)) *liveBot {
	t.Helper()
	return startLiveBotOn(t, filepath.Join(t.TempDir(), "lg.db"), pingTimeout, before)
}

// startLiveBotOn is startLiveBot on the database file at path.
func startLiveBotOn(t *testing.T, path string, pingTimeout time.Duration, before func(*slackfake.Server)) *liveBot {
	t.Helper()
	return startLiveBotWith(t, path, bot.Config{PingTimeout: pingTimeout}, before)
}

// startLiveBotWith is startLiveBotOn with more of the bot's Config (its
// slash.Config is the test's own).
func startLiveBotWith(t *testing.T, path string, cfg bot.Config, before func(*slackfake.Server)) *liveBot {
	t.Helper()
	fake := slackfake.New(slackfake.Options{PingInterval: 50 * time.Millisecond})
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	fake.AddUser(slackfake.User{ID: "U1", Name: "ana"})
	fake.AddChannel(slackfake.Channel{ID: "C1", Name: "deal-acme", IsMember: true})
	if before != nil {
		before(fake)
	}
	db, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	api := slack.New("xoxb-fake", slack.OptionAppLevelToken("xapp-fake"), slack.OptionAPIURL(fake.APIURL()),
		slack.OptionHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	cfg.Config = slash.Config{Budget: 10, Currency: "USD", Now: cfg.Now,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	b := bot.New(api, db, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	lb := &liveBot{fake: fake, db: db, done: make(chan error, 1), stop: cancel}
	go func() { lb.done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-lb.done
	})
	return lb
}

// command runs /deal in C1 and checks the bot answered.
func (lb *liveBot) command(t *testing.T, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ack, err := lb.fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U1", ChannelID: "C1", Command: "/deal", Text: text})
	if err != nil {
		t.Fatalf("/deal %s: %v", text, err)
	}
	if ack.Text == "" {
		t.Fatalf("/deal %s: empty answer", text)
	}
}

func TestReconnectsAfterDisconnectFrames(t *testing.T) {
	lb := startLiveBot(t, 0, nil)
	lb.command(t, "open Acme")
	for _, reason := range []string{"refresh_requested", "too_many_websockets", "link_disabled", "warning"} {
		before := lb.fake.Calls("apps.connections.open")
		lb.fake.Disconnect(reason)
		lb.command(t, "status")
		if after := lb.fake.Calls("apps.connections.open"); after <= before {
			t.Errorf("after a %s disconnect the bot did not open a new connection", reason)
		}
	}
}

func TestReconnectsAfterDroppedSocket(t *testing.T) {
	lb := startLiveBot(t, 0, nil)
	lb.command(t, "open Acme")
	for range 3 {
		lb.fake.DropConnections()
		lb.command(t, "status")
	}
}

func TestReconnectsWhenPingsStop(t *testing.T) {
	// Pings come every 50 ms; a second without one is a dead socket, not a
	// busy machine (300 ms was, now and then, under a heavily loaded CI).
	lb := startLiveBot(t, time.Second, nil)
	lb.command(t, "open Acme")
	before := lb.fake.SocketsOpened()
	lb.fake.StopPings()
	// Replaced: a new socket took envelopes and the silent one is gone (a
	// command sent to it while the bot closes it would get no answer, as
	// from Slack).
	waitUntil(t, "the silent socket to be replaced", func() bool {
		return lb.fake.SocketsOpened() > before && lb.fake.Connections() == 1
	})
	lb.fake.StartPings()
	lb.command(t, "status")
}

func TestConnectionOpenFailuresBackOff(t *testing.T) {
	lb := startLiveBot(t, 0, func(f *slackfake.Server) {
		f.InjectFault("apps.connections.open", slackfake.Fault{Times: 2, Status: 500})
		f.InjectFault("apps.connections.open", slackfake.Fault{Times: 1, Status: 429, RetryAfter: time.Second})
	})
	start := time.Now()
	lb.command(t, "open Acme")
	calls := lb.fake.Calls("apps.connections.open")
	if calls < 4 {
		t.Errorf("%d calls to apps.connections.open, want the 3 failures and a success", calls)
	}
	// A tight loop would make hundreds of calls in the time it took.
	if perSecond := float64(calls) / time.Since(start).Seconds(); calls > 10 && perSecond > 20 {
		t.Errorf("%d calls in %s: the bot spins", calls, time.Since(start))
	}
}

func TestRevokedAppTokenStopsTheBot(t *testing.T) {
	lb := startLiveBot(t, 0, func(f *slackfake.Server) {
		f.InjectFault("apps.connections.open", slackfake.Fault{Error: "invalid_auth"})
	})
	select {
	case err := <-lb.done:
		lb.done <- err // for the cleanup
		if err == nil || !strings.Contains(err.Error(), "invalid_auth") {
			t.Errorf("Run returned %v, want an invalid_auth error", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the bot kept running with a refused app token")
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestOldEventIDsArePrunedAtStart: the event ids kept to drop Slack's
// redeliveries are kept a day; a bot that starts forgets the older ones
// (and again every hour it runs), so the table does not grow forever.
func TestOldEventIDsArePrunedAtStart(t *testing.T) {
	clock := storagetest.NewClock(time.Now().Add(-48 * time.Hour))
	dir := t.TempDir()
	seed, err := sqlite.Open(t.Context(), filepath.Join(dir, "lg.db"), sqlite.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"Ev-old", "Ev-recent"} {
		if _, err := seed.MarkEventSeen(t.Context(), "T1", id); err != nil {
			t.Fatal(err)
		}
		clock.Advance(47 * time.Hour) // Ev-recent: an hour ago
	}
	if err := seed.Close(); err != nil {
		t.Fatal(err)
	}
	lb := startLiveBotOn(t, filepath.Join(dir, "lg.db"), 0, nil)
	// A first sighting again means the old id was forgotten; the probe
	// itself keeps it from then on, as a new delivery would.
	waitUntil(t, "the day-old event id to be pruned", func() bool {
		first, err := lb.db.MarkEventSeen(t.Context(), "T1", "Ev-old")
		if err != nil {
			t.Fatal(err)
		}
		return first
	})
	if first, err := lb.db.MarkEventSeen(t.Context(), "T1", "Ev-recent"); err != nil || first {
		t.Errorf("the event id seen an hour ago was forgotten (first %v, err %v): a redelivery would be answered twice", first, err)
	}
}

// TestEventIDsArePrunedWhileRunning: a bot that runs for days keeps
// forgetting the event ids a day old, not only at start-up (here every
// 20 ms of real time, its clock moved a day meanwhile).
func TestEventIDsArePrunedWhileRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lg.db")
	seed, err := sqlite.Open(t.Context(), path, sqlite.Options{Now: func() time.Time { return time.Now().Add(-48 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.MarkEventSeen(t.Context(), "T1", "Ev-0"); err != nil {
		t.Fatal(err)
	}
	if err := seed.Close(); err != nil {
		t.Fatal(err)
	}
	clock := storagetest.NewClock(time.Now())
	lb := startLiveBotWith(t, path, bot.Config{PruneEvery: 20 * time.Millisecond, Config: slash.Config{Now: clock.Now}}, nil)
	// Once the start-up prune forgot Ev-0, only a later one can forget Ev-1.
	waitUntil(t, "the start-up prune", func() bool {
		first, err := lb.db.MarkEventSeen(t.Context(), "T1", "Ev-0")
		if err != nil {
			t.Fatal(err)
		}
		return first
	})
	if first, err := lb.db.MarkEventSeen(t.Context(), "T1", "Ev-1"); err != nil || !first {
		t.Fatalf("first sighting of Ev-1: %v, %v", first, err)
	}
	clock.Advance(25 * time.Hour)
	waitUntil(t, "the event id a day old to be pruned while the bot runs", func() bool {
		first, err := lb.db.MarkEventSeen(t.Context(), "T1", "Ev-1")
		if err != nil {
			t.Fatal(err)
		}
		return first
	})
}
