package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/longgame/longgame/storage"
)

const dealCols = `d.id, d.team_id, d.channel_id, d.name, d.stage, d.owner_id,
	d.value_minor, d.currency, d.expected_close, d.closed_on, d.closed_at, d.lost_reason,
	d.favored, d.champion_left, d.champion_id, d.budget, d.created_by, d.created_at, d.updated_by, d.updated_at`

func dealDest(d *storage.Deal) []any {
	return []any{integer(&d.ID), text(&d.TeamID), text(&d.ChannelID), text(&d.Name), text(&d.Stage), text(&d.OwnerID),
		integer(&d.Value.Minor), text(&d.Value.Currency), date(&d.ExpectedClose), date(&d.ClosedOn), unix(&d.ClosedAt), text(&d.LostReason),
		text(&d.Favored), text(&d.ChampionLeft), integer(&d.ChampionID), integer(&d.Budget), text(&d.CreatedBy), unix(&d.CreatedAt), text(&d.UpdatedBy), unix(&d.UpdatedAt)}
}

func scanDeal(s rowScanner, d *storage.Deal) error { return s.Scan(dealDest(d)...) }

// OpenDeal makes channel n.ChannelID a deal's home, recording the workspace
// if it is new. ErrConflict if the channel already has a deal.
func (db *DB) OpenDeal(ctx context.Context, a storage.Actor, n storage.NewDeal) (storage.Deal, error) {
	d, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Deal, error) {
		return openDeal(ctx, tx, a, now, n)
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("open deal: %w", err)
	}
	return d, nil
}

func openDeal(ctx context.Context, tx *txn, a storage.Actor, now time.Time, n storage.NewDeal) (storage.Deal, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, err
	}
	if err := n.Validate(); err != nil {
		return storage.Deal{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO workspaces (team_id, created_at) VALUES (?, ?)
		ON CONFLICT DO NOTHING`, a.TeamID, unixArg(now)); err != nil {
		return storage.Deal{}, err
	}
	minor, currency := moneyArgs(n.Value)
	res, err := tx.ExecContext(ctx, `INSERT INTO deals (team_id, channel_id, name, owner_id, value_minor, currency,
		expected_close, budget, created_by, created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.TeamID, n.ChannelID, n.Name, n.OwnerID, minor, currency, dateArg(n.ExpectedClose), n.Budget,
		a.UserID, unixArg(now), a.UserID, unixArg(now))
	if isUnique(err) {
		return storage.Deal{}, fmt.Errorf("channel %s already has a deal: %w", n.ChannelID, storage.ErrConflict)
	} else if err != nil {
		return storage.Deal{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return storage.Deal{}, err
	}
	if err := audit(ctx, tx, a, now, "deal.open", id, n); err != nil {
		return storage.Deal{}, err
	}
	return dealByID(ctx, tx, a.TeamID, id)
}

// moneyArgs stores m as (value_minor, currency), both NULL when zero.
func moneyArgs(m storage.Money) (any, any) {
	if m.IsZero() {
		return nil, nil
	}
	return m.Minor, m.Currency
}

// DealByChannel is the deal whose home is channelID.
func (db *DB) DealByChannel(ctx context.Context, teamID, channelID string) (storage.Deal, error) {
	key := channelKey{teamID, channelID}
	if d, ok := db.cache.deal(key); ok {
		return d, nil
	}
	gen := db.cache.dealsGeneration()
	var d storage.Deal
	err := scanDeal(db.read.QueryRowContext(ctx, dealByChannelQuery, teamID, channelID), &d)
	if err != nil {
		return storage.Deal{}, fmt.Errorf("deal by channel: %w", found(err, "deal in channel "+channelID))
	}
	db.cache.putDeal(key, gen, d)
	return d, nil
}

// dealByChannelQuery reads the deal of channel ?2 of workspace ?1: every
// command starts with it (ready.go prepares it on each read connection).
const dealByChannelQuery = `SELECT ` + dealCols + ` FROM deals d WHERE d.team_id = ? AND d.channel_id = ?`

// DealByID is deal id of the workspace.
func (db *DB) DealByID(ctx context.Context, teamID string, id int64) (storage.Deal, error) {
	d, err := dealByID(ctx, db.read, teamID, id)
	if err != nil {
		return storage.Deal{}, fmt.Errorf("deal by id: %w", err)
	}
	return d, nil
}

func dealByID(ctx context.Context, q querier, teamID string, id int64) (storage.Deal, error) {
	var d storage.Deal
	err := scanDeal(q.QueryRowContext(ctx, `SELECT `+dealCols+` FROM deals d
		WHERE d.team_id = ? AND d.id = ?`, teamID, id), &d)
	if err != nil {
		return storage.Deal{}, found(err, fmt.Sprintf("deal %d", id))
	}
	return d, nil
}

// UpdateDeal applies c to a deal. With nothing to change it writes nothing.
func (db *DB) UpdateDeal(ctx context.Context, a storage.Actor, dealID int64, c storage.DealChanges) (storage.Deal, error) {
	d, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Deal, error) {
		return updateDeal(ctx, tx, a, now, dealID, c)
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("update deal: %w", err)
	}
	return d, nil
}

func updateDeal(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, c storage.DealChanges) (storage.Deal, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, err
	}
	if err := c.Validate(); err != nil {
		return storage.Deal{}, err
	}
	if c.Empty() {
		return dealByID(ctx, tx, a.TeamID, dealID)
	}
	sets, args := assignments(c)
	query := `UPDATE deals SET ` + strings.Join(sets, ", ") + `, updated_by = ?, updated_at = ? WHERE team_id = ? AND id = ?`
	args = append(args, a.UserID, unixArg(now), a.TeamID, dealID)
	if err := updateOne(ctx, tx, fmt.Sprintf("deal %d", dealID), query, args...); err != nil {
		return storage.Deal{}, err
	}
	if err := audit(ctx, tx, a, now, "deal.update", dealID, c); err != nil {
		return storage.Deal{}, err
	}
	return dealByID(ctx, tx, a.TeamID, dealID)
}

