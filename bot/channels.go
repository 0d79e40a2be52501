package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// channelCache remembers whether channels are shared with another
// organisation, so a command does not wait on conversations.info each time.
// Entries expire quickly: a channel can become shared at any moment.
type channelCache struct {
	api *slack.Client
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]channelEntry
}

type channelEntry struct {
	shared  bool
	fetched time.Time
}

func newChannelCache(api *slack.Client, ttl time.Duration, now func() time.Time) *channelCache {
	return &channelCache{api: api, ttl: ttl, now: now, entries: make(map[string]channelEntry)}
}

// shared reports whether the channel is shared with another organisation
// (Slack Connect) or another workspace.
func (c *channelCache) shared(ctx context.Context, channelID string) (bool, error) {
	c.mu.Lock()
	e, ok := c.entries[channelID]
	c.mu.Unlock()
	if ok && c.now().Sub(e.fetched) < c.ttl && c.now().Sub(e.fetched) >= 0 {
		return e.shared, nil
	}
	ch, err := c.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channelID})
	if err != nil {
		return false, fmt.Errorf("conversations.info %s: %w", channelID, err)
	}
	e = channelEntry{shared: ch.IsExtShared || ch.IsShared || ch.IsPendingExtShared, fetched: c.now()}
	c.mu.Lock()
	c.entries[channelID] = e
	c.mu.Unlock()
	return e.shared, nil
}

// forget drops what is known of a channel, e.g. when Slack says it changed.
func (c *channelCache) forget(channelID string) {
	c.mu.Lock()
	delete(c.entries, channelID)
	c.mu.Unlock()
}

// SharedChannel reports whether a channel is shared with another
// organisation, from the same cache the bot's answers use: the reminders
// ask it before posting a check-in in a deal channel.
func (b *Bot) SharedChannel(ctx context.Context, channelID string) (bool, error) {
	return b.channels.shared(ctx, channelID)
}
