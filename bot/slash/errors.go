package slash

import (
	"errors"
	"fmt"

	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
)

// userError is an answer to input the bot cannot use; nothing was written.
type userError struct {
	problem string
	example string       // a correct command, shown as code; may be ""
	reply   *views.Reply // the whole answer, when it is more than the problem
}

func (e *userError) Error() string { return e.problem }

// inputError says what is wrong with a command and how to write it.
func inputError(problem, example string) error { return &userError{problem: problem, example: example} }

// already answers a change that is already so: privately, without a
// warning, and nothing is posted or written.
func already(text string) error {
	r := views.Plain(text)
	return &userError{problem: text, reply: &r}
}

// notUnderstood refuses a subcommand (or words after one) that cmd does
// not know, answering with cmd's usage.
func notUnderstood(cmd, what string) error {
	r := usageReply(cmd, what)
	return &userError{problem: fmt.Sprintf("%s %s is not a %s command.", cmd, what, cmd), reply: &r}
}

// Explain is the answer to a command's error: what was wrong with the input
// and a correct example, or, for a failure on Long Game's side, that it
// failed (the caller logs it: internal reports false).
func Explain(err error) (r views.Reply, user bool) {
	var ue *userError
	var pe *command.Error
	switch {
	case errors.As(err, &ue) && ue.reply != nil:
		return *ue.reply, true
	case errors.As(err, &ue):
		return views.Problem(ue.problem, ue.example), true
	case errors.As(err, &pe):
		return views.Problem(pe.Sentence(), pe.Example), true
	}
	return views.InternalError(), false
}

// Message is what a user error says, without its example: for a form,
// which shows it under the field. A failure on Long Game's side says so.
func Message(err error) string {
	var ue *userError
	if errors.As(err, &ue) {
		return ue.problem
	}
	var pe *command.Error
	if errors.As(err, &pe) {
		return pe.Sentence()
	}
	return "Long Game could not record this because of an error on its side. Please try again."
}

// IsUserError reports whether err is about the user's input (nothing was
// written) rather than a failure.
func IsUserError(err error) bool {
	var ue *userError
	var pe *command.Error
	return errors.As(err, &ue) || errors.As(err, &pe)
}
