package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/reminders"
	"github.com/longgame/longgame/storage"
)

// dueWindow is how far ahead "/checkin" outside a deal channel and the App
// Home look.
const dueWindow = 14 * 24 * time.Hour

// defaultSnoozeDays is /checkin snooze without a duration, and the Snooze
// button: one week.
const defaultSnoozeDays = 7

func (b *Bot) checkinList(ctx context.Context, req *request) (reply, error) {
	if req.rest != "" {
		return usageReply("/checkin", req.sub+" "+req.rest), nil
	}
	d, err := b.store.DealByChannel(ctx, req.actor.TeamID, req.cmd.ChannelID)
	if errors.Is(err, storage.ErrNotFound) {
		due, err := b.store.OwnerCheckinsDue(ctx, req.actor.TeamID, req.actor.UserID, req.now.Add(dueWindow))
		if err != nil {
			return reply{}, fmt.Errorf("check-ins due: %w", err)
		}
		return myCheckinsReply(due, req.now, req.loc), nil
	}
	if err != nil {
		return reply{}, fmt.Errorf("deal of channel: %w", err)
	}
	all, err := b.store.DealCheckins(ctx, req.actor.TeamID, d.ID)
	if err != nil {
		return reply{}, fmt.Errorf("deal check-ins: %w", err)
	}
	return dealCheckinsReply(d, all, req.now, b.ownerLocation(ctx, d.TeamID, d.OwnerID)), nil
}

func (b *Bot) checkinDone(ctx context.Context, req *request) (reply, error) {
	args, err := command.Parse(req.rest, command.Spec{})
	if err != nil {
		return reply{}, err
	}
	if err := checkLength("note", args.Text, command.MaxText, "/checkin done Jane's team is trained; the new process is live"); err != nil {
		return reply{}, err
	}
	d, c, err := b.nextCheckin(ctx, req)
	if err != nil {
		return reply{}, err
	}
	done, err := b.store.FinishCheckin(ctx, req.actor, c.ID, storage.CheckinDone, args.Text)
	if err != nil {
		return reply{}, b.checkinChangeErr(err, "finish check-in")
	}
	return checkinDoneReply(d, done, req.actor.UserID), nil
}

func (b *Bot) checkinSnooze(ctx context.Context, req *request) (reply, error) {
	days := defaultSnoozeDays
	if s := strings.TrimSpace(req.rest); s != "" {
		n, err := command.ParseDays(s)
		if err != nil {
			return reply{}, inputError(fmt.Sprintf("%q is not a duration: use days or weeks such as 3d or 2w.", blockkit.Clip(s, 40)), "/checkin snooze 2w")
		}
		days = n
	}
	d, c, err := b.nextCheckin(ctx, req)
	if err != nil {
		return reply{}, err
	}
	snoozed, err := b.snooze(ctx, req.actor, d, c, days, req.today())
	if err != nil {
		return reply{}, err
	}
	return checkinSnoozedReply(d, snoozed, req.actor.UserID, b.ownerLocation(ctx, d.TeamID, d.OwnerID)), nil
}

// snooze moves one check-in days after its due date, or after today when it
// is overdue; the rest of the series stays put.
func (b *Bot) snooze(ctx context.Context, actor storage.Actor, d storage.Deal, c storage.Checkin, days int, today time.Time) (storage.Checkin, error) {
	from := c.DueOn
	if from.Before(today) {
		from = today
	}
	day := from.AddDate(0, 0, days)
	loc := b.ownerLocation(ctx, d.TeamID, d.OwnerID)
	snoozed, err := b.store.SnoozeCheckin(ctx, actor, c.ID, day, reminders.DueAt(day, loc))
	if err != nil {
		return snoozed, b.checkinChangeErr(err, "snooze check-in")
	}
	return snoozed, nil
}

func (b *Bot) checkinAdd(ctx context.Context, req *request) (reply, error) {
	const example = "/checkin add +3w ask Jane how the admin training went"
	args, err := command.Parse(req.rest, command.Spec{})
	if err != nil {
		return reply{}, err
	}
	if len(args.Words) == 0 {
		return reply{}, inputError("Say when, then what to check.", example)
	}
	day, err := command.ParseDate(args.Words[0].Text, req.today())
	if err != nil {
		return reply{}, err
	}
	if day.Before(req.today()) {
		return reply{}, inputError(fmt.Sprintf("%s is in the past: a check-in is for later.", day.Format(time.DateOnly)), example)
	}
	note := args.TextAfter(1)
	if strings.TrimSpace(note) == "" {
		return reply{}, inputError("Say what to check in about.", example)
	}
	if err := checkLength("note", note, command.MaxText, example); err != nil {
		return reply{}, err
	}
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return reply{}, err
	}
	loc := b.ownerLocation(ctx, d.TeamID, d.OwnerID)
	c, err := b.store.AddCheckin(ctx, req.actor, storage.NewCheckin{
		DealID: d.ID, Kind: storage.KindManual, Note: note, DueOn: day, DueAt: reminders.DueAt(day, loc),
	})
	if err != nil {
		return reply{}, fmt.Errorf("add check-in: %w", err)
	}
	return checkinAddedReply(d, c, req.actor.UserID, loc), nil
}

// nextCheckin is the deal's earliest pending check-in.
func (b *Bot) nextCheckin(ctx context.Context, req *request) (storage.Deal, storage.Checkin, error) {
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return d, storage.Checkin{}, err
	}
	c, err := b.store.NextPendingCheckin(ctx, d.TeamID, d.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return d, c, inputError("This deal has no pending check-in. Close it as won to schedule them, or add one of your own.",
			"/checkin add +2w ask Jane how the rollout is going")
	}
	if err != nil {
		return d, c, fmt.Errorf("next check-in: %w", err)
	}
	return d, c, nil
}

// checkinChangeErr turns a race (someone finished it meanwhile) into an
// answer.
func (b *Bot) checkinChangeErr(err error, what string) error {
	if errors.Is(err, storage.ErrConflict) {
		return inputError("Someone finished or moved this check-in a moment ago; `/checkin` shows where things stand.", "/checkin")
	}
	return fmt.Errorf("%s: %w", what, err)
}
