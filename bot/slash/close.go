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

// dealClose handles "/deal close won [<date>]" and
// "/deal close lost [<date>] [reason]".
func (c *dealCommands) close(ctx context.Context, req *request) (views.Reply, error) {
	outcome, rest := command.Split(req.rest)
	var stage storage.Stage
	switch outcome {
	case "won":
		stage = storage.StageWon
	case "lost":
		stage = storage.StageLost
	default:
		return views.Reply{}, inputError("Say whether the deal was won or lost.", "/deal close won 2026-11-20")
	}
	on, reason, err := closeDateAndReason(req.today(ctx), rest)
	if err != nil {
		return views.Reply{}, err
	}
	if stage == storage.StageWon && reason != "" {
		return views.Reply{}, inputError(fmt.Sprintf("`/deal close won` takes only a date; I did not understand %q.", blockkit.Clip(reason, 40)),
			"/deal close won 2026-11-20")
	}
	if err := checkLength("reason", reason, command.MaxText, "/deal close lost chose the incumbent"); err != nil {
		return views.Reply{}, err
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	if d.Stage != storage.StageOpen {
		return views.Reply{}, inputError(fmt.Sprintf("The deal *%s* is already closed as %s. Reopen it first to close it again.", blockkit.Escape(d.Name), d.Stage),
			"/deal reopen")
	}
	week := c.zones.Week(ctx, req.actor.TeamID, d.OwnerID)
	loc := week.Loc
	cl := storage.Close{Stage: stage, On: on, Reason: reason}
	if stage == storage.StageWon {
		cl.Checkins = storage.PostClose(d.ID, on, c.cfg.CheckinOffsets, week)
	} else {
		cl.Checkins = storage.KeepInTouch(d.ID, on, c.cfg.LostFollowup, week)
	}
	closed, err := c.store.CloseDeal(ctx, req.actor, d.ID, cl)
	if errors.Is(err, storage.ErrConflict) {
		return views.Reply{}, inputError(fmt.Sprintf("The deal *%s* was closed meanwhile.", blockkit.Escape(d.Name)), "/deal")
	}
	if err != nil {
		return views.Reply{}, fmt.Errorf("close deal: %w", err)
	}
	return views.DealClosed(closed, cl.Checkins, req.actor.UserID, loc), nil
}

// closeDateAndReason reads an optional date, then the free-text reason. A
// date may not lie in the future: a close is something that happened.
func closeDateAndReason(today time.Time, rest string) (time.Time, string, error) {
	on := today
	first, after := command.Split(rest)
	if first == "" {
		return on, "", nil
	}
	if !looksLikeDate(first) {
		args, err := command.Parse(rest, command.Spec{})
		return on, args.Text, err
	}
	d, err := command.ParseDate(first, today)
	if err != nil {
		return on, "", err
	}
	if d.After(today) {
		return on, "", inputError(fmt.Sprintf("The close date %s is in the future: close the deal on the day it closes.", d.Format(time.DateOnly)),
			"/deal close won today")
	}
	args, err := command.Parse(after, command.Spec{})
	return d, args.Text, err
}

// looksLikeDate tells a date argument from the first word of a reason.
func looksLikeDate(w string) bool {
	w = strings.ToLower(w)
	if w == "today" || w == "yesterday" || strings.HasPrefix(w, "+") || strings.HasPrefix(w, "-") {
		return true
	}
	return len(w) >= 8 && w[0] >= '0' && w[0] <= '9' && strings.Count(w, "-") == 2
}
