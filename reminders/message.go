package reminders

import (
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
)

// Message is what the dispatcher posts: the plain-text fallback (posted
// unescaped, as it may mention the owner) and the blocks.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// Messages writes what the dispatcher posts. The bot's check-in feature
// implements it: the dispatcher decides where and when, not what it says.
type Messages interface {
	// Reminder is a due check-in's reminder, for the deal channel.
	Reminder(r storage.DueCheckin) Message
	// OwnerCopy is the reminder sent to the owner by DM because the deal
	// channel refused it with Slack's error code cause.
	OwnerCopy(r storage.DueCheckin, cause string) Message
	// PrivateCopy is the reminder sent to the owner alone because people
	// outside the team are in the deal channel (or Slack could not say).
	PrivateCopy(r storage.DueCheckin) Message
	// UncheckedCopy is the reminder sent to the owner by DM when a post to
	// the deal channel was interrupted and the channel's history cannot be
	// read to find out whether Slack took it.
	UncheckedCopy(r storage.DueCheckin) Message
	// Nudge is the weekly nudge of one owner at now, dates in loc.
	Nudge(n storage.Nudge, now time.Time, loc *time.Location) Message
}

// MetadataEventType is the event_type of the metadata every reminder
// carries; its event_payload holds checkin_id, due_at (Unix seconds) and
// team_id. Reconciliation finds a posted reminder in channel history by it.
const MetadataEventType = "longgame_checkin"

// checkinMetadata is the metadata a reminder is posted with.
func checkinMetadata(r storage.DueCheckin) slack.SlackMetadata {
	return slack.SlackMetadata{
		EventType: MetadataEventType,
		EventPayload: map[string]any{
			"checkin_id": r.Checkin.ID,
			"due_at":     r.Checkin.DueAt.Unix(),
			"team_id":    r.Checkin.TeamID,
		},
	}
}

// isReminderOf reports whether message metadata m is that of r's reminder,
// as posted for r's current due time (a snoozed check-in's old message does
// not count).
func isReminderOf(m slack.SlackMetadata, r storage.DueCheckin) bool {
	if m.EventType != MetadataEventType {
		return false
	}
	id, ok1 := number(m.EventPayload["checkin_id"])
	due, ok2 := number(m.EventPayload["due_at"])
	return ok1 && ok2 && id == r.Checkin.ID && due == r.Checkin.DueAt.Unix()
}

// number reads a JSON number decoded into an any.
func number(v any) (int64, bool) {
	switch v := v.(type) {
	case float64:
		return int64(v), float64(int64(v)) == v
	case int64:
		return v, true
	case int:
		return int64(v), true
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}
