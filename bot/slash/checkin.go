package slash

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// checkinStore is what /checkin records and reads.
type checkinStore interface {
	DealByChannel(ctx context.Context, teamID, channelID string) (storage.Deal, error)
	AddCheckin(ctx context.Context, a storage.Actor, c storage.NewCheckin) (storage.Checkin, error)
	DealCheckins(ctx context.Context, teamID string, dealID int64) ([]storage.Checkin, error)
	OwnerCheckinsDue(ctx context.Context, teamID, ownerID string, before time.Time) ([]storage.CheckinDue, error)
	NextPendingCheckin(ctx context.Context, teamID string, dealID int64) (storage.Checkin, error)
	CheckinByNumber(ctx context.Context, teamID string, dealID int64, number int) (storage.Checkin, error)
	FinishCheckin(ctx context.Context, a storage.Actor, checkinID int64, s storage.CheckinStatus, note string) (storage.Checkin, error)
	MissFolded(ctx context.Context, a storage.Actor, into int64) (int, error)
	SnoozeCheckin(ctx context.Context, a storage.Actor, checkinID int64, dueOn, dueAt time.Time) (storage.Checkin, error)
}

// checkinCommands answers /checkin.
type checkinCommands struct {
	base
	store checkinStore
}

func (h *checkinCommands) list(ctx context.Context, req *request) (views.Reply, error) {
	if req.rest != "" {
		return views.Reply{}, notUnderstood("/checkin", req.sub+" "+req.rest)
	}
	d, err := h.store.DealByChannel(ctx, req.actor.TeamID, req.cmd.ChannelID)
	if errors.Is(err, storage.ErrNotFound) {
		due, err := h.store.OwnerCheckinsDue(ctx, req.actor.TeamID, req.actor.UserID, storage.DueSoon(req.now))
		if err != nil {
			return views.Reply{}, fmt.Errorf("check-ins due: %w", err)
		}
		return views.MyCheckins(due, req.now, req.zone(ctx)), nil
	}
	if err != nil {
		return views.Reply{}, fmt.Errorf("deal of channel: %w", err)
	}
	all, err := h.store.DealCheckins(ctx, req.actor.TeamID, d.ID)
	if err != nil {
		return views.Reply{}, fmt.Errorf("deal check-ins: %w", err)
	}
	return views.DealCheckins(d, all, req.now, h.zones.Of(ctx, d.TeamID, d.OwnerID)), nil
}

func (h *checkinCommands) done(ctx context.Context, req *request) (views.Reply, error) {
	number, note := checkinRef(req.rest)
	args, err := command.Parse(note, command.Spec{})
	if err != nil {
		return views.Reply{}, err
	}
	if err := checkLength("note", args.Text, command.MaxText, "/checkin done Jane's team is trained; the new process is live"); err != nil {
		return views.Reply{}, err
	}
	d, c, err := h.toFinish(ctx, req, number)
	if err != nil {
		return views.Reply{}, err
	}
	done, err := h.store.FinishCheckin(ctx, req.actor, c.ID, storage.CheckinDone, args.Text)
	if err != nil {
		return views.Reply{}, h.changeErr(err, "finish check-in")
	}
	// The check-ins its reminder covered never happened: missed, not done.
	// The check-in itself is recorded done, so the answer says so even if
	// this fails, as the reminder's Done button does: the covered ones
	// still show as missed, covered by this finished one.
	missed, err := h.store.MissFolded(ctx, req.actor, done.ID)
	if err != nil {
		h.log.Error("marking missed the check-ins a reminder covered", "checkin", done.ID, "err", err)
		missed = 0
	}
	return views.CheckinDone(d, done, missed, req.actor.UserID), nil
}

// checkinRef reads an optional "#n" before a note. A bare number counts
// only alone: "/checkin done 3 admins trained" is a note.
func checkinRef(rest string) (number int, note string) {
	first, after := command.Split(rest)
	if strings.HasPrefix(first, "#") || (first != "" && strings.TrimSpace(after) == "") {
		if n, err := command.ParseNumber(first); err == nil {
			return n, after
		}
	}
	return 0, rest
}

