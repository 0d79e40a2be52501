package views

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

var severityIcon = map[storage.Severity]string{
	storage.SeverityCritical: ":red_circle:", storage.SeverityHigh: ":large_orange_circle:",
	storage.SeverityMedium: ":large_yellow_circle:", storage.SeverityLow: ":white_circle:",
}

// What the checklist says of each adoption cost (storage.CoverageAreas):
// its label, and the question to ask when no risk covers it.
var adoption = map[storage.Area]struct{ label, prompt string }{
	storage.AreaTraining: {"Training", "No training risk recorded: who must be trained, and by when?"},
	storage.AreaProcess:  {"Process", "No process risk recorded: which processes must change, and who makes the organisation ingest them?"},
	storage.AreaTrust:    {"Trust", "No trust risk recorded: what mistake with the product would cost the champion's team trust?"},
}

func RiskLine(r storage.Risk) string {
	line := fmt.Sprintf("%s *#%d* %s — %s, %s", severityIcon[r.Severity], r.Number, blockkit.Escape(blockkit.Clip(r.What, 300)), r.Severity, r.Area)
	if r.NeedsTest {
		line += " · :test_tube: needs testing"
		if r.Scenario != "" {
			line += ": " + blockkit.Escape(blockkit.Clip(r.Scenario, 200))
		}
	}
	switch r.Status {
	case storage.RiskResolved:
		line += " · :white_check_mark: resolved"
	case storage.RiskWithdrawn:
		line = "~" + line + "~ · withdrawn by " + Mention(r.WithdrawnBy)
	}
	return line
}

