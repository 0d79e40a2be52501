package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/longgame/longgame/bot/access"
)

// testNow is when the bot's unit tests run.
var testNow = time.Date(2026, 11, 27, 15, 4, 0, 0, time.UTC)

// directory is a Slack that knows each user's standing and nothing else:
// for unit tests of the bot without a fake Slack. Channels are the team's
// own and empty.
type directory map[string]slack.User

// members is a directory where U1, U2 and U9 are full members of T1, UG a
// guest and UX a user of another organisation.
func members() directory {
	return directory{
		"U1": {ID: "U1", TeamID: "T1"}, "U2": {ID: "U2", TeamID: "T1"}, "U9": {ID: "U9", TeamID: "T1"},
		"UG": {ID: "UG", TeamID: "T1", IsRestricted: true}, "UX": {ID: "UX", TeamID: "T2"},
	}
}

func (d directory) checker() *access.Checker {
	return access.New(d, access.Options{Home: access.Org{TeamID: "T1"}})
}

func (d directory) GetUserInfoContext(_ context.Context, id string, _ ...slack.GetUserInfoOption) (*slack.User, error) {
	u, ok := d[id]
	if !ok {
		return nil, slack.SlackErrorResponse{Err: "user_not_found"}
	}
	return &u, nil
}

func (d directory) GetConversationInfoContext(_ context.Context, in *slack.GetConversationInfoInput) (*slack.Channel, error) {
	var ch slack.Channel
	ch.ID = in.ChannelID
	return &ch, nil
}

func (d directory) GetUsersInConversationContext(context.Context, *slack.GetUsersInConversationParameters) ([]string, string, error) {
	return nil, "", nil
}

func (d directory) GetConversationsForUserContext(context.Context, *slack.GetConversationsForUserParameters) ([]slack.Channel, string, error) {
	return nil, "", nil
}

// slashEvent is cmd as the envelope the socket delivers.
func slashEvent(envelopeID string, cmd slack.SlashCommand) socketmode.Event {
	return socketmode.Event{Type: socketmode.EventTypeSlashCommand, Data: cmd,
		Request: &socketmode.Request{EnvelopeID: envelopeID, Type: "slash_commands"}}
}
