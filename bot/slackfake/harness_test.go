package slackfake

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// noAck is a handler result that leaves the envelope unacked.
var noAck = new(struct{})

// harness runs a real slack-go Socket Mode client against a fake.
type harness struct {
	t    *testing.T
	fake *Server
	api  *slack.Client
	sm   *socketmode.Client
	logs *syncBuffer

	mu      sync.Mutex
	handler func(socketmode.Event) any // returns the ack payload
	acked   map[*socketmode.Client]int // envelopes acked, per client
	events  chan socketmode.Event      // every event the clients emitted

	// received are the envelope ids each client was handed, in order.
	received map[*socketmode.Client][]string
}

type harnessConfig struct {
	opts   Options
	smOpts []socketmode.Option
}

func newHarness(t *testing.T, cfgs ...func(*harnessConfig)) *harness {
	t.Helper()
	var cfg harnessConfig
	for _, f := range cfgs {
		f(&cfg)
	}
	logs := &syncBuffer{}
	cfg.opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	fake := New(cfg.opts)
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	seed(fake)
	h := &harness{t: t, fake: fake, logs: logs, events: make(chan socketmode.Event, 1000),
		acked: map[*socketmode.Client]int{}, received: map[*socketmode.Client][]string{}}
	h.api, h.sm = h.client(cfg.smOpts...)
	t.Cleanup(func() {
		fake.Close()
		h.checkLogs()
	})
	return h
}

// client starts one more Socket Mode client; it stops at test cleanup,
// before the fake closes.
func (h *harness) client(smOpts ...socketmode.Option) (*slack.Client, *socketmode.Client) {
	tr := &http.Transport{}
	api := slack.New(h.fake.opts.BotToken,
		slack.OptionAppLevelToken(h.fake.opts.AppToken),
		slack.OptionAPIURL(h.fake.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}))
	sm := socketmode.New(api, smOpts...)
	ctx, cancel := context.WithCancel(context.Background())
	runDone, drainDone := make(chan error, 1), make(chan struct{})
	go func() { runDone <- sm.RunContext(ctx) }()
	go func() {
		defer close(drainDone)
		h.drain(ctx, sm)
	}()
	h.t.Cleanup(func() {
		cancel()
		if err := <-runDone; !errors.Is(err, context.Canceled) {
			h.t.Errorf("RunContext: %v", err)
		}
		<-drainDone
		tr.CloseIdleConnections()
	})
	return api, sm
}

func seed(f *Server) {
	f.AddUser(User{ID: "U1", Name: "alice", RealName: "Alice Archer", TZ: "Europe/Paris"})
	f.AddUser(User{ID: "U2", Name: "bob", RealName: "Bob Baker", TZ: "America/New_York"})
	f.AddChannel(Channel{ID: "C1", Name: "deals", IsMember: true})
	f.AddChannel(Channel{ID: "C2", Name: "random"})
	f.AddChannel(Channel{ID: "C3", Name: "old", IsMember: true, IsArchived: true})
	f.AddChannel(Channel{ID: "C4", Name: "partners", IsMember: true, IsShared: true, IsExtShared: true})
}

// drain acks every envelope with the handler's payload, as a bot must,
// and forwards every event to h.events without ever blocking.
func (h *harness) drain(ctx context.Context, sm *socketmode.Client) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt := <-sm.Events:
			if evt.Request != nil && evt.Request.EnvelopeID != "" && evt.Type != socketmode.EventTypeHello {
				h.mu.Lock()
				h.received[sm] = append(h.received[sm], evt.Request.EnvelopeID)
				h.mu.Unlock()
				h.ack(ctx, sm, evt)
			}
			select {
			case h.events <- evt:
			default:
			}
		}
	}
}

func (h *harness) ack(ctx context.Context, sm *socketmode.Client, evt socketmode.Event) {
	h.mu.Lock()
	handler := h.handler
	h.mu.Unlock()
	var payload any
	if handler != nil {
		payload = handler(evt)
	}
	if payload == noAck {
		return
	}
	// Counted before acking: the fake may see the ack before AckCtx returns.
	h.mu.Lock()
	h.acked[sm]++
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := sm.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil {
		h.t.Logf("ack: %v", err)
	}
}

func (h *harness) handle(f func(socketmode.Event) any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handler = f
}

// waitEvent returns the next event the client emitted that matches.
func (h *harness) waitEvent(ctx context.Context, match func(socketmode.Event) bool) socketmode.Event {
	h.t.Helper()
	for {
		select {
		case evt := <-h.events:
			if match(evt) {
				return evt
			}
		case <-ctx.Done():
			h.t.Fatalf("waiting for an event: %v", ctx.Err())
		}
	}
}

func ofType(t socketmode.EventType) func(socketmode.Event) bool {
	return func(e socketmode.Event) bool { return e.Type == t }
}

// connected waits until the client is connected.
func (h *harness) connected(ctx context.Context) {
	h.t.Helper()
	if err := h.fake.WaitConnections(ctx, 1); err != nil {
		h.t.Fatal(err)
	}
}

// checkLogs fails the test if the fake logged a secret.
func (h *harness) checkLogs() {
	logs := h.logs.String()
	for _, secret := range []string{h.fake.opts.BotToken, h.fake.opts.AppToken, "ticket=", "/response/"} {
		if strings.Contains(logs, secret) {
			h.t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
	if h.t.Failed() {
		h.t.Logf("fake logs:\n%s", logs)
	}
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

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
