package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

// Workspaces lists the team id of every workspace, in order.
func (db *DB) Workspaces(ctx context.Context) ([]string, error) {
	teams, err := queryAll(ctx, db.read, func(s rowScanner, id *string) error { return s.Scan(id) },
		`SELECT team_id FROM workspaces ORDER BY team_id`)
	if err != nil {
		return nil, fmt.Errorf("workspaces: %w", err)
	}
	return teams, nil
}

// nudgeCheckinQuery lists the workspace ?1's pending check-ins, with their
// deal, by owner then due time; the caller adds its conditions.
const nudgeCheckinQuery = `SELECT ` + checkinCols + `, ` + dealCols + `
	FROM checkins c JOIN deals d ON d.team_id = c.team_id AND d.id = c.deal_id
	WHERE c.team_id = ?1 AND c.status = 'pending' AND `

// Nudges is what each owner of the workspace gets in the weekly nudge for
// window w, by owner id. Owners with nothing are left out.
func (db *DB) Nudges(ctx context.Context, teamID string, w storage.NudgeWindow) ([]storage.Nudge, error) {
	var r storage.NudgeRows
	err := db.readTx(ctx, func(tx *txn) error {
		var err error
		// A check-in covered by a later reminder is that one's business.
		r.Due, err = queryAll(ctx, tx, scanCheckinDue, nudgeCheckinQuery+`c.due_at < ?2 AND c.delivery NOT IN ('failed', 'folded')
			ORDER BY d.owner_id, c.due_at, c.id`, teamID, unixArg(w.DueBefore))
		if err != nil {
			return err
		}
		r.Failed, err = queryAll(ctx, tx, scanCheckinDue, nudgeCheckinQuery+`c.delivery = 'failed'
			ORDER BY d.owner_id, c.due_at, c.id`, teamID)
		if err != nil {
			return err
		}
		r.Unchecked, err = queryAll(ctx, tx, scanDeal, `SELECT `+dealCols+` FROM deals d
			WHERE d.team_id = ?1 AND d.stage = 'won' AND d.closed_on >= ?2
				AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.team_id = d.team_id AND c.deal_id = d.id AND c.status = 'done')
			ORDER BY d.owner_id, d.closed_on, d.id`, teamID, dateArg(w.WonSince))
		if err != nil {
			return err
		}
		// Only open deals can be at risk or late.
		if r.Open, err = openOverviews(ctx, tx, teamID); err != nil {
			return err
		}
		if !w.QuietSince.IsZero() {
			r.Untouched, err = queryAll(ctx, tx, scanUntouched, `SELECT `+dealCols+`, `+championCols+`, `+lastContact+`
				FROM deals d JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
				WHERE d.team_id = ?1 AND d.stage <> 'open' AND d.closed_at < ?2
				ORDER BY d.owner_id, ch.id, d.closed_at DESC, d.id DESC`, teamID, unixArg(w.QuietSince))
			if err != nil {
				return err
			}
		}
		r.Zones, err = userZones(ctx, tx, teamID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("nudges: %w", err)
	}
	return storage.NudgesOf(teamID, w, r), nil
}

func scanUntouched(s rowScanner, u *storage.Untouched) error {
	dest := append(dealDest(&u.Deal), championDest(&u.Champion)...)
	return s.Scan(append(dest, unix(&u.LastContact))...)
}

// userZones are the cached time zones of the workspace's users.
func userZones(ctx context.Context, q querier, teamID string) (map[string]string, error) {
	type zone struct{ user, tz string }
	zones, err := queryAll(ctx, q, func(s rowScanner, z *zone) error { return s.Scan(text(&z.user), text(&z.tz)) },
		`SELECT user_id, tz FROM user_prefs WHERE team_id = ?1`, teamID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(zones))
	for _, z := range zones {
		out[z.user] = z.tz
	}
	return out, nil
}

// ClaimDigest claims the weekly nudge of userID for schedule slot, before
// it is sent, and reports whether this call claimed it: false means it was
// claimed already (by an earlier run, or a restart in the same minute) and
// must not be sent again. A nudge is sent at most once per slot.
func (db *DB) ClaimDigest(ctx context.Context, teamID, userID, slot string) (bool, error) {
	first, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (bool, error) {
		if teamID == "" || userID == "" || slot == "" {
			return false, storage.Invalidf("a digest needs a team id, a user id and a slot")
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO digests (team_id, user_id, slot, sent_at) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, teamID, userID, slot, unixArg(now))
		if err != nil {
			return false, err
		}
		n, err := res.RowsAffected()
		return n == 1, err
	})
	if err != nil {
		return false, fmt.Errorf("claim digest of %s for %s: %w", userID, slot, err)
	}
	return first, nil
}

// MarkDigestSent records where the claimed nudge of userID for slot was
// posted.
func (db *DB) MarkDigestSent(ctx context.Context, teamID, userID, slot, channel, ts string) error {
	err := db.updateDigest(ctx, teamID, userID, slot, `message_channel = ?, message_ts = ?, error = ''`, channel, ts)
	if err != nil {
		return fmt.Errorf("mark digest of %s for %s sent: %w", userID, slot, err)
	}
	return nil
}

// MarkDigestFailed keeps why the claimed nudge of userID for slot could not
// be posted.
func (db *DB) MarkDigestFailed(ctx context.Context, teamID, userID, slot, errText string) error {
	err := db.updateDigest(ctx, teamID, userID, slot, `error = ?`, errText)
	if err != nil {
		return fmt.Errorf("mark digest of %s for %s failed: %w", userID, slot, err)
	}
	return nil
}

// ReleaseDigest gives back the claim of a nudge that certainly was not
// posted.
func (db *DB) ReleaseDigest(ctx context.Context, teamID, userID, slot string) error {
	err := db.write(ctx, func(ctx context.Context, tx *txn) error {
		return updateOne(ctx, tx, fmt.Sprintf("unsent digest of %s for %s", userID, slot),
			`DELETE FROM digests WHERE team_id = ? AND user_id = ? AND slot = ? AND message_ts = ''`, teamID, userID, slot)
	})
	if err != nil {
		return fmt.Errorf("release digest of %s for %s: %w", userID, slot, err)
	}
	return nil
}

func (db *DB) updateDigest(ctx context.Context, teamID, userID, slot, set string, args ...any) error {
	return db.write(ctx, func(ctx context.Context, tx *txn) error {
		return updateOne(ctx, tx, fmt.Sprintf("digest of %s for %s", userID, slot),
			`UPDATE digests SET `+set+` WHERE team_id = ? AND user_id = ? AND slot = ?`,
			append(args, teamID, userID, slot)...)
	})
}

// openOverviews are the overviews of the workspace's open deals.
func openOverviews(ctx context.Context, q querier, teamID string) ([]storage.DealOverview, error) {
	return queryAll(ctx, q, scanOverview, listQuery, teamID, string(storage.StageOpen), "", "", "[]", nil, -1)
}
