package reminders

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
)

// The weekly nudge's windows: check-ins due within a week and overdue, deals won within 30 days.
const (
	nudgeAhead   = 7 * 24 * time.Hour // check-ins due this soon, and overdue
	nudgeWonDays = 30                 // deals won this many days back
	nudgeRetries = 3                  // rate-limited DMs are retried this often
	nudgeMaxWait = time.Minute        // … waiting at most this long each time
)

// Digest sends the weekly nudge for schedule slot at now: one DM to each
// owner, in every workspace, who has check-ins due in the next 7 days or
// overdue, won deals of the last 30 days with no check-in done, open deals
// with high or critical risks or an overdrawn champion, open deals whose
// expected close passed, or reminders that could not be delivered. Owners with nothing get nothing.
//
// Each DM is claimed in the database for (workspace, owner, slot) before it
// is posted, so running Digest again for the same slot (a restart in the
// same minute, a catch-up) sends nothing twice: the nudge is at most once
// per slot. What failed is recorded on the claim, and returned.
func (d *Dispatcher) Digest(ctx context.Context, now time.Time, slot string) error {
	teams, err := d.store.Workspaces(ctx)
	if err != nil {
		return fmt.Errorf("digest: %w", err)
	}
	var errs []error
	for _, team := range teams {
		nudges, err := d.store.Nudges(ctx, team, d.window(now))
		if err != nil {
			errs = append(errs, fmt.Errorf("digest of %s: %w", team, err))
			continue
		}
		errs = append(errs, d.sendNudges(ctx, now, func(storage.Nudge) string { return slot }, nudges))
	}
	return errors.Join(errs...)
}

// window is what the weekly nudge at now covers.
func (d *Dispatcher) window(now time.Time) storage.NudgeWindow {
	w := storage.NudgeWindow{DueBefore: now.Add(nudgeAhead), WonSince: utcDate(now.AddDate(0, 0, -nudgeWonDays)), Today: utcDate(now)}
	if d.keepInTouch > 0 {
		w.QuietSince = now.Add(-d.keepInTouch)
	}
	return w
}

// NudgeHour is when, in each owner's own time zone, the weekly nudge
// reaches them on the first day of their working week.
const NudgeHour = 9

// OwnerDigest sends the weekly nudge to each owner whose moment — 09:00 in
// their time zone on the first day of their working week — fell in
// (from, now], in every workspace; the slot is their week, so an owner
// gets one a week however often this runs. It is the default schedule:
// not one instant for the whole world.
func (d *Dispatcher) OwnerDigest(ctx context.Context, from, now time.Time) error {
	teams, err := d.store.Workspaces(ctx)
	if err != nil {
		return fmt.Errorf("owner digest: %w", err)
	}
	var errs []error
	for _, team := range teams {
		nudges, err := d.store.Nudges(ctx, team, d.window(now))
		if err != nil {
			errs = append(errs, fmt.Errorf("digest of %s: %w", team, err))
			continue
		}
		due := slices.DeleteFunc(nudges, func(n storage.Nudge) bool {
			return !NudgeMoment(d.workdays, now.In(d.location(n.OwnerTZ))).After(from)
		})
		errs = append(errs, d.sendNudges(ctx, now, func(n storage.Nudge) string {
			return WeekSlot(NudgeMoment(d.workdays, now.In(d.location(n.OwnerTZ))))
		}, due))
	}
	return errors.Join(errs...)
}

// NudgeMoment is the latest weekly-nudge moment at or before now, in now's
// location: 09:00 on the day the working week starts (a working day after
// a day off; Monday when every day is a working day).
func NudgeMoment(days storage.Workdays, now time.Time) time.Time {
	y, m, dd := now.Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, now.Location())
	for back := 0; back <= 7; back++ {
		day := today.AddDate(0, 0, -back)
		at := time.Date(day.Year(), day.Month(), day.Day(), NudgeHour, 0, 0, 0, now.Location())
		if weekStarts(days, day.Weekday()) && !at.After(now) {
			return at
		}
	}
	return time.Time{}
}

// weekStarts reports whether a working week starts on wd.
func weekStarts(days storage.Workdays, wd time.Weekday) bool {
	if days == 0 || days == 0x7f {
		return wd == time.Monday
	}
	return days.Has(wd) && !days.Has((wd+6)%7)
}

