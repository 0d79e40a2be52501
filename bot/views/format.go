package views

import (
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

// Day writes a calendar date: "Tue 1 Dec 2026"; "—" when unset.
func Day(d time.Time) string {
	if d.IsZero() {
		return "—"
	}
	return d.Format("Mon 2 Jan 2006")
}

// Moment writes an instant in a time zone: "Tue 1 Dec 2026 09:00 CET".
func Moment(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
}

func Mention(userID string) string {
	if userID == "" {
		return "nobody"
	}
	return "<@" + userID + ">"
}

// CapitalLine is the capital left, with a warning at 20% or less and the
// overdrawn message below zero.
func CapitalLine(c storage.Capital) string {
	line := fmt.Sprintf("Champion capital left: *%d of %d*", c.Left, c.Budget)
	switch c.State() {
	case storage.CapitalOverdrawn:
		return line + fmt.Sprintf("\n:rotating_light: *Overdrawn by %d:* you might lose despite winning it — give back before you ask again.", -c.Left)
	case storage.CapitalLow:
		return line + "\n:warning: *Running low:* 20% or less of the champion's capital is left. Give back before the next big ask."
	}
	return line
}

// Level names a cost or value: "3 (medium)".
func Level(n int) string {
	switch n {
	case 1:
		return "1 (low)"
	case 3:
		return "3 (medium)"
	case 5:
		return "5 (high)"
	}
	return strconv.Itoa(n)
}

// Reply is an answer to a user.
type Reply struct {
	// InChannel marks a record the deal team sees in the channel; the
	// channel gets it only while everyone in it is on the team.
	InChannel bool
	Text      string // the plain-text fallback: notifications, screen readers
	Blocks    []slack.Block
}

// Empty reports whether there is nothing to say.
func (r Reply) Empty() bool { return r.Text == "" && len(r.Blocks) == 0 }

// Plain is a one-section answer of text.
func Plain(text string) Reply {
	return Reply{Text: text, Blocks: []slack.Block{blockkit.Section(text)}}
}

// Problem answers input Long Game cannot use: what is wrong and, when
// given, a correct example. Nothing was written.
func Problem(problem, example string) Reply {
	text := ":warning: " + problem
	if example != "" {
		text += "\nFor example: `" + example + "`"
	}
	return Plain(text)
}

// InternalError answers a command that failed on Long Game's side.
func InternalError() Reply {
	return Plain(":x: Long Game could not finish this command because of an error on its side. " +
		"Please try again in a moment; if it keeps failing, ask your Slack admin to check the bot's logs.")
}
