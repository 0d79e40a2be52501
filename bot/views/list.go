package views

import (
	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
)

// maxListChars is the room one list may take in an answer: Slack answers
// msg_blocks_too_long for about 13k characters of blocks.
const maxListChars = 10000

// listSection renders lines into sections within maxBlocks blocks and the
// answer's room for a list, with "…and N more" for the rest.
func listSection(lines []string, maxBlocks int) []slack.Block {
	return blockkit.Lines(lines, maxBlocks, maxListChars)
}
