package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

// The relationship outlives the deal: goodwill across deals, the favored
// alternative, job changes and keeping in touch.

// Across is what a deal's answers say about its champion beyond the deal:
// who they are, and their goodwill across all their deals, measured
// against Budget, the default budget of one deal. The zero Across says
// nothing.
type Across struct {
	Name     string
	Goodwill storage.Goodwill
	Budget   int
}

// acrossBlocks are the lines about the champion beyond this deal, for an
// answer on deal d: the favored alternative first (when favored is true),
// the defender who left, and the goodwill across deals; none when there
// is nothing to say.
func acrossBlocks(d storage.Deal, a Across, favored bool) []slack.Block {
	var lines []string
	if l := FavoredLine(d); favored && l != "" {
		lines = append(lines, l)
	}
	if l := DefenderLeftLine(d); l != "" {
		lines = append(lines, l)
	}
	if l := GoodwillLine(a.Name, a.Goodwill, a.Budget); l != "" {
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return nil
	}
	return []slack.Block{blockkit.Section(strings.Join(lines, "\n"))}
}

// GoodwillLine is a champion's goodwill across their deals, beside one
// deal's capital: "" when they have only this deal. budget is the default
// budget of one deal, the measure of overdrawn.
func GoodwillLine(name string, g storage.Goodwill, budget int) string {
	if !g.AcrossDeals() {
		return ""
	}
	line := fmt.Sprintf(":busts_in_silhouette: %s across %d deals in %d months: asked %d, given %d.",
		blockkit.Escape(name), g.Deals, storage.GoodwillWindow, g.Asked, g.Given)
	if g.Overdrawn(budget) {
		line += fmt.Sprintf("\n:warning: *%s is overdrawn across deals* by %d: what you ask here draws on the same person. "+
			"Give back before you ask again.", blockkit.Escape(name), -g.Net())
	}
	return line
}

// DefenderLeftLine warns that an open deal's champion left for another
// company: "" when they did not.
func DefenderLeftLine(d storage.Deal) string {
	if d.ChampionLeft == "" || d.Stage != storage.StageOpen {
		return ""
	}
	return fmt.Sprintf(":warning: *Your champion left* — the deal has no defender inside %s: name a new champion with `/champion set`.",
		blockkit.Escape(d.ChampionLeft))
}

// FavoredLine says what a favored alternative costs the champion: "" when
// none is recorded.
func FavoredLine(d storage.Deal) string {
	if d.Favored == "" {
		return ""
	}
	return fmt.Sprintf(":scales: *%s is favored* inside the customer: every ask takes your champion more convincing (+%d each).",
		blockkit.Escape(d.Favored), storage.FavoredSurcharge)
}

// surchargeNote says why an ask cost more than its level: " +2: Microsoft
// is favored."; "" when it did not.
func surchargeNote(ask storage.Ask, d storage.Deal) string {
	if ask.Extra == 0 {
		return ""
	}
	if d.Favored == "" {
		return fmt.Sprintf(" +%d: an alternative was favored.", ask.Extra)
	}
	return fmt.Sprintf(" +%d: %s is favored.", ask.Extra, blockkit.Escape(d.Favored))
}

// ChampionMoved answers /champion moved.
func ChampionMoved(m storage.Moved, on time.Time, reminders []storage.NewCheckin, actorID string, loc *time.Location) Reply {
	ch := m.Champion
	to := "*" + blockkit.Escape(ch.Company) + "*"
	if ch.Title != "" {
		to += " as " + blockkit.Escape(ch.Title)
	}
	text := fmt.Sprintf(":briefcase: %s recorded that %s moved from %s to %s on %s.", Mention(actorID),
		blockkit.Escape(ch.Name), blockkit.Escape(orUnknown(m.From)), to, Day(on))
	blocks := []slack.Block{blockkit.Section(text)}
	if len(m.Left) > 0 {
		names := make([]string, len(m.Left))
		for i, d := range m.Left {
			names[i] = fmt.Sprintf("*%s* in <#%s>", blockkit.Escape(d.Name), d.ChannelID)
		}
		verb := "have"
		if len(names) == 1 {
			verb = "has"
		}
		blocks = append(blocks, blockkit.Section(fmt.Sprintf(":warning: *Your champion left* — %s %s no defender inside %s: "+
			"name a new champion with `/champion set`.", strings.Join(names, ", "), verb, blockkit.Escape(orUnknown(m.From)))))
	}
	if len(reminders) > 0 {
		lines := make([]string, len(reminders))
		for i, c := range reminders {
			lines[i] = fmt.Sprintf("• %s%s", Moment(c.DueAt, loc), movedNote(c.MovedFrom))
		}
		blocks = append(blocks, blockkit.Section("Keep in touch: a reminder to congratulate them and ask how the new job goes, "+
			"with a button to open a deal at "+blockkit.Escape(ch.Company)+":\n"+strings.Join(lines, "\n")))
	}
	blocks = append(blocks, blockkit.Context("Their timeline keeps every company and title: `/champion people` lists them."))
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: blocks}
}

