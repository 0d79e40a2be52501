package slackfake_test

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// A test starts the fake, points the app's slack-go client at it, runs a
// slash command as a user and waits for what the app shows.
func Example() {
	fake := slackfake.New(slackfake.Options{})
	if err := fake.Start(); err != nil {
		panic(err)
	}
	defer fake.Close()
	fake.AddUser(slackfake.User{ID: "U1", Name: "alice", TZ: "Europe/Paris"})
	fake.AddChannel(slackfake.Channel{ID: "C1", Name: "deals", IsMember: true})

	// The app under test: here, a bot answering every command with a message.
	api := slack.New("xoxb-fake", slack.OptionAppLevelToken("xapp-fake"), slack.OptionAPIURL(fake.APIURL()))
	sm := socketmode.New(api)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() { _ = sm.RunContext(ctx) }()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-sm.Events:
				if cmd, ok := evt.Data.(slack.SlashCommand); ok {
					_ = sm.AckCtx(ctx, evt.Request.EnvelopeID, nil)
					_, _, _ = api.PostMessageContext(ctx, cmd.ChannelID, slack.MsgOptionText("Opened "+cmd.Text, false))
				}
			}
		}
	}()

	if _, err := fake.SlashCommand(ctx, slackfake.SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal", Text: "Acme"}); err != nil {
		panic(err)
	}
	r, err := fake.WaitReply(ctx, func(r slackfake.Reply) bool { return r.Kind == slackfake.KindPostMessage })
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Channel, r.Text)
}
