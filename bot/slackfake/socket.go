package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode limits.
const (
	maxConns        = 10               // per app
	maxAckSize      = 20 * 1024        // Slack drops larger acks
	disconnectGrace = 10 * time.Second // between a disconnect frame and closing
	writeTimeout    = 5 * time.Second
)

// ErrNoAck is returned when the app does not ack an envelope within
// Options.AckTimeout. Slack shows the user an error ("operation_timeout")
// for commands and interactions, and redelivers events.
var ErrNoAck = errors.New("slackfake: no ack before the deadline")

// upgrader accepts any Origin: slack-go sends "https://api.slack.com".
var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// wsConn is one Socket Mode connection.
type wsConn struct {
	ws        *websocket.Conn
	wmu       sync.Mutex // one writer of data frames at a time
	done      chan struct{}
	closeOnce sync.Once
	ready     bool        // said hello; guarded by Server.mu
	draining  bool        // sent a disconnect; guarded by Server.mu
	grace     *time.Timer // closes a draining connection; guarded by Server.mu
}

func (c *wsConn) write(data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// close shuts the socket abruptly, without a close frame.
func (c *wsConn) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// ackFrame is what the app sends back for an envelope.
type ackFrame struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// serveWS upgrades a connection whose ticket apps.connections.open issued,
// says hello, pings it and reads acks until it closes.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	valid := s.tickets[ticket]
	delete(s.tickets, ticket)
	s.mu.Unlock()
	if !valid {
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Debug("socket upgrade failed", "error", err)
		return
	}
	c := &wsConn{ws: ws, done: make(chan struct{})}
	if !s.register(c) {
		return
	}
	s.log.Debug("socket connected")
	if s.goTrack() {
		go func() {
			defer s.wg.Done()
			s.ping(c)
		}()
	}
	s.readAcks(c)
	s.unregister(c)
	c.close()
	s.log.Debug("socket closed")
}

// register says hello and makes c available for envelopes; it refuses an
// eleventh connection as Slack does.
func (s *Server) register(c *wsConn) bool {
	s.mu.Lock()
	open := 0
	for _, x := range s.conns {
		if !x.draining {
			open++
		}
	}
	ok := !s.stopping && open < maxConns
	if ok {
		s.conns = append(s.conns, c) // counted, but takes no envelopes before hello
	}
	s.mu.Unlock()
	if !ok {
		_ = c.write(s.disconnectFrame("too_many_websockets"))
		c.close()
		return false
	}
	hello, _ := json.Marshal(obj{
		"type": "hello", "num_connections": open + 1,
		"debug_info":      obj{"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": obj{"app_id": s.opts.AppID},
	})
	if err := c.write(hello); err != nil {
		s.unregister(c)
		c.close()
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c.ready = true
	s.opened++
	s.connAdded.fire()
	return true
}

func (s *Server) unregister(c *wsConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.conns {
		if x == c {
			s.conns = append(s.conns[:i:i], s.conns[i+1:]...)
			break
		}
	}
	if c.grace != nil {
		c.grace.Stop()
	}
}

// liveConns are the connections taking envelopes. Called with s.mu held.
func (s *Server) liveConns() []*wsConn {
	var out []*wsConn
	for _, c := range s.conns {
		if c.ready && !c.draining {
			out = append(out, c)
		}
	}
	return out
}

// ping sends a WebSocket PING every interval, unless pings are stopped.
func (s *Server) ping(c *wsConn) {
	t := time.NewTicker(s.opts.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-s.done:
			return
		case <-t.C:
			if s.pingsStopped.Load() {
				continue
			}
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)); err != nil {
				s.log.Debug("socket ping failed", "error", err)
			}
		}
	}
}

// readAcks hands each ack to the call waiting for it.
func (s *Server) readAcks(c *wsConn) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if len(data) >= maxAckSize {
			s.log.Debug("socket ack too large, dropped", "bytes", len(data))
			continue
		}
		var a ackFrame
		if err := json.Unmarshal(data, &a); err != nil || a.EnvelopeID == "" {
			s.log.Debug("socket message not an ack", "error", err)
			continue
		}
		s.mu.Lock()
		ch := s.pending[a.EnvelopeID]
		delete(s.pending, a.EnvelopeID)
		s.mu.Unlock()
		if ch == nil {
			s.log.Debug("socket ack late or unknown", "envelope_id", a.EnvelopeID)
			continue
		}
		ch <- a
	}
}

func (s *Server) disconnectFrame(reason string) []byte {
	b, _ := json.Marshal(obj{"type": "disconnect", "reason": reason, "debug_info": obj{"host": "applink-fake"}})
	return b
}

// Disconnect sends every connection a disconnect frame with reason
// ("warning", "refresh_requested", "link_disabled", …), as Slack does
// before recycling a socket; it takes no new envelopes and closes after a
// grace period unless the app closes it first.
func (s *Server) Disconnect(reason string) {
	frame := s.disconnectFrame(reason)
	s.mu.Lock()
	live := s.liveConns()
	for _, c := range live {
		c.draining = true
		c.grace = time.AfterFunc(disconnectGrace, c.close)
	}
	s.mu.Unlock()
	for _, c := range live {
		if err := c.write(frame); err != nil {
			c.close()
		}
	}
}

