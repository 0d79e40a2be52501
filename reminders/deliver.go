package reminders

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/storage"
)

// How far back reconciliation reads a channel's history: from an hour
// before the reminder was due (clocks differ), at most this many pages.
const (
	historySlack    = time.Hour
	historyPageSize = 200
	historyPages    = 5
)

// outcome classifies a failed Slack call.
type outcome int

const (
	rateLimited outcome = iota + 1 // HTTP 429: nothing happened; retry after Retry-After
	channelGone                    // the channel refused for good: archived, missing, bot removed
	maybePosted                    // 5xx, timeout, dropped connection: it may have happened
	stalled                        // the app's token or scopes are broken: nothing happened; wait for a fix
	refused                        // another definite error about this message: nothing happened
	claimLost                      // not posted: the reminder is another dispatcher's now (keep)
)

// errClaimLost is post's answer when the pass no longer holds the claim.
var errClaimLost = errors.New("the reminder's claim was lost before its post")

// classify says what a failed Slack call means for the reminder.
func classify(err error) outcome {
	var rl *slack.RateLimitedError
	var se slack.SlackErrorResponse
	var sc slack.StatusCodeError
	switch {
	case errors.Is(err, errClaimLost):
		return claimLost
	case errors.As(err, &rl):
		return rateLimited
	case errors.As(err, &se):
		switch se.Err {
		case "channel_not_found", "is_archived", "channel_is_archived", "not_in_channel":
			return channelGone
		case "ratelimited":
			return rateLimited
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return maybePosted
		case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
			"missing_scope", "no_permission", "team_access_not_granted", "ekm_access_denied":
			return stalled
		}
		return refused
	case errors.As(err, &sc):
		if sc.Code >= 500 {
			return maybePosted
		}
		return refused
	}
	return maybePosted // network errors, timeouts: the request may have reached Slack
}

// errorCode is Slack's error code for err, or its text.
func errorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return err.Error()
}

// retryAfter is the wait a rate-limited call was told, at least a second.
func retryAfter(err error) time.Duration {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return max(rl.RetryAfter, time.Second)
	}
	return time.Second
}

// reconcile looks in the deal channel's history for the reminders of group
// that may have been posted already (Uncertain). Found ones are marked sent
// and dropped from the group. If a lookup fails, the whole group waits for
// the retry, so that nothing is folded or capped against a message that may
// exist; ok is then false.
func (p *pass) reconcile(ctx context.Context, group []storage.DueCheckin) (rest []storage.DueCheckin, ok bool) {
	for i, r := range group {
		if !r.Uncertain {
			rest = append(rest, r)
			continue
		}
		ts, found, err := p.findPosted(ctx, r.Deal.ChannelID, r)
		if err != nil {
			switch classify(err) {
			case rateLimited, maybePosted:
				p.d.log.Warn("reconciling a reminder failed; retrying", "checkin", r.Checkin.ID, "err", err)
				p.retryGroup(ctx, append(rest, group[i:]...), err)
				return nil, false
			case channelGone:
				if errorCode(err) == "not_in_channel" {
					p.unchecked(ctx, r)
					continue
				}
				// The post will be refused too, and go to the owner.
			default:
				// The history cannot be read (missing scope…) and will not
				// be: send rather than risk never sending; a duplicate is the
				// lesser harm.
				p.d.log.Error("cannot look for a reminder in channel history; sending it again", "checkin", r.Checkin.ID, "err", err)
			}
			rest = append(rest, r)
			continue
		}
		if found {
			p.d.log.Info("reminder was posted before; marking it sent", "checkin", r.Checkin.ID, "channel", r.Deal.ChannelID, "ts", ts)
			p.markSent(ctx, r, r.Deal.ChannelID, ts, tsTime(ts, p.now))
			continue
		}
		rest = append(rest, r)
	}
	return rest, true
}

