package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/storage"
)

// heard is an Observer that keeps what it hears.
type heard struct {
	mu       sync.Mutex
	done     []string // "command outcome"
	answered []string // command
	sockets  []string // "up", "reconnect", "down"
}

func (h *heard) CommandDone(command string, o Outcome) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.done = append(h.done, command+" "+string(o))
}

func (h *heard) CommandAnswered(command string, wait time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if wait >= 0 {
		h.answered = append(h.answered, command)
	}
}

func (h *heard) SocketUp(reconnect bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if reconnect {
		h.sockets = append(h.sockets, "reconnect")
		return
	}
	h.sockets = append(h.sockets, "up")
}

func (h *heard) SocketDown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sockets = append(h.sockets, "down")
}

// slackDown is a Slack that cannot say who anyone is.
type slackDown struct{ directory }

func (slackDown) GetUserInfoContext(context.Context, string, ...slack.GetUserInfoOption) (*slack.User, error) {
	return nil, slack.SlackErrorResponse{Err: "fatal_error"}
}

// Each command is heard once, with what became of it, and its user's wait.
// (A recorded command needs a store and a Slack: the end-to-end test of
// the metrics has it.)
func TestCommandOutcomes(t *testing.T) {
	noDeal := func(context.Context) (storage.Deal, error) { return storage.Deal{}, storage.ErrNotFound }
	for _, tc := range []struct {
		name      string
		user      string
		command   string
		text      string
		deal      func(context.Context) (storage.Deal, error)
		slackDown bool
		want      string
	}{
		{name: "help", user: "U1", command: "/deal", text: "help", want: "/deal answered"},
		{name: "unknown subcommand", user: "U1", command: "/risk", text: "flagg SSO", want: "/risk invalid"},
		{name: "words after a bare command", user: "U1", command: "/deal", text: "status please", want: "/deal invalid"},
		{name: "no deal in the channel", user: "U1", command: "/champion", deal: noDeal, want: "/champion invalid"},
		{name: "unknown command", user: "U1", command: "/dael", text: "open Acme", want: "other invalid"},
		{name: "database down", user: "U1", command: "/deal", want: "/deal error",
			deal: func(context.Context) (storage.Deal, error) { return storage.Deal{}, errors.New("disk I/O error") }},
		{name: "panic", user: "U1", command: "/risk", want: "/risk error",
			deal: func(context.Context) (storage.Deal, error) { panic("boom") }},
		{name: "guest", user: "UG", command: "/deal", text: "open Acme", want: "/deal refused"},
		{name: "another organisation", user: "UX", command: "/checkin", want: "/checkin refused"},
		{name: "slack cannot tell who", user: "U1", command: "/deal", slackDown: true, want: "/deal error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := testBot(t, stubStore{dealByChannel: tc.deal})
			h := &heard{}
			b.obs = h
			if tc.slackDown {
				b.access = access.New(slackDown{members()}, access.Options{Home: access.Org{TeamID: "T1"}})
			}
			ctx := context.Background()
			cmd := slack.SlashCommand{Command: tc.command, Text: tc.text, TeamID: "T1", ChannelID: "C1", UserID: tc.user}
			b.serve(ctx, b.newPending(ctx, newRecordingAcker(), slashEvent("E1", cmd)))
			cmdName, _, _ := strings.Cut(tc.want, " ")
			if diff := cmp.Diff([]string{tc.want}, h.done); diff != "" {
				t.Errorf("done (-want +heard):\n%s", diff)
			}
			if diff := cmp.Diff([]string{cmdName}, h.answered); diff != "" {
				t.Errorf("answered (-want +heard):\n%s", diff)
			}
		})
	}
}

// A command shed by a full queue is heard as busy, and answered.
func TestShedCommandIsBusy(t *testing.T) {
	b, _ := testBot(t, stubStore{})
	h := &heard{}
	b.obs = h
	ctx := context.Background()
	cmd := slack.SlashCommand{Command: "/deal", Text: "open Acme", TeamID: "T1", ChannelID: "C1", UserID: "U1"}
	b.shed(ctx, b.newPending(ctx, newRecordingAcker(), slashEvent("E1", cmd)))
	if diff := cmp.Diff([]string{"/deal busy"}, h.done); diff != "" {
		t.Errorf("done (-want +heard):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/deal"}, h.answered); diff != "" {
		t.Errorf("answered (-want +heard):\n%s", diff)
	}
}

// The Observer follows the socket: down before each attempt and after a
// failed one, up when connected, a reconnect from the second connection on.
func TestSocketUpAndDown(t *testing.T) {
	b, _ := testBot(t, stubStore{})
	h := &heard{}
	b.obs = h
	ctx := context.Background()
	for _, typ := range []socketmode.EventType{
		socketmode.EventTypeConnecting, socketmode.EventTypeConnected,
		socketmode.EventTypeConnecting, socketmode.EventTypeConnectionError,
		socketmode.EventTypeConnecting, socketmode.EventTypeConnected,
		socketmode.EventTypeInvalidAuth,
	} {
		b.route(ctx, nil, socketmode.Event{Type: typ})
	}
	want := []string{"down", "up", "down", "down", "down", "reconnect", "down"}
	if diff := cmp.Diff(want, h.sockets); diff != "" {
		t.Errorf("sockets (-want +heard):\n%s", diff)
	}
}