// assignments are the SET clauses and arguments for the changed fields.
func assignments(c storage.DealChanges) (sets []string, args []any) {
	if c.Name != nil {
		sets, args = append(sets, "name = ?"), append(args, *c.Name)
	}
	if c.Value != nil {
		minor, currency := moneyArgs(*c.Value)
		sets, args = append(sets, "value_minor = ?", "currency = ?"), append(args, minor, currency)
	}
	if c.ExpectedClose != nil {
		sets, args = append(sets, "expected_close = ?"), append(args, dateArg(*c.ExpectedClose))
	}
	if c.OwnerID != nil {
		sets, args = append(sets, "owner_id = ?"), append(args, *c.OwnerID)
	}
	if c.Favored != nil {
		sets, args = append(sets, "favored = ?"), append(args, strings.TrimSpace(*c.Favored))
	}
	return sets, args
}

// CloseDeal closes an open deal as won or lost and schedules c.Checkins in
// the same transaction. ErrConflict if the deal is not open.
func (db *DB) CloseDeal(ctx context.Context, a storage.Actor, dealID int64, c storage.Close) (storage.Deal, error) {
	d, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Deal, error) {
		return closeDeal(ctx, tx, a, now, dealID, c)
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("close deal: %w", err)
	}
	return d, nil
}

