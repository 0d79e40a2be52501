package bot

import (
	"context"
	"sync"
	"time"

	"github.com/longgame/longgame/storage"
)

// Several replicas serve one app on one database, each over its own Socket
// Mode connection, and Slack hands an envelope to any of them. What one
// replica learns that the others must act on goes through the database:
// the events seen (MarkEventSeen), the channels that became shared
// (watchShares), who refreshes an App Home (TakeHomeRefresh).

// sharePoll is how often a replica looks for shares another one recorded:
// well within the second in which a channel seen shared by one replica
// must be treated as shared by all.
const sharePoll = 250 * time.Millisecond

// shareLookback is how far back each look goes: a share recorded by a
// replica whose clock is a little behind, or committed a little late, is
// still found. Shares are rare; the look reads a handful of rows at most.
const shareLookback = time.Minute

// shareKey names one share of a channel: the channel shared again later is
// another share.
type shareKey struct {
	team, channel string
	seen          int64
}

func keyOf(s storage.ChannelShare) shareKey {
	return shareKey{s.TeamID, s.ChannelID, s.SeenAt.Unix()}
}

// known remembers the shares this replica started or learned of, so that
// each is learned once.
type known struct {
	mu     sync.Mutex
	shares map[shareKey]time.Time // → when it was noted, to forget it later
}

// note records k and reports whether it is new.
func (k *known) note(key shareKey, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.shares == nil {
		k.shares = map[shareKey]time.Time{}
	}
	if _, ok := k.shares[key]; ok {
		return false
	}
	k.shares[key] = now
	return true
}

// knows reports whether this replica started or learned of a share of the
// channel lately.
func (k *known) knows(teamID, channelID string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	for key := range k.shares {
		if key.team == teamID && key.channel == channelID {
			return true
		}
	}
	return false
}

// forget drops what was noted before before: it is out of the lookback.
func (k *known) forget(before time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for key, at := range k.shares {
		if at.Before(before) {
			delete(k.shares, key)
		}
	}
}

// watchShares looks every sharePoll for shares recorded by other replicas
// and applies each here, until the bot stops.
func (b *Bot) watchShares(ctx context.Context) {
	tick := time.NewTicker(sharePoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.stopping:
			return
		case <-tick.C:
		}
		now := b.cfg.Now()
		shares, err := b.store.SharesSince(ctx, now.Add(-shareLookback), 1000)
		if err != nil {
			if ctx.Err() == nil {
				b.log.Warn("looking for channels other replicas saw shared", "err", err)
			}
			continue
		}
		for _, s := range shares {
			if b.seenShares.note(keyOf(s), now) {
				b.learnShare(s)
				b.inflight.Go(func() {
					ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shareTimeout)
					defer cancel()
					b.hideLearned(ctx, s)
				})
			}
		}
		b.seenShares.forget(now.Add(-2 * shareLookback))
	}
}

// learnShare applies a share another replica recorded: from now on this
// replica posts nothing in the channel either. Posts under way finish
// first, and their ts is queued for hideLearned.
func (b *Bot) learnShare(s storage.ChannelShare) {
	lock := b.locks.of(s.ChannelID)
	lock.Lock()
	b.access.MarkShared(s.ChannelID, s.Why)
	lock.Unlock()
	b.log.Info("channel shared, seen by another replica", "channel", s.ChannelID, "why", s.Why)
}

// hideLearned hides the records this replica posted in a channel before
// it learned the channel was shared: the replica that saw the share may
// have listed the channel's records already. It runs in the background,
// so that the next share is learned without waiting for Slack.
func (b *Bot) hideLearned(ctx context.Context, s storage.ChannelShare) {
	if err := b.posts.flush(ctx); err != nil {
		b.log.Error("keeping the ts of posted records", "err", err)
		return
	}
	var out hideOutcome
	for {
		posts, err := b.store.UnredactedPosts(ctx, s.TeamID, s.ChannelID, hidePage)
		if err != nil {
			b.log.Error("records to hide", "channel", s.ChannelID, "err", err)
			return
		}
		for _, p := range posts {
			if !b.hideOne(ctx, s, p.TS, &out) {
				return // a later answer in the channel finds them still showing (sharedSeen) and hides them
			}
		}
		if len(posts) < hidePage {
			return
		}
	}
}

// homeRefreshWaitMax bounds one wait for another replica's refresh window
// to pass: a clock moved meanwhile does not leave a change unpublished.
const homeRefreshWaitMax = 2 * homeRefreshGap

// takeHomeRefresh asks the database whether this replica refreshes the
// user's Home now (changed: a change of its own waits for it); else how
// long to wait before asking again, zero when the change is covered. A
// database error publishes: a stale Home is worse than one publish more.
func (b *Bot) takeHomeRefresh(ctx context.Context, teamID, userID string, changed bool) (take bool, wait time.Duration) {
	if !b.cfg.Replicas {
		return true, 0
	}
	take, retryAt, err := b.store.TakeHomeRefresh(ctx, teamID, userID, changed, homeRefreshGap)
	if err != nil {
		b.log.Warn("taking an App Home refresh failed; refreshing", "user", userID, "err", err)
		return true, 0
	}
	if take || retryAt.IsZero() {
		return take, 0
	}
	return false, min(max(retryAt.Sub(b.cfg.Now()), 0), homeRefreshWaitMax) + time.Millisecond
}
