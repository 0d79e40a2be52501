package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

const checkinCols = `c.id, c.team_id, c.deal_id, c.number, c.kind, c.due_offset, c.note, c.due_on, c.due_at, c.status,
	c.delivery, c.message_ts, c.message_channel, c.delivery_error, c.attempts, c.done_note,
	c.created_by, c.created_at, c.updated_by, c.updated_at`

func checkinDest(c *storage.Checkin) []any {
	return []any{integer(&c.ID), text(&c.TeamID), integer(&c.DealID), integer(&c.Number), text(&c.Kind), text(&c.Offset), text(&c.Note),
		date(&c.DueOn), ts(&c.DueAt), text(&c.Status),
		text(&c.Delivery), text(&c.MessageTS), text(&c.MessageChan), text(&c.DeliveryError), integer(&c.Attempts),
		text(&c.DoneNote), text(&c.CreatedBy), ts(&c.CreatedAt), text(&c.UpdatedBy), ts(&c.UpdatedAt)}
}

func scanCheckin(s rowScanner, c *storage.Checkin) error { return s.Scan(checkinDest(c)...) }

// AddCheckin schedules a check-in of one's own on a deal, numbered after
// the deal's last: one statement through the adder, as the other numbered
// adds.
func (db *DB) AddCheckin(ctx context.Context, a storage.Actor, c storage.NewCheckin) (storage.Checkin, error) {
	if err := a.Validate(); err != nil {
		return storage.Checkin{}, fmt.Errorf("add check-in: %w", err)
	}
	if err := c.Validate(); err != nil {
		return storage.Checkin{}, fmt.Errorf("add check-in: %w", err)
	}
	var ci storage.Checkin
	err := db.addNumbered(ctx, c.DealID, addCheckinQuery,
		append(checkinArgs(a, db.now(), c, 0), detail(map[string]any{"checkin": c})),
		func(r pgx.Row) error { return scanCheckin(r, &ci) }, nil, nil)
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("add check-in: %w", err)
	}
	return ci, nil
}

// checkinArgs are the arguments of insertCheckinQuery for c, tagged with
// the close that scheduled it (closeSeq, 0 for none).
func checkinArgs(a storage.Actor, now time.Time, c storage.NewCheckin, closeSeq int64) []any {
	c = c.WithDefaults()
	return []any{a.TeamID, c.DealID, c.Kind, c.Offset, c.Note, dateArg(c.DueOn), tsArg(c.DueAt), idArg(closeSeq),
		a.UserID, tsArg(now)}
}

// checkinInsert is the common table expression c that inserts a check-in
// into deal $2 of workspace $1 with the number n took (see numbered), from
// checkinArgs, and returns it.
const checkinInsert = `c AS (INSERT INTO checkins AS c (team_id, deal_id, number, kind, due_offset, note, due_on, due_at,
		close_seq, created_by, created_at, updated_by, updated_at)
	SELECT n.team_id, n.id, n.number, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10 FROM n
	RETURNING ` + checkinCols + `)`

var (
	// insertCheckinQuery adds a check-in to a deal, numbered after the
	// deal's last, and returns it; nothing when there is no such deal.
	insertCheckinQuery = `WITH ` + numbered("last_checkin") + `, ` + checkinInsert + ` SELECT * FROM c`
	// addCheckinQuery is insertCheckinQuery with its audit row, whose
	// detail is the JSON object $11 with the new check-in's id.
	addCheckinQuery = `WITH ` + numbered("last_checkin") + `, ` + checkinInsert + `,
		au AS (INSERT INTO audit (team_id, user_id, at, action, deal_id, detail)
			SELECT c.team_id, $9, $10, 'checkin.add', c.deal_id, $11::jsonb || jsonb_build_object('checkin_id', c.id) FROM c)
		SELECT * FROM c`
)

// insertCheckin inserts c in tx, tagged with the close that scheduled it
// (closeSeq, 0 for none).
func insertCheckin(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, c storage.NewCheckin, closeSeq int64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var ci storage.Checkin
	return found(scanCheckin(tx.QueryRow(ctx, insertCheckinQuery, checkinArgs(a, now, c, closeSeq)...), &ci),
		fmt.Sprintf("deal %d", c.DealID))
}

