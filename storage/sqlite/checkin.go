package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

const checkinCols = `c.id, c.team_id, c.deal_id, c.number, c.kind, c.due_offset, c.note, c.due_on, c.due_at, c.status,
	c.delivery, c.message_ts, c.message_channel, c.delivery_error, c.attempts, c.done_note,
	c.created_by, c.created_at, c.updated_by, c.updated_at`

func checkinDest(c *storage.Checkin) []any {
	return []any{integer(&c.ID), text(&c.TeamID), integer(&c.DealID), integer(&c.Number), text(&c.Kind), text(&c.Offset), text(&c.Note),
		date(&c.DueOn), unix(&c.DueAt), text(&c.Status),
		text(&c.Delivery), text(&c.MessageTS), text(&c.MessageChan), text(&c.DeliveryError), integer(&c.Attempts),
		text(&c.DoneNote), text(&c.CreatedBy), unix(&c.CreatedAt), text(&c.UpdatedBy), unix(&c.UpdatedAt)}
}

func scanCheckin(s rowScanner, c *storage.Checkin) error { return s.Scan(checkinDest(c)...) }

// AddCheckin schedules a check-in of one's own on a deal.
func (db *DB) AddCheckin(ctx context.Context, a storage.Actor, c storage.NewCheckin) (storage.Checkin, error) {
	ci, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Checkin, error) {
		return addCheckin(ctx, tx, a, now, c)
	})
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("add check-in: %w", err)
	}
	return ci, nil
}

func addCheckin(ctx context.Context, tx *txn, a storage.Actor, now time.Time, c storage.NewCheckin) (storage.Checkin, error) {
	if err := a.Validate(); err != nil {
		return storage.Checkin{}, err
	}
	if _, err := dealByID(ctx, tx, a.TeamID, c.DealID); err != nil {
		return storage.Checkin{}, err
	}
	id, err := insertCheckin(ctx, tx, a, now, c, 0)
	if err != nil {
		return storage.Checkin{}, err
	}
	if err := audit(ctx, tx, a, now, "checkin.add", c.DealID, map[string]any{"checkin_id": id, "checkin": c}); err != nil {
		return storage.Checkin{}, err
	}
	return checkinByID(ctx, tx, a.TeamID, id)
}

// insertCheckin inserts c, tagged with the close that scheduled it
// (closeSeq, 0 for none).
func insertCheckin(ctx context.Context, tx *txn, a storage.Actor, now time.Time, c storage.NewCheckin, closeSeq int64) (int64, error) {
	if err := c.Validate(); err != nil {
		return 0, err
	}
	c = c.WithDefaults()
	res, err := tx.ExecContext(ctx, `INSERT INTO checkins (team_id, deal_id, number, kind, due_offset, note, due_on, due_at,
		close_seq, created_by, created_at, updated_by, updated_at)
		SELECT d.team_id, d.id, `+nextNumber("checkins")+`, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10
		FROM deals d WHERE d.team_id = ?1 AND d.id = ?2`,
		a.TeamID, c.DealID, c.Kind, c.Offset, c.Note, dateArg(c.DueOn), unixArg(c.DueAt), idArg(closeSeq),
		a.UserID, unixArg(now))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// DealCheckins lists all of a deal's check-ins, whatever their status, by
// due time.
func (db *DB) DealCheckins(ctx context.Context, teamID string, dealID int64) ([]storage.Checkin, error) {
	cs, err := queryAll(ctx, db.read, scanCheckin, `SELECT `+checkinCols+` FROM checkins c
		WHERE c.team_id = ? AND c.deal_id = ? ORDER BY c.due_at, c.id`, teamID, dealID)
	if err != nil {
		return nil, fmt.Errorf("deal check-ins: %w", err)
	}
	return cs, nil
}

// OwnerCheckinsDue lists the pending check-ins due before before (overdue
// ones included) of the deals ownerID owns, earliest first.
func (db *DB) OwnerCheckinsDue(ctx context.Context, teamID, ownerID string, before time.Time) ([]storage.CheckinDue, error) {
	due, err := queryAll(ctx, db.read, scanCheckinDue, `SELECT `+checkinCols+`, `+dealCols+`
		FROM checkins c JOIN deals d ON d.team_id = c.team_id AND d.id = c.deal_id
		WHERE c.team_id = ? AND d.owner_id = ? AND c.status = 'pending' AND c.delivery <> 'folded' AND c.due_at < ?
		ORDER BY c.due_at, c.id`, teamID, ownerID, unixArg(before))
	if err != nil {
		return nil, fmt.Errorf("check-ins due: %w", err)
	}
	return due, nil
}

func scanCheckinDue(s rowScanner, cd *storage.CheckinDue) error {
	return s.Scan(append(checkinDest(&cd.Checkin), dealDest(&cd.Deal)...)...)
}

// NextPendingCheckin is a deal's pending check-in due first.
func (db *DB) NextPendingCheckin(ctx context.Context, teamID string, dealID int64) (storage.Checkin, error) {
	var c storage.Checkin
	err := scanCheckin(db.read.QueryRowContext(ctx, `SELECT `+checkinCols+` FROM checkins c
		WHERE c.team_id = ? AND c.deal_id = ? AND c.status = 'pending' AND c.delivery <> 'folded'
		ORDER BY c.due_at, c.id LIMIT 1`, teamID, dealID), &c)
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("next check-in: %w", found(err, fmt.Sprintf("pending check-in of deal %d", dealID)))
	}
	return c, nil
}

