package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// The dispatcher's side of a check-in (see package reminders): a queued
// reminder is claimed (delivery "sending", claimed_by, claimed_at), posted,
// then marked sent, folded, released for a retry, or failed. Every write
// after the claim is fenced on it — WHERE claimed_by = $ AND delivery =
// 'sending' — so a dispatcher whose claim was taken over (after a crash, a
// snooze, a lease that ran out) cannot overwrite what another one recorded:
// such a write fails with ErrConflict. A fenced UPDATE waits for the row
// lock of a concurrent one and then checks the fence on the row as that one
// left it.

// claimable is the condition of a check-in c whose reminder may be claimed
// at $2: pending, queued, due, and not waiting for a retry. The expression
// is the checkins_claimable index's.
const claimable = `c.delivery = 'queued' AND c.status = 'pending' AND GREATEST(c.due_at, c.next_attempt_at) <= $2`

// claimQuery claims, for claimant $1 at $2, the $3 oldest claimable
// check-ins and every other claimable check-in of their deals, so that one
// message can cover a deal's overdue check-ins. Both steps lock with FOR
// UPDATE SKIP LOCKED: a row another dispatcher is claiming is skipped, not
// waited for, and a row it claimed and committed meanwhile is checked again
// as it now stands (no longer queued), so two dispatchers never claim one
// check-in, and never wait on each other. Two dispatchers claiming at the
// same instant may split one deal's check-ins between them; the daily cap
// (TakeReminderDay) then holds the second part back.
const claimQuery = `WITH picked AS MATERIALIZED (
		SELECT c.id, c.team_id, c.deal_id FROM checkins c WHERE ` + claimable + `
		ORDER BY GREATEST(c.due_at, c.next_attempt_at), c.id
		LIMIT $3
		FOR UPDATE SKIP LOCKED),
	deal_rest AS MATERIALIZED (
		SELECT c.id FROM checkins c
		WHERE (c.team_id, c.deal_id) IN (SELECT team_id, deal_id FROM picked) AND c.id NOT IN (SELECT id FROM picked)
			AND ` + claimable + `
		FOR UPDATE SKIP LOCKED)
	UPDATE checkins SET delivery = 'sending', claimed_by = $1, claimed_at = $2
	WHERE id IN (SELECT id FROM picked UNION ALL SELECT id FROM deal_rest)
	RETURNING id`

