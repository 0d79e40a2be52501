package bot

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

// beforeAck does what must be done before Slack hears back: once a channel
// is shared, no answer may rely on what was cached about it.
func (b *Bot) beforeAck(evt slackevents.EventsAPIEvent) {
	switch ev := evt.InnerEvent.Data.(type) {
	case *slackevents.ChannelSharedEvent:
		b.channels.forget(ev.Channel)
	case *slackevents.ChannelUnsharedEvent:
		b.channels.forget(ev.Channel)
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
	case *slackevents.ChannelSharedEvent, *slackevents.ChannelUnsharedEvent:
		// Handled before the ack.
	case *slackevents.AppHomeOpenedEvent:
		if ev.Tab != "" && ev.Tab != "home" {
			return
		}
		if err := b.publishHome(ctx, evt.TeamID, ev.User); err != nil {
			b.log.Error("app home failed", "user", ev.User, "err", err)
		}
	default:
		b.log.Debug("event ignored", "type", evt.InnerEvent.Type)
	}
}

var mentionMarkup = regexp.MustCompile(`<@[UW][A-Z0-9]+(\|[^>]*)?>`)

// onMention answers "@Long Game risk summary" with the summary, "help" with
// a short usage, anything else with a hint; in a thread when the mention was.
func (b *Bot) onMention(ctx context.Context, teamID string, ev *slackevents.AppMentionEvent) {
	words := strings.ToLower(strings.Join(strings.Fields(mentionMarkup.ReplaceAllString(ev.Text, " ")), " "))
	thread := ev.ThreadTimeStamp
	d, err := b.store.DealByChannel(ctx, teamID, ev.Channel)
	if errors.Is(err, storage.ErrNotFound) {
		b.post(ctx, ev.Channel, ev.User, thread, mentionHint(false))
		return
	}
	if err != nil {
		b.log.Error("deal of mention", "channel", ev.Channel, "err", err)
		return
	}
	var r reply
	switch {
	case strings.Contains(words, "risk summary"):
		if r, err = b.summaryOf(ctx, d); err != nil {
			b.log.Error("risk summary for mention", "deal", d.ID, "err", err)
			r = internalErrorReply()
		}
		r.inChannel = true
	case strings.Contains(words, "help"):
		r = mentionHelp()
	default:
		r = mentionHint(true)
	}
	b.post(ctx, ev.Channel, ev.User, thread, r)
}

func mentionHelp() reply {
	text := "*Long Game* keeps this deal's champion capital, risks and check-ins in view:\n" +
		"• `@Long Game risk summary` — the deal's risk picture, here\n" +
		"• `/deal` — the deal card · `/champion ask <what>` — record a favor asked\n" +
		"• `/risk flag <what>` — record a risk · `/checkin` — the post-sale check-ins\n" +
		"Add `help` to any command for all its forms."
	return reply{inChannel: true, text: stripMarkup(text), blocks: []slack.Block{blockkit.Section(text)}}
}

func mentionHint(hasDeal bool) reply {
	text := "Mention me with *risk summary* for this deal's risk picture, or *help* for what I can do."
	if !hasDeal {
		text = "This channel has no deal yet: open one with `/deal open <name>`, then mention me with *risk summary*."
	}
	return reply{text: stripMarkup(text), blocks: []slack.Block{blockkit.Section(text)}}
}
