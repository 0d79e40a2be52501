package reminders

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
)

// echoMessages writes, in place of the bot's messages, what the dispatcher
// handed it: the tests check the dispatcher's choices (which check-in,
// whose copy, why, what it covers), not the wording, which the bot's
// check-in feature tests.
type echoMessages struct{}

var _ Messages = echoMessages{}

func echo(text string) Message {
	return Message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.PlainTextType, text, false, false), nil, nil)}}
}

func (echoMessages) Reminder(r storage.DueCheckin) Message {
	champion := "none"
	if r.Champion != nil {
		champion = r.Champion.Name
	}
	var risks []string
	for _, k := range r.Risks {
		risks = append(risks, k.What)
	}
	return echo(fmt.Sprintf("reminder of check-in %d (%s) of %s for <@%s>; champion %s; %d missed; risks [%s]",
		r.Checkin.ID, r.Checkin.Offset, r.Deal.Name, r.Deal.OwnerID, champion, r.Missed, strings.Join(risks, "; ")))
}

func (m echoMessages) OwnerCopy(r storage.DueCheckin, cause string) Message {
	return echo("owner copy, the channel refused (" + cause + "): " + m.Reminder(r).Text)
}

func (m echoMessages) PrivateCopy(r storage.DueCheckin) Message {
	return echo("private copy: " + m.Reminder(r).Text)
}

func (m echoMessages) UncheckedCopy(r storage.DueCheckin) Message {
	return echo("unchecked copy: " + m.Reminder(r).Text)
}

func (echoMessages) Nudge(n storage.Nudge, now time.Time, loc *time.Location) Message {
	var due, risky []string
	for _, cd := range n.Due {
		due = append(due, fmt.Sprintf("%s %s", cd.Deal.Name, cd.Checkin.Offset))
	}
	for _, o := range n.AtRisk {
		risky = append(risky, fmt.Sprintf("%s (critical %d, high %d, overdrawn %v)", o.Deal.Name, o.OpenRisks.Critical,
			o.OpenRisks.High, o.Capital.Overdrawn()))
	}
	return echo(fmt.Sprintf("nudge of <@%s>: due [%s]; failed %d; won unchecked %d; at risk [%s]",
		n.OwnerID, strings.Join(due, ", "), len(n.Failed), len(n.Unchecked), strings.Join(risky, ", ")))
}
