package reminders

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/storage"
)

// The weekly nudge's windows (SPEC.md "Weekly nudge").
const (
	nudgeAhead    = 7 * 24 * time.Hour // check-ins due this soon, and overdue
	nudgeWonDays  = 30                 // deals won this many days back
	nudgeRetries  = 3                  // rate-limited DMs are retried this often
	nudgeMaxWait  = time.Minute        // … waiting at most this long each time
	digestHeading = "Your long game this week"
)

// Digest sends the weekly nudge for schedule slot at now: one DM to each
// owner, in every workspace, who has check-ins due in the next 7 days or
// overdue, won deals of the last 30 days with no check-in done, open deals
// with high or critical risks or an overdrawn champion, or reminders that
// could not be delivered. Owners with nothing get nothing.
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
	w := storage.NudgeWindow{DueBefore: now.Add(nudgeAhead), WonSince: utcDate(now.AddDate(0, 0, -nudgeWonDays))}
	var errs []error
	for _, team := range teams {
		nudges, err := d.store.Nudges(ctx, team, w)
		if err != nil {
			errs = append(errs, fmt.Errorf("digest of %s: %w", team, err))
			continue
		}
		errs = append(errs, d.sendNudges(ctx, now, slot, nudges))
	}
	return errors.Join(errs...)
}

func utcDate(t time.Time) time.Time {
	y, m, day := t.UTC().Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

// sendNudges sends a workspace's nudges, Concurrency at a time.
func (d *Dispatcher) sendNudges(ctx context.Context, now time.Time, slot string, nudges []storage.Nudge) error {
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
			if err := d.sendNudge(ctx, now, slot, n); err != nil {
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
	text, blocks := NudgeMessage(n, now, d.location(n.OwnerTZ))
	channel, ts, err := d.postDM(ctx, n.OwnerID, text, blocks)
	store := context.WithoutCancel(ctx)
	if err != nil {
		if merr := d.store.MarkDigestFailed(store, n.TeamID, n.OwnerID, slot, errorCode(err)); merr != nil {
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

func (d *Dispatcher) tryDM(ctx context.Context, user, text string, blocks []slack.Block) (string, string, error) {
	ch, err := callSlack(ctx, d.callTimeout, func(ctx context.Context) (*slack.Channel, error) {
		ch, _, _, err := d.slack.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		return ch, err
	})
	if err != nil {
		return "", "", err
	}
	ts, err := callSlack(ctx, d.callTimeout, func(ctx context.Context) (string, error) {
		_, ts, err := d.slack.PostMessageContext(ctx, ch.ID, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		return ts, err
	})
	return ch.ID, ts, err
}

// NudgeMessage is the weekly nudge DM of one owner at now, with dates in
// loc: the plain-text fallback and the blocks.
func NudgeMessage(n storage.Nudge, now time.Time, loc *time.Location) (text string, blocks []slack.Block) {
	blocks = []slack.Block{slack.NewHeaderBlock(blockkit.Plain(digestHeading))}
	var parts []string
	if len(n.Due) > 0 {
		parts = append(parts, blockkit.Plural(len(n.Due), "check-in due", "check-ins due"))
		blocks = append(blocks, blockkit.Section(list("*:calendar: Check-ins due* — the next 7 days, and overdue", dueLines(n.Due, now))))
	}
	if len(n.Failed) > 0 {
		parts = append(parts, blockkit.Plural(len(n.Failed), "reminder I could not deliver", "reminders I could not deliver"))
		blocks = append(blocks, blockkit.Section(list("*:warning: Reminders I could not post in their channel*", failedLines(n.Failed))))
	}
	if len(n.Unchecked) > 0 {
		parts = append(parts, blockkit.Plural(len(n.Unchecked), "new win without a check-in", "new wins without a check-in"))
		blocks = append(blocks, blockkit.Section(list("*:trophy: Won in the last 30 days, no check-in done yet*", wonLines(n.Unchecked))))
	}
	if len(n.AtRisk) > 0 {
		parts = append(parts, blockkit.Plural(len(n.AtRisk), "open deal at risk", "open deals at risk"))
		blocks = append(blocks, blockkit.Section(list("*:rotating_light: Open deals at risk* — high or critical risks, or an overdrawn champion",
			riskyLines(n.AtRisk))))
	}
	blocks = append(blocks, blockkit.Context(fmt.Sprintf("Week of %s · `/checkin list` shows all your check-ins · Play the long game.",
		now.In(loc).Format("Mon 2 Jan 2006"))))
	return digestHeading + ": " + strings.Join(parts, ", ") + ".", blocks
}

func dealRef(d storage.Deal) string {
	return fmt.Sprintf("<#%s> *%s*", d.ChannelID, userText(d.Name, 100))
}

func dueLines(due []storage.CheckinDue, now time.Time) []string {
	lines := make([]string, 0, len(due))
	for _, cd := range due {
		line := fmt.Sprintf("%s — %s, due %s", dealRef(cd.Deal), checkinLabel(cd.Checkin), formatDay(cd.Checkin.DueOn))
		if cd.Checkin.DueAt.Before(now) {
			line += " *(overdue)*"
		}
		lines = append(lines, line)
	}
	return lines
}

func failedLines(failed []storage.CheckinDue) []string {
	lines := make([]string, 0, len(failed))
	for _, cd := range failed {
		where := "it reached nobody"
		if cd.Checkin.MessageTS != "" {
			where = "I sent it to you by DM"
		}
		lines = append(lines, fmt.Sprintf("%s — %s: `%s`; %s", dealRef(cd.Deal), checkinLabel(cd.Checkin),
			userText(cd.Checkin.DeliveryError, 120), where))
	}
	return lines
}

func wonLines(deals []storage.Deal) []string {
	lines := make([]string, 0, len(deals))
	for _, d := range deals {
		lines = append(lines, fmt.Sprintf("%s — won on %s: how is the adoption going for the champion?", dealRef(d), formatDay(d.ClosedOn)))
	}
	return lines
}

func riskyLines(deals []storage.DealOverview) []string {
	lines := make([]string, 0, len(deals))
	for _, o := range deals {
		var why []string
		if r := o.OpenRisks; r.Critical > 0 {
			why = append(why, blockkit.Plural(r.Critical, "critical open risk", "critical open risks"))
		}
		if r := o.OpenRisks; r.High > 0 {
			why = append(why, blockkit.Plural(r.High, "high open risk", "high open risks"))
		}
		if o.Capital.Overdrawn() {
			why = append(why, fmt.Sprintf("champion overdrawn (capital %d of %d) — give back before you ask again",
				o.Capital.Left, o.Capital.Budget))
		}
		lines = append(lines, dealRef(o.Deal)+" — "+strings.Join(why, "; "))
	}
	return lines
}

// checkinLabel names a check-in in a list.
func checkinLabel(c storage.Checkin) string {
	switch c.Kind {
	case storage.KindKeepInTouch:
		return "keep-in-touch"
	case storage.KindManual:
		if note := strings.TrimSpace(c.Note); note != "" {
			return "check-in “" + userText(note, 80) + "”"
		}
		return "check-in"
	}
	return offsetLabel(c.Offset) + " post-sale check-in"
}
