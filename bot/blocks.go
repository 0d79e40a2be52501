package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Slack's Block Kit limits (SLACK.md "Platform limits"). A message over them
// is refused with invalid_blocks and the user sees nothing.
const (
	maxMessageBlocks = 50
	maxViewBlocks    = 100
	maxSectionText   = 3000
	maxHeaderText    = 150
	maxButtonText    = 75
	maxContextText   = 2000
)

// escape makes user text safe inside mrkdwn: Slack reads <, > and & as
// markup, so "<!channel>" typed in a note must not ping anyone when echoed.
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

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(clip(text, maxSectionText)), nil, nil)
}

func header(text string) *slack.HeaderBlock {
	return slack.NewHeaderBlock(plain(clip(text, maxHeaderText)))
}

func contextBlock(text string) *slack.ContextBlock {
	return slack.NewContextBlock("", mrkdwn(clip(text, maxContextText)))
}

// fieldsSection lays out up to ten label/value pairs in two columns.
func fieldsSection(pairs ...[2]string) *slack.SectionBlock {
	var fields []*slack.TextBlockObject
	for _, p := range pairs {
		if len(fields) == 10 {
			break
		}
		fields = append(fields, mrkdwn(clip("*"+p[0]+"*\n"+p[1], 2000)))
	}
	return slack.NewSectionBlock(nil, fields, nil)
}

func button(actionID, label, value string, style slack.Style) *slack.ButtonBlockElement {
	btn := slack.NewButtonBlockElement(actionID, value, plain(clip(label, maxButtonText)))
	btn.Style = style
	return btn
}

// maxListChars bounds a message's list text in all: Slack answers
// msg_blocks_too_long for about 13k characters of blocks.
const maxListChars = 10000

// listSection renders lines into as few sections as fit, within maxBlocks
// blocks and maxListChars characters, and ends with "…and N more" when some
// lines do not fit.
func listSection(lines []string, maxBlocks int) []slack.Block {
	return listSectionWithin(lines, maxBlocks, maxListChars)
}

// listSectionWithin is listSection with its own character budget, for a
// message that holds several lists.
func listSectionWithin(lines []string, maxBlocks, maxChars int) []slack.Block {
	var blocks []slack.Block
	var cur strings.Builder
	total := 0
	for i, line := range lines {
		line = clip(line, maxSectionText-100)
		n := utf8.RuneCountInString(line) + 1
		if total+n > maxChars {
			if cur.Len() > 0 {
				cur.WriteByte('\n')
			}
			cur.WriteString(fmt.Sprintf("…and %d more", len(lines)-i))
			break
		}
		if cur.Len() > 0 && utf8.RuneCountInString(cur.String())+n > maxSectionText-100 {
			if len(blocks) == maxBlocks-1 {
				cur.WriteString(fmt.Sprintf("\n…and %d more", len(lines)-i))
				break
			}
			blocks = append(blocks, section(cur.String()))
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		cur.WriteString(line)
		total += n
	}
	if cur.Len() > 0 {
		blocks = append(blocks, section(cur.String()))
	}
	return blocks
}

// limitLines keeps the first n lines and says how many were left out.
func limitLines(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	out := append([]string(nil), lines[:n]...)
	return append(out, fmt.Sprintf("…and %d more", len(lines)-n))
}
