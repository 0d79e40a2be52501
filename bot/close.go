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

// dealClose handles "/deal close won [<date>]" and
// "/deal close lost [<date>] [reason]".
func (b *Bot) dealClose(ctx context.Context, req *request) (reply, error) {
	outcome, rest := command.Split(req.rest)
	var stage storage.Stage
	switch outcome {
	case "won":
		stage = storage.StageWon
	case "lost":
		stage = storage.StageLost
	default:
		return reply{}, inputError("Say whether the deal was won or lost.", "/deal close won 2026-11-20")
	}
	on, reason, err := closeDateAndReason(req, rest)
	if err != nil {
		return reply{}, err
	}
	if stage == storage.StageWon && reason != "" {
		return reply{}, inputError(fmt.Sprintf("`/deal close won` takes only a date; I did not understand %q.", blockkit.Clip(reason, 40)),
			"/deal close won 2026-11-20")
	}
	if err := checkLength("reason", reason, command.MaxText, "/deal close lost chose the incumbent"); err != nil {
		return reply{}, err
	}
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return reply{}, err
	}
	if d.Stage != storage.StageOpen {
		return reply{}, inputError(fmt.Sprintf("The deal *%s* is already closed as %s. Reopen it first to close it again.", blockkit.Escape(d.Name), d.Stage),
			"/deal reopen")
	}
	loc := b.ownerLocation(ctx, req.actor.TeamID, d.OwnerID)
	c := storage.Close{Stage: stage, On: on, Reason: reason}
	if stage == storage.StageWon {
		c.Checkins = reminders.PostClose(d.ID, on, b.cfg.CheckinOffsets, loc)
	} else {
		c.Checkins = reminders.KeepInTouch(d.ID, on, b.cfg.LostFollowup, loc)
	}
	closed, err := b.store.CloseDeal(ctx, req.actor, d.ID, c)
	if errors.Is(err, storage.ErrConflict) {
		return reply{}, inputError(fmt.Sprintf("The deal *%s* was closed meanwhile.", blockkit.Escape(d.Name)), "/deal")
	}
	if err != nil {
		return reply{}, fmt.Errorf("close deal: %w", err)
	}
	return dealClosedReply(closed, c.Checkins, req.actor.UserID, loc), nil
}

// closeDateAndReason reads an optional date, then the free-text reason. A
// date may not lie in the future: a close is something that happened.
func closeDateAndReason(req *request, rest string) (time.Time, string, error) {
	on := req.today()
	first, after := command.Split(rest)
	if first == "" {
		return on, "", nil
	}
	if !looksLikeDate(first) {
		args, err := command.Parse(rest, command.Spec{})
		return on, args.Text, err
	}
	d, err := command.ParseDate(first, req.today())
	if err != nil {
		return on, "", err
	}
	if d.After(req.today()) {
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

// ownerLocation is the owner's time zone from users.info, cached in the
// database for a week; the configured default when Slack does not say.
func (b *Bot) ownerLocation(ctx context.Context, teamID, userID string) *time.Location {
	const fresh = 7 * 24 * time.Hour
	tz, fetched, err := b.store.UserTZ(ctx, teamID, userID)
	if err == nil && tz != "" && b.cfg.Now().Sub(fetched) < fresh {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	user, err := b.api.GetUserInfoContext(ctx, userID)
	if err != nil || user.TZ == "" {
		if err != nil {
			b.log.Warn("users.info failed; using the default time zone", "user", userID, "err", err)
		}
		return b.cfg.Location
	}
	loc, err := time.LoadLocation(user.TZ)
	if err != nil {
		return b.cfg.Location
	}
	if err := b.store.SaveUserTZ(ctx, teamID, userID, user.TZ); err != nil {
		b.log.Warn("caching the owner's time zone failed", "user", userID, "err", err)
	}
	return loc
}