// DealCheckins lists all of a deal's check-ins, whatever their status, by
// due time.
func (db *DB) DealCheckins(ctx context.Context, teamID string, dealID int64) ([]storage.Checkin, error) {
	cs, err := read(ctx, db, func(q querier) ([]storage.Checkin, error) {
		return queryAll(ctx, q, scanCheckin, `SELECT `+checkinCols+` FROM checkins c
			WHERE c.team_id = $1 AND c.deal_id = $2 ORDER BY c.due_at, c.id`, teamID, dealID)
	})
	if err != nil {
		return nil, fmt.Errorf("deal check-ins: %w", err)
	}
	return cs, nil
}

// OwnerCheckinsDue lists the pending check-ins due before before (overdue
// ones included) of the deals ownerID owns, earliest first, leaving out
// those a later reminder covers (storage.Checkin.Covered).
func (db *DB) OwnerCheckinsDue(ctx context.Context, teamID, ownerID string, before time.Time) ([]storage.CheckinDue, error) {
	due, err := read(ctx, db, func(q querier) ([]storage.CheckinDue, error) {
		return queryAll(ctx, q, scanCheckinDue, `SELECT `+checkinCols+`, `+dealCols+`
			FROM checkins c JOIN deals d ON d.team_id = c.team_id AND d.id = c.deal_id
			WHERE c.team_id = $1 AND d.owner_id = $2 AND c.status = 'pending' AND c.delivery <> 'folded' AND c.due_at < $3
			ORDER BY c.due_at, c.id`, teamID, ownerID, tsArg(before))
	})
	if err != nil {
		return nil, fmt.Errorf("check-ins due: %w", err)
	}
	return due, nil
}

func scanCheckinDue(s rowScanner, cd *storage.CheckinDue) error {
	return s.Scan(append(checkinDest(&cd.Checkin), dealDest(&cd.Deal)...)...)
}

// NextPendingCheckin is a deal's pending check-in due first, leaving out
// those a later reminder covers.
func (db *DB) NextPendingCheckin(ctx context.Context, teamID string, dealID int64) (storage.Checkin, error) {
	c, err := read(ctx, db, func(q querier) (storage.Checkin, error) {
		var c storage.Checkin
		err := scanCheckin(q.QueryRow(ctx, `SELECT `+checkinCols+` FROM checkins c
			WHERE c.team_id = $1 AND c.deal_id = $2 AND c.status = 'pending' AND c.delivery <> 'folded'
			ORDER BY c.due_at, c.id LIMIT 1`, teamID, dealID), &c)
		return c, found(err, fmt.Sprintf("pending check-in of deal %d", dealID))
	})
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("next check-in: %w", err)
	}
	return c, nil
}

// CheckinByID is check-in id of the workspace.
func (db *DB) CheckinByID(ctx context.Context, teamID string, id int64) (storage.Checkin, error) {
	c, err := read(ctx, db, func(q querier) (storage.Checkin, error) { return checkinByID(ctx, q, teamID, id) })
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("check-in by id: %w", err)
	}
	return c, nil
}

func checkinByID(ctx context.Context, q querier, teamID string, id int64) (storage.Checkin, error) {
	var c storage.Checkin
	err := scanCheckin(q.QueryRow(ctx, `SELECT `+checkinCols+` FROM checkins c
		WHERE c.team_id = $1 AND c.id = $2`, teamID, id), &c)
	if err != nil {
		return storage.Checkin{}, found(err, fmt.Sprintf("check-in %d", id))
	}
	return c, nil
}

// CheckinByNumber is check-in #number of a deal.
func (db *DB) CheckinByNumber(ctx context.Context, teamID string, dealID int64, number int) (storage.Checkin, error) {
	c, err := read(ctx, db, func(q querier) (storage.Checkin, error) {
		var c storage.Checkin
		err := scanCheckin(q.QueryRow(ctx, `SELECT `+checkinCols+` FROM checkins c
			WHERE c.team_id = $1 AND c.deal_id = $2 AND c.number = $3`, teamID, dealID, number), &c)
		return c, found(err, fmt.Sprintf("check-in #%d", number))
	})
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("check-in by number: %w", err)
	}
	return c, nil
}

