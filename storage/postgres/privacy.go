package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// RecordPosts keeps messages Long Game posted in channels, in one
// statement.
func (db *DB) RecordPosts(ctx context.Context, posts ...storage.PostedMessage) error {
	if len(posts) == 0 {
		return nil
	}
	var (
		teams, channels, tss, kinds = make([]string, len(posts)), make([]string, len(posts)), make([]string, len(posts)), make([]string, len(posts))
		deals                       = make([]*int64, len(posts))
		at                          = make([]*time.Time, len(posts))
	)
	for i, p := range posts {
		if err := p.Validate(); err != nil {
			return fmt.Errorf("record %d posts: %w", len(posts), err)
		}
		teams[i], channels[i], tss[i], kinds[i] = p.TeamID, p.ChannelID, p.TS, p.Kind
		if p.DealID != 0 {
			deals[i] = &p.DealID
		}
		if t, ok := tsArg(p.PostedAt).(time.Time); ok {
			at[i] = &t
		}
	}
	err := db.exec1(ctx, func(ctx context.Context, q querier) error {
		_, err := q.Exec(ctx, `INSERT INTO posted_messages (team_id, channel_id, ts, deal_id, kind, posted_at)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::timestamptz[])
			ON CONFLICT DO NOTHING`, teams, channels, tss, deals, kinds, at)
		return err
	})
	if err != nil {
		return fmt.Errorf("record %d posts: %w", len(posts), err)
	}
	return nil
}

// UnredactedPosts lists up to limit messages Long Game posted in a channel
// that are not hidden yet, oldest first.
func (db *DB) UnredactedPosts(ctx context.Context, teamID, channelID string, limit int) ([]storage.PostedMessage, error) {
	posts, err := read(ctx, db, func(q querier) ([]storage.PostedMessage, error) {
		return queryAll(ctx, q, scanPost, `SELECT team_id, channel_id, ts, deal_id, kind, posted_at
			FROM posted_messages WHERE team_id = $1 AND channel_id = $2 AND redacted_at IS NULL
			ORDER BY ts LIMIT $3`, teamID, channelID, limit)
	})
	if err != nil {
		return nil, fmt.Errorf("unredacted posts in %s: %w", channelID, err)
	}
	return posts, nil
}

func scanPost(s rowScanner, p *storage.PostedMessage) error {
	return s.Scan(text(&p.TeamID), text(&p.ChannelID), text(&p.TS), integer(&p.DealID), text(&p.Kind), ts(&p.PostedAt))
}

// MarkRedacted records that a posted message was edited to hide it.
func (db *DB) MarkRedacted(ctx context.Context, teamID, channelID, ts string) error {
	err := db.exec1(ctx, func(ctx context.Context, q querier) error {
		_, err := q.Exec(ctx, `UPDATE posted_messages SET redacted_at = $1
			WHERE team_id = $2 AND channel_id = $3 AND ts = $4 AND redacted_at IS NULL`,
			tsArg(db.now()), teamID, channelID, ts)
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
	if teamID == "" || channelID == "" || why == "" {
		return storage.ChannelShare{}, false, fmt.Errorf("start share of %s: %w", channelID,
			storage.Invalidf("a share needs a team, a channel and a reason"))
	}
	type result struct {
		s       storage.ChannelShare
		started bool
	}
	r, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (result, error) {
		tag, err := tx.Exec(ctx, `INSERT INTO channel_shares (team_id, channel_id, why, seen_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (team_id, channel_id) DO UPDATE SET why = excluded.why, seen_at = excluded.seen_at,
				hidden = 0, done_at = NULL
			WHERE channel_shares.done_at IS NOT NULL`, teamID, channelID, why, tsArg(now))
		if err != nil {
			return result{}, err
		}
		s, err := shareOf(ctx, tx, teamID, channelID)
		return result{s, tag.RowsAffected() == 1}, err
	})
	if err != nil {
		return storage.ChannelShare{}, false, fmt.Errorf("start share of %s: %w", channelID, err)
	}
	return r.s, r.started, nil
}

const shareCols = `team_id, channel_id, why, seen_at, hidden, done_at`

func scanShare(s rowScanner, c *storage.ChannelShare) error {
	return s.Scan(text(&c.TeamID), text(&c.ChannelID), text(&c.Why), ts(&c.SeenAt), integer(&c.Hidden), ts(&c.DoneAt))
}

func shareOf(ctx context.Context, q querier, teamID, channelID string) (storage.ChannelShare, error) {
	var s storage.ChannelShare
	err := scanShare(q.QueryRow(ctx, `SELECT `+shareCols+` FROM channel_shares
		WHERE team_id = $1 AND channel_id = $2`, teamID, channelID), &s)
	return s, found(err, "share of "+channelID)
}

// Share is the latest share of a channel; ErrNotFound if it never was.
func (db *DB) Share(ctx context.Context, teamID, channelID string) (storage.ChannelShare, error) {
	s, err := read(ctx, db, func(q querier) (storage.ChannelShare, error) { return shareOf(ctx, q, teamID, channelID) })
	if err != nil {
		return s, fmt.Errorf("share: %w", err)
	}
	return s, nil
}

// PendingShares lists the shares whose hiding is not finished, oldest
// first: after a restart, or on another replica, they are taken up again.
func (db *DB) PendingShares(ctx context.Context, limit int) ([]storage.ChannelShare, error) {
	shares, err := read(ctx, db, func(q querier) ([]storage.ChannelShare, error) {
		return queryAll(ctx, q, scanShare, `SELECT `+shareCols+` FROM channel_shares
			WHERE done_at IS NULL ORDER BY seen_at LIMIT $1`, limit)
	})
	if err != nil {
		return nil, fmt.Errorf("pending shares: %w", err)
	}
	return shares, nil
}

// ProgressShare adds hidden to the messages a share hid, and when done
// records that every message posted before it is hidden. It returns the
// share as it now stands; ErrNotFound if no share is pending.
func (db *DB) ProgressShare(ctx context.Context, teamID, channelID string, hidden int, done bool) (storage.ChannelShare, error) {
	var s storage.ChannelShare
	err := db.exec1(ctx, func(ctx context.Context, q querier) error {
		var doneAt any
		if done {
			doneAt = tsArg(db.now())
		}
		err := scanShare(q.QueryRow(ctx, `UPDATE channel_shares SET hidden = hidden + $1, done_at = $2
			WHERE team_id = $3 AND channel_id = $4 AND done_at IS NULL RETURNING `+shareCols,
			hidden, doneAt, teamID, channelID), &s)
		return found(err, "pending share of "+channelID)
	})
	if err != nil {
		return storage.ChannelShare{}, fmt.Errorf("progress of share of %s: %w", channelID, err)
	}
	return s, nil
}
