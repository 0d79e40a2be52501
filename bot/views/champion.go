package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

// ChampionSet answers /champion set. namesakes counts other champions of
// the same name the user may see: matched by name and company, this one
// may be a new person where they meant one of those.
func ChampionSet(d storage.Deal, set storage.ChampionSet, capital storage.Capital, actorID string, namesakes int) Reply {
	ch := set.Champion
	text := fmt.Sprintf(":star: %s named %s the champion of *%s*.", Mention(actorID), ChampionName(ch), blockkit.Escape(d.Name))
	if r := set.Replaced; r != nil {
		text = fmt.Sprintf(":star: %s named %s the champion of *%s*, replacing %s. %s's asks and gives stay theirs; "+
			"the capital below is %s's.", Mention(actorID), ChampionName(ch), blockkit.Escape(d.Name), blockkit.Escape(r.Name),
			blockkit.Escape(r.Name), blockkit.Escape(ch.Name))
	}
	blocks := []slack.Block{blockkit.Section(text), blockkit.Section(CapitalLine(capital))}
	var notes []string
	if set.Adopted > 0 {
		notes = append(notes, fmt.Sprintf("%s recorded before a champion was named now count as %s's.",
			blockkit.Plural(set.Adopted, "entry", "entries"), blockkit.Escape(ch.Name)))
	}
	if set.Moved {
		notes = append(notes, fmt.Sprintf("%s's new title or company is kept in their timeline.", blockkit.Escape(ch.Name)))
	}
	if namesakes > 0 {
		notes = append(notes, fmt.Sprintf("%s also called %s at another company. If you meant them, add their company: "+
			"`/champion set %s company:<company>`.", blockkit.Plural(namesakes, "champion is", "champions are"),
			blockkit.Escape(ch.Name), blockkit.Escape(ch.Name)))
	}
	if len(notes) == 0 {
		notes = append(notes, "Record each favor you ask with `/champion ask`, and what you do for them with `/champion give`.")
	}
	blocks = append(blocks, blockkit.Context(strings.Join(notes, " ")))
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: blocks}
}

// Namesakes asks which of several champions of one name the user means,
// naming each with their company.
func Namesakes(people []storage.Champion) string {
	names := make([]string, len(people))
	for i, p := range people {
		names[i] = ChampionName(p)
	}
	return fmt.Sprintf("%d champions are called %s: %s. Say which with company:.", len(people),
		blockkit.Escape(people[0].Name), strings.Join(names, "; "))
}

// AskRecorded answers /champion ask on deal d: the ask, what it cost more
// because an alternative is favored, the capital left, and what the
// champion gave and spent beyond this deal.
func AskRecorded(ask storage.Ask, d storage.Deal, capital storage.Capital, across Across, actorID string) Reply {
	text := fmt.Sprintf(":handshake: %s recorded ask #%d of the champion: %s — cost %s.%s",
		Mention(actorID), ask.Number, blockkit.Escape(ask.What), Level(ask.Cost), surchargeNote(ask, d))
	r := capitalReply(text, capital)
	r.Blocks = append(r.Blocks, acrossBlocks(d, across, false)...)
	return r
}

func AskStatus(ask storage.Ask, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":white_check_mark: %s recorded that the champion did ask #%d: %s.", Mention(actorID), ask.Number, blockkit.Escape(ask.What))
	if ask.Status == storage.AskDeclined {
		text = fmt.Sprintf(":no_entry_sign: %s recorded that the champion declined ask #%d: %s. A declined ask costs no capital.",
			Mention(actorID), ask.Number, blockkit.Escape(ask.What))
	}
	return capitalReply(text, capital)
}

// AskEdited answers /champion edit: the ask as it reads now.
func AskEdited(ask storage.Ask, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":pencil2: %s corrected ask #%d: %s — cost %s%s. The earlier version stays in the audit.",
		Mention(actorID), ask.Number, blockkit.Escape(ask.What), Level(ask.Cost), answerSuffix(ask.Status))
	return capitalReply(text, capital)
}