// retryGroup puts a group back after a failed history lookup: the
// uncertain reminders stay uncertain, the others are held.
func (p *pass) retryGroup(ctx context.Context, group []storage.DueCheckin, err error) {
	for _, r := range group {
		at := p.retryTime(r, err)
		if r.Uncertain {
			p.release(ctx, r, at, "history lookup: "+errorCode(err), true)
		} else {
			p.holdAll(ctx, []storage.DueCheckin{r}, at)
		}
	}
}

// retryTime is when to try r again after err: the wait counts from now,
// when Slack answered, not from the start of the pass (a 429's Retry-After
// measured from an earlier moment would come back too soon).
func (p *pass) retryTime(r storage.DueCheckin, err error) time.Time {
	if classify(err) == rateLimited {
		return storage.RoundUp(p.d.now().Add(retryAfter(err)))
	}
	return storage.RoundUp(p.d.now().Add(backoff(r.Checkin.Attempts + 1)))
}

// findPosted looks for r's reminder in channel's recent history by its
// metadata.
func (p *pass) findPosted(ctx context.Context, channel string, r storage.DueCheckin) (ts string, found bool, err error) {
	params := &slack.GetConversationHistoryParameters{
		ChannelID:          channel,
		Oldest:             slackTS(r.Checkin.DueAt.Add(-historySlack)),
		Limit:              historyPageSize,
		IncludeAllMetadata: true,
	}
	for range historyPages {
		resp, err := callSlack(ctx, p.d.callTimeout, func(ctx context.Context) (*slack.GetConversationHistoryResponse, error) {
			return p.d.slack.GetConversationHistoryContext(ctx, params)
		})
		if err != nil {
			return "", false, err
		}
		for _, m := range resp.Messages {
			if isReminderOf(m.Metadata, r) {
				return m.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			break
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", false, nil
}

// lookAhead starts asking whether channel is shared while the deal's
// claims are folded and its day is taken, so that send finds the answer
// ready (or joins the look-up under way) instead of waiting for it after
// them. send still asks, just before it posts: a share seen meanwhile wins.
func (p *pass) lookAhead(ctx context.Context, channel string) {
	if p.d.shared == nil {
		return
	}
	p.wg.Go(func() {
		_, _ = callSlack(ctx, p.d.callTimeout, func(ctx context.Context) (bool, error) { return p.d.shared(ctx, channel) })
	})
}

// send posts r's reminder in its deal channel and records the outcome.
func (p *pass) send(ctx context.Context, r storage.DueCheckin) {
	channel := r.Deal.ChannelID
	// Held from the check to the record of the post; let go as soon as
	// nothing is left to record in the channel, and on a panic too: a
	// share must never wait for it for good.
	release := sync.OnceFunc(p.d.hold(channel))
	defer release()
	if p.d.shared != nil {
		shared, err := callSlack(ctx, p.d.callTimeout, func(ctx context.Context) (bool, error) { return p.d.shared(ctx, channel) })
		if err != nil && ctx.Err() != nil {
			// Shutting down, nothing posted: the claim goes back at once,
			// for another replica (or this one, restarted) to take.
			release()
			p.holdAll(ctx, []storage.DueCheckin{r}, p.now)
			return
		}
		if err != nil || shared {
			release()
			if err != nil {
				p.d.log.Warn("cannot tell whether the deal channel is shared; sending the reminder privately",
					"checkin", r.Checkin.ID, "channel", channel, "err", err)
			}
			p.privately(ctx, r)
			return
		}
	}
	msg := p.d.messages.Reminder(r)
	ts, err := p.post(ctx, channel, msg.Text, msg.Blocks, r)
	if err == nil {
		p.d.log.Debug("reminder sent", "checkin", r.Checkin.ID, "channel", channel, "ts", ts, "missed", r.Missed)
		p.markSent(ctx, r, channel, ts, p.now)
		return
	}
	// Not posted, or not known to be: a share finds a post that went
	// through in the channel's history. The retry or the DM below need
	// not hold the channel.
	release()
	switch classify(err) {
	case claimLost:
	case rateLimited:
		p.d.log.Info("rate limited; reminder delayed", "checkin", r.Checkin.ID, "channel", channel, "retry_after", retryAfter(err))
		p.release(ctx, r, p.retryTime(r, err), "rate limited", false)
	case channelGone:
		p.d.log.Warn("deal channel refused the reminder; sending it to the owner", "checkin", r.Checkin.ID,
			"channel", channel, "err", err)
		p.toOwner(ctx, r, errorCode(err))
	case maybePosted:
		p.d.log.Warn("posting a reminder failed, maybe after Slack took it; will reconcile", "checkin", r.Checkin.ID,
			"channel", channel, "err", err)
		p.release(ctx, r, p.retryTime(r, err), errorCode(err), true)
	case stalled:
		// Nothing to do with this reminder: the app needs fixing. Keep it
		// queued, however long that takes.
		p.d.log.Error("Slack refused the app's token or scopes; reminder delayed", "checkin", r.Checkin.ID, "err", err)
		p.release(ctx, r, p.retryTime(r, err), errorCode(err), false)
	default:
		if r.Checkin.Attempts+1 >= maxRefusals {
			p.d.log.Error("Slack keeps refusing a reminder; sending it to the owner", "checkin", r.Checkin.ID, "err", err)
			p.toOwner(ctx, r, errorCode(err))
			return
		}
		p.d.log.Warn("Slack refused a reminder; retrying", "checkin", r.Checkin.ID, "err", err)
		p.release(ctx, r, p.retryTime(r, err), errorCode(err), false)
	}
}

// toOwner sends r's reminder to the deal's owner by DM after the deal
// channel refused it (cause), and records the failure with where the copy
// went. The failure is kept whatever happens to the DM.
func (p *pass) toOwner(ctx context.Context, r storage.DueCheckin, cause string) {
	failure := fmt.Sprintf("channel %s: %s", r.Deal.ChannelID, cause)
	msg := p.d.messages.OwnerCopy(r, cause)
	p.toOwnerDM(ctx, r, failure, msg.Text, msg.Blocks, func(dm, ts string) {
		p.d.log.Info("reminder sent to the owner by DM", "checkin", r.Checkin.ID, "owner", r.Deal.OwnerID, "cause", cause)
		p.markFailed(ctx, r, failure, dm, ts)
	})
}

// privately sends r's reminder to the deal's owner by DM because its
// channel is shared with another organisation (or could not be checked).
// That is where it belongs, not a failure: it is marked sent.
func (p *pass) privately(ctx context.Context, r storage.DueCheckin) {
	msg := p.d.messages.PrivateCopy(r)
	p.toOwnerDM(ctx, r, "shared channel: the reminder goes to the owner by DM", msg.Text, msg.Blocks, func(dm, ts string) {
		p.markSent(ctx, r, dm, ts, p.now)
	})
}

// unchecked sends r's reminder to the deal's owner by DM when its
// interrupted post may be in the deal channel but the channel's history
// cannot be read: the app posts in public channels it is not in
// (chat:write.public), and only a member reads them. Posting again could
// show the whole deal team the reminder twice; the owner gets it, told
// that it may be in the channel already, and it is recorded as sent there.
func (p *pass) unchecked(ctx context.Context, r storage.DueCheckin) {
	failure := fmt.Sprintf("channel %s: not_in_channel, so whether the interrupted post went through cannot be checked", r.Deal.ChannelID)
	msg := p.d.messages.UncheckedCopy(r)
	p.toOwnerDM(ctx, r, failure, msg.Text, msg.Blocks, func(dm, ts string) {
		p.d.log.Info("an interrupted reminder cannot be looked for in its channel; sent to the owner by DM",
			"checkin", r.Checkin.ID, "channel", r.Deal.ChannelID, "owner", r.Deal.OwnerID)
		p.markSent(ctx, r, dm, ts, p.now)
	})
}

// toOwnerDM posts r's reminder in the owner's DM, unless an interrupted
// send already did, and calls done with where it is. A failure is handled
// by dmFailed, with failure as what went wrong before the DM.
func (p *pass) toOwnerDM(ctx context.Context, r storage.DueCheckin, failure, text string, blocks []slack.Block, done func(dm, ts string)) {
	if !p.ownerMayRead(ctx, r, failure) {
		return
	}
	dm, err := p.openDM(ctx, r.Deal.OwnerID)
	if err != nil {
		p.dmFailed(ctx, r, failure, err, false)
		return
	}
	if r.Uncertain {
		ts, found, err := p.findPosted(ctx, dm, r)
		if err != nil && (classify(err) == rateLimited || classify(err) == maybePosted) {
			p.dmFailed(ctx, r, failure, err, true)
			return
		}
		if found {
			done(dm, ts)
			return
		}
		// Not there, or the DM's history cannot be read: send it.
	}
	ts, err := p.post(ctx, dm, text, blocks, r)
	if err != nil {
		p.dmFailed(ctx, r, failure, err, classify(err) == maybePosted)
		return
	}
	done(dm, ts)
}

// ownerMayRead reports whether the deal's owner may get r's reminder,
// which names the champion and lists the risks, by DM: only a full member
// of the organisation. An owner since made a guest (often why the channel
// is shared), deactivated or of another organisation gets nothing, and the
// reminder is recorded as failed; when Slack cannot say, it is retried
// later, nothing sent.
func (p *pass) ownerMayRead(ctx context.Context, r storage.DueCheckin, failure string) bool {
	if p.d.member == nil {
		return true
	}
	member, err := callSlack(ctx, p.d.callTimeout, func(ctx context.Context) (bool, error) {
		return p.d.member(ctx, r.Deal.TeamID, r.Deal.OwnerID)
	})
	switch {
	case err != nil:
		p.d.log.Warn("cannot tell whether the deal's owner may read the reminder; retrying", "checkin", r.Checkin.ID,
			"owner", r.Deal.OwnerID, "err", err)
		p.release(ctx, r, p.retryTime(r, err), failure+"; owner: "+errorCode(err), r.Uncertain)
		return false
	case !member:
		p.d.log.Warn("the deal's owner is not a full member of the organisation; the reminder is not sent",
			"checkin", r.Checkin.ID, "owner", r.Deal.OwnerID)
		p.markFailed(ctx, r, failure+"; the owner is not a full member", "", "")
		return false
	}
	return true
}

// dmFailed handles a failed DM to the owner: a passing failure is retried
// (the channel first, then the DM again); a definite one is recorded with
// the channel's failure, so the reminder stays listed as undelivered in the
// owner's weekly nudge.
func (p *pass) dmFailed(ctx context.Context, r storage.DueCheckin, failure string, err error, uncertain bool) {
	switch classify(err) {
	case claimLost:
	case rateLimited, maybePosted, stalled:
		p.d.log.Warn("sending the reminder by DM failed; retrying", "checkin", r.Checkin.ID, "err", err)
		p.release(ctx, r, p.retryTime(r, err), failure+"; DM: "+errorCode(err), uncertain || r.Uncertain)
	default:
		p.d.log.Error("reminder could not be delivered, not even by DM", "checkin", r.Checkin.ID,
			"owner", r.Deal.OwnerID, "err", err)
		p.markFailed(ctx, r, failure+"; DM: "+errorCode(err), "", "")
	}
}

func (p *pass) openDM(ctx context.Context, user string) (string, error) {
	return callSlack(ctx, p.d.callTimeout, func(ctx context.Context) (string, error) {
		ch, _, _, err := p.d.slack.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err != nil {
			return "", err
		}
		return ch.ID, nil
	})
}

// post posts a reminder with its metadata, if the pass still holds its
// claim.
func (p *pass) post(ctx context.Context, channel, text string, blocks []slack.Block, r storage.DueCheckin) (string, error) {
	if !p.keep(ctx, r) {
		return "", errClaimLost
	}
	meta := checkinMetadata(r)
	return callSlack(ctx, p.d.callTimeout, func(ctx context.Context) (string, error) {
		return p.d.post(ctx, channel, text, blocks, &meta)
	})
}

// keep reports whether the pass may post r's reminder: whether it holds
// the claim and will until the post's answer is due. Another dispatcher
// takes a claim over a lease after it was made, and posts the reminder
// too; a pass still busy by then (Slack slow, or failing call after
// call) must not post as well. A claim that may not outlast the post,
// with half the lease kept for the clocks of replicas to differ, is
// renewed, fenced: false when it was lost, and the reminder is left to
// whoever holds it now.
func (p *pass) keep(ctx context.Context, r storage.DueCheckin) bool {
	now := p.d.now()
	if now.Add(p.d.callTimeout).Before(r.ClaimedAt.Add(p.d.lease / 2)) {
		return true
	}
	err := p.d.store.RenewClaim(context.WithoutCancel(ctx), r.Checkin.ID, p.d.claimant, now)
	switch {
	case errors.Is(err, storage.ErrConflict):
		p.d.log.Warn("the reminder's claim was taken over while it waited; not posting it", "checkin", r.Checkin.ID, "err", err)
	case err != nil:
		p.fail(err) // the claim is left as it is: taken over after its lease, and reconciled
	}
	return err == nil
}

// callSlack runs one Slack call bounded by timeout.
func callSlack[T any](ctx context.Context, timeout time.Duration, call func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return call(ctx)
}

// The writes after a claim run without the pass's cancellation: what
// happened in Slack must be recorded even while shutting down. What
// happened is reported whether or not the write succeeds: the message was
// posted, or refused, either way.

func (p *pass) markSent(ctx context.Context, r storage.DueCheckin, channel, ts string, at time.Time) {
	p.d.delivered(storage.DeliverySent)
	if err := p.d.store.MarkSent(context.WithoutCancel(ctx), r.Checkin.ID, p.d.claimant, channel, ts, at); err != nil {
		p.lost(r, "sent", err)
	}
}

func (p *pass) markFailed(ctx context.Context, r storage.DueCheckin, failure, dm, ts string) {
	p.d.delivered(storage.DeliveryFailed)
	if err := p.d.store.MarkFailed(context.WithoutCancel(ctx), r.Checkin.ID, p.d.claimant, failure, dm, ts); err != nil {
		p.lost(r, "failed", err)
	}
}

func (p *pass) release(ctx context.Context, r storage.DueCheckin, at time.Time, reason string, uncertain bool) {
	at = p.later(at)
	release := p.d.store.Release
	if uncertain {
		release = p.d.store.ReleaseUncertain
	}
	if err := release(context.WithoutCancel(ctx), r.Checkin.ID, p.d.claimant, at, reason); err != nil {
		p.lost(r, "released", err)
		return
	}
	p.retryAt(at)
}

// lost reports a write that failed after a Slack call. A lost claim
// (ErrConflict: someone snoozed or finished it, or took it over) is
// expected now and then; anything else is a database failure, and the claim
// will be reconciled from history after the lease.
func (p *pass) lost(r storage.DueCheckin, what string, err error) {
	if errors.Is(err, storage.ErrConflict) {
		p.d.log.Warn("claim lost before the reminder was recorded as "+what, "checkin", r.Checkin.ID, "err", err)
		return
	}
	p.fail(err)
}

// slackTS writes t as a Slack timestamp.
func slackTS(t time.Time) string { return fmt.Sprintf("%d.000000", t.Unix()) }

// tsTime reads a Slack message timestamp, or returns def.
func tsTime(ts string, def time.Time) time.Time {
	secs, _, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return def
	}
	return time.Unix(n, 0).UTC()
}
