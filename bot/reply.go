package bot

import (
	"context"
	"errors"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
)

// reply is an answer to a user.
type reply struct {
	inChannel bool // seen by the channel, not only by whoever typed the command
	// private marks an answer about champion capital, asks or risks: the
	// customer must never read it, so a shared channel gets it ephemeral.
	private bool
	text    string // the plain-text fallback: notifications, screen readers
	blocks  []slack.Block
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

// Notices added to a private answer that is shown only to its user.
const (
	sharedNotice = ":lock: Only you can see this: the channel is shared with another organisation, " +
		"and what is asked of a champion or risked in a deal stays inside your team."
	unknownNotice = ":lock: Only you can see this: Long Game could not check whether this channel is shared " +
		"with another organisation (invite the app to the channel so it can), so it keeps champion and risk details private."
)

// applyPrivacy turns a private in-channel answer into an ephemeral one in a
// channel shared with another organisation. When the channel cannot be
// checked it fails closed.
func (b *Bot) applyPrivacy(ctx context.Context, channelID string, r reply) reply {
	if !r.inChannel || !r.private {
		return r
	}
	shared, err := b.channels.shared(ctx, channelID)
	notice := sharedNotice
	if err != nil {
		b.log.Warn("conversations.info failed; answering privately", "channel", channelID, "err", err)
		notice = unknownNotice
	} else if !shared {
		return r
	}
	r.inChannel = false
	r.text = notice + "\n" + r.text
	r.blocks = append([]slack.Block{blockkit.Context(notice)}, r.blocks...)
	return r
}
