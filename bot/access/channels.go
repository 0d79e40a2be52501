package access

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/slack-go/slack"
)

// Verdict says whether a channel is the team's alone.
type Verdict struct {
	Shared bool
	// Why names what makes it shared: "slack_connect", "shared" (with
	// another workspace), "guest" or "outsider" (a member who is one).
	Why string
}

// Shared reports whether someone outside the team can read channelID: it
// is shared over Slack Connect (is_ext_shared, is_pending_ext_shared), or
// with another workspace outside an Enterprise Grid org (is_shared without
// is_org_shared), or one of its members is a guest or belongs to another
// organisation. An error means it could not be told; the caller must then
// treat the channel as shared.
func (c *Checker) Shared(ctx context.Context, channelID string) (Verdict, error) {
	return c.channels.get(ctx, channelID, func(ctx context.Context) (Verdict, error) {
		return c.verdict(ctx, channelID)
	})
}

func (c *Checker) verdict(ctx context.Context, channelID string) (Verdict, error) {
	ch, err := c.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: channelID})
	if err != nil {
		return Verdict{}, fmt.Errorf("conversations.info %s: %w", channelID, err)
	}
	switch {
	case ch.IsExtShared || ch.IsPendingExtShared:
		return Verdict{Shared: true, Why: "slack_connect"}, nil
	case ch.IsShared && !ch.IsOrgShared:
		return Verdict{Shared: true, Why: "shared"}, nil
	}
	members, err := c.Members(ctx, channelID)
	if err != nil {
		return Verdict{}, err
	}
	return c.membersVerdict(ctx, members)
}

// lookups bounds the users.info calls one verdict makes at once.
const lookups = 8

// membersVerdict is shared when any member is not a full member of the
// organisation. The members are looked up a few at a time, and the first
// stranger ends the look-ups.
func (c *Checker) membersVerdict(ctx context.Context, members []string) (Verdict, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		found Verdict
		fail  error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, lookups)
	)
	for _, id := range members {
		if id == c.bot {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			p, err := c.Person(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil && !errors.Is(err, context.Canceled):
				fail = cmpErr(fail, err)
				cancel()
			case err == nil && c.standingOf(p) == Guest:
				found = Verdict{Shared: true, Why: "guest"}
				cancel()
			case err == nil && c.standingOf(p) == Outsider:
				found = Verdict{Shared: true, Why: "outsider"}
				cancel()
			}
		})
	}
	wg.Wait()
	if found.Shared {
		return found, nil
	}
	if fail != nil {
		return Verdict{}, fmt.Errorf("members of the channel: %w", fail)
	}
	return Verdict{}, nil
}

// cmpErr keeps the first error.
func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// membersPage is how many members one conversations.members call asks for.
const membersPage = 1000

// Members lists a channel's members, every page of conversations.members.
func (c *Checker) Members(ctx context.Context, channelID string) ([]string, error) {
	var all []string
	cursor := ""
	for {
		ids, next, err := c.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{
			ChannelID: channelID, Cursor: cursor, Limit: membersPage})
		if err != nil {
			return nil, fmt.Errorf("conversations.members %s: %w", channelID, err)
		}
		all = append(all, ids...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}

// ForgetChannel drops the verdict on a channel, on any event that may
// change it (shared, unshared, a member joined or left). A look-up already
// under way cannot store its older answer afterwards.
func (c *Checker) ForgetChannel(channelID string) {
	c.channels.forget(channelID)
}

// MarkShared records that a channel is shared without asking Slack, for an
// event that says so (channel_shared, an accepted Slack Connect invitation).
func (c *Checker) MarkShared(channelID, why string) {
	c.channels.put(channelID, Verdict{Shared: true, Why: why})
}

// ForgetChannels drops every channel verdict: a member became a guest, and
// each channel they are in may now be shared.
func (c *Checker) ForgetChannels() {
	c.channels.forgetAll()
}
