package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// What replicas on one database decide together (see storage.Store): each
// decision holds a row lock while it reads what it depends on, so that two
// processes asking at once are served one after the other.

// sentOtherQuery is whether a reminder other than check-in $5 was posted in
// deal channel $2 of workspace $1 within [$3, $4). The deal's id is a
// subquery of its own, not a join, so that the check-ins are looked up by
// (team, deal) in every plan: joined, a generic plan could scan every sent
// check-in of the workspace for each reminder, and a dispatch pass grew
// quadratic with the deals.
const sentOtherQuery = `EXISTS (SELECT 1 FROM checkins c
	WHERE c.team_id = $1 AND c.deal_id = (SELECT d.id FROM deals d WHERE d.team_id = $1 AND d.channel_id = $2)
		AND c.delivery = 'sent' AND c.message_channel = $2
		AND c.sent_at >= $3 AND c.sent_at < $4 AND c.id <> $5)`

// takeDayQuery gives deal channel $2 of workspace $1 the day [$3, $4) for
// check-in $5 when it is free, and returns a row when it did.
const takeDayQuery = `UPDATE reminder_days r SET day_start = $3, day_end = $4, checkin_id = $5
	WHERE r.team_id = $1 AND r.channel_id = $2 AND NOT ` + sentOtherQuery + ` AND (
		r.checkin_id = $5 OR r.day_end <= $3 OR r.day_start >= $4
		OR NOT EXISTS (SELECT 1 FROM checkins h WHERE h.id = r.checkin_id
			AND (h.delivery IN ('sent', 'sending') OR h.post_uncertain)))
	RETURNING 1`

// TakeReminderDay takes deal channel channel's reminder day [dayStart,
// dayEnd) for the reminder of check-in id: true when no other reminder was
// posted there that day and the day is free, id's, or held by a reminder
// that certainly was not posted — storage.ReminderDay.Free, here in SQL.
// The channel's row is made (already id's, unless another reminder was
// posted that day), then locked, then updated by a statement whose
// snapshot, taken after the lock, sees what its holder became; the update
// returns a row when the day is id's. The three go through the adder, so
// that the takes of a dispatch pass share their commits as its marks do.
func (db *DB) TakeReminderDay(ctx context.Context, teamID, channel string, id int64, dayStart, dayEnd time.Time) (bool, error) {
	if err := db.enter(); err != nil {
		return false, wrapDay(channel, err)
	}
	defer db.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return false, wrapDay(channel, err)
	}
	args := []any{teamID, channel, tsArg(dayStart), tsArg(dayEnd), id}
	err := db.adds.add(&addOp{kind: byChannel, name: teamID + "\x00" + channel,
		prelude: []queued{
			{`INSERT INTO reminder_days (team_id, channel_id, day_start, day_end, checkin_id)
				SELECT $1, $2, $3, $4, $5 WHERE NOT ` + sentOtherQuery + ` ON CONFLICT DO NOTHING`, args},
			{`SELECT 1 FROM reminder_days WHERE team_id = $1 AND channel_id = $2 FOR UPDATE`, args[:2]},
		},
		query: takeDayQuery,
		args:  args,
		scan:  func(r pgx.Row) error { var one int; return r.Scan(&one) },
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, wrapDay(channel, err)
}

func wrapDay(channel string, err error) error {
	if err != nil {
		return fmt.Errorf("take the reminder day of %s: %w", channel, err)
	}
	return nil
}

// TakeHomeRefresh decides whether the caller refreshes userID's Home now,
// as storage.HomeRefresh.Take rules, under the user's row lock.
func (db *DB) TakeHomeRefresh(ctx context.Context, teamID, userID string, changed bool, gap time.Duration) (bool, time.Time, error) {
	if teamID == "" || userID == "" {
		return false, time.Time{}, fmt.Errorf("take the Home refresh: %w", storage.Invalidf("a Home refresh needs a team id and a user id"))
	}
	type result struct {
		take  bool
		retry time.Time
	}
	r, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (result, error) {
		_, err := tx.Exec(ctx, `INSERT INTO home_refreshes (team_id, user_id, dirty, next_at) VALUES ($1, $2, false, $3)
			ON CONFLICT DO NOTHING`, teamID, userID, tsArg(time.Unix(0, 0)))
		if err != nil {
			return result{}, err
		}
		var h storage.HomeRefresh
		err = tx.QueryRow(ctx, `SELECT dirty, next_at FROM home_refreshes WHERE team_id = $1 AND user_id = $2 FOR UPDATE`,
			teamID, userID).Scan(boolean(&h.Dirty), ts(&h.NextAt))
		if err != nil {
			return result{}, err
		}
		next, take, retry := h.Take(now, changed, gap)
		if next != h {
			_, err = tx.Exec(ctx, `UPDATE home_refreshes SET dirty = $3, next_at = $4 WHERE team_id = $1 AND user_id = $2`,
				teamID, userID, next.Dirty, tsArg(next.NextAt))
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
	shares, err := read(ctx, db, func(q querier) ([]storage.ChannelShare, error) {
		return queryAll(ctx, q, scanShare, `SELECT `+shareCols+` FROM channel_shares
			WHERE seen_at >= $1 ORDER BY seen_at, team_id, channel_id LIMIT $2`, tsArg(since), limit)
	})
	if err != nil {
		return nil, fmt.Errorf("shares since %s: %w", since.Format(time.RFC3339), err)
	}
	return shares, nil
}
