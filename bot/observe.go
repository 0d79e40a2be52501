package bot

import (
	"time"

	"github.com/slack-go/slack"
)

// Outcome is what became of a slash command.
type Outcome string

// What became of a slash command.
const (
	// Recorded: a change was recorded, and its record posted in the
	// channel (or shown to its user alone where the channel may not see
	// it).
	Recorded Outcome = "recorded"
	// Answered: nothing was written; the user was shown what they asked
	// for (a card, a list, the usage) or a form.
	Answered Outcome = "answered"
	// Invalid: the user's input was refused (a malformed value, an
	// unknown subcommand, no deal in the channel); nothing was written.
	Invalid Outcome = "invalid"
	// Failed: Long Game failed (the database, Slack, a panic), or Slack
	// could not say who the user is.
	Failed Outcome = "error"
	// Refused: the user is a stranger (a guest, another organisation);
	// nothing they sent was read.
	Refused Outcome = "refused"
	// Busy: the queue was full; the user was told to try again.
	Busy Outcome = "busy"
)

// OtherCommand names, for an Observer, a slash command Long Game does not
// know: whatever Slack sent is never passed on.
const OtherCommand = "other"

// Observer hears what the bot does, for metrics. Its methods are called
// from many goroutines and must be quick. A nil Config.Observer hears
// nothing.
type Observer interface {
	// CommandDone is called once per slash command, when it is done:
	// the command (/deal, …, or OtherCommand) and what became of it.
	CommandDone(command string, o Outcome)
	// CommandAnswered is called when a slash command's user was shown the
	// answer (the ack carrying it, the record posted in the channel, the
	// reply through the response_url, a form's ack), with the time since
	// its envelope arrived. A command whose answer was lost is not heard
	// of.
	CommandAnswered(command string, wait time.Duration)
	// SocketUp is called when a Socket Mode connection opens; reconnect
	// marks every one after the first.
	SocketUp(reconnect bool)
	// SocketDown is called when the connection is lost, and when the bot
	// stops.
	SocketDown()
}

// nobody is the Observer that hears nothing.
type nobody struct{}

func (nobody) CommandDone(string, Outcome)           {}
func (nobody) CommandAnswered(string, time.Duration) {}
func (nobody) SocketUp(bool)                         {}
func (nobody) SocketDown()                           {}

// commandName is cmd's name for an Observer.
func (b *Bot) commandName(cmd slack.SlashCommand) string {
	if b.cmds.Knows(cmd.Command) {
		return cmd.Command
	}
	return OtherCommand
}
