package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

// MarkEventSeen records an events_api event id and reports whether it is
// the first time: Slack may deliver an event more than once, to any
// replica, and the primary key lets one of them in.
func (db *DB) MarkEventSeen(ctx context.Context, teamID, eventID string) (first bool, err error) {
	if teamID == "" || eventID == "" {
		return false, fmt.Errorf("mark event seen: %w", storage.Invalidf("an event needs a team id and an event id"))
	}
	err = db.exec1(ctx, func(ctx context.Context, q querier) error {
		tag, err := q.Exec(ctx, `INSERT INTO seen_events (team_id, event_id, seen_at) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING`, teamID, eventID, tsArg(db.now()))
		first = tag.RowsAffected() == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("mark event %s seen: %w", eventID, err)
	}
	return first, nil
}

// PruneSeenEvents forgets the event ids seen before before: Slack
// redelivers an event within minutes, never a day later.
func (db *DB) PruneSeenEvents(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := db.exec1(ctx, func(ctx context.Context, q querier) error {
		tag, err := q.Exec(ctx, `DELETE FROM seen_events WHERE seen_at < $1`, tsArg(before))
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune seen events: %w", err)
	}
	return n, nil
}

// UserTZ is the cached time zone of a user and when it was fetched.
// ErrNotFound when none is cached.
func (db *DB) UserTZ(ctx context.Context, teamID, userID string) (tz string, fetched time.Time, err error) {
	err = db.exec1Read(ctx, func(q querier) error {
		return found(q.QueryRow(ctx, `SELECT tz, fetched_at FROM user_prefs WHERE team_id = $1 AND user_id = $2`,
			teamID, userID).Scan(text(&tz), ts(&fetched)), "time zone of user "+userID)
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("user time zone: %w", err)
	}
	return tz, fetched, nil
}

// exec1Read runs fn, a read of one statement, on the pool.
func (db *DB) exec1Read(ctx context.Context, fn func(q querier) error) error {
	_, err := read(ctx, db, func(q querier) (struct{}, error) { return struct{}{}, fn(q) })
	return err
}

// SaveUserTZ caches a user's time zone (an IANA name from users.info), as
// fetched now.
func (db *DB) SaveUserTZ(ctx context.Context, teamID, userID, tz string) error {
	if teamID == "" || userID == "" || tz == "" {
		return fmt.Errorf("save user time zone: %w", storage.Invalidf("a time zone needs a team id, a user id and a zone"))
	}
	err := db.exec1(ctx, func(ctx context.Context, q querier) error {
		_, err := q.Exec(ctx, `INSERT INTO user_prefs (team_id, user_id, tz, fetched_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (team_id, user_id) DO UPDATE SET tz = excluded.tz, fetched_at = excluded.fetched_at`,
			teamID, userID, tz, tsArg(db.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("save user time zone: %w", err)
	}
	return nil
}
