package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/reminders"
	"github.com/longgame/longgame/storage"
)

// HiddenText replaces every record Long Game posted in a channel once
// people outside the team are in it.
const HiddenText = ":lock: This Long Game record is private now that people outside the team are in this channel — " +
	"`/champion ledger` and `/risk list` show it to members."

// sharing remembers the channels whose records are being hidden, so that
// one share runs per channel at a time.
type sharing struct {
	mu      sync.Mutex
	running map[string]bool
}

func (s *sharing) start(channelID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running == nil {
		s.running = map[string]bool{}
	}
	if s.running[channelID] {
		return false
	}
	s.running[channelID] = true
	return true
}

func (s *sharing) end(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.running, channelID)
}

// share makes a channel that became shared keep the team's records: from
// now on nothing is posted there, every record posted there before is
// edited to HiddenText, and the deal's owner is told how many were hidden.
// The share is recorded first, so a restart (or a failure half-way) takes
// it up again.
func (b *Bot) share(ctx context.Context, teamID, channelID, why string) {
	if !b.shares.start(channelID) {
		return
	}
	defer b.shares.end(channelID)
	lock := b.locks.of(channelID)
	lock.Lock() // posts under way finish first, and their ts is queued
	b.access.MarkShared(channelID, why)
	if s, err := b.store.Share(ctx, teamID, channelID); err == nil && s.Done() &&
		(b.cfg.Now().Sub(s.SeenAt) < shareLookback || b.seenShares.knows(teamID, channelID)) {
		// Applied lately, here or by another replica, and its owner told:
		// this is more of the same sharing (a guest's join right after the
		// Slack Connect share, the event another replica took, records a
		// replica posted before it learned of it), not a new one. What
		// still shows is hidden quietly.
		lock.Unlock()
		b.seenShares.note(keyOf(s), b.cfg.Now())
		b.hideLearned(ctx, s)
		return
	}
	s, _, err := b.store.StartShare(ctx, teamID, channelID, why)
	lock.Unlock()
	if err == nil {
		b.seenShares.note(keyOf(s), b.cfg.Now()) // the other replicas learn of it; this one knows
	}
	if err == nil {
		err = b.posts.flush(ctx)
	}
	if err != nil {
		b.log.Error("recording a share", "channel", channelID, "err", err)
		return
	}
	b.log.Info("channel shared; hiding earlier records", "channel", channelID, "why", why)
	b.hideRecords(ctx, s)
}

// sharedSeen starts a share when an answer finds a channel shared (an
// event was missed, say) that still shows records; share finds a share
// applied lately and only hides what still shows. It does not wait.
func (b *Bot) sharedSeen(ctx context.Context, teamID, channelID string, v access.Verdict) {
	posts, err := b.store.UnredactedPosts(ctx, teamID, channelID, 1)
	if err != nil || len(posts) == 0 {
		return
	}
	b.inflight.Go(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shareTimeout)
		defer cancel()
		b.share(ctx, teamID, channelID, v.Why)
	})
}

// shareTimeout bounds one attempt at hiding a channel's records.
const shareTimeout = 10 * time.Minute

// resumeShares takes up the shares a previous run did not finish.
func (b *Bot) resumeShares(ctx context.Context) {
	shares, err := b.store.PendingShares(ctx, 1000)
	if err != nil {
		b.log.Error("pending shares", "err", err)
		return
	}
	for _, s := range shares {
		b.share(ctx, s.TeamID, s.ChannelID, s.Why)
	}
}

// hideOutcome counts what a share did.
type hideOutcome struct {
	hidden int
	failed int
	why    string // the last refusal, for the owner
	// unread: the channel's history could not be read (the app is not a
	// member), so records whose ts was lost could not be looked for.
	unread bool
}

// hidePage is how many kept records are read at once.
const hidePage = 100

// hideRecords edits every record kept for the share's channel, then looks
// in the channel's history for any of Long Game's records that were not
// kept (a crash between a post and its keeping), then tells the owner.
// A failure that may pass leaves the share pending, to be taken up again.
func (b *Bot) hideRecords(ctx context.Context, s storage.ChannelShare) {
	var out hideOutcome
	for {
		posts, err := b.store.UnredactedPosts(ctx, s.TeamID, s.ChannelID, hidePage)
		if err != nil {
			b.log.Error("records to hide", "channel", s.ChannelID, "err", err)
			return
		}
		for _, p := range posts {
			if !b.hideOne(ctx, s, p.TS, &out) {
				b.stopShare(ctx, s, out)
				return
			}
		}
		if len(posts) < hidePage {
			break
		}
	}
	if !b.hideFromHistory(ctx, s, &out) {
		b.stopShare(ctx, s, out)
		return
	}
	done, err := b.store.ProgressShare(ctx, s.TeamID, s.ChannelID, out.hidden, true)
	if err != nil {
		b.log.Error("finishing a share", "channel", s.ChannelID, "err", err)
		return
	}
	b.log.Info("earlier records hidden", "channel", s.ChannelID, "hidden", done.Hidden, "failed", out.failed)
	b.tellOwnerOfShare(ctx, done, out)
}

// stopShare keeps the count of an attempt that stopped half-way; the share
// stays pending, to be taken up again.
func (b *Bot) stopShare(ctx context.Context, s storage.ChannelShare, out hideOutcome) {
	if _, err := b.store.ProgressShare(ctx, s.TeamID, s.ChannelID, out.hidden, false); err != nil {
		b.log.Error("keeping a share's progress", "channel", s.ChannelID, "err", err)
	}
}

