package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// baselinePayload is the fixed answer of the bare bot: the cheapest reply a
// slash command can get.
var baselinePayload = map[string]string{"text": "ok"}

// runBenchBaseline is the hidden verb `bench-baseline`: a bare slack-go
// Socket Mode client that acks every slash command at once with
// {"text":"ok"}. `longgame bench` runs it as a child process, next to the
// real bot, as the yardstick its numbers are divided by. It reads
// SLACK_APP_TOKEN, SLACK_BOT_TOKEN and SLACK_API_URL, nothing else.
func runBenchBaseline(ctx context.Context, inv invocation) int {
	api := slack.New(os.Getenv("SLACK_BOT_TOKEN"),
		slack.OptionAppLevelToken(os.Getenv("SLACK_APP_TOKEN")),
		slack.OptionAPIURL(os.Getenv("SLACK_API_URL")),
		slack.OptionHTTPClient(&http.Client{Timeout: 10 * time.Second}))
	client := socketmode.New(api)
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	for {
		select {
		case err := <-runErr:
			if err != nil && !errors.Is(err, context.Canceled) {
				fmt.Fprintf(inv.stderr, "bench-baseline: %v\n", err)
				return exitError
			}
			return exitOK
		case evt := <-client.Events:
			if evt.Request == nil || evt.Request.EnvelopeID == "" {
				continue
			}
			var payload any
			if evt.Type == socketmode.EventTypeSlashCommand {
				payload = baselinePayload
			}
			if err := client.AckCtx(ctx, evt.Request.EnvelopeID, payload); err != nil && ctx.Err() == nil {
				fmt.Fprintf(inv.stderr, "bench-baseline: ack: %v\n", err)
			}
		}
	}
}
