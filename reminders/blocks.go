package reminders

import (
	"fmt"
	"strings"

	"github.com/longgame/longgame/bot/blockkit"
)

// Lists in a reminder stay short, so a message always fits Slack's limits.
const (
	// maxListItems bounds a list in a message: past it, "…and N more".
	maxListItems = 10
	// maxLineChars bounds one list line, so ten of them fit in a section.
	maxLineChars = 280
)

// userText is user-typed text made safe and short for mrkdwn.
func userText(s string, n int) string {
	return blockkit.Escape(blockkit.Clip(strings.TrimSpace(s), n))
}

// list renders a titled bullet list for one section: at most maxListItems
// lines, each clipped, the whole within a section's 3,000 characters, and
// "…and N more" for the rest.
func list(title string, lines []string) string {
	var b strings.Builder
	b.WriteString(title)
	for i, line := range lines {
		line = "\n• " + blockkit.Clip(line, maxLineChars)
		rest := len(lines) - i
		// Room for this line and, if others follow, for "…and N more".
		if i == maxListItems || b.Len()+len(line)+len("\n…and 1000 more") > blockkit.MaxSectionText {
			fmt.Fprintf(&b, "\n…and %d more", rest)
			break
		}
		b.WriteString(line)
	}
	return b.String()
}
