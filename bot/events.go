package bot

import (
	"context"

	"github.com/slack-go/slack/slackevents"
)

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
	b.log.Debug("event ignored", "type", evt.InnerEvent.Type)
}
