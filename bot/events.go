package bot

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// beforeAck does what must be done before Slack hears back, on the reader:
// once a channel is shared, or its members change, no answer may rely on
// what was known about it.
func (b *Bot) beforeAck(evt slackevents.EventsAPIEvent) {
	switch ev := evt.InnerEvent.Data.(type) {
	case *slackevents.ChannelSharedEvent:
		b.access.MarkShared(ev.Channel, "slack_connect")
	case *slackevents.SharedChannelInviteAcceptedEvent:
		if ev.Channel != nil {
			b.access.MarkShared(ev.Channel.ID, "slack_connect")
		}
	case *slackevents.ChannelUnsharedEvent:
		b.access.ForgetChannel(ev.Channel)
	case *slackevents.MemberJoinedChannelEvent:
		b.access.ForgetChannel(ev.Channel)
		b.access.ForgetMembership(ev.User)
	case *slackevents.MemberLeftChannelEvent:
		b.access.ForgetChannel(ev.Channel)
		b.access.ForgetMembership(ev.User)
	case *slackevents.UserChangeEvent:
		b.access.ForgetUser(ev.User.ID)
		if u := ev.User; u.IsRestricted || u.IsUltraRestricted || u.Deleted {
			// Every channel they are in may be read by a guest now: no
			// verdict from before stands, not even while users.info is
			// asked to confirm.
			b.access.ForgetChannels()
		}
	}
}

// serveEvent handles an Events API envelope once: Slack redelivers events
// whose ack it did not see, with the same event id.
func (b *Bot) serveEvent(ctx context.Context, evt slackevents.EventsAPIEvent) {
	cb, ok := evt.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || cb.EventID == "" {
		return
	}
	first, err := b.store.MarkEventSeen(ctx, evt.TeamID, cb.EventID)
	if err != nil {
		b.log.Error("event dedupe failed", "event", cb.EventID, "err", err)
		return
	}
	if !first {
		b.log.Debug("event already handled", "event", cb.EventID)
		return
	}
	switch ev := evt.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		b.onMention(ctx, evt.TeamID, ev)
	case *slackevents.AppHomeOpenedEvent:
		if ev.Tab != "" && ev.Tab != "home" {
			return
		}
		b.onHomeOpened(ctx, evt.TeamID, ev.User)
	case *slackevents.ChannelSharedEvent:
		b.share(ctx, evt.TeamID, ev.Channel, "slack_connect")
	case *slackevents.SharedChannelInviteAcceptedEvent:
		if ev.Channel != nil {
			b.share(ctx, evt.TeamID, ev.Channel.ID, "slack_connect")
		}
	case *slackevents.MemberJoinedChannelEvent:
		b.onMemberJoined(ctx, evt.TeamID, ev)
	case *slackevents.UserChangeEvent:
		b.onUserChange(ctx, evt.TeamID, ev.User.ID)
	default:
		b.log.Debug("event handled before its ack, or ignored", "type", evt.InnerEvent.Type)
	}
}

var mentionMarkup = regexp.MustCompile(`<@[UW][A-Z0-9]+(\|[^>]*)?>`)

// onMention answers "@Long Game risk summary" with the summary, "help" with
// a short usage, anything else with a hint; in a thread when the Mention was.
// A guest or a user of another organisation gets the one line, privately.
func (b *Bot) onMention(ctx context.Context, teamID string, ev *slackevents.AppMentionEvent) {
	pl := place{team: teamID, channel: ev.Channel, user: ev.User, thread: ev.ThreadTimeStamp}
	if r, ok := b.admit(ctx, ev.User, mentionTeam(ev)); !ok {
		b.tellOnly(ctx, pl, r)
		return
	}
	words := strings.ToLower(strings.Join(strings.Fields(mentionMarkup.ReplaceAllString(ev.Text, " ")), " "))
	d, err := b.store.DealByChannel(ctx, teamID, ev.Channel)
	if errors.Is(err, storage.ErrNotFound) {
		b.tell(ctx, pl, mentionHint(false))
		return
	}
	if err != nil {
		b.log.Error("deal of Mention", "channel", ev.Channel, "err", err)
		return
	}
	switch {
	case strings.Contains(words, "risk summary"):
		r, err := b.cmds.Summary(ctx, d)
		if err != nil {
			b.log.Error("risk summary for Mention", "deal", d.ID, "err", err)
			b.tell(ctx, pl, views.InternalError())
			return
		}
		r.InChannel = true
		b.say(ctx, pl, r)
	case strings.Contains(words, "help"):
		b.say(ctx, pl, mentionHelp())
	default:
		b.tell(ctx, pl, mentionHint(true))
	}
}