// CheckinByID is check-in id of the workspace.
func (db *DB) CheckinByID(ctx context.Context, teamID string, id int64) (storage.Checkin, error) {
	c, err := checkinByID(ctx, db.read, teamID, id)
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("check-in by id: %w", err)
	}
	return c, nil
}

func checkinByID(ctx context.Context, q querier, teamID string, id int64) (storage.Checkin, error) {
	var c storage.Checkin
	err := scanCheckin(q.QueryRowContext(ctx, `SELECT `+checkinCols+` FROM checkins c
		WHERE c.team_id = ? AND c.id = ?`, teamID, id), &c)
	if err != nil {
		return storage.Checkin{}, found(err, fmt.Sprintf("check-in %d", id))
	}
	return c, nil
}

// CheckinByNumber is check-in #number of a deal.
func (db *DB) CheckinByNumber(ctx context.Context, teamID string, dealID int64, number int) (storage.Checkin, error) {
	var c storage.Checkin
	err := scanCheckin(db.read.QueryRowContext(ctx, `SELECT `+checkinCols+` FROM checkins c
		WHERE c.team_id = ? AND c.deal_id = ? AND c.number = ?`, teamID, dealID, number), &c)
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("check-in by number: %w", found(err, fmt.Sprintf("check-in #%d", number)))
	}
	return c, nil
}

// pendingCheckin is check-in id, which must be pending (else ErrConflict).
func pendingCheckin(ctx context.Context, q querier, teamID string, id int64) (storage.Checkin, error) {
	c, err := checkinByID(ctx, q, teamID, id)
	if err != nil {
		return storage.Checkin{}, err
	}
	if c.Status != storage.CheckinPending {
		return storage.Checkin{}, fmt.Errorf("check-in %d is %s: %w", id, c.Status, storage.ErrConflict)
	}
	return c, nil
}

// FinishCheckin marks a pending check-in done or skipped, with a note. It
// touches no other check-in. ErrConflict if it is not pending.
func (db *DB) FinishCheckin(ctx context.Context, a storage.Actor, checkinID int64, s storage.CheckinStatus, note string) (storage.Checkin, error) {
	c, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Checkin, error) {
		return finishCheckin(ctx, tx, a, now, checkinID, s, note)
	})
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("finish check-in: %w", err)
	}
	return c, nil
}

func finishCheckin(ctx context.Context, tx *txn, a storage.Actor, now time.Time, id int64, s storage.CheckinStatus, note string) (storage.Checkin, error) {
	if err := a.Validate(); err != nil {
		return storage.Checkin{}, err
	}
	if s != storage.CheckinDone && s != storage.CheckinSkipped {
		return storage.Checkin{}, storage.Invalidf("a check-in finishes done or skipped, not %q", s)
	}
	c, err := pendingCheckin(ctx, tx, a.TeamID, id)
	if err != nil {
		return storage.Checkin{}, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE checkins SET status = ?, done_note = ?, updated_by = ?, updated_at = ?
		WHERE team_id = ? AND id = ?`, s, note, a.UserID, unixArg(now), a.TeamID, id)
	if err != nil {
		return storage.Checkin{}, err
	}
	detail := map[string]any{"checkin_id": id, "status": s, "note": note}
	if err := audit(ctx, tx, a, now, "checkin.finish", c.DealID, detail); err != nil {
		return storage.Checkin{}, err
	}
	return checkinByID(ctx, tx, a.TeamID, id)
}

// SnoozeCheckin moves one pending check-in to dueAt (dueOn zero means
// dueAt's date in UTC) and queues its reminder to be announced again. The
// rest of the series stays where it is. ErrConflict if it is not pending.
func (db *DB) SnoozeCheckin(ctx context.Context, a storage.Actor, checkinID int64, dueOn, dueAt time.Time) (storage.Checkin, error) {
	c, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Checkin, error) {
		return snoozeCheckin(ctx, tx, a, now, checkinID, dueOn, dueAt)
	})
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("snooze check-in: %w", err)
	}
	return c, nil
}

func snoozeCheckin(ctx context.Context, tx *txn, a storage.Actor, now time.Time, id int64, dueOn, dueAt time.Time) (storage.Checkin, error) {
	if err := a.Validate(); err != nil {
		return storage.Checkin{}, err
	}
	if err := storage.ValidateDue(dueAt); err != nil {
		return storage.Checkin{}, err
	}
	dueOn = storage.DueOn(dueOn, dueAt)
	c, err := pendingCheckin(ctx, tx, a.TeamID, id)
	if err != nil {
		return storage.Checkin{}, err
	}
	// Back to queued, with the dispatcher's claim and retry state cleared: a
	// send in flight loses its fence and the reminder goes out at dueAt.
	_, err = tx.ExecContext(ctx, `UPDATE checkins SET due_on = ?, due_at = ?, delivery = 'queued',
		claimed_by = NULL, claimed_at = NULL, attempts = 0, next_attempt_at = NULL, folded_into = NULL,
		sent_at = NULL, delivery_error = '', updated_by = ?, updated_at = ?
		WHERE team_id = ? AND id = ?`, dateArg(dueOn), unixArg(dueAt), a.UserID, unixArg(now), a.TeamID, id)
	if err != nil {
		return storage.Checkin{}, err
	}
	detail := map[string]any{"checkin_id": id, "due_on": dateArg(dueOn), "due_at": unixArg(dueAt)}
	if err := audit(ctx, tx, a, now, "checkin.snooze", c.DealID, detail); err != nil {
		return storage.Checkin{}, err
	}
	return checkinByID(ctx, tx, a.TeamID, id)
}
