package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

func DealOpened(d storage.Deal, actorID string) Reply {
	title := fmt.Sprintf(":briefcase: %s opened the deal *%s* in this channel.", Mention(actorID), blockkit.Escape(d.Name))
	blocks := []slack.Block{
		blockkit.Section(title),
		blockkit.Fields(
			[2]string{"Owner", Mention(d.OwnerID)},
			[2]string{"Value", d.Value.String()},
			[2]string{"Expected close", Day(d.ExpectedClose)},
		),
		blockkit.Context("Next: name the champion with `/champion set <name>`, and flag what could go wrong with `/risk flag`."),
	}
	return Reply{InChannel: true, Text: StripMarkup(title), Blocks: blocks}
}

// DealOpenedFor answers a deal opened from a job-change reminder: the
// deal, and the champion who moved, with their history.
func DealOpenedFor(d storage.Deal, ch storage.Champion, actorID string) Reply {
	r := DealOpened(d, actorID)
	line := fmt.Sprintf(":handshake: Champion: %s — they moved here from a deal of yours; `/champion history %s` shows every deal with them.",
		ChampionName(ch), blockkit.Escape(blockkit.Clip(ch.Name, 100)))
	r.Blocks = append(r.Blocks[:len(r.Blocks)-1], blockkit.Section(line),
		blockkit.Context("Next: flag what could go wrong with `/risk flag`."))
	return r
}

func DealUpdated(before, after storage.Deal, actorID string) Reply {
	var changes []string
	if before.Name != after.Name {
		changes = append(changes, fmt.Sprintf("name: %s → *%s*", blockkit.Escape(before.Name), blockkit.Escape(after.Name)))
	}
	if before.Value != after.Value {
		changes = append(changes, fmt.Sprintf("value: %s → *%s*", before.Value.String(), after.Value.String()))
	}
	if !before.ExpectedClose.Equal(after.ExpectedClose) {
		changes = append(changes, fmt.Sprintf("expected close: %s → *%s*", Day(before.ExpectedClose), Day(after.ExpectedClose)))
	}
	if before.OwnerID != after.OwnerID {
		changes = append(changes, fmt.Sprintf("owner: %s → %s", Mention(before.OwnerID), Mention(after.OwnerID)))
	}
	switch {
	case before.Favored == after.Favored:
	case after.Favored == "":
		changes = append(changes, fmt.Sprintf("favored alternative: %s → *none*: asks cost their level again", blockkit.Escape(before.Favored)))
	default:
		changes = append(changes, fmt.Sprintf("favored alternative: *%s* — every new ask costs %d more: it takes your champion more convincing",
			blockkit.Escape(after.Favored), storage.FavoredSurcharge))
	}
	if len(changes) == 0 {
		changes = append(changes, "nothing changed: the deal already had these values")
	}
	text := fmt.Sprintf(":pencil2: %s updated the deal *%s*:\n• %s", Mention(actorID), blockkit.Escape(after.Name), strings.Join(changes, "\n• "))
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

func DealClosed(d storage.Deal, checkins []storage.NewCheckin, actorID string, loc *time.Location) Reply {
	var text string
	if d.Stage == storage.StageWon {
		text = fmt.Sprintf(":trophy: %s closed *%s* as *won* on %s. Now play the long game: your champion stays tied to this choice.",
			Mention(actorID), blockkit.Escape(d.Name), Day(d.ClosedOn))
	} else {
		text = fmt.Sprintf(":handshake: %s closed *%s* as *lost* on %s.", Mention(actorID), blockkit.Escape(d.Name), Day(d.ClosedOn))
		if d.LostReason != "" {
			text += "\nReason: " + blockkit.Escape(d.LostReason)
		}
	}
	blocks := []slack.Block{blockkit.Section(text)}
	if len(checkins) > 0 {
		var lines []string
		for _, c := range checkins {
			lines = append(lines, fmt.Sprintf("• %s — %s%s", Moment(c.DueAt, loc), CheckinName(c.Kind, c.Offset, c.Note), movedNote(c.MovedFrom)))
		}
		intro := fmt.Sprintf("%s will be reminded here:", Mention(d.OwnerID))
		blocks = append(blocks, blockkit.Section(intro+"\n"+strings.Join(blockkit.Limit(lines, 20), "\n")))
	}
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: blocks}
}