// RiskEdited answers /risk edit: the risk as it reads now.
func RiskEdited(r storage.Risk, actorID string) Reply {
	text := fmt.Sprintf(":pencil2: %s corrected risk #%d. The earlier version stays in the audit.\n%s",
		Mention(actorID), r.Number, RiskLine(r))
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

// RiskWithdrawn answers /risk delete.
func RiskWithdrawn(r storage.Risk, actorID string) Reply {
	text := fmt.Sprintf(":wastebasket: %s withdrew risk #%d (%s): it leaves the summary and the reminders. "+
		"`/risk list all` keeps it, marked withdrawn.", Mention(actorID), r.Number, blockkit.Escape(blockkit.Clip(r.What, 200)))
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

func RiskFlagged(r storage.Risk, actorID string) Reply {
	text := fmt.Sprintf(":triangular_flag_on_post: %s flagged risk #%d: %s", Mention(actorID), r.Number, blockkit.Escape(r.What))
	detail := fmt.Sprintf("Severity *%s* · area *%s*", r.Severity, r.Area)
	if r.NeedsTest {
		detail += " · :test_tube: needs more testing"
		if r.Scenario != "" {
			detail += ": " + blockkit.Escape(r.Scenario)
		}
	}
	blocks := []slack.Block{blockkit.Section(text), blockkit.Context(detail + " · not yet disclosed to the customer: `/risk disclose " + fmt.Sprint(r.Number) + "` once you have")}
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: blocks}
}

func RiskChanged(sub string, r storage.Risk, actorID string) Reply {
	var text string
	switch sub {
	case "resolve":
		text = fmt.Sprintf(":white_check_mark: %s resolved risk #%d: %s", Mention(actorID), r.Number, blockkit.Escape(r.What))
		if r.ResolutionNote != "" {
			text += "\n> " + blockkit.Escape(r.ResolutionNote)
		}
	case "reopen":
		text = fmt.Sprintf(":arrows_counterclockwise: %s reopened risk #%d: %s", Mention(actorID), r.Number, blockkit.Escape(r.What))
	default:
		text = fmt.Sprintf(":mega: %s disclosed risk #%d to the customer: %s", Mention(actorID), r.Number, blockkit.Escape(r.What))
		if r.DisclosureNote != "" {
			text += "\n> " + blockkit.Escape(r.DisclosureNote)
		}
	}
	return Reply{InChannel: true, Text: StripMarkup(text), Blocks: []slack.Block{blockkit.Section(text)}}
}

func RiskList(d storage.Deal, risks []storage.Risk, all bool, loc *time.Location) Reply {
	which := "Open risks"
	if all {
		which = "All risks"
	}
	title := fmt.Sprintf("%s of %s: %d", which, d.Name, len(risks))
	if len(risks) == 0 {
		text := title + ". Flag one with `/risk flag <what> [severity:…] [area:…] [test]`."
		return Reply{Text: blockkit.Escape(text), Blocks: []slack.Block{blockkit.Section(blockkit.Escape(text))}}
	}
	lines := make([]string, 0, len(risks))
	for _, r := range risks {
		line := RiskLine(r)
		if !r.DisclosedAt.IsZero() {
			line += fmt.Sprintf(" · disclosed %s", r.DisclosedAt.In(loc).Format("2 Jan"))
		}
		lines = append(lines, line)
	}
	blocks := append([]slack.Block{blockkit.Header(title)}, listSection(lines, blockkit.MaxMessageBlocks-1)...)
	return Reply{Text: blockkit.Escape(title), Blocks: blocks}
}

// Each list of the summary gets a share of the message's room, so a deal
// with thousands of risks still makes a valid message.
const (
	summaryListBlocks = 8
	summaryListChars  = 2800
	// SummaryRisks is how many risks of each list the summary reads: more
	// than fit in a list's share.
	SummaryRisks = 10
)

// RiskSummary is the deal's honest risk picture, the answer a seller
// reads before a forecast call.
//
// What weighs on the champion beyond the risks comes with their capital:
// a favored alternative first, a defender who left, their goodwill across
// deals.
func RiskSummary(ov storage.DealOverview, s storage.RiskSummary, across Across) Reply {
	d := ov.Deal
	blocks := []slack.Block{blockkit.Header("Risk summary — " + d.Name), blockkit.Section(summaryCounts(s))}
	if s.Undisclosed > 0 {
		blocks = append(blocks, blockkit.Section(fmt.Sprintf(":mega: *Not yet disclosed to the customer (%d)* — if you feel there are risks you need to highlight, do it, before your champion gets burned:", s.Undisclosed)))
		blocks = append(blocks, riskList(s.UndisclosedTop, s.Undisclosed, RiskLine)...)
	}
	if s.Disclosed > 0 {
		blocks = append(blocks, blockkit.Section(fmt.Sprintf("*Disclosed, still open (%d)*", s.Disclosed)))
		blocks = append(blocks, riskList(s.DisclosedTop, s.Disclosed, RiskLine)...)
	}
	if s.Untested > 0 {
		blocks = append(blocks, blockkit.Section(fmt.Sprintf(":test_tube: *Scenarios still to test (%d)*", s.Untested)))
		blocks = append(blocks, riskList(s.UntestedTop, s.Untested, testLine)...)
	}
	blocks = append(blocks, slack.NewDividerBlock(), blockkit.Section(championLine(ov)))
	blocks = append(blocks, acrossBlocks(d, across, true)...)
	if d.Stage != storage.StageLost {
		// The adoption costs are the champion's after a purchase: a lost
		// deal has none to check.
		blocks = append(blocks, blockkit.Section(checklist(s)))
	}
	text := fmt.Sprintf("Risk summary of %s: %s open, %d not disclosed, %d to test; capital %d of %d",
		blockkit.Escape(d.Name), riskCountsLine(s.Open), s.Undisclosed, s.Untested, ov.Capital.Left, ov.Capital.Budget)
	return Reply{Text: text, Blocks: blocks}
}

// riskList renders the first risks of a list of total, within the list's
// share of the message.
func riskList(top []storage.Risk, total int, line func(storage.Risk) string) []slack.Block {
	lines := make([]string, 0, len(top))
	for _, r := range top {
		lines = append(lines, line(r))
	}
	return blockkit.LinesOf(lines, total, summaryListBlocks, summaryListChars)
}

func summaryCounts(s storage.RiskSummary) string {
	if s.Open.Total() == 0 {
		return "*No open risks.* If that sounds too good, it is: what could still go wrong for your champion after the purchase?"
	}
	var areaParts []string
	for _, a := range slices.Sorted(maps.Keys(s.ByArea)) {
		if n := s.ByArea[a]; n > 0 {
			areaParts = append(areaParts, fmt.Sprintf("%s %d", a, n))
		}
	}
	return fmt.Sprintf("*Open risks: %d* — %s\nBy area: %s", s.Open.Total(), riskCountsLine(s.Open), strings.Join(areaParts, " · "))
}

func testLine(r storage.Risk) string {
	scenario := r.Scenario
	if scenario == "" {
		scenario = r.What
	}
	return fmt.Sprintf("• #%d %s", r.Number, blockkit.Escape(blockkit.Clip(scenario, 300)))
}

func championLine(ov storage.DealOverview) string {
	who := "*Champion:* none named yet — `/champion set <name>`"
	if ov.Champion != nil {
		who = "*Champion:* " + ChampionName(*ov.Champion)
	}
	return who + "\n" + CapitalLine(ov.Capital)
}

// checklist says, for each adoption cost, which risks cover it, or asks the
// question nobody has answered yet.
func checklist(s storage.RiskSummary) string {
	lines := []string{"*Adoption checklist* — what your champion carries after the purchase:"}
	for _, area := range storage.CoverageAreas {
		a := adoption[area]
		covers := s.Coverage[area]
		if len(covers) == 0 {
			lines = append(lines, ":grey_question: "+a.prompt)
			continue
		}
		refs := make([]string, 0, len(covers)+1)
		for _, c := range covers {
			ref := fmt.Sprintf("#%d", c.Number)
			if c.Resolved {
				ref += " resolved"
			}
			refs = append(refs, ref)
		}
		if more := s.CoverageTotal[area] - len(covers); more > 0 {
			refs = append(refs, fmt.Sprintf("…and %d more", more))
		}
		lines = append(lines, fmt.Sprintf(":white_check_mark: %s: covered by %s", a.label, strings.Join(refs, ", ")))
	}
	return strings.Join(lines, "\n")
}
