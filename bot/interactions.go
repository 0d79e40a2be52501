package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/checkin"
	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/bot/views"
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
	case cb.Type == slack.InteractionTypeViewSubmission && slash.IsAskForm(cb.View):
		b.guard(ctx, "form", func() { b.submitAsk(ctx, p, cb) })
	case cb.Type == slack.InteractionTypeViewSubmission && slash.IsDealOpenForm(cb.View):
		b.guard(ctx, "form", func() { b.submitDealOpen(ctx, p, cb) })
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
func (b *Bot) refuseInteraction(ctx context.Context, p *pending, cb slack.InteractionCallback, r views.Reply) {
	if cb.Type == slack.InteractionTypeViewSubmission && slash.IsAskForm(cb.View) {
		p.ack(ctx, b, viewErrors(slash.AskFormProblem(r.Text)))
		return
	}
	if cb.Type == slack.InteractionTypeViewSubmission && slash.IsDealOpenForm(cb.View) {
		p.ack(ctx, b, viewErrors(slash.DealFormProblem(r.Text)))
		return
	}
	p.ack(ctx, b, nil)
	b.tellOnly(ctx, place{channel: cb.Channel.ID, user: cb.User.ID}, r)
}

func (b *Bot) onBlockActions(ctx context.Context, cb slack.InteractionCallback) {
	for _, action := range cb.ActionCallback.BlockActions {
		if action.ActionID == checkin.ActionOpenDeal {
			b.openDealForm(ctx, cb, action.Value)
			continue
		}
		a, id, err := checkin.ParseAction(action.ActionID, action.Value)
		if err != nil {
			b.log.Debug("unknown block action", "action", action.ActionID)
			continue
		}
		out := b.clicks.Handle(ctx, cb, a, id)
		if out.Problem != "" {
			b.tellUser(ctx, cb, out.Problem)
		}
		b.refreshHomes(ctx, cb.Team.ID, out.Homes...)
	}
}

// openDealForm answers "Open a deal at <company>" on a job-change
// reminder: the /deal open form, prefilled.
func (b *Bot) openDealForm(ctx context.Context, cb slack.InteractionCallback, value string) {
	id, err := checkin.ParseOpenDeal(value)
	if err != nil {
		b.log.Debug("open-deal button with a bad value", "err", err)
		return
	}
	if problem := b.cmds.OpenDealForm(ctx, cb, id, checkin.Belongs); problem != "" {
		b.tellUser(ctx, cb, problem)
	}
}

// submitDealOpen opens the deal of the open-a-deal form; the answer goes
// to the channel picked, as any /deal open's would (privately there when
// people outside the team are in it).
func (b *Bot) submitDealOpen(ctx context.Context, p *pending, cb slack.InteractionCallback) {
	sub, err := b.cmds.SubmitDealOpen(ctx, cb)
	if err != nil {
		b.log.Error("deal form failed", "err", err)
		sub.Problems = slash.DealFormProblem(slash.Message(err))
	}
	b.finishForm(ctx, p, cb, sub)
}

// submitAsk records the ask form before acking when it can, so a failure
// keeps the form open with the user's text instead of losing it. The answer
// goes to the deal's own channel, as stored, whatever the form's metadata
// names.
func (b *Bot) submitAsk(ctx context.Context, p *pending, cb slack.InteractionCallback) {
	sub, err := b.cmds.SubmitAsk(ctx, cb)
	if err != nil {
		b.log.Error("ask form failed", "err", err)
		sub.Problems = slash.AskFormProblem(slash.Message(err))
	}
	b.finishForm(ctx, p, cb, sub)
}

// finishForm acks a submitted form: open, with its problems under their
// fields (said where the user was when the deadline closed it), or closed,
// its answer said in the deal's channel and the Homes of the submitter and
// the deal's owner refreshed.
func (b *Bot) finishForm(ctx context.Context, p *pending, cb slack.InteractionCallback, sub slash.Submission) {
	if sub.Problems != nil {
		if !p.ack(ctx, b, viewErrors(sub.Problems)) {
			for _, problem := range sub.Problems {
				b.tellUser(ctx, cb, problem)
			}
		}
		return
	}
	p.ack(ctx, b, nil)
	b.say(ctx, place{team: cb.Team.ID, channel: sub.Deal.ChannelID, user: cb.User.ID}, sub.Reply)
	b.refreshHomes(ctx, cb.Team.ID, cb.User.ID, sub.Deal.OwnerID)
}

// viewErrors is a view_submission ack that keeps the form open with
// problems under its fields.
func viewErrors(problems map[string]string) map[string]any {
	return map[string]any{"response_action": "errors", "errors": problems}
}

// tellUser answers an interaction privately where it happened.
func (b *Bot) tellUser(ctx context.Context, cb slack.InteractionCallback, msg string) {
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.User.ID
	}
	b.tell(ctx, place{team: cb.Team.ID, channel: channel, user: cb.User.ID}, views.Problem(msg, ""))
}
