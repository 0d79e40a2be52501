package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

// MarkEventSeen records an events_api event id and reports whether it is
// the first time: Slack may deliver an event more than once.
func (db *DB) MarkEventSeen(ctx context.Context, teamID, eventID string) (first bool, err error) {
	first, err = writeValueWith(ctx, db.writeKeepingReads, db, func(ctx context.Context, tx *txn, now time.Time) (bool, error) {
		if teamID == "" || eventID == "" {
			return false, storage.Invalidf("an event needs a team id and an event id")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO seen_events (team_id, event_id, seen_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, teamID, eventID, unixArg(now))
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n == 1, err
	})
	if err != nil {
		return false, fmt.Errorf("mark event %s seen: %w", eventID, err)
	}
	return first, nil
}

// UserTZ is the cached time zone of a user and when it was fetched.
// ErrNotFound when none is cached.
func (db *DB) UserTZ(ctx context.Context, teamID, userID string) (tz string, fetched time.Time, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT tz, fetched_at FROM user_prefs WHERE team_id = ? AND user_id = ?`,
		teamID, userID).Scan(&tz, unix(&fetched))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("user time zone: %w", found(err, "time zone of user "+userID))
	}
	return tz, fetched, nil
}

// SaveUserTZ caches a user's time zone (an IANA name from users.info), as
// fetched now.
func (db *DB) SaveUserTZ(ctx context.Context, teamID, userID, tz string) error {
	err := db.write(ctx, func(ctx context.Context, tx *txn) error {
		if teamID == "" || userID == "" || tz == "" {
			return storage.Invalidf("a time zone needs a team id, a user id and a zone")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO user_prefs (team_id, user_id, tz, fetched_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (team_id, user_id) DO UPDATE SET tz = excluded.tz, fetched_at = excluded.fetched_at`,
			teamID, userID, tz, unixArg(db.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("save user time zone: %w", err)
	}
	return nil
}