// ClaimDue atomically moves the reminders that are due at now — pending,
// queued, due_at and next_attempt_at (if any) not after now — to "sending",
// claimed by claimant, across all workspaces. It takes the deals of the
// limit oldest ones, and all their claimable check-ins, so it may return a
// few more than limit. They come with their deal, champion and open risks,
// oldest first.
func (db *DB) ClaimDue(ctx context.Context, claimant string, now time.Time, limit int) ([]storage.DueCheckin, error) {
	if err := storage.ValidateClaim(claimant, limit); err != nil {
		return nil, fmt.Errorf("claim due check-ins: %w", err)
	}
	due, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, _ time.Time) ([]storage.DueCheckin, error) {
		ids, err := queryAll(ctx, tx, scanID, claimQuery, claimant, tsArg(now), limit)
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
// are no longer pending are simply dropped back to "queued". Two replicas
// reclaiming at once take different reminders (SKIP LOCKED).
func (db *DB) ReclaimStuck(ctx context.Context, claimant string, now, olderThan time.Time, limit int) ([]storage.DueCheckin, error) {
	if err := storage.ValidateClaim(claimant, limit); err != nil {
		return nil, fmt.Errorf("reclaim stuck check-ins: %w", err)
	}
	due, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, _ time.Time) ([]storage.DueCheckin, error) {
		_, err := tx.Exec(ctx, `UPDATE checkins SET delivery = 'queued', claimed_by = NULL, claimed_at = NULL
			WHERE delivery = 'sending' AND status <> 'pending' AND claimed_at < $1`, tsArg(olderThan))
		if err != nil {
			return nil, err
		}
		ids, err := queryAll(ctx, tx, scanID, `UPDATE checkins SET claimed_by = $1, claimed_at = $2, post_uncertain = true
			WHERE id IN (SELECT id FROM checkins WHERE delivery = 'sending' AND claimed_at < $3
				ORDER BY claimed_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
			RETURNING id`, claimant, tsArg(now), tsArg(olderThan), limit)
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
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		ids, err := queryAll(ctx, tx, scanID, `SELECT id FROM checkins WHERE delivery = 'sending' AND claimed_at < $1
			ORDER BY claimed_at, id`, tsArg(olderThan))
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

// dueCheckinQuery reads the check-ins whose ids are in $1, with their deal,
// champion, owner's time zone, claim and missed count.
const dueCheckinQuery = `SELECT ` + checkinCols + `, ` + dealCols + `, ` + championCols + `,
		COALESCE(up.tz, ''), c.claimed_by, c.claimed_at, c.post_uncertain,
		(SELECT COUNT(*) FROM checkins f WHERE f.folded_into = c.id AND f.status = 'pending')
	FROM checkins c
	JOIN deals d ON d.team_id = c.team_id AND d.id = c.deal_id
	LEFT JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
	LEFT JOIN user_prefs up ON up.team_id = d.team_id AND up.user_id = d.owner_id
	WHERE c.id = ANY($1::bigint[])
	ORDER BY c.due_at, c.id`

// dealRiskQuery reads, for each deal whose id is in $1, its first $2 open
// risks, whenever they were flagged, most severe first then by number,
// each with how many open risks the deal has: per deal, through the
// risks_open_by_rank index.
const dealRiskQuery = `SELECT ` + riskCols + `, t.open
	FROM deals d
	CROSS JOIN LATERAL (SELECT COALESCE(SUM(n), 0) AS open FROM risk_tallies
		WHERE team_id = d.team_id AND deal_id = d.id) t
	CROSS JOIN LATERAL (SELECT * FROM risks r
		WHERE r.team_id = d.team_id AND r.deal_id = d.id AND r.status = 'open'
		ORDER BY r.severity_rank, r.number LIMIT $2) r
	WHERE d.id = ANY($1::bigint[])
	ORDER BY d.id, r.severity_rank, r.number`

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
	due, err := queryAll(ctx, q, scanDueCheckin, dueCheckinQuery, ids)
	if err != nil {
		return nil, err
	}
	var dealIDs []int64
	for _, d := range due {
		dealIDs = append(dealIDs, d.Deal.ID)
	}
	slices.Sort(dealIDs)
	risks, err := queryAll(ctx, q, scanDueRisk, dealRiskQuery, slices.Compact(dealIDs), storage.MaxDueRisks)
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
	dest = append(dest, text(&d.OwnerTZ), text(&d.ClaimedBy), ts(&d.ClaimedAt), boolean(&d.Uncertain), integer(&d.Missed))
	if err := s.Scan(dest...); err != nil {
		return err
	}
	if ch.ID != 0 {
		d.Champion = &ch
	}
	return nil
}

// MarkSent records that claimant posted check-in id's reminder as message
// ts in channel at at. ErrConflict if the claim was lost. The message is
// kept among those Long Game posted in the channel, so that it is hidden if
// the channel becomes shared: one statement does both.
func (db *DB) MarkSent(ctx context.Context, id int64, claimant, channel, ts string, at time.Time) error {
	err := db.markCheckin(ctx, id, claimant, `WITH sent AS (
				UPDATE checkins SET delivery = 'sent', message_channel = $3, message_ts = $4, sent_at = $5,
					attempts = attempts + 1, next_attempt_at = NULL, delivery_error = '', post_uncertain = false
				WHERE id = $1 AND claimed_by = $2 AND delivery = 'sending'
				RETURNING id, team_id, deal_id),
			kept AS (
				INSERT INTO posted_messages (team_id, channel_id, ts, deal_id, kind, posted_at)
				SELECT team_id, $3, $4, deal_id, 'checkin', $5 FROM sent
				ON CONFLICT DO NOTHING)
			SELECT id FROM sent`, []any{id, claimant, channel, ts, tsArg(at)}, nil)
	if err != nil {
		return fmt.Errorf("mark check-in %d sent: %w", id, err)
	}
	return nil
}

// lostClaim is ErrConflict when a fenced write changed no row (n).
func lostClaim(n int, id int64, claimant string) error {
	if n == 0 {
		return fmt.Errorf("check-in %d is not claimed by %s: %w", id, claimant, storage.ErrConflict)
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
		next_attempt_at = $3, attempts = attempts + 1, delivery_error = $4, post_uncertain = $5`,
		tsArg(storage.RoundUp(next)), reason, uncertain)
}

// Hold puts check-in id, claimed by claimant, back in the queue until
// until without counting an attempt: nothing was tried (e.g. the deal's
// channel already had its reminder of the day). ErrConflict if the claim
// was lost.
func (db *DB) Hold(ctx context.Context, id int64, claimant string, until time.Time) error {
	err := db.fenced(ctx, id, claimant, `delivery = 'queued', claimed_by = NULL, claimed_at = NULL, next_attempt_at = $3`,
		tsArg(storage.RoundUp(until)))
	if err != nil {
		return fmt.Errorf("hold check-in %d: %w", id, err)
	}
	return nil
}

// RenewClaim restarts claimant's claim of check-in id at now.
// ErrConflict if the claim was lost.
func (db *DB) RenewClaim(ctx context.Context, id int64, claimant string, now time.Time) error {
	if err := db.fenced(ctx, id, claimant, `claimed_at = $3`, tsArg(now)); err != nil {
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
		sentAt = tsArg(db.now())
	}
	err := db.fenced(ctx, id, claimant, `delivery = 'failed', delivery_error = $3, message_channel = $4, message_ts = $5,
		sent_at = $6, attempts = attempts + 1, next_attempt_at = NULL, post_uncertain = false`,
		errText, dmChannel, dmTS, sentAt)
	if err != nil {
		return fmt.Errorf("mark check-in %d failed: %w", id, err)
	}
	return nil
}

// fenced runs UPDATE checkins SET <set> (its arguments from $3) on
// check-in id ($1) if claimant ($2) still holds its claim; else
// ErrConflict. One statement, committed with the others waiting.
func (db *DB) fenced(ctx context.Context, id int64, claimant, set string, args ...any) error {
	return db.markCheckin(ctx, id, claimant,
		`UPDATE checkins SET `+set+` WHERE id = $1 AND claimed_by = $2 AND delivery = 'sending' RETURNING id`,
		append([]any{id, claimant}, args...), nil)
}

// Fold records that check-ins ids, claimed by claimant, are covered by the
// reminder of check-in into (of the same deal, also claimed by claimant):
// they get no message of their own. Check-ins folded earlier into one of
// ids now count against into. All or nothing: ErrConflict if any claim was
// lost.
func (db *DB) Fold(ctx context.Context, ids []int64, into int64, claimant string) error {
	if len(ids) == 0 {
		return nil
	}
	if slices.Contains(ids, into) {
		return fmt.Errorf("fold check-ins into %d: %w", into, storage.Invalidf("check-in %d cannot be folded into itself", into))
	}
	err := db.write(ctx, func(ctx context.Context, tx pgx.Tx, _ time.Time) error {
		return fold(ctx, tx, ids, into, claimant)
	})
	if err != nil {
		return fmt.Errorf("fold check-ins into %d: %w", into, err)
	}
	return nil
}

func fold(ctx context.Context, tx pgx.Tx, ids []int64, into int64, claimant string) error {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM checkins WHERE id = $1 AND claimed_by = $2 AND delivery = 'sending'`,
		into, claimant).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("check-in %d is not claimed by %s: %w", into, claimant, storage.ErrConflict)
	}
	tag, err := tx.Exec(ctx, `UPDATE checkins SET delivery = 'folded', folded_into = $1, next_attempt_at = NULL,
			post_uncertain = false
		WHERE id = ANY($2::bigint[]) AND claimed_by = $3 AND delivery = 'sending'
			AND deal_id = (SELECT deal_id FROM checkins WHERE id = $1)`, into, ids, claimant)
	if err != nil {
		return err
	}
	if folded, want := tag.RowsAffected(), len(slices.Compact(slices.Sorted(slices.Values(ids)))); int(folded) != want {
		return fmt.Errorf("folding %d check-ins into %d: %d are claimed by %s: %w", len(ids), into, folded, claimant, storage.ErrConflict)
	}
	_, err = tx.Exec(ctx, `UPDATE checkins SET folded_into = $1 WHERE folded_into = ANY($2::bigint[])`, into, ids)
	return err
}

// MissFolded marks missed the pending check-ins folded into check-in
// into: its reminder covered them, and they never happened, whatever
// became of into.
func (db *DB) MissFolded(ctx context.Context, a storage.Actor, into int64) (int, error) {
	if err := a.Validate(); err != nil {
		return 0, fmt.Errorf("miss folded check-ins: %w", err)
	}
	n, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (int, error) {
		c, err := checkinByID(ctx, tx, a.TeamID, into)
		if err != nil {
			return 0, err
		}
		tag, err := tx.Exec(ctx, `UPDATE checkins SET status = 'missed', updated_by = $1, updated_at = $2
			WHERE team_id = $3 AND folded_into = $4 AND status = 'pending'`, a.UserID, tsArg(now), a.TeamID, into)
		if err != nil {
			return 0, err
		}
		n := tag.RowsAffected()
		if n == 0 {
			return 0, nil
		}
		return int(n), audit(ctx, tx, a, now, "checkin.missed", c.DealID, map[string]any{"into": into, "count": n})
	})
	if err != nil {
		return 0, fmt.Errorf("miss folded check-ins: %w", err)
	}
	return n, nil
}