func orUnknown(company string) string {
	if company == "" {
		return "their company"
	}
	return company
}

// TouchRecorded answers /champion touch.
func TouchRecorded(ch storage.Champion, t storage.Touch, actorID string) Reply {
	text := fmt.Sprintf(":telephone_receiver: %s recorded a contact with %s.", Mention(actorID), ChampionName(ch))
	if t.Note != "" {
		text += "\n> " + blockkit.Escape(t.Note)
	}
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

// PeopleLimit is how many champions /champion people reads.
const PeopleLimit = 60

// People answers /champion people: every champion the caller may see.
func People(people storage.Page[storage.Person], mine bool, budget int, loc *time.Location) Reply {
	title := fmt.Sprintf("Champions of the deals you can see: %d", people.Total)
	if mine {
		title = fmt.Sprintf("Champions of your deals: %d", people.Total)
	}
	if people.Total == 0 && people.Hidden == 0 {
		text := title + ". Name one in a deal channel with `/champion set <name>`."
		return Reply{Text: blockkit.Escape(text), Blocks: []slack.Block{blockkit.Section(blockkit.Escape(text))}}
	}
	lines := make([]string, 0, len(people.Items))
	for _, p := range people.Items {
		last := "never"
		if !p.LastContact.IsZero() {
			last = p.LastContact.In(loc).Format("2 Jan 2006")
		}
		line := fmt.Sprintf("• %s — %s; net %+d in %d months; last contact %s", ChampionName(p.Champion),
			blockkit.Plural(p.Deals, "deal", "deals"), p.Goodwill.Net(), storage.GoodwillWindow, last)
		if p.Goodwill.Overdrawn(budget) {
			line += " · :warning: overdrawn"
		}
		lines = append(lines, line)
	}
	blocks := []slack.Block{blockkit.Header(title)}
	blocks = append(blocks, blockkit.LinesOf(lines, people.Total, blockkit.MaxMessageBlocks-3, maxListChars)...)
	if people.Hidden > 0 {
		blocks = append(blocks, blockkit.Context(leftOutLine(people.Hidden)))
	}
	return Reply{Text: blockkit.Escape(title), Blocks: blocks}
}

// UntouchedLine is a champion the owner has not talked to for long.
func UntouchedLine(u storage.Untouched, loc *time.Location) string {
	last := "no contact recorded"
	if !u.LastContact.IsZero() {
		last = "last contact " + u.LastContact.In(loc).Format("2 Jan 2006")
	}
	return fmt.Sprintf("%s — champion of <#%s> *%s*; %s", ChampionName(u.Champion), u.Deal.ChannelID,
		blockkit.Escape(u.Deal.Name), last)
}

// HomeMaxPeople is how many champions of the user's deals the App Home
// reads to find those who moved or are due a touch.
const HomeMaxPeople = 200

// homeMovedWindow is how long a job change stays in the App Home.
const homeMovedWindow = 90 * 24 * time.Hour

// HomeChampions is the App Home's section on the champions of the user's
// deals who changed jobs lately or have had no contact for keepInTouch
// (every champion of theirs, when keepInTouch is 0); none when there are
// none.
func HomeChampions(people []storage.Person, now time.Time, keepInTouch time.Duration, loc *time.Location) []slack.Block {
	var moved, quiet []string
	for _, p := range people {
		if !p.MovedOn.IsZero() && now.Sub(p.MovedOn) < homeMovedWindow {
			moved = append(moved, fmt.Sprintf("%s — moved from %s on %s", ChampionName(p.Champion),
				blockkit.Escape(p.MovedFrom), Day(p.MovedOn)))
		}
		if keepInTouch > 0 && now.Sub(p.LastContact) >= keepInTouch {
			last := "no contact recorded"
			if !p.LastContact.IsZero() {
				last = "last contact " + p.LastContact.In(loc).Format("2 Jan 2006")
			}
			quiet = append(quiet, fmt.Sprintf("%s — %s", ChampionName(p.Champion), last))
		}
	}
	if len(moved) == 0 && len(quiet) == 0 {
		return nil
	}
	blocks := []slack.Block{slack.NewDividerBlock(), blockkit.Section("*Your champions* — the relationship outlives the deal")}
	if len(moved) > 0 {
		blocks = append(blocks, blockkit.Section(":briefcase: *Changed jobs lately*\n"+strings.Join(blockkit.Limit(moved, 8), "\n")))
	}
	if len(quiet) > 0 {
		blocks = append(blocks, blockkit.Section(fmt.Sprintf(":wave: *No contact for %s or more* — `/champion touch` once you talk\n",
			blockkit.Plural(int(keepInTouch/(24*time.Hour)), "day", "days"))+strings.Join(blockkit.Limit(quiet, 8), "\n")))
	}
	return blocks
}