// mentionTeam is the team a Mention says its author acts from: in a shared
// channel, user_team (or source_team); "" when it says none.
func mentionTeam(ev *slackevents.AppMentionEvent) string {
	if ev.UserTeam != "" {
		return ev.UserTeam
	}
	return ev.SourceTeam
}

// tellOnly shows r to the place's user as an ephemeral message and nowhere
// else: for someone Long Game does not answer, who gets no DM.
func (b *Bot) tellOnly(ctx context.Context, pl place, r views.Reply) {
	if pl.channel == "" {
		return
	}
	err := b.retryRateLimited(ctx, func() error {
		_, err := b.api.PostEphemeralContext(ctx, pl.channel, pl.user, slack.MsgOptionText(r.Text, false),
			slack.MsgOptionBlocks(r.Blocks...))
		return err
	})
	if err != nil {
		b.log.Warn("could not answer a non-member", "user", pl.user, "err", err)
	}
}

func mentionHelp() views.Reply {
	text := "*Long Game* keeps this deal's champion capital, risks and check-ins in view:\n" +
		"• `@Long Game risk summary` — the deal's risk picture, here\n" +
		"• `/deal` — the deal card · `/champion ask <what>` — record a favor asked\n" +
		"• `/risk flag <what>` — record a risk · `/checkin` — the post-sale check-ins\n" +
		"Add `help` to any command for all its forms."
	return views.Reply{InChannel: true, Text: views.StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

func mentionHint(hasDeal bool) views.Reply {
	text := "Mention me with *risk summary* for this deal's risk picture, or *help* for what I can do."
	if !hasDeal {
		text = "This channel has no deal yet: open one with `/deal open <name>`, then Mention me with *risk summary*."
	}
	return views.Reply{Text: views.StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

// onMemberJoined shares the channel when the one who joined is a guest or
// from another organisation. When Slack cannot say, the channel's verdict
// was forgotten already, and the next answer there asks again and stays
// private while it cannot tell.
func (b *Bot) onMemberJoined(ctx context.Context, teamID string, ev *slackevents.MemberJoinedChannelEvent) {
	st, err := b.access.Standing(ctx, ev.User, ev.Team)
	if err != nil {
		b.log.Warn("could not tell who joined a channel", "channel", ev.Channel, "user", ev.User, "err", err)
		return
	}
	if st == access.Guest || st == access.Outsider {
		b.share(ctx, teamID, ev.Channel, st.String())
	}
}

// onUserChange shares the channels of a member who became a guest (or left
// the organisation): every channel they are in may now be read by a
// stranger.
func (b *Bot) onUserChange(ctx context.Context, teamID, userID string) {
	st, err := b.access.Standing(ctx, userID, "")
	if err != nil {
		// They may be a guest now (the event's user object does not say
		// everything, e.g. on Enterprise Grid): every channel is asked
		// about again before anything more is posted there.
		b.access.ForgetChannels()
		b.log.Warn("could not tell what a changed user now is; every channel will be looked up again",
			"user", userID, "err", err)
		return
	}
	if st != access.Guest && st != access.Outsider {
		return
	}
	b.access.ForgetChannels()
	b.access.ForgetMembership(userID)
	channels, err := b.access.ChannelsOf(ctx, userID)
	if err != nil {
		b.log.Warn("channels of a user who became a guest", "user", userID, "err", err)
		return
	}
	for ch := range channels {
		b.share(ctx, teamID, ch, st.String())
	}
}