// pendingCheckin is check-in id, locked, which must be pending (else
// ErrConflict).
func pendingCheckin(ctx context.Context, q querier, teamID string, id int64) (storage.Checkin, error) {
	var c storage.Checkin
	err := scanCheckin(q.QueryRow(ctx, `SELECT `+checkinCols+` FROM checkins c
		WHERE c.team_id = $1 AND c.id = $2 FOR NO KEY UPDATE`, teamID, id), &c)
	if err != nil {
		return storage.Checkin{}, found(err, fmt.Sprintf("check-in %d", id))
	}
	if c.Status != storage.CheckinPending {
		return storage.Checkin{}, fmt.Errorf("check-in %d is %s: %w", id, c.Status, storage.ErrConflict)
	}
	return c, nil
}

// FinishCheckin marks a pending check-in done or skipped, with a note. It
// touches no other check-in. ErrConflict if it is not pending.
func (db *DB) FinishCheckin(ctx context.Context, a storage.Actor, checkinID int64, s storage.CheckinStatus, note string) (storage.Checkin, error) {
	if err := a.Validate(); err != nil {
		return storage.Checkin{}, fmt.Errorf("finish check-in: %w", err)
	}
	if err := storage.ValidateFinish(s); err != nil {
		return storage.Checkin{}, fmt.Errorf("finish check-in: %w", err)
	}
	c, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Checkin, error) {
		c, err := pendingCheckin(ctx, tx, a.TeamID, checkinID)
		if err != nil {
			return storage.Checkin{}, err
		}
		err = scanCheckin(tx.QueryRow(ctx, `UPDATE checkins c SET status = $1, done_note = $2, updated_by = $3, updated_at = $4
			WHERE c.team_id = $5 AND c.id = $6 RETURNING `+checkinCols, s, note, a.UserID, tsArg(now), a.TeamID, checkinID), &c)
		if err != nil {
			return storage.Checkin{}, err
		}
		detail := map[string]any{"checkin_id": checkinID, "status": s, "note": note}
		return c, audit(ctx, tx, a, now, "checkin.finish", c.DealID, detail)
	})
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("finish check-in: %w", err)
	}
	return c, nil
}

// SnoozeCheckin moves one pending check-in to dueAt (dueOn zero means
// dueAt's date in UTC) and queues its reminder to be announced again. The
// rest of the series stays where it is. ErrConflict if it is not pending.
func (db *DB) SnoozeCheckin(ctx context.Context, a storage.Actor, checkinID int64, dueOn, dueAt time.Time) (storage.Checkin, error) {
	if err := a.Validate(); err != nil {
		return storage.Checkin{}, fmt.Errorf("snooze check-in: %w", err)
	}
	if err := storage.ValidateDue(dueAt); err != nil {
		return storage.Checkin{}, fmt.Errorf("snooze check-in: %w", err)
	}
	dueOn = storage.DueOn(dueOn, dueAt)
	c, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Checkin, error) {
		c, err := pendingCheckin(ctx, tx, a.TeamID, checkinID)
		if err != nil {
			return storage.Checkin{}, err
		}
		// Back to queued, with the dispatcher's claim and retry state
		// cleared: a send in flight loses its fence and the reminder goes
		// out at dueAt.
		err = scanCheckin(tx.QueryRow(ctx, `UPDATE checkins c SET due_on = $1, due_at = $2, delivery = 'queued',
			claimed_by = NULL, claimed_at = NULL, attempts = 0, next_attempt_at = NULL, folded_into = NULL,
			sent_at = NULL, delivery_error = '', updated_by = $3, updated_at = $4
			WHERE c.team_id = $5 AND c.id = $6 RETURNING `+checkinCols,
			dateArg(dueOn), tsArg(dueAt), a.UserID, tsArg(now), a.TeamID, checkinID), &c)
		if err != nil {
			return storage.Checkin{}, err
		}
		detail := map[string]any{"checkin_id": checkinID, "due_on": dateText(dueOn), "due_at": dueAt.Unix()}
		return c, audit(ctx, tx, a, now, "checkin.snooze", c.DealID, detail)
	})
	if err != nil {
		return storage.Checkin{}, fmt.Errorf("snooze check-in: %w", err)
	}
	return c, nil
}