func closeDeal(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, c storage.Close) (storage.Deal, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, err
	}
	if err := c.Validate(); err != nil {
		return storage.Deal{}, err
	}
	if err := requireOpen(ctx, tx, a.TeamID, dealID, true); err != nil {
		return storage.Deal{}, err
	}
	if c.On.IsZero() {
		c.On = now
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE deals SET stage = ?, closed_on = ?, closed_at = ?, lost_reason = ?,
		close_seq = close_seq + 1, updated_by = ?, updated_at = ? WHERE team_id = ? AND id = ? RETURNING close_seq`,
		c.Stage, dateArg(c.On), unixArg(now), c.Reason, a.UserID, unixArg(now), a.TeamID, dealID).Scan(&seq)
	if err != nil {
		return storage.Deal{}, err
	}
	for _, nc := range c.Checkins {
		nc.DealID = dealID
		if _, err := insertCheckin(ctx, tx, a, now, nc, seq); err != nil {
			return storage.Deal{}, err
		}
	}
	detail := map[string]any{"stage": c.Stage, "on": dateArg(c.On), "reason": c.Reason, "checkins": len(c.Checkins)}
	if err := audit(ctx, tx, a, now, "deal.close", dealID, detail); err != nil {
		return storage.Deal{}, err
	}
	return dealByID(ctx, tx, a.TeamID, dealID)
}

// requireOpen fails with ErrConflict unless the deal is open (open true)
// or closed (open false).
func requireOpen(ctx context.Context, q querier, teamID string, dealID int64, open bool) error {
	d, err := dealByID(ctx, q, teamID, dealID)
	if err != nil {
		return err
	}
	if (d.Stage == storage.StageOpen) != open {
		return fmt.Errorf("deal %d is %s: %w", dealID, d.Stage, storage.ErrConflict)
	}
	return nil
}

// ReopenDeal takes a closed deal back to open and cancels the check-ins its
// close scheduled that are still pending; it returns how many it cancelled.
// ErrConflict if the deal is already open.
func (db *DB) ReopenDeal(ctx context.Context, a storage.Actor, dealID int64) (storage.Deal, int, error) {
	type reopened struct {
		deal      storage.Deal
		cancelled int
	}
	r, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (reopened, error) {
		d, n, err := reopenDeal(ctx, tx, a, now, dealID)
		return reopened{d, n}, err
	})
	if err != nil {
		return storage.Deal{}, 0, fmt.Errorf("reopen deal: %w", err)
	}
	return r.deal, r.cancelled, nil
}

func reopenDeal(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64) (storage.Deal, int, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, 0, err
	}
	if err := requireOpen(ctx, tx, a.TeamID, dealID, false); err != nil {
		return storage.Deal{}, 0, err
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE deals SET stage = 'open', closed_on = NULL, closed_at = NULL, lost_reason = '',
		updated_by = ?, updated_at = ? WHERE team_id = ? AND id = ? RETURNING close_seq`,
		a.UserID, unixArg(now), a.TeamID, dealID).Scan(&seq)
	if err != nil {
		return storage.Deal{}, 0, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE checkins SET status = 'cancelled', updated_by = ?, updated_at = ?
		WHERE team_id = ? AND deal_id = ? AND status = 'pending' AND close_seq = ?`,
		a.UserID, unixArg(now), a.TeamID, dealID, seq)
	if err != nil {
		return storage.Deal{}, 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return storage.Deal{}, 0, err
	}
	if err := audit(ctx, tx, a, now, "deal.reopen", dealID, map[string]any{"cancelled": n}); err != nil {
		return storage.Deal{}, 0, err
	}
	d, err := dealByID(ctx, tx, a.TeamID, dealID)
	return d, int(n), err
}

// SetBudget sets the champion's capital budget for a deal.
func (db *DB) SetBudget(ctx context.Context, a storage.Actor, dealID int64, budget int) (storage.Deal, error) {
	d, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Deal, error) {
		return setBudget(ctx, tx, a, now, dealID, budget)
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("set budget: %w", err)
	}
	return d, nil
}

func setBudget(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, budget int) (storage.Deal, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, err
	}
	if err := storage.ValidateBudget(budget); err != nil {
		return storage.Deal{}, err
	}
	err := updateOne(ctx, tx, fmt.Sprintf("deal %d", dealID), `UPDATE deals SET budget = ?, updated_by = ?, updated_at = ?
		WHERE team_id = ? AND id = ?`, budget, a.UserID, unixArg(now), a.TeamID, dealID)
	if err != nil {
		return storage.Deal{}, err
	}
	if err := audit(ctx, tx, a, now, "deal.budget", dealID, map[string]any{"budget": budget}); err != nil {
		return storage.Deal{}, err
	}
	return dealByID(ctx, tx, a.TeamID, dealID)
}

// writeValue runs fn in the writer with the time of the write and returns
// its result once committed: the shell of every write method.
func writeValue[T any](ctx context.Context, db *DB, fn func(ctx context.Context, tx *txn, now time.Time) (T, error)) (T, error) {
	return writeValueWith(ctx, db.write, db, fn)
}

// writeValueKeepingDeals is writeValue for a change that never touches the
// deals table (see writeKeepingDeals).
func writeValueKeepingDeals[T any](ctx context.Context, db *DB, fn func(ctx context.Context, tx *txn, now time.Time) (T, error)) (T, error) {
	return writeValueWith(ctx, db.writeKeepingDeals, db, fn)
}

func writeValueWith[T any](ctx context.Context, write func(context.Context, writeFunc) error, db *DB,
	fn func(ctx context.Context, tx *txn, now time.Time) (T, error)) (T, error) {
	var v T
	err := write(ctx, func(ctx context.Context, tx *txn) error {
		var err error
		v, err = fn(ctx, tx, db.now())
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}

// updateOne runs an UPDATE that must change one row; none is ErrNotFound,
// naming what.
func updateOne(ctx context.Context, q querier, what, query string, args ...any) error {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, storage.ErrNotFound)
	}
	return nil
}