// answerSuffix says what the champion answered, for an answered ask.
func answerSuffix(s storage.AskStatus) string {
	switch s {
	case storage.AskDone:
		return ", done by the champion"
	case storage.AskDeclined:
		return ", declined by the champion"
	}
	return ""
}

// AskWithdrawn answers /champion delete.
func AskWithdrawn(ask storage.Ask, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":wastebasket: %s withdrew ask #%d (%s): it no longer counts. The ledger keeps it, marked withdrawn.",
		Mention(actorID), ask.Number, blockkit.Escape(blockkit.Clip(ask.What, 200)))
	return capitalReply(text, capital)
}

// GiveEdited answers /champion edit give.
func GiveEdited(g storage.Give, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":pencil2: %s corrected give #%d: %s — value %s. The earlier version stays in the audit.",
		Mention(actorID), g.Number, blockkit.Escape(g.What), Level(g.Value))
	return capitalReply(text, capital)
}

// GiveWithdrawn answers /champion delete give.
func GiveWithdrawn(g storage.Give, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":wastebasket: %s withdrew give #%d (%s): it no longer counts. The ledger keeps it, marked withdrawn.",
		Mention(actorID), g.Number, blockkit.Escape(blockkit.Clip(g.What, 200)))
	return capitalReply(text, capital)
}

func GiveRecorded(give storage.Give, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":gift: %s recorded give #%d for the champion: %s — value %s.",
		Mention(actorID), give.Number, blockkit.Escape(give.What), Level(give.Value))
	return capitalReply(text, capital)
}

func Budget(capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":bank: %s set this deal's champion capital budget to %d.", Mention(actorID), capital.Budget)
	return capitalReply(text, capital)
}

// capitalReply is a recording answer that shows the capital left.
func capitalReply(text string, capital storage.Capital) Reply {
	return Reply{
		InChannel: true,
		Text:      StripMarkup(text + " " + strings.SplitN(CapitalLine(capital), "\n", 2)[0]),
		Blocks:    []slack.Block{blockkit.Section(text), blockkit.Section(CapitalLine(capital))},
	}
}

const recentEntries = 5

func ChampionStatus(d storage.Deal, ch *storage.Champion, entries []storage.LedgerEntry) Reply {
	capital := capitalAfter(d, entries)
	who := "No champion named yet: `/champion set <name> [title:<title>] [@user]`."
	if ch != nil {
		who = "Champion: " + ChampionName(*ch)
	}
	blocks := []slack.Block{blockkit.Header("Champion of " + d.Name), blockkit.Section(who), blockkit.Section(CapitalLine(capital))}
	var asks, gives []string
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		switch {
		case e.Earlier:
			// the status is the current champion's: the ledger has the rest
		case e.Ask != nil && len(asks) < recentEntries:
			asks = append(asks, askLine(*e.Ask))
		case e.Give != nil && len(gives) < recentEntries:
			gives = append(gives, giveLine(*e.Give))
		}
	}
	if len(asks) > 0 {
		blocks = append(blocks, blockkit.Section("*Last asks*\n"+strings.Join(asks, "\n")))
	}
	if len(gives) > 0 {
		blocks = append(blocks, blockkit.Section("*Last gives*\n"+strings.Join(gives, "\n")))
	}
	if len(asks)+len(gives) == 0 {
		blocks = append(blocks, blockkit.Context("Nothing asked or given yet."))
	}
	text := fmt.Sprintf("Champion of %s: capital %d of %d", blockkit.Escape(d.Name), capital.Left, capital.Budget)
	return Reply{Text: text, Blocks: blocks}
}

func capitalAfter(d storage.Deal, entries []storage.LedgerEntry) storage.Capital {
	if len(entries) == 0 {
		return storage.Capital{Budget: d.Budget, Left: d.Budget}
	}
	return storage.Capital{Budget: d.Budget, Left: entries[len(entries)-1].Left}
}

func askLine(a storage.Ask) string {
	line := fmt.Sprintf("#%d %s (cost %d)", a.Number, blockkit.Escape(blockkit.Clip(a.What, 200)), a.Cost)
	switch a.Status {
	case storage.AskDone:
		line += " — done"
	case storage.AskDeclined:
		line += " — declined"
	case storage.AskWithdrawn:
		line = "~" + line + "~ — withdrawn by " + Mention(a.WithdrawnBy)
	}
	return line
}