// DropConnections closes every socket abruptly, with no close frame.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := s.conns
	s.conns = nil
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// StopPings stops WebSocket PINGs on every connection, so that the client's
// watchdog drops it; StartPings resumes them.
func (s *Server) StopPings() { s.pingsStopped.Store(true) }

// StartPings resumes WebSocket PINGs after StopPings.
func (s *Server) StartPings() { s.pingsStopped.Store(false) }

// Connections returns how many sockets take envelopes now.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.liveConns())
}

// SocketsOpened returns how many sockets took envelopes since the server
// started, closed ones included: with Connections, a test tells a socket
// replaced from the same one still open.
func (s *Server) SocketsOpened() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

// WaitConnections blocks until at least n sockets take envelopes.
func (s *Server) WaitConnections(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		live := len(s.liveConns())
		wake := s.connAdded.wait()
		s.mu.Unlock()
		if live >= n {
			return nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return ErrClosed
		}
	}
}

// nextConn picks a connection round-robin, another than avoid when there
// is one, waiting for one if none is open.
func (s *Server) nextConn(ctx context.Context, avoid *wsConn) (*wsConn, error) {
	for {
		s.mu.Lock()
		live := s.liveConns()
		wake := s.connAdded.wait()
		if len(live) > 1 && avoid != nil {
			live = slices.DeleteFunc(live, func(c *wsConn) bool { return c == avoid })
		}
		if len(live) > 0 {
			s.rr++
			c := live[s.rr%len(live)]
			s.mu.Unlock()
			return c, nil
		}
		s.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.done:
			return nil, ErrClosed
		}
	}
}

// envelope is a Socket Mode request to the app.
type envelope struct {
	typ             string
	payload         any
	acceptsResponse bool
	events          bool // events_api envelopes carry retry fields
	retryAttempt    int
	retryReason     string
}

// frame is an envelope as the socket carries it. A struct, not an obj: a
// benchmark sends thousands a second.
type frame struct {
	EnvelopeID             string  `json:"envelope_id"`
	Type                   string  `json:"type"`
	Payload                any     `json:"payload"`
	AcceptsResponsePayload bool    `json:"accepts_response_payload"`
	RetryAttempt           *int    `json:"retry_attempt,omitempty"` // events only, 0 included
	RetryReason            *string `json:"retry_reason,omitempty"`
}

// maxRetryAttempt is the last retry_attempt Slack sends an event with.
const maxRetryAttempt = 3

// deliver sends env on a live connection and waits for its ack. An event
// that gets none is delivered again, to another connection, as
// Options.EventRetries says; the Ack is the one that came.
func (s *Server) deliver(ctx context.Context, env envelope) (*Ack, error) {
	var last *wsConn
	for {
		ack, c, err := s.deliverOnce(ctx, env, last)
		retry := env.events && errors.Is(err, ErrNoAck) && s.opts.EventRetries > 0 &&
			env.retryAttempt < min(s.opts.EventRetries, maxRetryAttempt)
		if !retry {
			return ack, err
		}
		s.log.Debug("socket envelope not acked; delivering it again", "type", env.typ, "error", err)
		env.retryAttempt, env.retryReason, last = env.retryAttempt+1, "timeout", c
	}
}

// deliverOnce sends env on one live connection (another than avoid, if
// there is one) and waits for its ack: ErrNoAck when the deadline passes
// or the connection closes first. It returns the connection used.
func (s *Server) deliverOnce(ctx context.Context, env envelope, avoid *wsConn) (*Ack, *wsConn, error) {
	id := envelopeID()
	f := frame{EnvelopeID: id, Type: env.typ, Payload: env.payload, AcceptsResponsePayload: env.acceptsResponse}
	if env.events {
		f.RetryAttempt, f.RetryReason = &env.retryAttempt, &env.retryReason
	}
	data, err := json.Marshal(f)
	if err != nil {
		return nil, nil, fmt.Errorf("slackfake: encoding %s envelope: %w", env.typ, err)
	}
	got := make(chan ackFrame, 1)
	s.mu.Lock()
	s.pending[id] = got
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, id)
		s.mu.Unlock()
	}()
	c, err := s.send(ctx, data, avoid)
	if err != nil {
		return nil, nil, err
	}
	s.log.Debug("socket envelope sent", "type", env.typ, "envelope_id", id)
	t := time.NewTimer(s.opts.AckTimeout)
	defer t.Stop()
	select {
	case a := <-got:
		ack, err := newAck(a)
		return ack, c, err
	case <-t.C:
		return nil, c, fmt.Errorf("%s envelope %s: %w", env.typ, id, ErrNoAck)
	case <-c.done:
		// An ack read just before the close still counts.
		select {
		case a := <-got:
			ack, err := newAck(a)
			return ack, c, err
		default:
		}
		return nil, c, fmt.Errorf("%s envelope %s: its connection closed: %w", env.typ, id, ErrNoAck)
	case <-ctx.Done():
		return nil, c, ctx.Err()
	case <-s.done:
		return nil, c, ErrClosed
	}
}

// send writes data to one live connection (another than avoid, if there
// is one), moving on from broken ones, and returns it.
func (s *Server) send(ctx context.Context, data []byte, avoid *wsConn) (*wsConn, error) {
	for {
		c, err := s.nextConn(ctx, avoid)
		if err != nil {
			return nil, err
		}
		if err := c.write(data); err == nil {
			return c, nil
		}
		s.unregister(c)
		c.close()
	}
}

func envelopeID() string {
	h := randomID(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
