package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/longgame/longgame/storage"
)

// What replicas on one database decide together (see storage.Store). A
// SQLite file is served by one process, whose writer serializes every
// write, so these decisions hold for all who use the store.

// reminderDays are the days the deal channels' reminders last took in this
// process. One process owns a SQLite file, so they are held in memory, not
// written: the reminders use the disk's sync for what they post
// (MarkSent), not for rows read back only by this process. After a restart
// what matters was written: the reminders posted that day, and the
// claims, reconciled with the channel's history before any post.
type reminderDays struct {
	// channels serializes the takes of one channel (a stripe per hash of
	// the channel), so that takes of other channels read at once.
	channels [64]sync.Mutex
	mu       sync.Mutex // guards held
	held     map[channelKey]storage.ReminderDay
}

// maxHeldDays bounds the days kept before the past ones are dropped.
const maxHeldDays = 10_000

// lock locks the stripe of a channel and returns its unlock.
func (d *reminderDays) lock(k channelKey) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(k.team + "/" + k.channel))
	m := &d.channels[h.Sum32()%uint32(len(d.channels))]
	m.Lock()
	return m.Unlock
}

func (d *reminderDays) day(k channelKey) storage.ReminderDay {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.held[k]
}

func (d *reminderDays) take(k channelKey, day storage.ReminderDay, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.held == nil {
		d.held = map[channelKey]storage.ReminderDay{}
	}
	if len(d.held) >= maxHeldDays {
		// Forget the days that ended more than a day ago: no reminder is
		// sent for them any more.
		for k, h := range d.held {
			if h.End.Before(now.AddDate(0, 0, -1)) {
				delete(d.held, k)
			}
		}
	}
	d.held[k] = day
}

// TakeReminderDay takes deal channel channel's reminder day [dayStart,
// dayEnd) for the reminder of check-in id: true when no other reminder was
// posted there that day and the day is free, id's, or held by a reminder
// that certainly was not posted (storage.ReminderDay.Free).
func (db *DB) TakeReminderDay(ctx context.Context, teamID, channel string, id int64, dayStart, dayEnd time.Time) (bool, error) {
	k := channelKey{teamID, channel}
	defer db.days.lock(k)()
	day := db.days.day(k)
	var sent, keeps int
	err := db.read.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM deals d JOIN checkins c ON c.team_id = d.team_id AND c.deal_id = d.id
			WHERE d.team_id = ? AND d.channel_id = ? AND c.delivery = 'sent' AND c.message_channel = d.channel_id
				AND c.sent_at >= ? AND c.sent_at < ? AND c.id <> ?),
			(SELECT COUNT(*) FROM checkins WHERE id = ? AND (delivery IN ('sent', 'sending') OR post_uncertain))`,
		teamID, channel, unixArg(dayStart), unixArg(dayEnd), id, day.Checkin).Scan(&sent, &keeps)
	if err != nil {
		return false, fmt.Errorf("take the reminder day of %s: %w", channel, err)
	}
	if sent > 0 || !day.Free(id, dayStart, dayEnd, keeps > 0) {
		return false, nil
	}
	db.days.take(k, storage.ReminderDay{Checkin: id, Start: dayStart, End: dayEnd}, db.now())
	return true, nil
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
