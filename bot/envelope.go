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

	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/bot/views"
)

// acker is the part of the socketmode client an envelope needs.
type acker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

// ackTimeout bounds an ack: Ack without a context blocks forever while the
// socket is down.
const ackTimeout = 5 * time.Second

// answerTimeout bounds the last-resort answers to a user (through the
// response_url, ephemeral, by DM). They run on a context of their own: a
// command whose work used up its budget (Slack hanging on the post of a
// record already committed, say) still tells its user what became of it,
// rather than leaving them to run it again.
const answerTimeout = 10 * time.Second

// answerContext is the context of a last-resort answer.
func answerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), answerTimeout)
}

// maxAckBytes keeps acks under Socket Mode's 20 KiB limit, past which Slack
// drops them silently; bigger answers go through the response_url.
const maxAckBytes = 19 * 1024

// serve handles one envelope on a worker. Its work runs on a context that
// outlives shutdown, so an envelope that was taken is finished; whatever
// happens, the envelope is acked.
func (b *Bot) serve(ctx context.Context, p *pending) {
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.WorkTimeout)
	defer cancel()
	defer p.ack(work, b, nil)
	switch data := p.evt.Data.(type) {
	case slack.SlashCommand:
		b.serveCommand(work, p, data)
	case slack.InteractionCallback:
		b.serveInteraction(work, p, data)
	case slackevents.EventsAPIEvent:
		p.ack(work, b, nil)
		b.guard(work, "event", func() { b.serveEvent(work, data) })
	}
}

// serveCommand answers in the ack when the work is done in time, and through
// the response_url when the deadline acked first, so Slack never shows the
// user a timeout. What the channel must see was posted by runCommand.
func (b *Bot) serveCommand(ctx context.Context, p *pending, cmd slack.SlashCommand) {
	r, o := b.runCommand(ctx, cmd)
	defer b.obs.CommandDone(b.commandName(cmd), o)
	empty := r.Empty()
	if o == Recorded && empty {
		p.show(b) // the record posted in the channel is the answer
	}
	if payload, ok := ackPayload(r); ok && p.ack(ctx, b, payload) {
		p.show(b) // a form opened, or nothing more to say
		return
	}
	p.ack(ctx, b, nil) // too big for an ack
	if !empty {
		b.respond(ctx, cmd, r)
		p.show(b)
	}
}

// runCommand turns a command into what its user sees, whatever happens: a
// bad input, a failure or a panic all become an ephemeral answer. Records
// for the channel are posted there (runCommand returns what is left to
// say to the user alone). o says what became of the command.
func (b *Bot) runCommand(ctx context.Context, cmd slack.SlashCommand) (r views.Reply, o Outcome) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("command panicked", "command", cmd.Command, "team", cmd.TeamID,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			r, o = views.InternalError(), Failed
		}
	}()
	if r, o := b.admission(ctx, cmd.UserID, cmd.TeamID); o != admitted {
		return r, o
	}
	ans, err := b.cmds.Run(ctx, cmd)
	if err != nil {
		r, user := slash.Explain(err)
		if !user {
			b.log.Error("command failed", "command", cmd.Command, "err", err)
			return r, Failed
		}
		return r, Invalid
	}
	if !ans.Reply.InChannel {
		return ans.Reply, Answered
	}
	// A recorded change shows in the App Home of who made it and of the
	// deal's owner.
	b.refreshHomes(ctx, cmd.TeamID, cmd.UserID, ans.Owner)
	return b.deliver(ctx, place{team: cmd.TeamID, channel: cmd.ChannelID, user: cmd.UserID}, ans.Reply), Recorded
}

// ack acks an envelope and reports whether Slack took the ack.
func (b *Bot) ack(ctx context.Context, client acker, envelopeID string, payload any) bool {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	if err := client.AckCtx(ctx, envelopeID, payload); err != nil {
		b.log.Error("ack failed", "envelope", envelopeID, "err", err)
		return false
	}
	return true
}

// respond delivers a slash command's views.Reply through its response_url; when
// that fails, the user still gets it, privately.
func (b *Bot) respond(ctx context.Context, cmd slack.SlashCommand, r views.Reply) {
	ctx, cancel := answerContext(ctx)
	defer cancel()
	msg := &slack.WebhookMessage{ResponseType: slack.ResponseTypeEphemeral, Text: r.Text}
	if len(r.Blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: r.Blocks}
	}
	if err := slack.PostWebhookCustomHTTPContext(ctx, cmd.ResponseURL, b.cfg.HTTPClient, msg); err != nil {
		// The URL is a credential for five replies: never log it.
		b.log.Warn("reply through response_url failed; answering privately", "err", redactURL(err))
		b.tell(ctx, place{team: cmd.TeamID, channel: cmd.ChannelID, user: cmd.UserID}, r)
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
// An empty views.Reply (the command opened a modal) acks with no payload.
func ackPayload(r views.Reply) (any, bool) {
	if r.Text == "" && len(r.Blocks) == 0 {
		return nil, true
	}
	// Records for the channel were posted by the bot itself (their ts is
	// kept); an ack only ever answers its user.
	raw, err := json.Marshal(commandResponse{ResponseType: slack.ResponseTypeEphemeral, Text: r.Text, Blocks: r.Blocks})
	if err != nil || len(raw) > maxAckBytes {
		return nil, false
	}
	return json.RawMessage(raw), true
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
