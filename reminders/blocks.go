package reminders

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's Block Kit limits (SLACK.md "Platform limits"): a message over
// them is refused with invalid_blocks and nobody sees anything.
const (
	maxMessageBlocks = 50
	maxSectionText   = 3000
	maxContextText   = 2000
	maxButtonText    = 75
	// maxListItems bounds a list in a message: past it, "…and N more".
	maxListItems = 10
	// maxLineChars bounds one list line, so ten of them fit in a section.
	maxLineChars = 280
)

// escape makes user text safe inside mrkdwn: Slack reads <, > and & as
// markup, so "<!channel>" in a note must not ping anyone when echoed.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// clip cuts s to at most n characters, ending with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// userText is user-typed text made safe and short for mrkdwn.
func userText(s string, n int) string { return escape(clip(strings.TrimSpace(s), n)) }

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(clip(text, maxSectionText)), nil, nil)
}

func contextBlock(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(clip(text, maxContextText)))
}

func button(actionID, label, value string, style slack.Style) *slack.ButtonBlockElement {
	btn := slack.NewButtonBlockElement(actionID, value, plain(clip(label, maxButtonText)))
	btn.Style = style
	return btn
}

func mention(userID string) string { return "<@" + userID + ">" }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// list renders a titled bullet list for one section: at most maxListItems
// lines, each clipped, the whole within a section's 3,000 characters, and
// "…and N more" for the rest.
func list(title string, lines []string) string {
	var b strings.Builder
	b.WriteString(title)
	for i, line := range lines {
		line = "\n• " + clip(line, maxLineChars)
		rest := len(lines) - i
		// Room for this line and, if others follow, for "…and N more".
		if i == maxListItems || b.Len()+len(line)+len("\n…and 1000 more") > maxSectionText {
			fmt.Fprintf(&b, "\n…and %d more", rest)
			break
		}
		b.WriteString(line)
	}
	return b.String()
}
