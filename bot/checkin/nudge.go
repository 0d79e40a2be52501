package checkin

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/reminders"
	"github.com/longgame/longgame/storage"
)

// nudgeHeading opens the weekly nudge.
const nudgeHeading = "Your long game this week"

// Nudge is the weekly nudge DM of one owner at now, with dates in loc.
func (m Messages) Nudge(n storage.Nudge, now time.Time, loc *time.Location) reminders.Message {
	blocks := []slack.Block{blockkit.Header(nudgeHeading)}
	var parts []string
	if len(n.Due) > 0 {
		parts = append(parts, blockkit.Plural(len(n.Due), "check-in due", "check-ins due"))
		blocks = append(blocks, blockkit.Section(list("*:calendar: Check-ins due* — the next 7 days, and overdue", dueLines(n.Due, now))))
	}
	if len(n.Failed) > 0 {
		parts = append(parts, blockkit.Plural(len(n.Failed), "reminder I could not deliver", "reminders I could not deliver"))
		blocks = append(blocks, blockkit.Section(list("*:warning: Reminders I could not post in their channel*", failedLines(n.Failed))))
	}
	if len(n.Unchecked) > 0 {
		parts = append(parts, blockkit.Plural(len(n.Unchecked), "new win without a check-in", "new wins without a check-in"))
		blocks = append(blocks, blockkit.Section(list("*:trophy: Won in the last 30 days, no check-in done yet*", wonLines(n.Unchecked))))
	}
	if len(n.AtRisk) > 0 {
		parts = append(parts, blockkit.Plural(len(n.AtRisk), "open deal at risk", "open deals at risk"))
		blocks = append(blocks, blockkit.Section(list("*:rotating_light: Open deals at risk* — high or critical risks, or an overdrawn champion",
			riskyLines(n.AtRisk))))
	}
	if late := lateLines(n.Late, storage.Today(now, loc)); len(late) > 0 {
		parts = append(parts, blockkit.Plural(len(late), "open deal past its expected close", "open deals past their expected close"))
		blocks = append(blocks, blockkit.Section(list("*:hourglass: Past their expected close* — update the date with `/deal set close:…`, or close them", late)))
	}
	if len(n.Untouched) > 0 {
		parts = append(parts, blockkit.Plural(len(n.Untouched), "champion to get back in touch with", "champions to get back in touch with"))
		blocks = append(blocks, blockkit.Section(list(fmt.Sprintf("*:wave: Champions you have not talked to in %s* — "+
			"the relationship outlives the deal: a light touch, then `/champion touch` in the deal channel", quiet(m.KeepInTouch)),
			untouchedLines(n.Untouched, loc))))
	}
	blocks = append(blocks, blockkit.Context(fmt.Sprintf("Week of %s · `/checkin list` shows all your check-ins · Play the long game.",
		now.In(loc).Format("Mon 2 Jan 2006"))))
	return reminders.Message{Text: nudgeHeading + ": " + strings.Join(parts, ", ") + ".", Blocks: blocks}
}

// quiet says a keep-in-touch period: "90 days".
func quiet(d time.Duration) string {
	if d <= 0 {
		return "a long while"
	}
	return blockkit.Plural(int(d/(24*time.Hour)), "day", "days")
}

func untouchedLines(us []storage.Untouched, loc *time.Location) []string {
	lines := make([]string, 0, len(us))
	for _, u := range us {
		lines = append(lines, views.UntouchedLine(u, loc))
	}
	return lines
}

func dealRef(d storage.Deal) string {
	return fmt.Sprintf("<#%s> *%s*", d.ChannelID, userText(d.Name, 100))
}

// lateLines says of each open deal how long ago its expected close passed,
// as the owner counts days.
func lateLines(late []storage.Deal, today time.Time) []string {
	lines := make([]string, 0, len(late))
	for _, d := range late {
		if days := d.DaysPastClose(today); days > 0 {
			lines = append(lines, fmt.Sprintf("%s — %s (%s)", dealRef(d), views.PassedLine(days), views.Day(d.ExpectedClose)))
		}
	}
	return lines
}

func dueLines(due []storage.CheckinDue, now time.Time) []string {
	lines := make([]string, 0, len(due))
	for _, cd := range due {
		line := fmt.Sprintf("%s — %s, due %s", dealRef(cd.Deal), Name(cd.Checkin), views.Day(cd.Checkin.DueOn))
		if cd.Checkin.DueAt.Before(now) {
			line += " *(overdue)*"
		}
		lines = append(lines, line)
	}
	return lines
}

func failedLines(failed []storage.CheckinDue) []string {
	lines := make([]string, 0, len(failed))
	for _, cd := range failed {
		where := "it reached nobody"
		if cd.Checkin.MessageTS != "" {
			where = "I sent it to you by DM"
		}
		lines = append(lines, fmt.Sprintf("%s — %s: `%s`; %s", dealRef(cd.Deal), Name(cd.Checkin),
			userText(cd.Checkin.DeliveryError, 120), where))
	}
	return lines
}

func wonLines(deals []storage.Deal) []string {
	lines := make([]string, 0, len(deals))
	for _, d := range deals {
		lines = append(lines, fmt.Sprintf("%s — won on %s: how is the adoption going for the champion?", dealRef(d), views.Day(d.ClosedOn)))
	}
	return lines
}

func riskyLines(deals []storage.DealOverview) []string {
	lines := make([]string, 0, len(deals))
	for _, o := range deals {
		var why []string
		if r := o.OpenRisks; r.Critical > 0 {
			why = append(why, blockkit.Plural(r.Critical, "critical open risk", "critical open risks"))
		}
		if r := o.OpenRisks; r.High > 0 {
			why = append(why, blockkit.Plural(r.High, "high open risk", "high open risks"))
		}
		if o.Capital.Overdrawn() {
			why = append(why, fmt.Sprintf("champion overdrawn (capital %d of %d) — give back before you ask again",
				o.Capital.Left, o.Capital.Budget))
		}
		lines = append(lines, dealRef(o.Deal)+" — "+strings.Join(why, "; "))
	}
	return lines
}