// WeekSlot names the nudge slot of moment: its ISO week, as the owner
// counts weeks.
func WeekSlot(moment time.Time) string {
	y, w := moment.ISOWeek()
	return fmt.Sprintf("%d-W%02d", y, w)
}

func utcDate(t time.Time) time.Time {
	y, m, day := t.UTC().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

// sendNudges sends a workspace's nudges, Concurrency at a time, each in
// the slot slotOf says.
func (d *Dispatcher) sendNudges(ctx context.Context, now time.Time, slotOf func(storage.Nudge) string, nudges []storage.Nudge) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, d.concurrency)
	)
	for _, n := range nudges {
		if n.Empty() {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return errors.Join(append(errs, ctx.Err())...)
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := d.sendNudge(ctx, now, slotOf(n), n); err != nil {
				d.log.Error("weekly nudge failed", "team", n.TeamID, "owner", n.OwnerID, "err", err)
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// sendNudge claims and sends one owner's nudge. An owner who is no longer a
// full member of the organisation (made a guest, deactivated) gets none:
// the nudge names deals and their risks.
func (d *Dispatcher) sendNudge(ctx context.Context, now time.Time, slot string, n storage.Nudge) error {
	if d.member != nil {
		ok, err := d.member(ctx, n.TeamID, n.OwnerID)
		if err != nil {
			return fmt.Errorf("nudge %s: whether they are a member: %w", n.OwnerID, err)
		}
		if !ok {
			d.log.Info("weekly nudge skipped: the owner is not a member", "team", n.TeamID, "owner", n.OwnerID)
			return nil
		}
	}
	first, err := d.store.ClaimDigest(ctx, n.TeamID, n.OwnerID, slot)
	if err != nil || !first {
		return err
	}
	msg := d.messages.Nudge(n, now, d.location(n.OwnerTZ))
	channel, ts, err := d.postDM(ctx, n.OwnerID, msg.Text, msg.Blocks)
	store := context.WithoutCancel(ctx)
	if err != nil {
		// Certainly not posted (the DM would not open, or Slack kept
		// answering 429): the claim goes back, for the next run in the
		// slot. Otherwise it may have been posted, and the claim stays:
		// a nudge is sent at most once.
		var merr error
		if errors.Is(err, errDMNotOpened) || classify(err) == rateLimited {
			merr = d.store.ReleaseDigest(store, n.TeamID, n.OwnerID, slot)
		} else {
			merr = d.store.MarkDigestFailed(store, n.TeamID, n.OwnerID, slot, errorCode(err))
		}
		if merr != nil {
			err = errors.Join(err, merr)
		}
		return fmt.Errorf("nudge %s: %w", n.OwnerID, err)
	}
	d.log.Info("weekly nudge sent", "team", n.TeamID, "owner", n.OwnerID, "slot", slot)
	return d.store.MarkDigestSent(store, n.TeamID, n.OwnerID, slot, channel, ts)
}

// postDM opens the DM with user and posts there, waiting out rate limits a
// few times. Other failures are not retried: a 5xx may have posted.
func (d *Dispatcher) postDM(ctx context.Context, user, text string, blocks []slack.Block) (channel, ts string, err error) {
	for attempt := 0; ; attempt++ {
		channel, ts, err = d.tryDM(ctx, user, text, blocks)
		if err == nil || classify(err) != rateLimited || attempt == nudgeRetries {
			return channel, ts, err
		}
		t := time.NewTimer(min(retryAfter(err), nudgeMaxWait))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return "", "", err
		}
	}
}

// errDMNotOpened marks a nudge that failed before anything was posted.
var errDMNotOpened = errors.New("the DM could not be opened")

func (d *Dispatcher) tryDM(ctx context.Context, user, text string, blocks []slack.Block) (string, string, error) {
	ch, err := callSlack(ctx, d.callTimeout, func(ctx context.Context) (*slack.Channel, error) {
		ch, _, _, err := d.slack.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		return ch, err
	})
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", errDMNotOpened, err)
	}
	ts, err := callSlack(ctx, d.callTimeout, func(ctx context.Context) (string, error) {
		return d.post(ctx, ch.ID, text, blocks, nil)
	})
	return ch.ID, ts, err
}
