package bot

import (
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

func checkinWhat(c storage.Checkin) string {
	if c.Kind == storage.KindManual && c.Note != "" {
		return blockkit.Escape(blockkit.Clip(c.Note, 300))
	}
	return checkinLabel(c.Kind, c.Offset)
}

func checkinStatus(c storage.Checkin, now time.Time) string {
	switch c.Status {
	case storage.CheckinDone:
		return ":white_check_mark: done"
	case storage.CheckinSkipped:
		return "skipped"
	case storage.CheckinCancelled:
		return "cancelled"
	}
	if c.DueAt.Before(now) {
		return ":alarm_clock: overdue"
	}
	return "due"
}

func dealCheckinsReply(d storage.Deal, all []storage.Checkin, now time.Time, loc *time.Location) reply {
	title := fmt.Sprintf("Check-ins of %s: %d", d.Name, len(all))
	if len(all) == 0 {
		text := blockkit.Escape(title) + ". They are scheduled when the deal closes as won; add your own with `/checkin add <date|+dur> <note>`."
		return reply{text: text, blocks: []slack.Block{blockkit.Section(text)}}
	}
	lines := make([]string, 0, len(all))
	for _, c := range all {
		lines = append(lines, fmt.Sprintf("• %s — %s — %s", formatMoment(c.DueAt, loc), checkinWhat(c), checkinStatus(c, now)))
	}
	blocks := append([]slack.Block{blockkit.Header(title)}, listSection(lines, blockkit.MaxMessageBlocks-1)...)
	return reply{text: blockkit.Escape(title), blocks: blocks}
}

func myCheckinsReply(due []storage.CheckinDue, now time.Time, loc *time.Location) reply {
	title := fmt.Sprintf("Your check-ins due in the next 14 days or overdue: %d", len(due))
	if len(due) == 0 {
		return reply{text: title + ".", blocks: []slack.Block{blockkit.Section(title + ". Nothing to chase: play the long game.")}}
	}
	lines := make([]string, 0, len(due))
	for _, cd := range due {
		lines = append(lines, fmt.Sprintf("• %s — *%s* in <#%s> — %s — %s", formatMoment(cd.Checkin.DueAt, loc),
			blockkit.Escape(cd.Deal.Name), cd.Deal.ChannelID, checkinWhat(cd.Checkin), checkinStatus(cd.Checkin, now)))
	}
	blocks := append([]slack.Block{blockkit.Header(title)}, listSection(lines, blockkit.MaxMessageBlocks-1)...)
	return reply{text: title, blocks: blocks}
}

func checkinDoneReply(d storage.Deal, c storage.Checkin, actorID string) reply {
	text := fmt.Sprintf(":white_check_mark: %s did the check-in of *%s* (%s).", mention(actorID), blockkit.Escape(d.Name), checkinWhat(c))
	if c.DoneNote != "" {
		text += "\n> " + blockkit.Escape(c.DoneNote)
	}
	return reply{inChannel: true, text: stripMarkup(text), blocks: []slack.Block{blockkit.Section(text)}}
}

func checkinSnoozedReply(d storage.Deal, c storage.Checkin, actorID string, loc *time.Location) reply {
	text := fmt.Sprintf(":zzz: %s moved the check-in of *%s* (%s) to %s. The rest of the series stays where it is.",
		mention(actorID), blockkit.Escape(d.Name), checkinWhat(c), formatMoment(c.DueAt, loc))
	return reply{inChannel: true, text: stripMarkup(text), blocks: []slack.Block{blockkit.Section(text)}}
}

func checkinAddedReply(d storage.Deal, c storage.Checkin, actorID string, loc *time.Location) reply {
	text := fmt.Sprintf(":calendar: %s added a check-in to *%s* on %s: %s", mention(actorID), blockkit.Escape(d.Name), formatMoment(c.DueAt, loc), blockkit.Escape(c.Note))
	return reply{inChannel: true, text: stripMarkup(text), blocks: []slack.Block{blockkit.Section(text)}}
}
