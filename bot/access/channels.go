package access

import (
	"context"
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
// organisation. Members already known are judged at once; the others are
// looked up, a lone one (a newcomer among known members, the usual case)
// right here.
func (c *Checker) membersVerdict(ctx context.Context, members []string) (Verdict, error) {
	var unknown []string
	for _, id := range members {
		if id == c.bot {
			continue
		}
		p, ok := c.people.cached(id)
		if !ok {
			unknown = append(unknown, id)
			continue
		}
		if v := c.verdictOn(p); v.Shared {
			return v, nil
		}
	}
	if len(unknown) != 1 {
		return c.lookUpMembers(ctx, unknown)
	}
	p, err := c.Person(ctx, unknown[0])
	if err != nil {
		return Verdict{}, fmt.Errorf("members of the channel: %w", err)
	}
	return c.verdictOn(p), nil
}

// verdictOn is what one member makes of a channel: shared if they are a
// guest or of another organisation.
func (c *Checker) verdictOn(p Person) Verdict {
	switch c.standingOf(p) {
	case Guest:
		return Verdict{Shared: true, Why: "guest"}
	case Outsider:
		return Verdict{Shared: true, Why: "outsider"}
	}
	return Verdict{}
}

// lookUpMembers looks members up a few at a time; the first stranger ends
// the look-ups. A caller who gives up first gets an error, not a verdict on
// members never seen.
func (c *Checker) lookUpMembers(parent context.Context, members []string) (Verdict, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var (
		mu    sync.Mutex
		found Verdict
		fail  error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, lookups)
	)
	for _, id := range members {
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
			// Every error counts, a cancellation too: once a stranger
			// was found, found wins below; otherwise the caller gave up
			// and no verdict can be made.
			switch {
			case err != nil:
				fail = cmpErr(fail, err)
				cancel()
			case err == nil && !found.Shared:
				if v := c.verdictOn(p); v.Shared {
					found = v
					cancel()
				}
			}
		})
	}
	wg.Wait()
	if found.Shared {
		return found, nil
	}
	if fail == nil {
		fail = parent.Err() // it ended before a look-up began
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
