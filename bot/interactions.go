package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/reminders"
)

// serveInteraction handles a click or a form. Both are checked again on
// arrival: whatever a payload says, only a member of the organisation is
// answered, and only about what is theirs to touch.
func (b *Bot) serveInteraction(ctx context.Context, p *pending, cb slack.InteractionCallback) {
	if r, ok := b.admit(ctx, cb.User.ID, interactionTeam(cb)); !ok {
		b.refuseInteraction(ctx, p, cb, r)
		return
	}
	switch {
	case cb.Type == slack.InteractionTypeViewSubmission && cb.View.CallbackID == askCallbackID:
		b.guard(ctx, "form", func() { b.submitAsk(ctx, p, cb) })
	case cb.Type == slack.InteractionTypeBlockActions:
		p.ack(ctx, b, nil)
		b.guard(ctx, "block action", func() { b.onBlockActions(ctx, cb) })
	}
}

// interactionTeam is the team an interaction says its user acts from.
func interactionTeam(cb slack.InteractionCallback) string {
	if cb.User.TeamID != "" {
		return cb.User.TeamID
	}
	return cb.Team.ID
}

// refuseInteraction answers a stranger's click or form with the one line:
// a form stays open with it, a click gets it privately; nothing is done.
func (b *Bot) refuseInteraction(ctx context.Context, p *pending, cb slack.InteractionCallback, r reply) {
	if cb.Type == slack.InteractionTypeViewSubmission && cb.View.CallbackID == askCallbackID {
		p.ack(ctx, b, viewErrors(map[string]string{askWhatBlock: r.text}))
		return
	}
	p.ack(ctx, b, nil)
	b.tellOnly(ctx, place{channel: cb.Channel.ID, user: cb.User.ID}, r)
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
