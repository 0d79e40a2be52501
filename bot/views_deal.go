package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

func dealOpenedReply(d storage.Deal, actorID string) reply {
	title := fmt.Sprintf(":briefcase: %s opened the deal *%s* in this channel.", mention(actorID), blockkit.Escape(d.Name))
	blocks := []slack.Block{
		blockkit.Section(title),
		blockkit.Fields(
			[2]string{"Owner", mention(d.OwnerID)},
			[2]string{"Value", formatMoney(d.Value)},
			[2]string{"Expected close", formatDay(d.ExpectedClose)},
		),
		blockkit.Context("Next: name the champion with `/champion set <name>`, and flag what could go wrong with `/risk flag`."),
	}
	return reply{inChannel: true, text: stripMarkup(title), blocks: blocks}
}

func dealUpdatedReply(before, after storage.Deal, actorID string) reply {
	var changes []string
	if before.Name != after.Name {
		changes = append(changes, fmt.Sprintf("name: %s → *%s*", blockkit.Escape(before.Name), blockkit.Escape(after.Name)))
	}
	if before.Value != after.Value {
		changes = append(changes, fmt.Sprintf("value: %s → *%s*", formatMoney(before.Value), formatMoney(after.Value)))
	}
	if !before.ExpectedClose.Equal(after.ExpectedClose) {
		changes = append(changes, fmt.Sprintf("expected close: %s → *%s*", formatDay(before.ExpectedClose), formatDay(after.ExpectedClose)))
	}
	if before.OwnerID != after.OwnerID {
		changes = append(changes, fmt.Sprintf("owner: %s → %s", mention(before.OwnerID), mention(after.OwnerID)))
	}
	if len(changes) == 0 {
		changes = append(changes, "nothing changed: the deal already had these values")
	}
	text := fmt.Sprintf(":pencil2: %s updated the deal *%s*:\n• %s", mention(actorID), blockkit.Escape(after.Name), strings.Join(changes, "\n• "))
	return reply{inChannel: true, text: stripMarkup(text), blocks: []slack.Block{blockkit.Section(text)}}
}

func dealClosedReply(d storage.Deal, checkins []storage.NewCheckin, actorID string, loc *time.Location) reply {
	var text string
	if d.Stage == storage.StageWon {
		text = fmt.Sprintf(":trophy: %s closed *%s* as *won* on %s. Now play the long game: your champion stays tied to this choice.",
			mention(actorID), blockkit.Escape(d.Name), formatDay(d.ClosedOn))
	} else {
		text = fmt.Sprintf(":handshake: %s closed *%s* as *lost* on %s.", mention(actorID), blockkit.Escape(d.Name), formatDay(d.ClosedOn))
		if d.LostReason != "" {
			text += "\nReason: " + blockkit.Escape(d.LostReason)
		}
	}
	blocks := []slack.Block{blockkit.Section(text)}
	if len(checkins) > 0 {
		var lines []string
		for _, c := range checkins {
			lines = append(lines, fmt.Sprintf("• %s — %s", formatMoment(c.DueAt, loc), checkinLabel(c.Kind, c.Offset)))
		}
		intro := fmt.Sprintf("%s will be reminded here:", mention(d.OwnerID))
		blocks = append(blocks, blockkit.Section(intro+"\n"+strings.Join(blockkit.Limit(lines, 20), "\n")))
	}
	return reply{inChannel: true, text: stripMarkup(text), blocks: blocks}
}

func checkinLabel(kind storage.CheckinKind, offset string) string {
	switch kind {
	case storage.KindPostClose:
		return "check-in " + offset + " after the close"
	case storage.KindKeepInTouch:
		return "keep in touch with the champion"
	}
	return "check-in"
}

func dealReopenedReply(d storage.Deal, cancelled int, actorID string) reply {
	text := fmt.Sprintf(":arrows_counterclockwise: %s reopened the deal *%s*.", mention(actorID), blockkit.Escape(d.Name))
	if cancelled > 0 {
		text += fmt.Sprintf(" The close's %s cancelled.", blockkit.Plural(cancelled, "pending reminder was", "pending reminders were"))
	}
	return reply{inChannel: true, text: stripMarkup(text), blocks: []slack.Block{blockkit.Section(text)}}
}

// dealCardReply is the deal card: only its caller sees it.
func dealCardReply(ov storage.DealOverview, now time.Time, loc *time.Location) reply {
	d := ov.Deal
	champion := "none yet — `/champion set <name>`"
	if ov.Champion != nil {
		champion = championName(*ov.Champion)
	}
	next := "—"
	if ov.NextCheckin != nil {
		next = formatMoment(ov.NextCheckin.DueAt, loc)
	}
	stage := string(d.Stage)
	if d.Stage != storage.StageOpen {
		stage += " on " + formatDay(d.ClosedOn)
	}
	blocks := []slack.Block{
		blockkit.Header(d.Name),
		blockkit.Fields(
			[2]string{"Stage", stage},
			[2]string{"Owner", mention(d.OwnerID)},
			[2]string{"Value", formatMoney(d.Value)},
			[2]string{"Expected close", formatDay(d.ExpectedClose)},
			[2]string{"Champion", champion},
			[2]string{"Open risks", riskCountsLine(ov.OpenRisks)},
			[2]string{"Next check-in", next},
		),
		blockkit.Section(capitalLine(ov.Capital)),
	}
	if d.Stage == storage.StageLost && d.LostReason != "" {
		blocks = append(blocks, blockkit.Context("Lost: "+blockkit.Escape(d.LostReason)))
	}
	text := fmt.Sprintf("%s: %s, capital %d of %d, %s open risks", blockkit.Escape(d.Name), stage, ov.Capital.Left, ov.Capital.Budget, riskCountsLine(ov.OpenRisks))
	return reply{text: text, blocks: blocks}
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

func championName(c storage.Champion) string {
	s := blockkit.Escape(c.Name)
	if c.Title != "" {
		s += ", " + blockkit.Escape(c.Title)
	}
	if c.UserID != "" {
		s += " (" + mention(c.UserID) + ")"
	}
	return s
}

func dealListReply(deals storage.Page[storage.DealOverview], label string, mine bool) reply {
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
			lines = append(lines, dealListLine(ov))
		}
		blocks = append(blocks, blockkit.Section("*"+title+"*"))
		blocks = append(blocks, blockkit.LinesOf(lines, deals.Total, blockkit.MaxMessageBlocks-2, maxListChars)...)
	}
	if deals.Hidden > 0 {
		blocks = append(blocks, blockkit.Context(leftOutLine(deals.Hidden)))
	}
	return reply{text: title, blocks: blocks}
}

func dealListLine(ov storage.DealOverview) string {
	d := ov.Deal
	line := fmt.Sprintf("• *%s* in <#%s> — %s, %s, owner %s, capital %d/%d",
		blockkit.Escape(d.Name), d.ChannelID, d.Stage, formatMoney(d.Value), mention(d.OwnerID), ov.Capital.Left, ov.Capital.Budget)
	if hi := ov.OpenRisks.High + ov.OpenRisks.Critical; hi > 0 {
		line += fmt.Sprintf(", :warning: %s", blockkit.Plural(hi, "high/critical risk", "high/critical risks"))
	}
	if stateOf(ov.Capital) == capitalOverdrawn {
		line += ", :rotating_light: overdrawn"
	}
	return line
}

// stripMarkup makes a plain-text fallback from mrkdwn: notifications show it
// raw, so the emphasis marks go.
func stripMarkup(s string) string {
	return strings.NewReplacer("*", "").Replace(s)
}
