package bot

import (
	"context"
	"errors"
	"hash/fnv"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// place is where an answer goes: a channel (a thread of it, if set), and
// the user it answers, who gets it alone when the channel may not.
type place struct {
	team, channel, user, thread string
}

// Notices above an answer meant for the channel that went to its user
// alone instead.
const (
	sharedNotice = ":lock: Only you can see this: people outside your team are in this channel, " +
		"so Long Game posts nothing here."
	unknownNotice = ":lock: Only you can see this: Long Game could not check who is in this channel " +
		"(invite the app to it so it can), so it posts nothing here."
	unpostedNotice = ":lock: Only you can see this: Long Game could not post in this channel. " +
		"Invite the app (`/invite @Long Game`) so your team sees the records."
)

// RecordEventType is the metadata event_type of every record Long Game
// posts in a channel, so that its own messages can be found in a channel's
// history.
const RecordEventType = "longgame_record"

// deliver posts r in the channel when it is a record and the channel is
// the team's alone; it returns what is left to show the user privately: r
// itself (with a line saying why) when the channel is shared, cannot be
// checked or refuses the post, nothing when the channel got it.
//
// The channel's read lock is held from the check until the message's ts is
// queued for keeping: a share, which takes the write lock and then flushes
// that queue, either comes first (and the answer goes private) or finds
// the message to hide.
func (b *Bot) deliver(ctx context.Context, pl place, r views.Reply) views.Reply {
	if !r.InChannel {
		return r
	}
	unlock := b.locks.read(pl.channel)
	defer unlock()
	v, err := b.access.Shared(ctx, pl.channel)
	switch {
	case err != nil:
		b.log.Warn("could not tell whether the channel is shared; answering privately", "channel", pl.channel, "err", err)
		return privately(r, unknownNotice)
	case v.Shared:
		b.sharedSeen(ctx, pl.team, pl.channel, v)
		return privately(r, sharedNotice)
	}
	ts, err := b.postRecord(ctx, pl, r)
	if err != nil {
		b.log.Warn("posting in the channel failed; answering privately", "channel", pl.channel, "err", err)
		return privately(r, unpostedNotice)
	}
	b.posts.add(storage.PostedMessage{TeamID: pl.team, ChannelID: pl.channel, TS: ts, Kind: storage.PostRecord, PostedAt: b.cfg.Now()})
	return views.Reply{}
}

// privately is r for its user alone, under notice.
func privately(r views.Reply, notice string) views.Reply {
	r.InChannel = false
	r.Text = notice + "\n" + r.Text
	r.Blocks = append([]slack.Block{blockkit.Context(notice)}, r.Blocks...)
	return r
}

// postRecord posts r in the channel with the record metadata, waiting out
// rate limits.
func (b *Bot) postRecord(ctx context.Context, pl place, r views.Reply) (string, error) {
	meta := &slack.SlackMetadata{EventType: RecordEventType, EventPayload: map[string]any{}}
	var ts string
	err := b.retryRateLimited(ctx, func() error {
		var err error
		ts, err = b.postMessage(ctx, pl.channel, r.Text, r.Blocks, meta, pl.thread)
		return err
	})
	return ts, err
}

// say delivers r outside of a slash command's ack: the channel gets it if
// it may, else its user does, privately.
func (b *Bot) say(ctx context.Context, pl place, r views.Reply) {
	if rest := b.deliver(ctx, pl, r); rest.Text != "" || len(rest.Blocks) > 0 {
		b.tell(ctx, pl, rest)
	}
}

// tell shows r to the place's user alone: ephemeral in the channel, else
// (the channel refuses, or there is none) by DM. An answer is never lost
// silently.
func (b *Bot) tell(ctx context.Context, pl place, r views.Reply) {
	ctx, cancel := answerContext(ctx)
	defer cancel()
	opts := []slack.MsgOption{slack.MsgOptionText(r.Text, false), slack.MsgOptionBlocks(r.Blocks...)}
	if pl.thread != "" {
		opts = append(opts, slack.MsgOptionTS(pl.thread))
	}
	if pl.channel != "" {
		err := b.retryRateLimited(ctx, func() error {
			_, err := b.api.PostEphemeralContext(ctx, pl.channel, pl.user, opts...)
			return err
		})
		if err == nil {
			return
		}
		b.log.Warn("ephemeral answer failed; sending a DM", "channel", pl.channel, "err", err)
	}
	err := b.retryRateLimited(ctx, func() error {
		_, _, err := b.api.PostMessageContext(ctx, pl.user, slack.MsgOptionText(r.Text, false), slack.MsgOptionBlocks(r.Blocks...))
		return err
	})
	if err != nil {
		b.log.Error("answer could not be delivered", "user", pl.user, "err", err)
	}
}

// maxRateLimitWaits bounds how often one answer waits out a 429.
const maxRateLimitWaits = 3

// retryRateLimited calls f again after Slack's Retry-After when it answers
// 429, a few times at most. Other errors are returned at once: after a 5xx
// or a timeout the message may have been posted, and a retry could double it.
func (b *Bot) retryRateLimited(ctx context.Context, f func() error) error {
	for i := 0; ; i++ {
		err := f()
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) || i == maxRateLimitWaits {
			return err
		}
		b.log.Info("rate limited; waiting", "retry_after", rl.RetryAfter)
		t := time.NewTimer(rl.RetryAfter)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

// SharedChannel reports whether a channel may not read the team's records,
// from the same cache the bot's answers use: the reminders ask it before
// posting a check-in in a deal channel. An error means it cannot be told.
func (b *Bot) SharedChannel(ctx context.Context, channelID string) (bool, error) {
	v, err := b.access.Shared(ctx, channelID)
	return v.Shared, err
}

// Member reports whether userID is a full member of the organisation that
// owns the deals of teamID, for the reminders: the weekly nudge goes to
// members only.
func (b *Bot) Member(ctx context.Context, teamID, userID string) (bool, error) {
	st, err := b.access.Standing(ctx, userID, teamID)
	return st == access.Member, err
}

// HoldChannel holds off a share of channelID until release is called: for
// a post the bot does not make itself (the reminders), from the check that
// the channel is not shared to the record of the post. A share waits for
// it, then finds the post to hide.
func (b *Bot) HoldChannel(channelID string) (release func()) {
	return b.locks.read(channelID)
}

// holdToShow holds channelID against a share and reports whether a message
// there may show deal content: the channel is the team's alone. An error
// asking Slack is a no.
func (b *Bot) holdToShow(ctx context.Context, channelID string) (release func(), mayShow bool) {
	release = b.locks.read(channelID)
	checked := false
	defer func() {
		if !checked { // the check panicked: a share must not wait for good
			release()
		}
	}()
	v, err := b.access.Shared(ctx, channelID)
	checked = true
	return release, err == nil && !v.Shared
}

// channelLocks order posting in a channel against a share of it, without
// a lock per channel: channels hash onto a fixed set of stripes.
type channelLocks struct {
	stripes [64]sync.RWMutex
}

func (l *channelLocks) of(channelID string) *sync.RWMutex {
	h := fnv.New32a()
	_, _ = h.Write([]byte(channelID))
	return &l.stripes[h.Sum32()%uint32(len(l.stripes))]
}

// read locks the channel for a post and returns the unlock.
func (l *channelLocks) read(channelID string) func() {
	m := l.of(channelID)
	m.RLock()
	return m.RUnlock
}
