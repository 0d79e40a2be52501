package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

func ChampionSet(d storage.Deal, ch storage.Champion, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":star: %s named %s the champion of *%s*.", Mention(actorID), ChampionName(ch), blockkit.Escape(d.Name))
	blocks := []slack.Block{
		blockkit.Section(text),
		blockkit.Section(CapitalLine(capital)),
		blockkit.Context("Record each favor you ask with `/champion ask`, and what you do for them with `/champion give`."),
	}
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: blocks}
}

func AskRecorded(ask storage.Ask, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":handshake: %s recorded ask #%d of the champion: %s — cost %s.",
		Mention(actorID), ask.Number, blockkit.Escape(ask.What), Level(ask.Cost))
	return capitalReply(text, capital)
}

func AskStatus(ask storage.Ask, capital storage.Capital, actorID string) Reply {
	text := fmt.Sprintf(":white_check_mark: %s recorded that the champion did ask #%d: %s.", Mention(actorID), ask.Number, blockkit.Escape(ask.What))
	if ask.Status == storage.AskDeclined {
		text = fmt.Sprintf(":no_entry_sign: %s recorded that the champion declined ask #%d: %s. A declined ask costs no capital.",
			Mention(actorID), ask.Number, blockkit.Escape(ask.What))
	}
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
	status := ""
	switch a.Status {
	case storage.AskDone:
		status = " — done"
	case storage.AskDeclined:
		status = " — declined"
	}
	return fmt.Sprintf("#%d %s (cost %d)%s", a.Number, blockkit.Escape(blockkit.Clip(a.What, 200)), a.Cost, status)
}

func giveLine(g storage.Give) string {
	return fmt.Sprintf("#%d %s (value %d)", g.Number, blockkit.Escape(blockkit.Clip(g.What, 200)), g.Value)
}

func Ledger(d storage.Deal, ch *storage.Champion, entries []storage.LedgerEntry) Reply {
	capital := capitalAfter(d, entries)
	title := "Ledger of " + d.Name
	if ch != nil {
		title += " — champion " + ch.Name
	}
	lines := make([]string, 0, len(entries))
	for _, e := range entries {
		day := e.At.Format("2 Jan")
		if e.Ask != nil {
			lines = append(lines, fmt.Sprintf("%s · ask %s → *%d*", day, askLine(*e.Ask), e.Left))
		} else if e.Give != nil {
			lines = append(lines, fmt.Sprintf("%s · give %s → *%d*", day, giveLine(*e.Give), e.Left))
		}
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
		lines = append(lines, fmt.Sprintf("• *%s* in <#%s> — %s; %s, %s; capital %d/%d; last contact %s",
			blockkit.Escape(cd.Deal.Name), cd.Deal.ChannelID, cd.Deal.Stage, blockkit.Plural(cd.Asks, "ask", "asks"),
			blockkit.Plural(cd.Gives, "give", "gives"), cd.Capital.Left, cd.Capital.Budget, last))
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
