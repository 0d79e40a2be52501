package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// acker is the part of the socketmode client an envelope needs.
type acker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

// ackTimeout bounds an ack: Ack without a context blocks forever while the
// socket is down.
const ackTimeout = 5 * time.Second

// workTimeout bounds the work one envelope may do. The work runs on a context
// that outlives shutdown, so a command that was taken is finished.
const workTimeout = 30 * time.Second

// maxAckBytes keeps acks under Socket Mode's 20 KiB limit, past which Slack
// drops them silently; bigger answers go through the response_url.
const maxAckBytes = 19 * 1024

func (b *Bot) serve(ctx context.Context, client acker, evt socketmode.Event) {
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), workTimeout)
	defer cancel()
	envelopeID := evt.Request.EnvelopeID
	switch data := evt.Data.(type) {
	case slack.SlashCommand:
		b.serveCommand(work, client, envelopeID, data)
	case slack.InteractionCallback:
		b.serveInteraction(work, client, envelopeID, data)
	case slackevents.EventsAPIEvent:
		b.beforeAck(data)
		b.ack(work, client, envelopeID, nil)
		b.guard(work, "event", func() { b.serveEvent(work, data) })
	default:
		b.ack(work, client, envelopeID, nil)
	}
}

// serveCommand answers in the ack when the work is done in time, and through
// the response_url when it is not, so Slack never shows the user a timeout.
func (b *Bot) serveCommand(ctx context.Context, client acker, envelopeID string, cmd slack.SlashCommand) {
	done := make(chan reply, 1)
	go func() { done <- b.runCommand(ctx, cmd) }()

	timer := time.NewTimer(b.cfg.AckDeadline)
	defer timer.Stop()
	var r reply
	select {
	case r = <-done:
		if payload, ok := ackPayload(r); ok {
			b.ack(ctx, client, envelopeID, payload)
			return
		}
		b.ack(ctx, client, envelopeID, nil)
	case <-timer.C:
		b.ack(ctx, client, envelopeID, nil)
		r = <-done
	}
	if r.text != "" || len(r.blocks) > 0 {
		b.respond(ctx, cmd, r)
	}
}

// runCommand turns a command into the reply its user sees, whatever happens:
// a bad input, a failure or a panic all become an ephemeral answer.
func (b *Bot) runCommand(ctx context.Context, cmd slack.SlashCommand) (r reply) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("command panicked", "command", cmd.Command, "team", cmd.TeamID,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r = internalErrorReply()
		}
	}()
	r, err := b.dispatchCommand(ctx, cmd)
	if err != nil {
		return b.errorReply(cmd.Command, err)
	}
	return b.applyPrivacy(ctx, cmd.ChannelID, r)
}

func (b *Bot) ack(ctx context.Context, client acker, envelopeID string, payload any) {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := client.AckCtx(ctx, envelopeID, payload); err != nil {
		b.log.Error("ack failed", "envelope", envelopeID, "err", err)
	}
}

// respond delivers a slash command's reply through its response_url; when
// that fails, the user still gets it, privately.
func (b *Bot) respond(ctx context.Context, cmd slack.SlashCommand, r reply) {
	msg := &slack.WebhookMessage{
		ResponseType: responseType(r),
		Text:         r.text,
	}
	if len(r.blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: r.blocks}
	}
	if err := slack.PostWebhookCustomHTTPContext(ctx, cmd.ResponseURL, b.cfg.HTTPClient, msg); err != nil {
		// The URL is a credential for five replies: never log it.
		b.log.Warn("reply through response_url failed; answering privately", "err", redactURL(err))
		b.post(ctx, cmd.ChannelID, cmd.UserID, "", r)
	}
}

// guard runs f and turns a panic into a log line with the stack, so one bad
// envelope cannot take the process down.
func (b *Bot) guard(ctx context.Context, what string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("handler panicked", "what", what, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	f()
}

type commandResponse struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

// ackPayload is r as a slash command's ack, unless it is too big for one.
// An empty reply (the command opened a modal) acks with no payload.
func ackPayload(r reply) (any, bool) {
	if r.text == "" && len(r.blocks) == 0 {
		return nil, true
	}
	raw, err := json.Marshal(commandResponse{ResponseType: responseType(r), Text: r.text, Blocks: r.blocks})
	if err != nil || len(raw) > maxAckBytes {
		return nil, false
	}
	return json.RawMessage(raw), true
}

func responseType(r reply) string {
	if r.inChannel {
		return slack.ResponseTypeInChannel
	}
	return slack.ResponseTypeEphemeral
}

// redactURL strips the URL from an HTTP client error: response_urls and
// WebSocket URLs carry credentials.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
