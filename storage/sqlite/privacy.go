package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

// RecordPosts keeps messages Long Game posted in channels, in one write.
func (db *DB) RecordPosts(ctx context.Context, posts ...storage.PostedMessage) error {
	err := db.writeKeepingReads(ctx, func(ctx context.Context, tx *txn) error {
		for _, p := range posts {
			if p.TeamID == "" || p.ChannelID == "" || p.TS == "" || p.Kind == "" {
				return storage.Invalidf("a posted message needs a team, a channel, a ts and a kind")
			}
			var deal any
			if p.DealID != 0 {
				deal = p.DealID
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO posted_messages (team_id, channel_id, ts, deal_id, kind, posted_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				p.TeamID, p.ChannelID, p.TS, deal, p.Kind, unixArg(p.PostedAt))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %d posts: %w", len(posts), err)
	}
	return nil
}

// UnredactedPosts lists up to limit messages Long Game posted in a channel
// that are not hidden yet, oldest first.
func (db *DB) UnredactedPosts(ctx context.Context, teamID, channelID string, limit int) ([]storage.PostedMessage, error) {
	posts, err := queryAll(ctx, db.read, scanPost, `SELECT team_id, channel_id, ts, deal_id, kind, posted_at
		FROM posted_messages WHERE team_id = ? AND channel_id = ? AND redacted_at IS NULL
		ORDER BY ts LIMIT ?`, teamID, channelID, limit)
	if err != nil {
		return nil, fmt.Errorf("unredacted posts in %s: %w", channelID, err)
	}
	return posts, nil
}

func scanPost(s rowScanner, p *storage.PostedMessage) error {
	return s.Scan(&p.TeamID, &p.ChannelID, &p.TS, integer(&p.DealID), &p.Kind, unix(&p.PostedAt))
}

// MarkRedacted records that a posted message was edited to hide it.
func (db *DB) MarkRedacted(ctx context.Context, teamID, channelID, ts string) error {
	err := db.writeKeepingReads(ctx, func(ctx context.Context, tx *txn) error {
		_, err := tx.ExecContext(ctx, `UPDATE posted_messages SET redacted_at = ?
			WHERE team_id = ? AND channel_id = ? AND ts = ? AND redacted_at IS NULL`,
			unixArg(db.now()), teamID, channelID, ts)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark %s redacted: %w", ts, err)
	}
	return nil
}

// StartShare records that a channel became shared. When the channel has a
// share still being applied, that one is returned and started is false;
// otherwise (first time, or shared again after it was the team's) a new
// one starts.
func (db *DB) StartShare(ctx context.Context, teamID, channelID, why string) (share storage.ChannelShare, started bool, err error) {
	type result struct {
		s       storage.ChannelShare
		started bool
	}
	r, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (result, error) {
		if teamID == "" || channelID == "" || why == "" {
			return result{}, storage.Invalidf("a share needs a team, a channel and a reason")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO channel_shares (team_id, channel_id, why, seen_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (team_id, channel_id) DO UPDATE SET why = excluded.why, seen_at = excluded.seen_at,
				hidden = 0, done_at = NULL
			WHERE channel_shares.done_at IS NOT NULL`, teamID, channelID, why, unixArg(now))
		if err != nil {
			return result{}, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return result{}, err
		}
		s, err := shareOf(ctx, tx, teamID, channelID)
		return result{s, n == 1}, err
	})
	if err != nil {
		return storage.ChannelShare{}, false, fmt.Errorf("start share of %s: %w", channelID, err)
	}
	return r.s, r.started, nil
}

const shareCols = `team_id, channel_id, why, seen_at, hidden, done_at`

func scanShare(s rowScanner, c *storage.ChannelShare) error {
	return s.Scan(&c.TeamID, &c.ChannelID, &c.Why, unix(&c.SeenAt), integer(&c.Hidden), unix(&c.DoneAt))
}

func shareOf(ctx context.Context, q querier, teamID, channelID string) (storage.ChannelShare, error) {
	var s storage.ChannelShare
	err := scanShare(q.QueryRowContext(ctx, `SELECT `+shareCols+` FROM channel_shares
		WHERE team_id = ? AND channel_id = ?`, teamID, channelID), &s)
	return s, found(err, "share of "+channelID)
}

// Share is the latest share of a channel; ErrNotFound if it never was.
func (db *DB) Share(ctx context.Context, teamID, channelID string) (storage.ChannelShare, error) {
	s, err := shareOf(ctx, db.read, teamID, channelID)
	if err != nil {
		return s, fmt.Errorf("share: %w", err)
	}
	return s, nil
}

// PendingShares lists the shares whose hiding is not finished, oldest
// first: after a restart they are taken up again.
func (db *DB) PendingShares(ctx context.Context, limit int) ([]storage.ChannelShare, error) {
	shares, err := queryAll(ctx, db.read, scanShare, `SELECT `+shareCols+` FROM channel_shares
		WHERE done_at IS NULL ORDER BY seen_at LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending shares: %w", err)
	}
	return shares, nil
}

// ProgressShare adds hidden to the messages a share hid, and when done
// records that every message posted before it is hidden. It returns the
// share as it now stands; ErrNotFound if no share is pending.
func (db *DB) ProgressShare(ctx context.Context, teamID, channelID string, hidden int, done bool) (storage.ChannelShare, error) {
	s, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.ChannelShare, error) {
		var doneAt any
		if done {
			doneAt = unixArg(now)
		}
		err := updateOne(ctx, tx, "pending share of "+channelID, `UPDATE channel_shares SET hidden = hidden + ?, done_at = ?
			WHERE team_id = ? AND channel_id = ? AND done_at IS NULL`, hidden, doneAt, teamID, channelID)
		if err != nil {
			return storage.ChannelShare{}, err
		}
		return shareOf(ctx, tx, teamID, channelID)
	})
	if err != nil {
		return storage.ChannelShare{}, fmt.Errorf("progress of share of %s: %w", channelID, err)
	}
	return s, nil
}

// PruneSeenEvents forgets the event ids seen before before: Slack
// redelivers an event within minutes, never a day later.
func (db *DB) PruneSeenEvents(ctx context.Context, before time.Time) (int64, error) {
	n, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, _ time.Time) (int64, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM seen_events WHERE seen_at < ?`, unixArg(before))
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	})
	if err != nil {
		return 0, fmt.Errorf("prune seen events: %w", err)
	}
	return n, nil
}
