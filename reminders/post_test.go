package reminders

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestPostOptionCarriesTheReminder: with Options.Post (longgame run's own
// chat.postMessage, which reads only the ts of Slack's answer), a
// reminder goes out through it with its text, blocks and metadata, and
// the check-in is marked with the ts it returned.
func TestPostOptionCarriesTheReminder(t *testing.T) {
	e := newEnv(t, t0)
	type call struct {
		channel, text string
		blocks        int
		meta          *slack.SlackMetadata
	}
	var (
		mu    sync.Mutex
		calls []call
	)
	through := e.d // posts through slack-go, as without the option
	e.d = New(e.db, e.api, echoMessages{}, Options{Logger: testLogger(t), Now: e.clock.Now, ClaimantID: "w1", Lease: 5 * time.Minute,
		Post: func(ctx context.Context, channel, text string, blocks []slack.Block, meta *slack.SlackMetadata) (string, error) {
			mu.Lock()
			calls = append(calls, call{channel, text, len(blocks), meta})
			mu.Unlock()
			return through.postThroughPoster(ctx, channel, text, blocks, meta)
		}})
	_, series := e.wonDeal(alice, "C1", day(2026, 3, 2), mustLoad("Europe/Paris"), 14)
	e.dispatch(series[0].DueAt)
	m := e.wantPosts("C1", series[0].ID)[0]
	if len(calls) != 1 {
		t.Fatalf("%d posts through Options.Post, want 1", len(calls))
	}
	c := calls[0]
	if c.channel != "C1" || c.text != m.Text || c.meta == nil || c.meta.EventType != MetadataEventType {
		t.Errorf("posted %+v, want the reminder in C1 with its check-in metadata", c)
	}
	if got := e.checkin(series[0].ID); got.MessageTS != m.TS {
		t.Errorf("check-in marked with ts %q, want the post's %q", got.MessageTS, m.TS)
	}
}
