package checkin

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
)

// Store is what a click reads and changes.
type Store interface {
	CheckinByID(ctx context.Context, teamID string, id int64) (storage.Checkin, error)
	DealByID(ctx context.Context, teamID string, id int64) (storage.Deal, error)
	FinishCheckin(ctx context.Context, a storage.Actor, checkinID int64, s storage.CheckinStatus, note string) (storage.Checkin, error)
	MissFolded(ctx context.Context, a storage.Actor, into int64) (int, error)
	SnoozeCheckin(ctx context.Context, a storage.Actor, checkinID int64, dueOn, dueAt time.Time) (storage.Checkin, error)
}

// Updater edits the clicked reminder. *slack.Client implements it.
type Updater interface {
	UpdateMessageContext(ctx context.Context, channelID, timestamp string, options ...slack.MsgOption) (string, string, string, error)
}

// Clicks handles Done, Snooze 1 week and Skip, on a reminder or in the App
// Home. Who clicks has been checked (a member of the organisation); what
// the button may touch is checked here.
type Clicks struct {
	Store Store
	Slack Updater
	Now   func() time.Time
	Week  func(ctx context.Context, teamID, userID string) storage.Week // a user's zone and working days
	// Hold, if set, holds the clicked message's channel against a share
	// while the reminder is resolved, and reports whether the channel may
	// show the reminder (the team's alone). The resolved message is built
	// from the copy in the click, which a share may have hidden since:
	// it must not be put back.
	Hold   func(ctx context.Context, channelID string) (release func(), mayShow bool)
	Logger *slog.Logger
}

// Outcome is what a click leaves to the bot: a problem to tell the user
// privately ("" when none), and whose App Home changed.
type Outcome struct {
	Problem string
	Homes   []string
}

// Handle does what a check-in button says, on check-in id.
func (k *Clicks) Handle(ctx context.Context, cb slack.InteractionCallback, action Action, id int64) Outcome {
	actor := storage.Actor{TeamID: cb.Team.ID, UserID: cb.User.ID}
	c, err := k.Store.CheckinByID(ctx, actor.TeamID, id)
	if err != nil {
		k.Logger.Warn("check-in button for an unknown check-in", "checkin", id, "err", err)
		return Outcome{Problem: "This check-in no longer exists."}
	}
	d, err := k.Store.DealByID(ctx, actor.TeamID, c.DealID)
	if err != nil {
		k.Logger.Error("deal of a check-in", "checkin", id, "err", err)
		return Outcome{Problem: unexpected}
	}
	if !Belongs(cb, d) {
		k.Logger.Warn("a check-in button clicked where it does not belong", "checkin", id, "user", actor.UserID,
			"container", cb.Container.Type, "channel", cb.Channel.ID)
		return Outcome{Problem: "This button does not belong here, so Long Game did nothing."}
	}
	week := k.Week(ctx, d.TeamID, d.OwnerID)
	loc := week.Loc
	if action == ActionSnooze {
		on, at := storage.Snoozed(c.DueOn, k.Now(), storage.SnoozeDays, week)
		c, err = k.Store.SnoozeCheckin(ctx, actor, id, on, at)
	} else {
		c, err = k.finish(ctx, actor, id, action)
	}
	if errors.Is(err, storage.ErrConflict) {
		return Outcome{Problem: "Someone finished or moved this check-in a moment ago; `/checkin` shows where things stand."}
	}
	if err != nil {
		k.Logger.Error("check-in button", "checkin", id, "err", err)
		return Outcome{Problem: unexpected}
	}
	k.resolve(ctx, cb, Resolution{Action: action, UserID: actor.UserID, Until: c.DueAt, Location: loc}, id)
	return Outcome{Homes: []string{actor.UserID, d.OwnerID}}
}

// unexpected answers a click that failed on Long Game's side.
const unexpected = "Long Game could not do this because of an error on its side. Please try again in a moment."

// Belongs reports whether a check-in button of deal d may act where it was
// clicked: on a message in the deal's own channel (a reminder), or, for the
// deal's owner, in their App Home or their DM with the app (where reminders
// of a shared channel go). A payload naming another deal's check-in does
// nothing.
func Belongs(cb slack.InteractionCallback, d storage.Deal) bool {
	channel := cb.Container.ChannelID
	if channel == "" {
		channel = cb.Channel.ID
	}
	switch {
	case cb.Container.Type == "view":
		return cb.View.Type == slack.VTHomeTab && d.OwnerID == cb.User.ID
	case channel == d.ChannelID:
		return true
	case isDM(channel):
		return d.OwnerID == cb.User.ID
	}
	return false
}

// isDM reports whether a channel id is a direct message's: Slack's ids of
// DMs start with D.
func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// finish finishes a check-in, and marks missed those its reminder covered:
// they never happened, whatever became of this one.
func (k *Clicks) finish(ctx context.Context, actor storage.Actor, id int64, action Action) (storage.Checkin, error) {
	status := storage.CheckinDone
	if action == ActionSkip {
		status = storage.CheckinSkipped
	}
	c, err := k.Store.FinishCheckin(ctx, actor, id, status, "")
	if err != nil {
		return c, err
	}
	if _, err := k.Store.MissFolded(ctx, actor, id); err != nil {
		// They still show as missed: covered by this one, which is finished.
		k.Logger.Error("marking missed the check-ins a reminder covered", "checkin", id, "err", err)
	}
	return c, nil
}

// resolve replaces a clicked reminder's buttons with what was done, so
// nobody clicks twice. Clicks in the App Home have no message to update.
func (k *Clicks) resolve(ctx context.Context, cb slack.InteractionCallback, res Resolution, id int64) {
	if cb.Container.Type != "message" || cb.Container.MessageTs == "" {
		return
	}
	text, blocks, err := ResolvedMessage(cb.Message.Blocks.BlockSet, id, res)
	if errors.Is(err, ErrNoButtons) {
		return
	}
	if err != nil {
		k.Logger.Warn("resolving a reminder", "checkin", id, "err", err)
		return
	}
	// The owner's DM with the app is never shared (Belongs let only the
	// owner act there), and asking Slack about it needs a scope the app
	// does not have.
	if channel := cb.Container.ChannelID; k.Hold != nil && !isDM(channel) {
		release, mayShow := k.Hold(ctx, channel)
		defer release()
		if !mayShow {
			k.Logger.Info("a clicked reminder is left as it is: its channel is shared, or cannot be checked",
				"checkin", id, "channel", cb.Container.ChannelID)
			return
		}
	}
	_, _, _, err = k.Slack.UpdateMessageContext(ctx, cb.Container.ChannelID, cb.Container.MessageTs,
		slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
	if err != nil {
		k.Logger.Warn("updating the reminder after a click failed", "checkin", id, "err", err)
	}
}