// hideOne edits one message to HiddenText and records it; false means a
// failure that may pass, which stops this attempt.
func (b *Bot) hideOne(ctx context.Context, s storage.ChannelShare, ts string, out *hideOutcome) bool {
	err := b.retryRateLimited(ctx, func() error {
		_, _, _, err := b.api.UpdateMessageContext(ctx, s.ChannelID, ts, slack.MsgOptionText(HiddenText, false),
			slack.MsgOptionBlocks(blockkit.Section(HiddenText)))
		return err
	})
	var se slack.SlackErrorResponse
	switch {
	case err == nil:
		out.hidden++
	case errors.As(err, &se) && se.Err == "message_not_found":
		// Deleted already: nothing left to hide.
	case errors.As(err, &se):
		// Slack refuses for good (archived channel, app removed…): tell the owner.
		out.failed++
		out.why = se.Err
		b.log.Warn("a record could not be hidden", "channel", s.ChannelID, "ts", ts, "err", se.Err)
	default:
		b.log.Warn("hiding a record failed; the share will be taken up again", "channel", s.ChannelID, "err", err)
		return false
	}
	if err := b.store.MarkRedacted(ctx, s.TeamID, s.ChannelID, ts); err != nil {
		b.log.Error("marking a record hidden", "channel", s.ChannelID, "err", err)
		return false
	}
	return true
}

// historyPages bounds the history read for records that were not kept:
// 200 messages a page.
const historyPages = 50

// hideFromHistory hides the app's own records found in the channel's
// history that were posted but not kept. False means the history could not
// be read; the share stays pending.
func (b *Bot) hideFromHistory(ctx context.Context, s storage.ChannelShare, out *hideOutcome) bool {
	if b.cfg.BotID == "" {
		return true // without auth.test's bot id, the app's messages cannot be told
	}
	params := &slack.GetConversationHistoryParameters{ChannelID: s.ChannelID, Limit: 200, IncludeAllMetadata: true}
	for range historyPages {
		var resp *slack.GetConversationHistoryResponse
		err := b.retryRateLimited(ctx, func() error {
			var err error
			resp, err = b.api.GetConversationHistoryContext(ctx, params)
			return err
		})
		var se slack.SlackErrorResponse
		if errors.As(err, &se) && se.Err == "not_in_channel" {
			// The app posts in public channels it is not in, but only a
			// member reads them; waiting will not change that, and the
			// owner is told what may be left.
			b.log.Warn("cannot read the channel's history for records to hide: the app is not a member", "channel", s.ChannelID)
			out.unread = true
			return true
		}
		if err != nil {
			b.log.Warn("reading the channel's history for records to hide", "channel", s.ChannelID, "err", err)
			return false
		}
		for _, m := range resp.Messages {
			if !b.unkeptRecord(m) {
				continue
			}
			post := storage.PostedMessage{TeamID: s.TeamID, ChannelID: s.ChannelID, TS: m.Timestamp,
				Kind: storage.PostRecord, PostedAt: slackTime(m.Timestamp)}
			if err := b.store.RecordPosts(ctx, post); err != nil {
				b.log.Error("keeping a record found in history", "channel", s.ChannelID, "err", err)
				return false
			}
			if !b.hideOne(ctx, s, m.Timestamp, out) {
				return false
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			return true
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return true
}

// unkeptRecord reports whether m is one of the app's records still showing.
func (b *Bot) unkeptRecord(m slack.Message) bool {
	if m.BotID != b.cfg.BotID || m.Text == HiddenText {
		return false
	}
	switch m.Metadata.EventType {
	case RecordEventType, reminders.MetadataEventType:
		return true
	}
	return false
}

// slackTime is a message ts as a time.
func slackTime(ts string) time.Time {
	sec, err := strconv.ParseFloat(ts, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(int64(sec), 0).UTC()
}

// tellOwnerOfShare DMs the owner of the channel's deal how many records
// were hidden, when there were any.
func (b *Bot) tellOwnerOfShare(ctx context.Context, s storage.ChannelShare, out hideOutcome) {
	if s.Hidden == 0 && out.failed == 0 && !out.unread {
		return
	}
	d, err := b.store.DealByChannel(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		b.log.Warn("owner of a shared channel's deal", "channel", s.ChannelID, "err", err)
		return
	}
	// The owner may be the very guest who made the channel shared: the
	// message names the deal, so only a full member gets it.
	if st, err := b.access.Standing(ctx, d.OwnerID, s.TeamID); err != nil || st != access.Member {
		b.log.Warn("the owner of a shared channel's deal is not told: not a full member, or Slack cannot say",
			"channel", s.ChannelID, "owner", d.OwnerID, "standing", st, "err", err)
		return
	}
	text := fmt.Sprintf(":lock: People outside your team are now in <#%s> (%s), so Long Game hid %s it had posted there "+
		"about *%s*, and will post nothing more there: its answers come to you alone. "+
		"`/champion ledger` and `/risk list` still show everything to members.",
		s.ChannelID, shareReason(s.Why), blockkit.Plural(s.Hidden, "record", "records"), blockkit.Escape(d.Name))
	if out.failed > 0 {
		text += fmt.Sprintf("\n:warning: %s could not be hidden (Slack said `%s`): delete them by hand.",
			blockkit.Plural(out.failed, "record", "records"), out.why)
	}
	if out.unread {
		text += "\n:grey_question: I am not a member of the channel, so I could not read it for a record whose posting " +
			"was interrupted (a crash, a lost answer): if one of my messages there still shows a record, delete it by hand."
	}
	b.tell(ctx, place{team: s.TeamID, user: d.OwnerID}, views.Plain(text))
}

func shareReason(why string) string {
	switch why {
	case "guest":
		return "a guest joined it"
	case "outsider":
		return "a member of another organisation joined it"
	case "shared":
		return "it is shared with another workspace"
	}
	return "it is shared over Slack Connect"
}
