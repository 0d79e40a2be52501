package sqlite

import (
	"context"
	"fmt"
	"maps"
	"slices"
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
	byOwner := map[string]*storage.Nudge{}
	nudge := func(owner string) *storage.Nudge {
		if byOwner[owner] == nil {
			byOwner[owner] = &storage.Nudge{TeamID: teamID, OwnerID: owner}
		}
		return byOwner[owner]
	}
	err := db.readTx(ctx, func(tx *txn) error {
		// A check-in covered by a later reminder is that one's business.
		due, err := queryAll(ctx, tx, scanCheckinDue, nudgeCheckinQuery+`c.due_at < ?2 AND c.delivery NOT IN ('failed', 'folded')
			ORDER BY d.owner_id, c.due_at, c.id`, teamID, unixArg(w.DueBefore))
		if err != nil {
			return err
		}
		for _, cd := range due {
			n := nudge(cd.Deal.OwnerID)
			n.Due = append(n.Due, cd)
		}
		failed, err := queryAll(ctx, tx, scanCheckinDue, nudgeCheckinQuery+`c.delivery = 'failed'
			ORDER BY d.owner_id, c.due_at, c.id`, teamID)
		if err != nil {
			return err
		}
		for _, cd := range failed {
			n := nudge(cd.Deal.OwnerID)
			n.Failed = append(n.Failed, cd)
		}
		unchecked, err := queryAll(ctx, tx, scanDeal, `SELECT `+dealCols+` FROM deals d
			WHERE d.team_id = ? AND d.stage = 'won' AND d.closed_on >= ?
				AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.team_id = d.team_id AND c.deal_id = d.id AND c.status = 'done')
			ORDER BY d.owner_id, d.closed_on, d.id`, teamID, dateArg(w.WonSince))
		if err != nil {
			return err
		}
		for _, d := range unchecked {
			n := nudge(d.OwnerID)
			n.Unchecked = append(n.Unchecked, d)
		}
		// Only open deals can be at risk or late: the overview query reads
		// those, and DealOverview.AtRisk and Deal.DaysPastClose decide.
		open, err := queryAll(ctx, tx, scanOverview, listQuery, teamID, string(storage.StageOpen), "", "", "[]", nil, -1)
		if err != nil {
			return err
		}
		for _, o := range open {
			if o.AtRisk() {
				n := nudge(o.Deal.OwnerID)
				n.AtRisk = append(n.AtRisk, o)
			}
			if o.Deal.DaysPastClose(w.Today) > 0 {
				n := nudge(o.Deal.OwnerID)
				n.Late = append(n.Late, o.Deal)
			}
		}
		if err := untouched(ctx, tx, teamID, w.QuietSince, nudge); err != nil {
			return err
		}
		return ownerZones(ctx, tx, teamID, byOwner)
	})
	if err != nil {
		return nil, fmt.Errorf("nudges: %w", err)
	}
	out := make([]storage.Nudge, 0, len(byOwner))
	for _, owner := range slices.Sorted(maps.Keys(byOwner)) {
		n := byOwner[owner]
		slices.SortStableFunc(n.Late, func(x, y storage.Deal) int { return x.ExpectedClose.Compare(y.ExpectedClose) })
		slices.SortStableFunc(n.Untouched, func(x, y storage.Untouched) int { return x.LastContact.Compare(y.LastContact) })
		out = append(out, *n)
	}
	return out, nil
}

// untouched adds to each owner's nudge the champions of their closed deals
// with no contact since quiet, on a deal closed before it: one entry per
// champion, with the owner's latest closed deal of theirs.
func untouched(ctx context.Context, q querier, teamID string, quiet time.Time, nudge func(string) *storage.Nudge) error {
	if quiet.IsZero() {
		return nil
	}
	rows, err := queryAll(ctx, q, scanUntouched, `SELECT `+dealCols+`, `+championCols+`, `+lastContact+`
		FROM deals d JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
		WHERE d.team_id = ?1 AND d.stage <> 'open' AND d.closed_at < ?2
		ORDER BY d.owner_id, ch.id, d.closed_at DESC, d.id DESC`, teamID, unixArg(quiet))
	if err != nil {
		return err
	}
	for _, u := range storage.UntouchedOf(rows, quiet) {
		n := nudge(u.Deal.OwnerID)
		n.Untouched = append(n.Untouched, u)
	}
	return nil
}

func scanUntouched(s rowScanner, u *storage.Untouched) error {
	dest := append(dealDest(&u.Deal), championDest(&u.Champion)...)
	return s.Scan(append(dest, unix(&u.LastContact))...)
}

// ownerZones fills in the cached time zones of the nudges' owners.
func ownerZones(ctx context.Context, q querier, teamID string, byOwner map[string]*storage.Nudge) error {
	rows, err := q.QueryContext(ctx, `SELECT user_id, tz FROM user_prefs WHERE team_id = ?`, teamID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var user, tz string
		if err := rows.Scan(&user, &tz); err != nil {
			return err
		}
		if n := byOwner[user]; n != nil {
			n.OwnerTZ = tz
		}
	}
	return rows.Err()
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

func (db *DB) updateDigest(ctx context.Context, teamID, userID, slot, set string, args ...any) error {
	return db.write(ctx, func(ctx context.Context, tx *txn) error {
		return updateOne(ctx, tx, fmt.Sprintf("digest of %s for %s", userID, slot),
			`UPDATE digests SET `+set+` WHERE team_id = ? AND user_id = ? AND slot = ?`,
			append(args, teamID, userID, slot)...)
	})
}
