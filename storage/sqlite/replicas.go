package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

// What replicas on one database decide together (see storage.Store). One
// SQLite file has one writer, so each is one write transaction; the
// PostgreSQL store makes the same decisions under row locks.

// TakeReminderDay takes deal channel channel's reminder day [dayStart,
// dayEnd) for the reminder of check-in id: true when no other reminder was
// posted there that day and the day is free, id's, or held by a reminder
// that certainly was not posted.
func (db *DB) TakeReminderDay(ctx context.Context, teamID, channel string, id int64, dayStart, dayEnd time.Time) (bool, error) {
	ok, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, _ time.Time) (bool, error) {
		var other int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deals d
			JOIN checkins c ON c.team_id = d.team_id AND c.deal_id = d.id
			WHERE d.team_id = ? AND d.channel_id = ? AND c.delivery = 'sent' AND c.message_channel = d.channel_id
				AND c.sent_at >= ? AND c.sent_at < ? AND c.id <> ?`,
			teamID, channel, unixArg(dayStart), unixArg(dayEnd), id).Scan(&other)
		if err != nil || other > 0 {
			return false, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO reminder_days (team_id, channel_id, day_start, checkin_id)
			VALUES (?1, ?2, ?3, ?4)
			ON CONFLICT (team_id, channel_id, day_start) DO UPDATE SET checkin_id = excluded.checkin_id
			WHERE reminder_days.checkin_id = excluded.checkin_id OR NOT EXISTS (SELECT 1 FROM checkins h
				WHERE h.id = reminder_days.checkin_id AND (h.delivery IN ('sent', 'sending') OR h.post_uncertain))`,
			teamID, channel, unixArg(dayStart), id)
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n == 1, err
	})
	if err != nil {
		return false, fmt.Errorf("take the reminder day of %s: %w", channel, err)
	}
	return ok, nil
}

// TakeHomeRefresh decides whether the caller refreshes userID's Home now,
// as storage.HomeRefresh.Take rules.
func (db *DB) TakeHomeRefresh(ctx context.Context, teamID, userID string, changed bool, gap time.Duration) (bool, time.Time, error) {
	type result struct {
		take  bool
		retry time.Time
	}
	r, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (result, error) {
		if teamID == "" || userID == "" {
			return result{}, storage.Invalidf("a Home refresh needs a team id and a user id")
		}
		var h storage.HomeRefresh
		err := tx.QueryRowContext(ctx, `SELECT dirty, next_at FROM home_refreshes WHERE team_id = ? AND user_id = ?`,
			teamID, userID).Scan(boolean(&h.Dirty), unix(&h.NextAt))
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return result{}, err
		}
		err = nil
		next, take, retry := h.Take(now, changed, gap)
		if next != h {
			_, err = tx.ExecContext(ctx, `INSERT INTO home_refreshes (team_id, user_id, dirty, next_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (team_id, user_id) DO UPDATE SET dirty = excluded.dirty, next_at = excluded.next_at`,
				teamID, userID, boolArg(next.Dirty), unixArg(next.NextAt))
		}
		return result{take, retry}, err
	})
	if err != nil {
		return false, time.Time{}, fmt.Errorf("take the Home refresh of %s: %w", userID, err)
	}
	return r.take, r.retry, nil
}

// SharesSince lists up to limit shares started at or after since, oldest
// first.
func (db *DB) SharesSince(ctx context.Context, since time.Time, limit int) ([]storage.ChannelShare, error) {
	shares, err := queryAll(ctx, db.read, scanShare, `SELECT `+shareCols+` FROM channel_shares
		WHERE seen_at >= ? ORDER BY seen_at, team_id, channel_id LIMIT ?`, unixArg(since), limit)
	if err != nil {
		return nil, fmt.Errorf("shares since %s: %w", since.Format(time.RFC3339), err)
	}
	return shares, nil
}
