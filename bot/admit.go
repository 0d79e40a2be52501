package bot

import (
	"context"

	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/bot/views"
)

// StrangerText is all Long Game says to a guest or to a user of another
// organisation: no deal, champion, risk or count.
const StrangerText = "Long Game answers the members of this workspace only."

// uncheckedText answers a user Slack could not vouch for.
const uncheckedText = "Long Game could not check that you are a member of this workspace: Slack did not answer. " +
	"Please try again in a moment."

// admit checks that userID, acting from claimedTeam ("" when the envelope
// names none), is a full member of the organisation that owns the deals.
// For anyone else, and when Slack cannot tell, it returns the one line to
// answer and false: nothing they send is read further.
func (b *Bot) admit(ctx context.Context, userID, claimedTeam string) (views.Reply, bool) {
	r, o := b.admission(ctx, userID, claimedTeam)
	return r, o == admitted
}

// admitted is admission's outcome for a member.
const admitted Outcome = ""

// admission is admit with the reason of a refusal: Refused for a stranger,
// Failed when Slack could not tell.
func (b *Bot) admission(ctx context.Context, userID, claimedTeam string) (views.Reply, Outcome) {
	st, err := b.access.Standing(ctx, userID, claimedTeam)
	if err != nil {
		b.log.Warn("could not tell whether the user is a member; refusing", "user", userID, "err", err)
		return views.Plain(uncheckedText), Failed
	}
	if st != access.Member {
		b.log.Info("refused a non-member", "user", userID, "team", claimedTeam, "standing", st.String())
		return views.Plain(StrangerText), Refused
	}
	return views.Reply{}, admitted
}
