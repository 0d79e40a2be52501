package sqlite

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/longgame/longgame/storage"
)

// The dispatcher's side of a check-in (see package reminders): a queued
// reminder is claimed (delivery "sending", claimed_by, claimed_at), posted,
// then marked sent, folded, released for a retry, or failed. Every write
// after the claim is fenced on it — WHERE claimed_by = ? AND delivery =
// 'sending' — so a dispatcher whose claim was taken over (after a crash, a
// snooze, a lease that ran out) cannot overwrite what another one recorded:
// such a write fails with ErrConflict.

// claimable is the condition of a check-in whose reminder may be claimed at
// ?2: pending, queued, due, and not waiting for a retry. The expression
// matches the checkins_claimable index (migration 0002).
const claimable = `delivery = 'queued' AND status = 'pending' AND max(due_at, coalesce(next_attempt_at, 0)) <= ?2`

// claimQuery claims, for claimant ?1 at ?2, every claimable check-in of the
// deals of the ?3 oldest claimable ones: a deal's overdue check-ins are
// claimed together so that one message can cover them all.
//
// The planner, left alone, prefers the (delivery, due_at) index and scans
// every queued row: INDEXED BY, MATERIALIZED and CROSS JOIN pin the plan
// that reads only the rows it claims (TestClaimPlan).
const claimQuery = `WITH picked AS MATERIALIZED (
		SELECT DISTINCT team_id, deal_id FROM (
			SELECT team_id, deal_id FROM checkins INDEXED BY checkins_claimable WHERE ` + claimable + `
			ORDER BY max(due_at, coalesce(next_attempt_at, 0)), id LIMIT ?3))
	UPDATE checkins SET delivery = 'sending', claimed_by = ?1, claimed_at = ?2
	WHERE id IN (
		SELECT c.id FROM picked p
		CROSS JOIN checkins c ON c.team_id = p.team_id AND c.deal_id = p.deal_id AND c.status = 'pending'
		WHERE c.delivery = 'queued' AND max(c.due_at, coalesce(c.next_attempt_at, 0)) <= ?2)
	RETURNING id`

// ClaimDue atomically moves the reminders that are due at now — pending,
// queued, due_at and next_attempt_at (if any) not after now — to "sending",
// claimed by claimant, across all workspaces. It takes the deals of the
// limit oldest ones, and all their claimable check-ins, so it may return a
// few more than limit. They come with their deal, champion and open risks,
// oldest first.
func (db *DB) ClaimDue(ctx context.Context, claimant string, now time.Time, limit int) ([]storage.DueCheckin, error) {
	due, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, _ time.Time) ([]storage.DueCheckin, error) {
		if err := storage.ValidateClaim(claimant, limit); err != nil {
			return nil, err
		}
		ids, err := queryAll(ctx, tx, scanID, claimQuery, claimant, unixArg(now), limit)
		if err != nil {
			return nil, err
		}
		return dueCheckins(ctx, tx, ids)
	})
	if err != nil {
		return nil, fmt.Errorf("claim due check-ins: %w", err)
	}
	return due, nil
}

func scanID(s rowScanner, id *int64) error { return s.Scan(id) }

// ReclaimStuck takes over, for claimant at now, the reminders left in
// "sending" by a claim made before olderThan (the dispatcher crashed or hung
// mid-send), at most limit of them, oldest claim first. They come back
// Uncertain: the post may have happened, so the caller looks for it in the
// channel's history before sending again. Stuck claims of check-ins that
// are no longer pending are simply dropped back to "queued".
func (db *DB) ReclaimStuck(ctx context.Context, claimant string, now, olderThan time.Time, limit int) ([]storage.DueCheckin, error) {
	due, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, _ time.Time) ([]storage.DueCheckin, error) {
		if err := storage.ValidateClaim(claimant, limit); err != nil {
			return nil, err
		}
		_, err := tx.ExecContext(ctx, `UPDATE checkins SET delivery = 'queued', claimed_by = NULL, claimed_at = NULL
			WHERE delivery = 'sending' AND status <> 'pending' AND claimed_at < ?`, unixArg(olderThan))
		if err != nil {
			return nil, err
		}
		ids, err := queryAll(ctx, tx, scanID, `UPDATE checkins SET claimed_by = ?1, claimed_at = ?2, post_uncertain = 1
			WHERE id IN (SELECT id FROM checkins WHERE delivery = 'sending' AND claimed_at < ?3
				ORDER BY claimed_at, id LIMIT ?4)
			RETURNING id`, claimant, unixArg(now), unixArg(olderThan), limit)
		if err != nil {
			return nil, err
		}
		return dueCheckins(ctx, tx, ids)
	})
	if err != nil {
		return nil, fmt.Errorf("reclaim stuck check-ins: %w", err)
	}
	return due, nil
}

