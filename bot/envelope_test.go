package bot

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/storage"
)

// recordingAcker is the socket side of an envelope, for unit tests.
type recordingAcker struct {
	mu    sync.Mutex
	acks  []any
	acked chan struct{}
}

func newRecordingAcker() *recordingAcker { return &recordingAcker{acked: make(chan struct{}, 10)} }

func (a *recordingAcker) AckCtx(_ context.Context, _ string, payload any) error {
	a.mu.Lock()
	a.acks = append(a.acks, payload)
	a.mu.Unlock()
	a.acked <- struct{}{}
	return nil
}

// stubStore answers DealByChannel through a function; any other call
// panics through the nil embedded interface, which these tests never make.
type stubStore struct {
	Store
	dealByChannel func(ctx context.Context) (storage.Deal, error)
}

func (s stubStore) DealByChannel(ctx context.Context, _, _ string) (storage.Deal, error) {
	return s.dealByChannel(ctx)
}

func testBot(t *testing.T, store Store) (*Bot, *strings.Builder) {
	t.Helper()
	var logs strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	api := slack.New("xoxb-unit", slack.OptionAPIURL("http://127.0.0.1:1/api/"))
	return New(api, store, Config{Config: slash.Config{Logger: log, Now: func() time.Time { return testNow }},
		AckDeadline: 50 * time.Millisecond, Access: members().checker()}), &logs
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestPanickingHandlerAnswersAndLogsTheStack(t *testing.T) {
	b, logs := testBot(t, stubStore{dealByChannel: func(context.Context) (storage.Deal, error) { panic("boom") }})
	acker := newRecordingAcker()
	ctx := context.Background()
	b.serve(ctx, b.newPending(ctx, acker, slashEvent("E1", slack.SlashCommand{Command: "/deal", TeamID: "T1", ChannelID: "C1", UserID: "U1"})))
	if len(acker.acks) != 1 {
		t.Fatalf("%d acks, want 1", len(acker.acks))
	}
	raw, _ := json.Marshal(acker.acks[0])
	if !strings.Contains(string(raw), "could not finish this command") || !strings.Contains(string(raw), `"ephemeral"`) {
		t.Errorf("the user was told %s", raw)
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("the log lacks the panic and its stack:\n%s", logs)
	}
}

// A command stuck on the database is acked in time, and its answer arrives
// through the response_url once the work finishes.
func TestSlowCommandAcksInTimeThenAnswersThroughResponseURL(t *testing.T) {
	release := make(chan struct{})
	store := stubStore{dealByChannel: func(ctx context.Context) (storage.Deal, error) {
		<-release
		return storage.Deal{}, storage.ErrNotFound
	}}
	b, _ := testBot(t, store)
	srv, posted := responseURL(t)

	acker := newRecordingAcker()
	done := make(chan struct{})
	go func() {
		ctx := context.Background()
		cmd := slack.SlashCommand{Command: "/deal", TeamID: "T1", ChannelID: "C1", UserID: "U1", ResponseURL: srv.URL}
		b.serve(ctx, b.newPending(ctx, acker, slashEvent("E1", cmd)))
		close(done)
	}()
	select {
	case <-acker.acked:
	case <-time.After(10 * time.Second):
		t.Fatal("no ack while the database was stuck")
	}
	if acker.acks[0] != nil {
		t.Errorf("the early ack carried %v, want no payload", acker.acks[0])
	}
	close(release)
	<-done
	select {
	case body := <-posted:
		if !strings.Contains(body, "This channel has no deal yet") {
			t.Errorf("response_url got %s", body)
		}
	default:
		t.Fatal("nothing was posted to the response_url")
	}
}

// A command whose work used up its budget (here the database; in the
// field, Slack hanging on the post of a record already committed) still
// tells its user what became of it: the last-resort answer has a budget
// of its own.
func TestCommandPastItsWorkBudgetStillAnswers(t *testing.T) {
	store := stubStore{dealByChannel: func(ctx context.Context) (storage.Deal, error) {
		<-ctx.Done()
		return storage.Deal{}, ctx.Err()
	}}
	b, _ := testBot(t, store)
	b.cfg.WorkTimeout = 100 * time.Millisecond
	srv, posted := responseURL(t)

	ctx := context.Background()
	cmd := slack.SlashCommand{Command: "/deal", TeamID: "T1", ChannelID: "C1", UserID: "U1", ResponseURL: srv.URL}
	b.serve(ctx, b.newPending(ctx, newRecordingAcker(), slashEvent("E1", cmd)))
	select {
	case body := <-posted:
		if !strings.Contains(body, "could not finish this command") {
			t.Errorf("response_url got %s", body)
		}
	default:
		t.Fatal("the user was told nothing once the work's budget was spent")
	}
}

// responseURL is a response_url that hands over what is posted to it.
func responseURL(t *testing.T) (*httptest.Server, <-chan string) {
	posted := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		posted <- string(body)
	}))
	t.Cleanup(srv.Close)
	return srv, posted
}

func TestRedactURLDropsCredentials(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	srv.Close() // nothing listens there any more: the request fails
	_, err := http.Get(srv.URL + "/hooks/SECRET-ticket?ticket=xyz")
	if err == nil {
		t.Fatal("a request to a closed server succeeded")
	}
	if got := redactURL(err).Error(); strings.Contains(got, "SECRET") || strings.Contains(got, "xyz") {
		t.Errorf("redacted error still holds the URL: %s", got)
	}
}

// With every worker busy and the queue full, a command is told to try
// again at once (nothing written), and every envelope is still acked within
// the deadline: the queued one by its deadline, the running one too.
func TestFullQueueShedsAndEveryEnvelopeIsAckedInTime(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{}, 3)
	store := stubStore{dealByChannel: func(ctx context.Context) (storage.Deal, error) {
		entered <- struct{}{}
		<-release
		return storage.Deal{}, storage.ErrNotFound
	}}
	b, _ := testBot(t, store)
	b.cfg.Workers = 1
	b.queue = make(chan *pending, 1)
	ctx := context.Background()
	workers := b.startWorkers(ctx)
	acker := newRecordingAcker()
	cmd := slack.SlashCommand{Command: "/deal", TeamID: "T1", ChannelID: "C1", UserID: "U1"}
	b.enqueue(ctx, acker, slashEvent("E0", cmd))
	<-entered                                    // the one worker is stuck on E0
	b.enqueue(ctx, acker, slashEvent("E1", cmd)) // waits in the queue
	b.enqueue(ctx, acker, slashEvent("E2", cmd)) // shed
	for range 3 {
		select {
		case <-acker.acked:
		case <-time.After(10 * time.Second):
			t.Fatal("an envelope was not acked while the workers were stuck")
		}
	}
	close(release)
	close(b.queue)
	workers.Wait()
	acker.mu.Lock()
	defer acker.mu.Unlock()
	busy := 0
	for _, a := range acker.acks {
		raw, _ := json.Marshal(a)
		if strings.Contains(string(raw), "busy") {
			busy++
		}
	}
	if busy != 1 || len(acker.acks) != 3 {
		t.Errorf("%d acks, %d saying busy; want 3 and 1", len(acker.acks), busy)
	}
}
