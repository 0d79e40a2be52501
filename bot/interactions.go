package bot

import (
	"context"
	"sync/atomic"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/reminders"
)

func (b *Bot) serveInteraction(ctx context.Context, client acker, envelopeID string, cb slack.InteractionCallback) {
	switch {
	case cb.Type == slack.InteractionTypeViewSubmission && cb.View.CallbackID == askCallbackID:
		b.guardAck(ctx, client, envelopeID, func(a acker) { b.submitAsk(ctx, a, envelopeID, cb) })
	case cb.Type == slack.InteractionTypeBlockActions:
		b.ack(ctx, client, envelopeID, nil)
		b.guard(ctx, "block action", func() { b.onBlockActions(ctx, cb) })
	default:
		b.ack(ctx, client, envelopeID, nil)
	}
}

func (b *Bot) onBlockActions(ctx context.Context, cb slack.InteractionCallback) {
	for _, action := range cb.ActionCallback.BlockActions {
		if a, id, err := reminders.ParseAction(action.ActionID, action.Value); err == nil {
			b.onCheckinButton(ctx, cb, a, id)
			continue
		}
		b.log.Debug("unknown block action", "action", action.ActionID)
	}
}

// guardAck runs a handler that acks itself. If it panics before acking, the
// envelope is still acked, and the panic is logged with its stack.
func (b *Bot) guardAck(ctx context.Context, client acker, envelopeID string, f func(acker)) {
	tracked := &onceAcker{acker: client}
	defer func() {
		if !tracked.acked.Load() {
			b.ack(ctx, client, envelopeID, nil)
		}
	}()
	b.guard(ctx, "interaction", func() { f(tracked) })
}

// onceAcker remembers that an ack was sent.
type onceAcker struct {
	acker
	acked atomic.Bool
}

func (o *onceAcker) AckCtx(ctx context.Context, envelopeID string, payload any) error {
	o.acked.Store(true)
	return o.acker.AckCtx(ctx, envelopeID, payload)
}
