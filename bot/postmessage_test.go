package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
)

// The records' own chat.postMessage sends what slack-go sends and reads
// Slack's answers into the errors the retries and the private fallback
// look for.
func TestPostMessageAsSlackGoDoes(t *testing.T) {
	var got *http.Request
	answer := func(w http.ResponseWriter) {}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		got = r
		answer(w)
	}))
	defer srv.Close()
	b := &Bot{cfg: Config{WebAPI: &WebAPI{Token: "xoxb-secret", URL: srv.URL + "/api/", Client: srv.Client()}}}
	post := func() (string, error) {
		return b.postMessage(t.Context(), "C1", "a record", []slack.Block{blockkit.Section("*a record*")},
			&slack.SlackMetadata{EventType: RecordEventType, EventPayload: map[string]any{}}, "171.5")
	}

	answer = func(w http.ResponseWriter) {
		_, _ = w.Write([]byte(`{"ok":true,"channel":"C1","ts":"1700000000.000100","message":{"text":"a record","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*a record*"}}]}}`))
	}
	ts, err := post()
	if err != nil || ts != "1700000000.000100" {
		t.Fatalf("posted: ts %q, err %v; want the answer's ts", ts, err)
	}
	for field, want := range map[string]string{
		"channel": "C1", "text": "a record", "thread_ts": "171.5",
		"blocks":   `[{"type":"section","text":{"type":"mrkdwn","text":"*a record*"}}]`,
		"metadata": `{"event_type":"longgame_record","event_payload":{}}`,
	} {
		if v := got.PostForm.Get(field); v != want {
			t.Errorf("form %s = %q, want %q", field, v, want)
		}
	}
	if got.URL.Path != "/api/chat.postMessage" || got.Header.Get("Authorization") != "Bearer xoxb-secret" {
		t.Errorf("sent to %s with %q", got.URL.Path, got.Header.Get("Authorization"))
	}

	answer = func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
	}
	var rl *slack.RateLimitedError
	if _, err := post(); !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Errorf("429: %v, want a RateLimitedError of 3s", err)
	}
	answer = func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) }
	var sc slack.StatusCodeError
	if _, err := post(); !errors.As(err, &sc) || sc.Code != http.StatusServiceUnavailable {
		t.Errorf("503: %v, want a StatusCodeError", err)
	}
	answer = func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"ok":false,"error":"not_in_channel"}`)) }
	var se slack.SlackErrorResponse
	if _, err := post(); !errors.As(err, &se) || se.Err != "not_in_channel" {
		t.Errorf("ok:false: %v, want a SlackErrorResponse not_in_channel", err)
	}
}

// The form written by hand is byte for byte what url.Values encodes from
// the same fields, whatever the text holds.
func TestPostFormIsURLValuesEncoding(t *testing.T) {
	blocks := []slack.Block{blockkit.Section("*a <record>* & 100% \"sure\"\nnext line ✓ ~ é")}
	meta := &slack.SlackMetadata{EventType: RecordEventType, EventPayload: map[string]any{"deal": 7}}
	for _, tc := range []struct {
		text, thread string
		meta         *slack.SlackMetadata
		blocks       []slack.Block
	}{
		{"a b+c=d&e%f/g?h#i ✓\n", "171.5", meta, blocks},
		{"", "", nil, nil},
	} {
		got, err := postForm("C1", tc.text, tc.blocks, tc.meta, tc.thread)
		if err != nil {
			t.Fatal(err)
		}
		bl := tc.blocks
		if bl == nil {
			bl = []slack.Block{}
		}
		rawBlocks, _ := json.Marshal(bl)
		want := url.Values{"channel": {"C1"}, "text": {tc.text}, "blocks": {string(rawBlocks)}}
		if tc.meta != nil {
			raw, _ := json.Marshal(tc.meta)
			want.Set("metadata", string(raw))
		}
		if tc.thread != "" {
			want.Set("thread_ts", tc.thread)
		}
		if string(got) != want.Encode() {
			t.Errorf("form\n%s\nwant\n%s", got, want.Encode())
		}
	}
}

// A record's post leaves in one write, headers and body together: a body
// net/http does not know to be in memory has its headers flushed on their
// own first, a second write (and packet, and read at Slack's end) for
// every record.
func TestPostIsOneWrite(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"ok":true,"ts":"1.2"}`))
	}))
	defer srv.Close()
	var writes atomic.Int64
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		return countingConn{Conn: c, writes: &writes}, err
	}
	w := &WebAPI{Token: "xoxb-1", URL: srv.URL + "/api/", Client: &http.Client{Transport: tr}}
	for i := range 3 {
		before := writes.Load()
		if _, err := w.Post(t.Context(), "C1", "a record", []slack.Block{blockkit.Section("*a record*")}, nil, ""); err != nil {
			t.Fatal(err)
		}
		if n := writes.Load() - before; n != 1 {
			t.Errorf("post %d went out in %d writes, want 1", i+1, n)
		}
	}
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}