// CheckinName is a check-in's one name, the same in the channel, the App
// Home, the nudge and every list: "14-day check-in", "keep-in-touch
// check-in", or the note of one added by hand.
func CheckinName(kind storage.CheckinKind, offset, note string) string {
	switch kind {
	case storage.KindKeepInTouch:
		return "keep-in-touch check-in"
	case storage.KindJobChange:
		return "job-change check-in"
	case storage.KindManual:
		if note = strings.TrimSpace(note); note != "" {
			return "check-in “" + blockkit.Escape(blockkit.Clip(note, 80)) + "”"
		}
		return "check-in"
	}
	if days, ok := strings.CutSuffix(offset, "d"); ok {
		if _, err := strconv.Atoi(days); err == nil {
			return days + "-day check-in"
		}
	}
	return "post-sale check-in"
}

func DealReopened(d storage.Deal, cancelled int, actorID string) Reply {
	text := fmt.Sprintf(":arrows_counterclockwise: %s reopened the deal *%s*.", Mention(actorID), blockkit.Escape(d.Name))
	if cancelled > 0 {
		text += fmt.Sprintf(" The close's %s cancelled.", blockkit.Plural(cancelled, "pending reminder was", "pending reminders were"))
	}
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

// DealCard is the deal card: only its caller sees it. An open deal shows
// its expected close (and says so when it has passed); a closed one, the
// day it closed.
// DealCard is /deal: the deal at a glance, with what its champion carries
// beyond it.
func DealCard(ov storage.DealOverview, across Across, now time.Time, loc *time.Location) Reply {
	d := ov.Deal
	champion := "none yet — `/champion set <name>`"
	if ov.Champion != nil {
		champion = ChampionName(*ov.Champion)
	}
	next := "—"
	if ov.NextCheckin != nil {
		next = Moment(ov.NextCheckin.DueAt, loc)
	}
	when := [2]string{"Expected close", Day(d.ExpectedClose)}
	if late := d.DaysPastClose(storage.Today(now, loc)); late > 0 {
		when[1] += " — :warning: " + PassedLine(late)
	}
	if d.Stage != storage.StageOpen {
		when = [2]string{"Closed", Day(d.ClosedOn)}
	}
	blocks := []slack.Block{
		blockkit.Header(d.Name),
		blockkit.Fields(
			[2]string{"Stage", string(d.Stage)},
			[2]string{"Owner", Mention(d.OwnerID)},
			[2]string{"Value", d.Value.String()},
			when,
			[2]string{"Champion", champion},
			[2]string{"Open risks", riskCountsLine(ov.OpenRisks)},
			[2]string{"Next check-in", next},
		),
		blockkit.Section(CapitalLine(ov.Capital)),
	}
	blocks = append(blocks, acrossBlocks(d, across, true)...)
	if d.Stage == storage.StageLost && d.LostReason != "" {
		blocks = append(blocks, blockkit.Context("Lost: "+blockkit.Escape(d.LostReason)))
	}
	text := fmt.Sprintf("%s: %s, capital %d of %d, %s open risks", blockkit.Escape(d.Name), d.Stage, ov.Capital.Left, ov.Capital.Budget, riskCountsLine(ov.OpenRisks))
	return Reply{Text: text, Blocks: blocks}
}

// PassedLine says how long ago an open deal's expected close passed.
func PassedLine(days int) string {
	return "expected close passed " + blockkit.Plural(days, "day", "days") + " ago"
}

// closeOf is a deal's (expected) close for a list: "closes Tue 15 Dec
// 2026", "expected close passed 4 days ago", "won on …", "lost on …".
func closeOf(d storage.Deal, today time.Time) string {
	switch {
	case d.Stage != storage.StageOpen:
		return fmt.Sprintf("%s on %s", d.Stage, Day(d.ClosedOn))
	case d.DaysPastClose(today) > 0:
		return ":warning: " + PassedLine(d.DaysPastClose(today))
	case !d.ExpectedClose.IsZero():
		return "closes " + Day(d.ExpectedClose)
	}
	return "open, no expected close"
}

func riskCountsLine(c storage.RiskCounts) string {
	if c.Total() == 0 {
		return "none"
	}
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{c.Critical, "critical"}, {c.High, "high"}, {c.Medium, "medium"}, {c.Low, "low"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	return strings.Join(parts, ", ")
}

// ChampionName is a champion as a sentence names them: "Jane Doe (CIO at
// Acme, @jane)".
func ChampionName(c storage.Champion) string {
	var about []string
	switch {
	case c.Title != "" && c.Company != "":
		about = append(about, blockkit.Escape(c.Title)+" at "+blockkit.Escape(c.Company))
	case c.Title != "":
		about = append(about, blockkit.Escape(c.Title))
	case c.Company != "":
		about = append(about, blockkit.Escape(c.Company))
	}
	if c.UserID != "" {
		about = append(about, Mention(c.UserID))
	}
	if len(about) == 0 {
		return blockkit.Escape(c.Name)
	}
	return blockkit.Escape(c.Name) + " (" + strings.Join(about, ", ") + ")"
}

// DealListLimit is how many deals /deal list reads: more than one message
// shows, so that "…and N more" counts the rest.
const DealListLimit = 80

func DealList(deals storage.Page[storage.DealOverview], label string, mine bool, today time.Time) Reply {
	whose := "The workspace's"
	if mine {
		whose = "Your"
	}
	title := fmt.Sprintf("%s %s deals: %d", whose, label, deals.Total)
	if label == "all" {
		title = fmt.Sprintf("%s deals: %d", whose, deals.Total)
	}
	var blocks []slack.Block
	if deals.Total == 0 {
		title += ". Open one in a deal's channel with `/deal open <name>`."
		blocks = append(blocks, blockkit.Section(title))
	} else {
		lines := make([]string, 0, len(deals.Items))
		for _, ov := range deals.Items {
			lines = append(lines, DealLine(ov, today))
		}
		blocks = append(blocks, blockkit.Section("*"+title+"*"))
		blocks = append(blocks, blockkit.LinesOf(lines, deals.Total, blockkit.MaxMessageBlocks-2, maxListChars)...)
	}
	if deals.Hidden > 0 {
		blocks = append(blocks, blockkit.Context(leftOutLine(deals.Hidden)))
	}
	return Reply{Text: title, Blocks: blocks}
}

// DealLine is a deal in a list: where, its (expected) close, its value,
// owner and capital, and what is wrong.
func DealLine(ov storage.DealOverview, today time.Time) string {
	d := ov.Deal
	line := fmt.Sprintf("• *%s* in <#%s> — %s, %s, owner %s, capital %d/%d",
		blockkit.Escape(d.Name), d.ChannelID, closeOf(d, today), d.Value.String(), Mention(d.OwnerID), ov.Capital.Left, ov.Capital.Budget)
	if hi := ov.OpenRisks.High + ov.OpenRisks.Critical; hi > 0 {
		line += fmt.Sprintf(", :warning: %s", blockkit.Plural(hi, "high/critical risk", "high/critical risks"))
	}
	if ov.Capital.Overdrawn() {
		line += ", :rotating_light: overdrawn"
	}
	return line
}

// StripMarkup makes a plain-text fallback from mrkdwn: notifications show it
// raw, so the emphasis marks go.
func StripMarkup(s string) string {
	return strings.ReplaceAll(s, "*", "") // a Replacer built per call cost a tenth of a record's allocations
}
