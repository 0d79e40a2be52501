package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

// CheckinWhat is a check-in in a list: its name.
func CheckinWhat(c storage.Checkin) string { return CheckinName(c.Kind, c.Offset, c.Note) }

func checkinStatus(c storage.Checkin, now time.Time) string {
	switch c.Status {
	case storage.CheckinDone:
		return ":white_check_mark: done"
	case storage.CheckinSkipped:
		return "skipped"
	case storage.CheckinMissed:
		return "missed"
	case storage.CheckinCancelled:
		return "cancelled"
	}
	if c.Covered() {
		return "missed — a later reminder covers it"
	}
	if c.DueAt.Before(now) {
		return ":alarm_clock: overdue"
	}
	return "due"
}

func DealCheckins(d storage.Deal, all []storage.Checkin, now time.Time, loc *time.Location) Reply {
	title := fmt.Sprintf("Check-ins of %s: %d", d.Name, len(all))
	if len(all) == 0 {
		text := blockkit.Escape(title) + ". They are scheduled when the deal closes as won; add your own with `/checkin add <date|+dur> <note>`."
		return Reply{Text: text, Blocks: []slack.Block{blockkit.Section(text)}}
	}
	lines := make([]string, 0, len(all))
	for _, c := range all {
		lines = append(lines, fmt.Sprintf("• *#%d* %s — %s — %s", c.Number, Moment(c.DueAt, loc), CheckinWhat(c), checkinStatus(c, now)))
	}
	blocks := append([]slack.Block{blockkit.Header(title)}, listSection(lines, blockkit.MaxMessageBlocks-1)...)
	return Reply{Text: blockkit.Escape(title), Blocks: blocks}
}

func MyCheckins(due []storage.CheckinDue, now time.Time, loc *time.Location) Reply {
	title := fmt.Sprintf("Your check-ins due in the next %d days or overdue: %d", storage.DueSoonDays, len(due))
	if len(due) == 0 {
		return Reply{Text: title + ".", Blocks: []slack.Block{blockkit.Section(title + ". Nothing to chase: play the long game.")}}
	}
	lines := make([]string, 0, len(due))
	for _, cd := range due {
		lines = append(lines, fmt.Sprintf("• %s — *%s* in <#%s> — #%d %s — %s", Moment(cd.Checkin.DueAt, loc),
			blockkit.Escape(cd.Deal.Name), cd.Deal.ChannelID, cd.Checkin.Number, CheckinWhat(cd.Checkin), checkinStatus(cd.Checkin, now)))
	}
	blocks := append([]slack.Block{blockkit.Header(title)}, listSection(lines, blockkit.MaxMessageBlocks-1)...)
	return Reply{Text: title, Blocks: blocks}
}

// CheckinDone answers /checkin done. missed counts the earlier check-ins
// its reminder covered, now recorded as missed: they never happened.
func CheckinDone(d storage.Deal, c storage.Checkin, missed int, actorID string) Reply {
	text := fmt.Sprintf(":white_check_mark: %s did the %s of *%s*.", Mention(actorID), CheckinWhat(c), blockkit.Escape(d.Name))
	switch {
	case missed == 1:
		text += " The earlier check-in it covered is recorded as missed."
	case missed > 1:
		text += fmt.Sprintf(" The %d earlier check-ins it covered are recorded as missed.", missed)
	}
	if c.DoneNote != "" {
		text += "\n> " + blockkit.Escape(c.DoneNote)
	}
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

func CheckinSnoozed(d storage.Deal, c storage.Checkin, actorID string, loc *time.Location) Reply {
	text := fmt.Sprintf(":zzz: %s moved the %s of *%s* to %s. The rest of the series stays where it is.",
		Mention(actorID), CheckinWhat(c), blockkit.Escape(d.Name), Moment(c.DueAt, loc))
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

// CheckinAdded answers /checkin add; movedFrom is the day off it was asked
// for, when it moved to the next working day.
func CheckinAdded(d storage.Deal, c storage.Checkin, movedFrom time.Time, actorID string, loc *time.Location) Reply {
	text := fmt.Sprintf(":calendar: %s added a check-in to *%s* on %s%s: %s.", Mention(actorID), blockkit.Escape(d.Name), Moment(c.DueAt, loc),
		movedNote(movedFrom), strings.TrimRight(blockkit.Escape(c.Note), "."))
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

// movedNote says a check-in moved off a day off: " (moved from Sat 5 Dec,
// a day off)"; "" when it did not.
func movedNote(from time.Time) string {
	if from.IsZero() {
		return ""
	}
	return " (moved from " + Day(from) + ", a day off)"
}