func giveLine(g storage.Give) string {
	line := fmt.Sprintf("#%d %s (value %d)", g.Number, blockkit.Escape(blockkit.Clip(g.What, 200)), g.Value)
	if g.Withdrawn() {
		line = "~" + line + "~ — withdrawn by " + Mention(g.WithdrawnBy)
	}
	return line
}

// earlierMark marks a ledger entry of the champion the deal named before:
// theirs, and not counted against the current one.
const earlierMark = " · _an earlier champion's_"

func Ledger(d storage.Deal, ch *storage.Champion, entries []storage.LedgerEntry) Reply {
	capital := capitalAfter(d, entries)
	title := "Ledger of " + d.Name
	if ch != nil {
		title += " — champion " + ch.Name
	}
	lines := make([]string, 0, len(entries))
	for _, e := range entries {
		day := e.At.Format("2 Jan")
		var line string
		if e.Ask != nil {
			line = fmt.Sprintf("%s · ask %s → *%d*", day, askLine(*e.Ask), e.Left)
		} else if e.Give != nil {
			line = fmt.Sprintf("%s · give %s → *%d*", day, giveLine(*e.Give), e.Left)
		}
		if e.Earlier {
			line += earlierMark
		}
		lines = append(lines, line)
	}
	blocks := []slack.Block{blockkit.Header(title), blockkit.Section(fmt.Sprintf("Budget %d. Each line shows the capital left after it.", d.Budget))}
	if len(lines) == 0 {
		blocks = append(blocks, blockkit.Context("Nothing asked or given yet."))
	} else {
		blocks = append(blocks, listSection(lines, blockkit.MaxMessageBlocks-3)...)
	}
	blocks = append(blocks, blockkit.Section(CapitalLine(capital)))
	text := fmt.Sprintf("%s: %d entries, capital %d of %d", blockkit.Escape(title), len(entries), capital.Left, capital.Budget)
	return Reply{Text: text, Blocks: blocks}
}

// HistoryLimit is how many deals /champion history reads.
const HistoryLimit = 60

func History(ch storage.Champion, deals storage.Page[storage.ChampionDeal], loc *time.Location) Reply {
	title := fmt.Sprintf("%s across the workspace: %s", ch.Name, blockkit.Plural(deals.Total, "deal", "deals"))
	lines := make([]string, 0, len(deals.Items))
	for _, cd := range deals.Items {
		last := "never"
		if !cd.LastContact.IsZero() {
			last = cd.LastContact.In(loc).Format("2 Jan 2006")
		}
		line := fmt.Sprintf("• *%s* in <#%s> — %s; %s, %s; capital %d/%d; last contact %s",
			blockkit.Escape(cd.Deal.Name), cd.Deal.ChannelID, cd.Deal.Stage, blockkit.Plural(cd.Asks, "ask", "asks"),
			blockkit.Plural(cd.Gives, "give", "gives"), cd.Capital.Left, cd.Capital.Budget, last)
		if !cd.Current {
			line += " · _champion before another was named_"
		}
		lines = append(lines, line)
	}
	blocks := []slack.Block{blockkit.Header(title), blockkit.Section(ChampionName(ch))}
	blocks = append(blocks, blockkit.LinesOf(lines, deals.Total, blockkit.MaxMessageBlocks-3, maxListChars)...)
	if deals.Hidden > 0 {
		blocks = append(blocks, blockkit.Context(leftOutLine(deals.Hidden)))
	}
	return Reply{Text: blockkit.Escape(title), Blocks: blocks}
}

// leftOutLine says why a list spanning deals is missing some: Long Game
// shows a deal only to its owner and its channel's members, and could not
// read the user's channels.
func leftOutLine(n int) string {
	return fmt.Sprintf(":lock: %s left out: Long Game shows a deal only to its owner and the members of its channel, "+
		"and Slack did not say which channels you are in. Try again in a moment.", blockkit.Plural(n, "deal", "deals"))
}
