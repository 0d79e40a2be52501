package bot

import (
	"errors"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
)

// reply is an answer to a user.
type reply struct {
	// inChannel marks a record the deal team sees in the channel; the
	// channel gets it only while everyone in it is on the team.
	inChannel bool
	text      string // the plain-text fallback: notifications, screen readers
	blocks    []slack.Block
}

// userError is an answer to input the bot cannot use; nothing was written.
type userError struct {
	problem string
	example string // a correct command, shown as code; may be ""
}

func (e *userError) Error() string { return e.problem }

// inputError says what is wrong with a command and how to write it.
func inputError(problem, example string) error { return &userError{problem: problem, example: example} }

func (b *Bot) errorReply(cmd string, err error) reply {
	var ue *userError
	var pe *command.Error
	switch {
	case errors.As(err, &ue):
		return problemReply(ue.problem, ue.example)
	case errors.As(err, &pe):
		return problemReply(parseProblem(pe), pe.Example)
	}
	b.log.Error("command failed", "command", cmd, "err", err)
	return internalErrorReply()
}

// parseProblem is a parser error without its example, which the answer
// shows on a line of its own.
func parseProblem(pe *command.Error) string {
	if pe.Part == "" {
		return pe.Problem
	}
	return pe.Part + ": " + pe.Problem
}

func problemReply(problem, example string) reply {
	text := ":warning: " + problem
	if example != "" {
		text += "\nFor example: `" + example + "`"
	}
	return reply{text: text, blocks: []slack.Block{blockkit.Section(text)}}
}

func internalErrorReply() reply {
	text := ":x: Long Game could not finish this command because of an error on its side. " +
		"Please try again in a moment; if it keeps failing, ask your Slack admin to check the bot's logs."
	return reply{text: text, blocks: []slack.Block{blockkit.Section(text)}}
}
