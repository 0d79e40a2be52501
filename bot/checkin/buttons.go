// Package checkin is the check-in reminder, one feature read in one place:
// the message the dispatcher posts in the deal channel (or the owner's DM),
// its Done, Snooze and Skip buttons (also in the App Home), what a click
// does, and the weekly nudge that lists what is due.
package checkin

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/views"
)

// Action is what a button of a check-in does; it is the button's
// action_id, and the button's value is the check-in id.
type Action string

// The buttons of a check-in.
const (
	ActionDone   Action = "checkin_done"
	ActionSnooze Action = "checkin_snooze"
	ActionSkip   Action = "checkin_skip"
)

// ActionOpenDeal is the button of a job-change reminder that opens the
// /deal open form for the champion's new company; its value is the
// check-in id. It is not one of a check-in's own actions: a click leaves
// the reminder as it is.
const ActionOpenDeal = "checkin_open_deal"

// OpenDealButton is the actions block of a job-change reminder: "Open a
// deal at <company>".
func OpenDealButton(checkinID int64, company string) *slack.ActionBlock {
	return slack.NewActionBlock("opendeal:"+strconv.FormatInt(checkinID, 10),
		blockkit.Button(ActionOpenDeal, "Open a deal at "+company, strconv.FormatInt(checkinID, 10), slack.StylePrimary))
}

// ParseOpenDeal reads the check-in id of an "Open a deal at" click.
func ParseOpenDeal(value string) (int64, error) {
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("open-deal button value %q is not a check-in id", value)
	}
	return id, nil
}

// BlockIDPrefix starts the block_id of a check-in's actions block, followed
// by the check-in id: "checkin:42".
const BlockIDPrefix = "checkin:"

// BlockID is the block_id of the actions block of check-in id.
func BlockID(checkinID int64) string { return BlockIDPrefix + strconv.FormatInt(checkinID, 10) }

// ParseAction reads a button click: its action_id and value. An action_id
// that is not a check-in button, or a value that is not a check-in id, is
// an error.
func ParseAction(actionID, value string) (Action, int64, error) {
	a := Action(actionID)
	if a != ActionDone && a != ActionSnooze && a != ActionSkip {
		return "", 0, fmt.Errorf("action %q is not a check-in button", actionID)
	}
	id, err := strconv.ParseInt(value, 10, 64)
	if err != nil || id <= 0 {
		return "", 0, fmt.Errorf("check-in button value %q is not a check-in id", value)
	}
	return a, id, nil
}

// Buttons is the actions block of a reminder: Done, Snooze 1 week, Skip.
func Buttons(checkinID int64) *slack.ActionBlock {
	id := strconv.FormatInt(checkinID, 10)
	return slack.NewActionBlock(BlockID(checkinID),
		blockkit.Button(string(ActionDone), "Done", id, slack.StylePrimary),
		blockkit.Button(string(ActionSnooze), "Snooze 1 week", id, slack.StyleDefault),
		blockkit.Button(string(ActionSkip), "Skip", id, slack.StyleDefault),
	)
}

// HomeButtons is the actions block of a check-in in the App Home: Done and
// Snooze 1 week. A click is handled as one on the reminder.
func HomeButtons(checkinID int64) slack.Block {
	id := strconv.FormatInt(checkinID, 10)
	return slack.NewActionBlock(BlockID(checkinID),
		blockkit.Button(string(ActionDone), "Done", id, slack.StylePrimary),
		blockkit.Button(string(ActionSnooze), "Snooze 1 week", id, slack.StyleDefault),
	)
}

// Resolution is what a click on a reminder's button did, for
// ResolvedMessage.
type Resolution struct {
	Action   Action
	UserID   string         // who clicked
	Until    time.Time      // for ActionSnooze: the new due time
	Location *time.Location // the zone Until is shown in; nil means UTC
}

// Line is the resolution as the message shows it: "Done by <@U1>".
func (r Resolution) Line() string {
	switch r.Action {
	case ActionDone:
		return ":white_check_mark: Done by " + views.Mention(r.UserID)
	case ActionSnooze:
		loc := r.Location
		if loc == nil {
			loc = time.UTC
		}
		return fmt.Sprintf(":zzz: Snoozed to %s by %s", views.Moment(r.Until, loc), views.Mention(r.UserID))
	case ActionSkip:
		return ":fast_forward: Skipped by " + views.Mention(r.UserID)
	}
	return "Handled by " + views.Mention(r.UserID)
}

// ErrNoButtons means the message has no buttons of that check-in to
// replace: it was resolved already, or is not a reminder.
var ErrNoButtons = errors.New("no buttons of that check-in in the message")

// ResolvedMessage is a reminder after a click, for chat.update: the blocks
// of the original message (from the interaction payload) with check-in
// checkinID's buttons replaced by what was done, so nobody clicks twice.
// ErrNoButtons when the buttons are not there.
func ResolvedMessage(original []slack.Block, checkinID int64, r Resolution) (text string, blocks []slack.Block, err error) {
	id := BlockID(checkinID)
	found := false
	for _, b := range original {
		if a, ok := b.(*slack.ActionBlock); ok && a.BlockID == id {
			found = true
			b = blockkit.Context(r.Line())
		}
		blocks = append(blocks, b)
	}
	if !found {
		return "", nil, ErrNoButtons
	}
	return r.Line(), blocks, nil
}