// StuckSending lists, without claiming them, the reminders left in
// "sending" by a claim made before olderThan: for `longgame doctor` and the
// logs. The dispatcher uses ReclaimStuck.
func (db *DB) StuckSending(ctx context.Context, olderThan time.Time) ([]storage.DueCheckin, error) {
	var due []storage.DueCheckin
	err := db.readTx(ctx, func(tx *txn) error {
		ids, err := queryAll(ctx, tx, scanID, `SELECT id FROM checkins WHERE delivery = 'sending' AND claimed_at < ?
			ORDER BY claimed_at, id`, unixArg(olderThan))
		if err != nil {
			return err
		}
		due, err = dueCheckins(ctx, tx, ids)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("stuck check-ins: %w", err)
	}
	return due, nil
}

// dueCheckinQuery reads the check-ins whose ids are in the JSON array ?1,
// with their deal, champion, owner's time zone, claim and missed count.
const dueCheckinQuery = `SELECT ` + checkinCols + `, ` + dealCols + `, ` + championCols + `,
		COALESCE(up.tz, ''), c.claimed_by, c.claimed_at, c.post_uncertain,
		(SELECT COUNT(*) FROM checkins f WHERE f.folded_into = c.id AND f.status = 'pending')
	FROM checkins c
	JOIN deals d ON d.team_id = c.team_id AND d.id = c.deal_id
	LEFT JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
	LEFT JOIN user_prefs up ON up.team_id = d.team_id AND up.user_id = d.owner_id
	WHERE c.id IN (SELECT value FROM json_each(?1))
	ORDER BY c.due_at, c.id`

// dealRiskQuery reads, for each deal whose id is in the JSON array ?1, its
// first ?2 open risks, whenever they were flagged, most severe first then
// by number, each with how many open risks the deal has. The deals are
// read first, their risks through the (team_id, deal_id) indexes.
const dealRiskQuery = `SELECT ` + riskCols + `, r.open FROM (
		SELECT ` + riskCols + `,
			ROW_NUMBER() OVER (PARTITION BY r.deal_id ORDER BY r.severity_rank, r.number) AS rank,
			COUNT(*) OVER (PARTITION BY r.deal_id) AS open
		FROM deals d CROSS JOIN risks r ON r.team_id = d.team_id AND r.deal_id = d.id
		WHERE d.id IN (SELECT value FROM json_each(?1)) AND r.status = 'open') r
	WHERE r.rank <= ?2
	ORDER BY r.deal_id, r.rank`

// dueRisk is a row of dealRiskQuery.
type dueRisk struct {
	risk storage.Risk
	open int
}

func scanDueRisk(s rowScanner, r *dueRisk) error {
	return s.Scan(append(riskDest(&r.risk), integer(&r.open))...)
}

// dueCheckins reads check-ins ids for delivery, oldest first.
func dueCheckins(ctx context.Context, q querier, ids []int64) ([]storage.DueCheckin, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	due, err := queryAll(ctx, q, scanDueCheckin, dueCheckinQuery, jsonArray(ids))
	if err != nil {
		return nil, err
	}
	var dealIDs []int64
	for _, d := range due {
		dealIDs = append(dealIDs, d.Deal.ID)
	}
	slices.Sort(dealIDs)
	risks, err := queryAll(ctx, q, scanDueRisk, dealRiskQuery, jsonArray(slices.Compact(dealIDs)), storage.MaxDueRisks)
	if err != nil {
		return nil, err
	}
	byDeal, open := map[int64][]storage.Risk{}, map[int64]int{}
	for _, r := range risks {
		byDeal[r.risk.DealID] = append(byDeal[r.risk.DealID], r.risk)
		open[r.risk.DealID] = r.open
	}
	for i := range due {
		due[i].Risks, due[i].OpenRisks = byDeal[due[i].Deal.ID], open[due[i].Deal.ID]
	}
	return due, nil
}

func scanDueCheckin(s rowScanner, d *storage.DueCheckin) error {
	var ch storage.Champion
	dest := slices.Concat(checkinDest(&d.Checkin), dealDest(&d.Deal), championDest(&ch))
	dest = append(dest, text(&d.OwnerTZ), text(&d.ClaimedBy), unix(&d.ClaimedAt), boolean(&d.Uncertain), integer(&d.Missed))
	if err := s.Scan(dest...); err != nil {
		return err
	}
	if ch.ID != 0 {
		d.Champion = &ch
	}
	return nil
}

// MarkSent records that claimant posted check-in id's reminder as message
// ts in channel at at. ErrConflict if the claim was lost.
// The message is kept among those Long Game posted in the channel, so
// that it is hidden if the channel becomes shared.
func (db *DB) MarkSent(ctx context.Context, id int64, claimant, channel, ts string, at time.Time) error {
	err := db.write(ctx, func(ctx context.Context, tx *txn) error {
		err := fencedUpdate(ctx, tx, id, claimant, `delivery = 'sent', message_channel = ?, message_ts = ?, sent_at = ?,
			attempts = attempts + 1, next_attempt_at = NULL, delivery_error = '', post_uncertain = 0`,
			channel, ts, unixArg(at))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO posted_messages (team_id, channel_id, ts, deal_id, kind, posted_at)
			SELECT team_id, ?, ?, deal_id, 'checkin', ? FROM checkins WHERE id = ?
			ON CONFLICT DO NOTHING`, channel, ts, unixArg(at), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark check-in %d sent: %w", id, err)
	}
	return nil
}

// Release puts check-in id, claimed by claimant, back in the queue for a
// retry at next, counting the attempt and keeping reason. The post
// certainly did not happen (e.g. HTTP 429), so no reconciliation is needed.
// ErrConflict if the claim was lost.
func (db *DB) Release(ctx context.Context, id int64, claimant string, next time.Time, reason string) error {
	if err := db.release(ctx, id, claimant, next, reason, false); err != nil {
		return fmt.Errorf("release check-in %d: %w", id, err)
	}
	return nil
}

// ReleaseUncertain is Release after a post whose outcome is unknown (a 5xx,
// a timeout, a dropped connection): the check-in comes back Uncertain, and
// the dispatcher looks for the message in the channel's history before
// posting it again.
func (db *DB) ReleaseUncertain(ctx context.Context, id int64, claimant string, next time.Time, reason string) error {
	if err := db.release(ctx, id, claimant, next, reason, true); err != nil {
		return fmt.Errorf("release check-in %d: %w", id, err)
	}
	return nil
}

func (db *DB) release(ctx context.Context, id int64, claimant string, next time.Time, reason string, uncertain bool) error {
	if next.IsZero() {
		return storage.Invalidf("a retry needs a time")
	}
	// Times are whole seconds: a retry time is rounded up, so that a 429's
	// Retry-After is never cut short by the rounding.
	return db.fenced(ctx, id, claimant, `delivery = 'queued', claimed_by = NULL, claimed_at = NULL,
		next_attempt_at = ?, attempts = attempts + 1, delivery_error = ?, post_uncertain = ?`,
		unixArg(storage.RoundUp(next)), reason, boolArg(uncertain))
}

// Hold puts check-in id, claimed by claimant, back in the queue until
// until without counting an attempt: nothing was tried (e.g. the deal's
// channel already had its reminder of the day). ErrConflict if the claim
// was lost.
func (db *DB) Hold(ctx context.Context, id int64, claimant string, until time.Time) error {
	err := db.fenced(ctx, id, claimant, `delivery = 'queued', claimed_by = NULL, claimed_at = NULL, next_attempt_at = ?`,
		unixArg(storage.RoundUp(until)))
	if err != nil {
		return fmt.Errorf("hold check-in %d: %w", id, err)
	}
	return nil
}

// RenewClaim restarts claimant's claim of check-in id at now.
// ErrConflict if the claim was lost.
func (db *DB) RenewClaim(ctx context.Context, id int64, claimant string, now time.Time) error {
	if err := db.fenced(ctx, id, claimant, `claimed_at = ?`, unixArg(now)); err != nil {
		return fmt.Errorf("renew the claim of check-in %d: %w", id, err)
	}
	return nil
}

// MarkFailed records that the deal channel refused check-in id's reminder
// (errText says why, and is kept) and where it went instead: the owner's DM
// (dmChannel, dmTS), or nowhere when both are "". ErrConflict if the claim
// was lost.
func (db *DB) MarkFailed(ctx context.Context, id int64, claimant, errText, dmChannel, dmTS string) error {
	var sentAt any
	if dmTS != "" {
		sentAt = unixArg(db.now())
	}
	err := db.fenced(ctx, id, claimant, `delivery = 'failed', delivery_error = ?, message_channel = ?, message_ts = ?,
		sent_at = ?, attempts = attempts + 1, next_attempt_at = NULL, post_uncertain = 0`,
		errText, dmChannel, dmTS, sentAt)
	if err != nil {
		return fmt.Errorf("mark check-in %d failed: %w", id, err)
	}
	return nil
}

// fenced runs UPDATE checkins SET <set> on check-in id if claimant still
// holds its claim; else ErrConflict.
func (db *DB) fenced(ctx context.Context, id int64, claimant, set string, args ...any) error {
	return db.write(ctx, func(ctx context.Context, tx *txn) error {
		return fencedUpdate(ctx, tx, id, claimant, set, args...)
	})
}

func fencedUpdate(ctx context.Context, tx *txn, id int64, claimant, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, `UPDATE checkins SET `+set+` WHERE id = ? AND claimed_by = ? AND delivery = 'sending'`,
		append(args, id, claimant)...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("check-in %d is not claimed by %s: %w", id, claimant, storage.ErrConflict)
	}
	return nil
}

// Fold records that check-ins ids, claimed by claimant, are covered by the
// reminder of check-in into (of the same deal, also claimed by claimant):
// they get no message of their own. Check-ins folded earlier into one of
// ids now count against into. All or nothing: ErrConflict if any claim was
// lost.
func (db *DB) Fold(ctx context.Context, ids []int64, into int64, claimant string) error {
	err := db.write(ctx, func(ctx context.Context, tx *txn) error {
		return fold(ctx, tx, ids, into, claimant)
	})
	if err != nil {
		return fmt.Errorf("fold check-ins into %d: %w", into, err)
	}
	return nil
}

func fold(ctx context.Context, tx *txn, ids []int64, into int64, claimant string) error {
	if len(ids) == 0 {
		return nil
	}
	if slices.Contains(ids, into) {
		return storage.Invalidf("check-in %d cannot be folded into itself", into)
	}
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM checkins WHERE id = ? AND claimed_by = ? AND delivery = 'sending'`,
		into, claimant).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("check-in %d is not claimed by %s: %w", into, claimant, storage.ErrConflict)
	}
	list := jsonArray(ids)
	res, err := tx.ExecContext(ctx, `UPDATE checkins SET delivery = 'folded', folded_into = ?1, next_attempt_at = NULL,
			post_uncertain = 0
		WHERE id IN (SELECT value FROM json_each(?2)) AND claimed_by = ?3 AND delivery = 'sending'
			AND deal_id = (SELECT deal_id FROM checkins WHERE id = ?1)`, into, list, claimant)
	if err != nil {
		return err
	}
	if folded, err := res.RowsAffected(); err != nil {
		return err
	} else if int(folded) != len(slices.Compact(slices.Sorted(slices.Values(ids)))) {
		return fmt.Errorf("folding %d check-ins into %d: %d are claimed by %s: %w", len(ids), into, folded, claimant, storage.ErrConflict)
	}
	_, err = tx.ExecContext(ctx, `UPDATE checkins SET folded_into = ? WHERE folded_into IN (SELECT value FROM json_each(?))`,
		into, list)
	return err
}

// MissFolded marks missed the pending check-ins folded into check-in
// into: its reminder covered them, and they never happened.
func (db *DB) MissFolded(ctx context.Context, a storage.Actor, into int64) (int, error) {
	n, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (int, error) {
		return missFolded(ctx, tx, a, now, into)
	})
	if err != nil {
		return 0, fmt.Errorf("miss folded check-ins: %w", err)
	}
	return n, nil
}

func missFolded(ctx context.Context, tx *txn, a storage.Actor, now time.Time, into int64) (int, error) {
	if err := a.Validate(); err != nil {
		return 0, err
	}
	c, err := checkinByID(ctx, tx, a.TeamID, into)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE checkins SET status = 'missed', updated_by = ?, updated_at = ?
		WHERE team_id = ? AND folded_into = ? AND status = 'pending'`, a.UserID, unixArg(now), a.TeamID, into)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return 0, err
	}
	detail := map[string]any{"into": into, "count": n}
	if err := audit(ctx, tx, a, now, "checkin.missed", c.DealID, detail); err != nil {
		return 0, err
	}
	return int(n), nil
}
