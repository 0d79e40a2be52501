// Package blockkit builds Slack Block Kit messages that stay within Slack's
// limits, from text that users typed: the one place both the bot's answers
// and the reminders build their blocks.
package blockkit

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's Block Kit limits, as Slack documents and enforces them. A message
// over them is refused with invalid_blocks and the user sees nothing.
const (
	MaxMessageBlocks = 50
	MaxViewBlocks    = 100
	MaxSectionText   = 3000
	MaxFieldText     = 2000
	MaxFields        = 10
	MaxHeaderText    = 150
	MaxButtonText    = 75
	MaxContextText   = 2000
)

// escaper is built once: user text is escaped on every answer.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Escape makes user text safe inside mrkdwn: Slack reads <, > and & as
// markup, so "<!channel>" typed in a note must not ping anyone when echoed.
func Escape(s string) string { return escaper.Replace(s) }

// Clip cuts s to at most n characters, ending with "…" when cut.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Mrkdwn is a mrkdwn text object.
func Mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// Plain is a plain_text text object with emoji.
func Plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// Section is a mrkdwn section, clipped to Slack's limit.
func Section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(Mrkdwn(Clip(text, MaxSectionText)), nil, nil)
}

// Header is a header block, clipped to Slack's limit.
func Header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(Plain(Clip(text, MaxHeaderText)))
}

// Context is a context block of one mrkdwn text.
func Context(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", Mrkdwn(Clip(text, MaxContextText)))
}

// Fields lays out up to ten label/value pairs in two columns.
func Fields(pairs ...[2]string) *slack.SectionBlock {
	var fields []*slack.TextBlockObject
	for _, p := range pairs {
		if len(fields) == MaxFields {
			break
		}
		fields = append(fields, Mrkdwn(Clip("*"+p[0]+"*\n"+p[1], MaxFieldText)))
	}
	return slack.NewSectionBlock(nil, fields, nil)
}

// Button is a button whose label fits Slack's limit.
func Button(actionID, label, value string, style slack.Style) *slack.ButtonBlockElement {
	btn := slack.NewButtonBlockElement(actionID, value, Plain(Clip(label, MaxButtonText)))
	btn.Style = style
	return btn
}

// Mention is a user mention that Slack renders as the user's name.
func Mention(userID string) string { return "<@" + userID + ">" }

// Plural is "1 ask" or "3 asks".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Lines renders lines into as few sections as fit, within maxBlocks blocks
// and maxChars characters in all, and ends with "…and N more" when some do
// not fit. Slack answers msg_blocks_too_long for about 13k characters of
// blocks, whatever the block count.
func Lines(lines []string, maxBlocks, maxChars int) []slack.Block {
	return LinesOf(lines, len(lines), maxBlocks, maxChars)
}

// LinesOf is Lines for the first lines of a longer list of total lines,
// such as a query's first page: "…and N more" counts the ones not passed.
func LinesOf(lines []string, total, maxBlocks, maxChars int) []slack.Block {
	const room = 100 // for "…and N more" in the last section
	var blocks []slack.Block
	var cur strings.Builder
	curLen, used, shown := 0, 0, 0
	for _, line := range lines {
		line = Clip(line, MaxSectionText-room)
		n := utf8.RuneCountInString(line) + 1
		full := curLen > 0 && curLen+n > MaxSectionText-room
		if used+n > maxChars || (full && len(blocks) == maxBlocks-1) {
			break
		}
		if full {
			blocks = append(blocks, Section(cur.String()))
			cur.Reset()
			curLen = 0
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
		curLen += n
		used += n
		shown++
	}
	if total > shown {
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		fmt.Fprintf(&cur, "…and %d more", total-shown)
	}
	if cur.Len() > 0 {
		blocks = append(blocks, Section(cur.String()))
	}
	return blocks
}

// Limit keeps the first n lines and says how many were left out.
func Limit(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	out := append([]string(nil), lines[:n]...)
	return append(out, fmt.Sprintf("…and %d more", len(lines)-n))
}
