package slackfake

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/socketmode"
)

// Several replicas of the app each hold a connection: every envelope goes
// to exactly one of them, and each gets a share.
func TestEnvelopesSpreadOverClients(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	clients := []*socketmode.Client{h.sm}
	for range 2 {
		_, sm := h.client()
		clients = append(clients, sm)
	}
	if err := h.fake.WaitConnections(ctx, len(clients)); err != nil {
		t.Fatal(err)
	}

	const n = 30
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var ack *Ack
			var err error
			if i%2 == 0 {
				ack, err = h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal"})
			} else {
				ack, err = h.fake.Event(ctx, h.fake.NewAppHomeOpened("U2"))
			}
			if err != nil {
				t.Error(err)
				return
			}
			ids <- ack.EnvelopeID
		})
	}
	wg.Wait()
	close(ids)
	sent := map[string]bool{}
	for id := range ids {
		sent[id] = true
	}

	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]int{}
	for i, sm := range clients {
		if len(h.received[sm]) == 0 {
			t.Errorf("client %d received no envelope", i)
		}
		for _, id := range h.received[sm] {
			seen[id]++
		}
	}
	for id, times := range seen {
		if times != 1 || !sent[id] {
			t.Errorf("envelope %s reached %d clients (sent: %v)", id, times, sent[id])
		}
	}
	if len(seen) != n || len(sent) != n {
		t.Errorf("%d envelopes acked, %d received, want %d", len(sent), len(seen), n)
	}
}

// rawConn is a Socket Mode connection that acks every envelope and counts
// them.
type rawConn struct {
	ws *websocket.Conn
	mu sync.Mutex
	n  int
}

func (c *rawConn) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *rawConn) ackAll() {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var env struct {
			EnvelopeID string `json:"envelope_id"`
		}
		if json.Unmarshal(data, &env) != nil || env.EnvelopeID == "" {
			continue
		}
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
		if c.ws.WriteJSON(ackFrame{EnvelopeID: env.EnvelopeID}) != nil {
			return
		}
	}
}

func TestTenConnectionsShareEnvelopes(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	type frame struct {
		Type           string `json:"type"`
		Reason         string `json:"reason"`
		NumConnections int    `json:"num_connections"`
	}
	dial := func() (*websocket.Conn, frame) {
		t.Helper()
		_, url, err := api.StartSocketModeContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ws, res, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		return ws, f
	}

	var conns []*rawConn
	var wg sync.WaitGroup
	defer func() {
		for _, c := range conns {
			c.ws.Close()
		}
		wg.Wait()
	}()
	for i := range maxConns {
		ws, hello := dial()
		if hello.Type != "hello" || hello.NumConnections != i+1 {
			t.Errorf("connection %d: first frame %+v, want hello with num_connections %d", i+1, hello, i+1)
		}
		c := &rawConn{ws: ws}
		conns = append(conns, c)
		wg.Go(c.ackAll)
	}
	if err := fake.WaitConnections(ctx, maxConns); err != nil {
		t.Fatal(err)
	}

	// An eleventh connection is turned away.
	ws, first := dial()
	defer ws.Close()
	if first.Type != "disconnect" || first.Reason != "too_many_websockets" {
		t.Errorf("eleventh connection: first frame %+v, want disconnect too_many_websockets", first)
	}
	if _, _, err := ws.ReadMessage(); err == nil {
		t.Error("eleventh connection still open")
	}
	if got := fake.Connections(); got != maxConns {
		t.Errorf("Connections() = %d, want %d", got, maxConns)
	}

	for range 2 * maxConns {
		if _, err := fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal"}); err != nil {
			t.Fatal(err)
		}
	}
	var counts []int
	for _, c := range conns {
		counts = append(counts, c.count())
	}
	want := []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 2}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("envelopes per connection (-want +got):\n%s", diff)
	}
}

// envelopeFrame is what a raw connection reads of an envelope.
type envelopeFrame struct {
	EnvelopeID   string `json:"envelope_id"`
	Type         string `json:"type"`
	RetryAttempt int    `json:"retry_attempt"`
	RetryReason  string `json:"retry_reason"`
	Payload      struct {
		EventID string `json:"event_id"`
	} `json:"payload"`
}

// A replica dies holding an event: Slack delivers it again to another
// connection, marked as a retry. A slash command it held is not: its user
// sees an error.
func TestUnackedEventGoesToAnotherConnection(t *testing.T) {
	fake, api := newAPI(t, Options{AckTimeout: 10 * time.Second})
	ctx := testCtx(t)
	dial := func() *websocket.Conn {
		t.Helper()
		_, url, err := api.StartSocketModeContext(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ws, res, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var hello envelopeFrame
		if err := ws.ReadJSON(&hello); err != nil || hello.Type != "hello" {
			t.Fatalf("first frame %+v (%v), want hello", hello, err)
		}
		return ws
	}
	// read returns the next envelope a connection gets.
	read := func(ws *websocket.Conn) envelopeFrame {
		t.Helper()
		var f envelopeFrame
		if err := ws.ReadJSON(&f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	dying := dial()
	if err := fake.WaitConnections(ctx, 1); err != nil {
		t.Fatal(err)
	}
	type result struct {
		ack *Ack
		err error
	}
	acked := make(chan result, 1)
	go func() {
		ack, err := fake.Event(ctx, fake.NewAppHomeOpened("U1"))
		acked <- result{ack, err}
	}()
	first := read(dying)
	if first.Type != "events_api" || first.RetryAttempt != 0 {
		t.Fatalf("first delivery %+v, want an events_api envelope, no retry", first)
	}

	survivor := dial()
	defer survivor.Close()
	if err := fake.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	dying.Close() // the replica is killed before it acks
	again := read(survivor)
	if again.Payload.EventID != first.Payload.EventID || again.RetryAttempt != 1 || again.RetryReason != "timeout" ||
		again.EnvelopeID == first.EnvelopeID {
		t.Errorf("redelivery %+v, want event %s again, retry_attempt 1, reason timeout, a new envelope id", again, first.Payload.EventID)
	}
	if err := survivor.WriteJSON(ackFrame{EnvelopeID: again.EnvelopeID}); err != nil {
		t.Fatal(err)
	}
	if r := <-acked; r.err != nil || r.ack.EnvelopeID != again.EnvelopeID {
		t.Errorf("Event = %+v, %v; want the survivor's ack", r.ack, r.err)
	}

	// A slash command whose connection closes before its ack is lost.
	dying = dial()
	if err := fake.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	survivor.Close()
	waitFor(t, "the survivor's close seen", func() bool { return fake.Connections() == 1 })
	go func() {
		ack, err := fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal"})
		acked <- result{ack, err}
	}()
	if f := read(dying); f.Type != "slash_commands" {
		t.Fatalf("got %+v, want the slash command", f)
	}
	third := dial()
	defer third.Close()
	dying.Close()
	if r := <-acked; !errors.Is(r.err, ErrNoAck) {
		t.Errorf("slash command on a closed connection: %+v, %v; want ErrNoAck", r.ack, r.err)
	}
}

// waitFor polls cond until it holds, failing t after 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		<-tick.C
	}
}
