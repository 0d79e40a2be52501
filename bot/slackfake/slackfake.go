// Package slackfake is a faithful fake of Slack's Web API and Socket Mode,
// served on 127.0.0.1 for slack-go clients.
//
// A Server holds a workspace (teams, users, channels, messages, views),
// answers the Web API methods Long Game calls with the shapes and errors
// Slack uses, and drives the app as a user would: slash commands, button
// clicks, modal submissions and events travel as Socket Mode envelopes and
// wait for the app's ack. Everything a user could see is appended to a log
// of Replies that tests wait on without sleeping. Faults (rate limits, 5xx,
// delays, dropped sockets, missing pings) are injected per method.
package slackfake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. Zero fields take the defaults noted.
type Options struct {
	BotToken       string        // bot token (xoxb-); default "xoxb-fake"
	AppToken       string        // app-level token (xapp-); default "xapp-fake"
	TeamID         string        // default "T0FAKE"
	TeamName       string        // default "Fake Team"
	TeamDomain     string        // default "fake"
	EnterpriseID   string        // the team's Enterprise Grid organisation (E…); default none
	EnterpriseName string        // the organisation's name
	BotUserID      string        // the bot's user id; default "U0BOT"
	BotID          string        // the bot id (B…); default "B0BOT"
	BotName        string        // the bot user's name; default "longgame"
	AppID          string        // default "A0APP"
	Scopes         []string      // bot token scopes; default DefaultScopes
	PingInterval   time.Duration // WebSocket PING period; default 1s
	AckTimeout     time.Duration // how long Slack waits for an ack; default 3s
	// EventRetries is how often Slack delivers an events_api envelope
	// again when no ack came (the ack timed out, or its connection closed
	// first): each time to another connection when there is one, with
	// retry_attempt counting up and retry_reason "timeout", at most up to
	// retry_attempt 3. Default 3; negative: never. Slash commands and
	// interactions are never delivered again: the user sees an error.
	EventRetries int
	Now          func() time.Time
	Logger       *slog.Logger // default: discard
}

// DefaultScopes are the bot scopes a Server grants unless Options.Scopes
// says otherwise.
var DefaultScopes = []string{
	"app_mentions:read", "channels:history", "channels:read", "chat:write",
	"commands", "groups:history", "groups:read", "im:history", "im:read",
	"im:write", "mpim:history", "mpim:read", "users:read",
}

// ErrClosed is returned by calls made on, or interrupted by, a closed Server.
var ErrClosed = errors.New("slackfake: server closed")

// Server is a fake Slack workspace. Its methods are safe for concurrent use.
type Server struct {
	opts Options
	log  *slog.Logger

	listener net.Listener
	http     *http.Server
	base     string // "http://127.0.0.1:port"
	done     chan struct{}
	wg       sync.WaitGroup // handlers and socket goroutines
	stopping bool           // guarded by mu; no new goroutines once set

	pingsStopped atomic.Bool

	mu    sync.Mutex
	st    *state
	calls map[string]int
	// faults and rate limiting
	faults    map[string][]*Fault
	chanLimit int
	chanPosts map[string][]time.Time
	// socket mode
	tickets   map[string]bool
	conns     []*wsConn
	rr        int
	connAdded signal
	opened    int // sockets that said hello, ever
	pending   map[string]chan ackFrame
	// replies
	replies    []Reply
	replyAdded signal
}

// New returns a Server configured by opts. Call Start before use.
func New(opts Options) *Server {
	setDefaults(&opts)
	lg := opts.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts:      opts,
		log:       lg,
		done:      make(chan struct{}),
		calls:     map[string]int{},
		faults:    map[string][]*Fault{},
		chanPosts: map[string][]time.Time{},
		tickets:   map[string]bool{},
		pending:   map[string]chan ackFrame{},
	}
	s.st = newState(opts)
	return s
}

func setDefaults(o *Options) {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&o.BotToken, "xoxb-fake")
	def(&o.AppToken, "xapp-fake")
	def(&o.TeamID, "T0FAKE")
	def(&o.TeamName, "Fake Team")
	def(&o.TeamDomain, "fake")
	def(&o.BotUserID, "U0BOT")
	def(&o.BotID, "B0BOT")
	def(&o.BotName, "longgame")
	def(&o.AppID, "A0APP")
	if o.Scopes == nil {
		o.Scopes = DefaultScopes
	}
	if o.PingInterval <= 0 {
		o.PingInterval = time.Second
	}
	if o.AckTimeout <= 0 {
		o.AckTimeout = 3 * time.Second
	}
	if o.EventRetries == 0 {
		o.EventRetries = maxRetryAttempt
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Start listens on 127.0.0.1 on a free port and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("slackfake: listen: %w", err)
	}
	s.listener = ln
	s.base = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.tracked(s.serveAPI))
	mux.HandleFunc("/ws", s.tracked(s.serveWS))
	mux.HandleFunc("/response/{id}", s.tracked(s.serveResponseURL))
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.http.Serve(ln)
	}()
	s.log.Debug("slackfake started", "addr", ln.Addr().String())
	return nil
}

// APIURL is the Web API base URL, ending in "/api/", for slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.base + "/api/" }

// Close stops the server: it closes the listener, every WebSocket and
// every pending call, and waits for the server's goroutines to end.
func (s *Server) Close() {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return
	}
	s.stopping = true
	close(s.done)
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	if s.http != nil {
		_ = s.http.Close()
	}
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
}

// tracked runs h as a goroutine Close waits for, or answers 503 once closing.
func (s *Server) tracked(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.goTrack() {
			http.Error(w, "closed", http.StatusServiceUnavailable)
			return
		}
		defer s.wg.Done()
		h(w, r)
	}
}

// goTrack adds one to s.wg unless the server is closing.
func (s *Server) goTrack() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.wg.Add(1)
	return true
}

// now is the injected clock.
func (s *Server) now() time.Time { return s.opts.Now() }

// randomID returns n random bytes in hex: for tickets and response URLs,
// which must not be guessable from one another.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// signal is a broadcast: wait returns a channel closed by the next fire.
// Both are called with Server.mu held.
type signal struct{ ch chan struct{} }

func (g *signal) wait() <-chan struct{} {
	if g.ch == nil {
		g.ch = make(chan struct{})
	}
	return g.ch
}

func (g *signal) fire() {
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
}

// sleepCtx waits d unless ctx ends or the server closes first.
func (s *Server) sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return ErrClosed
	}
}
