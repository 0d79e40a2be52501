package access

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"
)

// conversationsPage is how many channels one users.conversations call asks
// for.
const conversationsPage = 1000

// memberTypes are the conversations a deal may live in.
var memberTypes = []string{"public_channel", "private_channel", "mpim"}

// ChannelsOf is the set of channels userID is a member of, as far as the
// app can see them (every public channel, and the private ones the app is
// in), from every page of users.conversations, cached for the channel TTL.
// What spans deals shows a deal to its owner and to these channels'
// members. An error means the list could not be read: the caller shows
// the user's own deals only, and says how many it left out.
func (c *Checker) ChannelsOf(ctx context.Context, userID string) (map[string]bool, error) {
	return c.joined.get(ctx, userID, func(ctx context.Context) (map[string]bool, error) {
		set := map[string]bool{}
		cursor := ""
		for {
			chans, next, err := c.api.GetConversationsForUserContext(ctx, &slack.GetConversationsForUserParameters{
				UserID: userID, Cursor: cursor, Types: memberTypes, Limit: conversationsPage})
			if err != nil {
				return nil, fmt.Errorf("users.conversations %s: %w", userID, err)
			}
			for _, ch := range chans {
				set[ch.ID] = true
			}
			if next == "" {
				return set, nil
			}
			cursor = next
		}
	})
}

// ForgetMembership drops what is known of userID's channels, when they
// joined or left one.
func (c *Checker) ForgetMembership(userID string) {
	c.joined.forget(userID)
}