// toFinish is the check-in /checkin done acts on: #number, or without one
// the earliest that is due today or overdue, never a future one.
func (h *checkinCommands) toFinish(ctx context.Context, req *request, number int) (storage.Deal, storage.Checkin, error) {
	if number == 0 {
		d, c, err := h.next(ctx, req)
		if err != nil {
			return d, c, err
		}
		loc := h.zones.Of(ctx, d.TeamID, d.OwnerID)
		if !c.DueToFinish(storage.Today(req.now, loc)) {
			return d, c, inputError(fmt.Sprintf("No check-in is due yet: the next is #%d, the %s on %s. If it happened early, name it.",
				c.Number, views.CheckinWhat(c), views.Moment(c.DueAt, loc)), fmt.Sprintf("/checkin done #%d", c.Number))
		}
		return d, c, nil
	}
	d, err := h.dealFor(ctx, req)
	if err != nil {
		return d, storage.Checkin{}, err
	}
	c, err := h.store.CheckinByNumber(ctx, d.TeamID, d.ID, number)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return d, c, inputError(fmt.Sprintf("This deal has no check-in #%d; `/checkin` lists them.", number), "/checkin")
	case err != nil:
		return d, c, fmt.Errorf("check-in #%d: %w", number, err)
	case c.Covered():
		return d, c, inputError(fmt.Sprintf("Check-in #%d was missed: a later reminder covers it. Mark that one done instead.", number), "/checkin")
	case c.Status == storage.CheckinDone:
		return d, c, already(fmt.Sprintf("Check-in #%d is already done.", number))
	case c.Status != storage.CheckinPending:
		return d, c, inputError(fmt.Sprintf("Check-in #%d is %s: only a pending one can be done.", number, c.Status), "/checkin")
	}
	return d, c, nil
}

func (h *checkinCommands) snooze(ctx context.Context, req *request) (views.Reply, error) {
	days := storage.SnoozeDays
	if s := strings.TrimSpace(req.rest); s != "" {
		n, err := command.ParseDays(s)
		if err != nil {
			return views.Reply{}, inputError(fmt.Sprintf("%q is not a duration: use days or weeks such as 3d or 2w.", blockkit.Clip(s, 40)), "/checkin snooze 2w")
		}
		days = n
	}
	d, c, err := h.next(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	snoozed, err := h.snoozeOne(ctx, req, d, c, days)
	if err != nil {
		return views.Reply{}, err
	}
	return views.CheckinSnoozed(d, snoozed, req.actor.UserID, h.zones.Of(ctx, d.TeamID, d.OwnerID)), nil
}

// snoozeOne moves one check-in by days, as storage.Snoozed says; the rest
// of the series stays put.
func (h *checkinCommands) snoozeOne(ctx context.Context, req *request, d storage.Deal, c storage.Checkin, days int) (storage.Checkin, error) {
	on, at := storage.Snoozed(c.DueOn, req.now, days, h.zones.Week(ctx, d.TeamID, d.OwnerID))
	snoozed, err := h.store.SnoozeCheckin(ctx, req.actor, c.ID, on, at)
	if err != nil {
		return snoozed, h.changeErr(err, "snooze check-in")
	}
	return snoozed, nil
}

func (h *checkinCommands) add(ctx context.Context, req *request) (views.Reply, error) {
	const example = "/checkin add +3w ask Jane how the admin training went"
	args, err := command.Parse(req.rest, command.Spec{})
	if err != nil {
		return views.Reply{}, err
	}
	if len(args.Words) == 0 {
		return views.Reply{}, inputError("Say when, then what to check.", example)
	}
	day, err := command.ParseDate(args.Words[0].Text, req.today(ctx))
	if err != nil {
		return views.Reply{}, err
	}
	if day.Before(req.today(ctx)) {
		return views.Reply{}, inputError(fmt.Sprintf("%s is in the past: a check-in is for later.", day.Format(time.DateOnly)), example)
	}
	note := args.TextAfter(1)
	if strings.TrimSpace(note) == "" {
		return views.Reply{}, inputError("Say what to check in about.", example)
	}
	if err := checkLength("note", note, command.MaxText, example); err != nil {
		return views.Reply{}, err
	}
	d, err := h.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	week := h.zones.Week(ctx, d.TeamID, d.OwnerID)
	nc := week.Due(storage.NewCheckin{DealID: d.ID, Kind: storage.KindManual, Note: note}, day)
	c, err := h.store.AddCheckin(ctx, req.actor, nc)
	if err != nil {
		return views.Reply{}, fmt.Errorf("add check-in: %w", err)
	}
	return views.CheckinAdded(d, c, nc.MovedFrom, req.actor.UserID, week.Loc), nil
}

// nextCheckin is the deal's earliest pending check-in.
func (h *checkinCommands) next(ctx context.Context, req *request) (storage.Deal, storage.Checkin, error) {
	d, err := h.dealFor(ctx, req)
	if err != nil {
		return d, storage.Checkin{}, err
	}
	c, err := h.store.NextPendingCheckin(ctx, d.TeamID, d.ID)
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
func (h *checkinCommands) changeErr(err error, what string) error {
	if errors.Is(err, storage.ErrConflict) {
		return inputError("Someone finished or moved this check-in a moment ago; `/checkin` shows where things stand.", "/checkin")
	}
	return fmt.Errorf("%s: %w", what, err)
}
