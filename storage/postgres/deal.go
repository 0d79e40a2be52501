package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

const dealCols = `d.id, d.team_id, d.channel_id, d.name, d.stage, d.owner_id,
	d.value_minor, d.currency, d.expected_close, d.closed_on, d.closed_at, d.lost_reason,
	d.favored, d.champion_left, d.champion_id, d.budget, d.created_by, d.created_at, d.updated_by, d.updated_at`

func dealDest(d *storage.Deal) []any {
	return []any{integer(&d.ID), text(&d.TeamID), text(&d.ChannelID), text(&d.Name), text(&d.Stage), text(&d.OwnerID),
		integer(&d.Value.Minor), text(&d.Value.Currency), date(&d.ExpectedClose), date(&d.ClosedOn), ts(&d.ClosedAt), text(&d.LostReason),
		text(&d.Favored), text(&d.ChampionLeft), integer(&d.ChampionID), integer(&d.Budget), text(&d.CreatedBy), ts(&d.CreatedAt), text(&d.UpdatedBy), ts(&d.UpdatedAt)}
}

func scanDeal(s rowScanner, d *storage.Deal) error { return s.Scan(dealDest(d)...) }

// OpenDeal makes channel n.ChannelID a deal's home, recording the workspace
// if it is new. ErrConflict if the channel already has a deal.
func (db *DB) OpenDeal(ctx context.Context, a storage.Actor, n storage.NewDeal) (storage.Deal, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, fmt.Errorf("open deal: %w", err)
	}
	if err := n.Validate(); err != nil {
		return storage.Deal{}, fmt.Errorf("open deal: %w", err)
	}
	d, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Deal, error) {
		return openDeal(ctx, tx, a, now, n)
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("open deal: %w", err)
	}
	return d, nil
}

func openDeal(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, n storage.NewDeal) (storage.Deal, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO workspaces (team_id, created_at) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, a.TeamID, tsArg(now)); err != nil {
		return storage.Deal{}, err
	}
	minor, currency := moneyArgs(n.Value)
	var d storage.Deal
	err := scanDeal(tx.QueryRow(ctx, `INSERT INTO deals AS d (team_id, channel_id, name, owner_id, value_minor, currency,
		expected_close, budget, created_by, created_at, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10)
		ON CONFLICT (team_id, channel_id) DO NOTHING
		RETURNING `+dealCols,
		a.TeamID, n.ChannelID, n.Name, n.OwnerID, minor, currency, dateArg(n.ExpectedClose), n.Budget,
		a.UserID, tsArg(now)), &d)
	if errors.Is(err, pgx.ErrNoRows) {
		return storage.Deal{}, fmt.Errorf("channel %s already has a deal: %w", n.ChannelID, storage.ErrConflict)
	} else if err != nil {
		return storage.Deal{}, err
	}
	if err := audit(ctx, tx, a, now, "deal.open", d.ID, n); err != nil {
		return storage.Deal{}, err
	}
	return d, nil
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
	k := dealKey{team: teamID, channel: channelID}
	d, err := read(ctx, db, func(querier) (storage.Deal, error) {
		if d, ok := db.kept.get(k); ok {
			return d, nil
		}
		db.hear.ensure() // in flight (read), so Close stops it after
		t := db.kept.begin()
		d, err := db.deals.get(ctx, teamID, channelID) // with the reads of other commands (lookup.go)
		if err == nil {
			db.kept.put(t, k, d)
		}
		return d, err
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("deal by channel: %w", err)
	}
	return d, nil
}

// DealByID is deal id of the workspace.
func (db *DB) DealByID(ctx context.Context, teamID string, id int64) (storage.Deal, error) {
	d, err := read(ctx, db, func(q querier) (storage.Deal, error) { return dealByID(ctx, q, teamID, id) })
	if err != nil {
		return storage.Deal{}, fmt.Errorf("deal by id: %w", err)
	}
	return d, nil
}

func dealByID(ctx context.Context, q querier, teamID string, id int64) (storage.Deal, error) {
	var d storage.Deal
	err := scanDeal(q.QueryRow(ctx, `SELECT `+dealCols+` FROM deals d
		WHERE d.team_id = $1 AND d.id = $2`, teamID, id), &d)
	if err != nil {
		return storage.Deal{}, found(err, fmt.Sprintf("deal %d", id))
	}
	return d, nil
}

// lockDeal is deal id of the workspace, its row locked until the
// transaction ends: the changes to one deal that read it first queue here.
func lockDeal(ctx context.Context, q querier, teamID string, id int64) (storage.Deal, error) {
	var d storage.Deal
	err := scanDeal(q.QueryRow(ctx, `SELECT `+dealCols+` FROM deals d
		WHERE d.team_id = $1 AND d.id = $2 FOR NO KEY UPDATE`, teamID, id), &d)
	if err != nil {
		return storage.Deal{}, found(err, fmt.Sprintf("deal %d", id))
	}
	return d, nil
}

// UpdateDeal applies c to a deal. With nothing to change it writes nothing.
func (db *DB) UpdateDeal(ctx context.Context, a storage.Actor, dealID int64, c storage.DealChanges) (storage.Deal, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, fmt.Errorf("update deal: %w", err)
	}
	if err := c.Validate(); err != nil {
		return storage.Deal{}, fmt.Errorf("update deal: %w", err)
	}
	if c.Empty() {
		return db.DealByID(ctx, a.TeamID, dealID)
	}
	d, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Deal, error) {
		return updateDeal(ctx, tx, a, now, dealID, c)
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("update deal: %w", err)
	}
	return d, nil
}

func updateDeal(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, dealID int64, c storage.DealChanges) (storage.Deal, error) {
	sets, args := assignments(c)
	n := len(args)
	query := `UPDATE deals d SET ` + strings.Join(sets, ", ") + fmt.Sprintf(`, updated_by = $%d, updated_at = $%d
		WHERE d.team_id = $%d AND d.id = $%d RETURNING `, n+1, n+2, n+3, n+4) + dealCols
	args = append(args, a.UserID, tsArg(now), a.TeamID, dealID)
	var d storage.Deal
	if err := scanDeal(tx.QueryRow(ctx, query, args...), &d); err != nil {
		return storage.Deal{}, found(err, fmt.Sprintf("deal %d", dealID))
	}
	if err := audit(ctx, tx, a, now, "deal.update", dealID, c); err != nil {
		return storage.Deal{}, err
	}
	return d, nil
}

// assignments are the SET clauses ($1, $2… in order) and arguments for
// the changed fields.
func assignments(c storage.DealChanges) (sets []string, args []any) {
	set := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, col+" = $"+strconv.Itoa(len(args)))
	}
	if c.Name != nil {
		set("name", *c.Name)
	}
	if c.Value != nil {
		minor, currency := moneyArgs(*c.Value)
		set("value_minor", minor)
		set("currency", currency)
	}
	if c.ExpectedClose != nil {
		set("expected_close", dateArg(*c.ExpectedClose))
	}
	if c.OwnerID != nil {
		set("owner_id", *c.OwnerID)
	}
	if c.Favored != nil {
		set("favored", strings.TrimSpace(*c.Favored))
	}
	return sets, args
}

// CloseDeal closes an open deal as won or lost and schedules c.Checkins in
// the same transaction. ErrConflict if the deal is not open.
func (db *DB) CloseDeal(ctx context.Context, a storage.Actor, dealID int64, c storage.Close) (storage.Deal, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, fmt.Errorf("close deal: %w", err)
	}
	if err := c.Validate(); err != nil {
		return storage.Deal{}, fmt.Errorf("close deal: %w", err)
	}
	d, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Deal, error) {
		return closeDeal(ctx, tx, a, now, dealID, c)
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("close deal: %w", err)
	}
	return d, nil
}

func closeDeal(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, dealID int64, c storage.Close) (storage.Deal, error) {
	if err := requireOpen(ctx, tx, a.TeamID, dealID, true); err != nil {
		return storage.Deal{}, err
	}
	if c.On.IsZero() {
		c.On = now
	}
	var d storage.Deal
	var seq int64
	err := tx.QueryRow(ctx, `UPDATE deals SET stage = $1, closed_on = $2, closed_at = $3, lost_reason = $4,
		close_seq = close_seq + 1, updated_by = $5, updated_at = $3 WHERE team_id = $6 AND id = $7 RETURNING close_seq`,
		c.Stage, dateArg(c.On), tsArg(now), c.Reason, a.UserID, a.TeamID, dealID).Scan(&seq)
	if err != nil {
		return storage.Deal{}, err
	}
	for _, nc := range c.Checkins {
		nc.DealID = dealID
		if err := insertCheckin(ctx, tx, a, now, nc, seq); err != nil {
			return storage.Deal{}, err
		}
	}
	detail := map[string]any{"stage": c.Stage, "on": dateText(c.On), "reason": c.Reason, "checkins": len(c.Checkins)}
	if err := audit(ctx, tx, a, now, "deal.close", dealID, detail); err != nil {
		return storage.Deal{}, err
	}
	d, err = dealByID(ctx, tx, a.TeamID, dealID)
	return d, err
}

// requireOpen locks the deal and fails with ErrConflict unless it is open
// (open true) or closed (open false).
func requireOpen(ctx context.Context, q querier, teamID string, dealID int64, open bool) error {
	d, err := lockDeal(ctx, q, teamID, dealID)
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
	if err := a.Validate(); err != nil {
		return storage.Deal{}, 0, fmt.Errorf("reopen deal: %w", err)
	}
	type reopened struct {
		deal      storage.Deal
		cancelled int
	}
	r, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (reopened, error) {
		d, n, err := reopenDeal(ctx, tx, a, now, dealID)
		return reopened{d, n}, err
	})
	if err != nil {
		return storage.Deal{}, 0, fmt.Errorf("reopen deal: %w", err)
	}
	return r.deal, r.cancelled, nil
}

func reopenDeal(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, dealID int64) (storage.Deal, int, error) {
	if err := requireOpen(ctx, tx, a.TeamID, dealID, false); err != nil {
		return storage.Deal{}, 0, err
	}
	var d storage.Deal
	err := scanDeal(tx.QueryRow(ctx, `UPDATE deals d SET stage = 'open', closed_on = NULL, closed_at = NULL, lost_reason = '',
		updated_by = $1, updated_at = $2 WHERE d.team_id = $3 AND d.id = $4 RETURNING `+dealCols,
		a.UserID, tsArg(now), a.TeamID, dealID), &d)
	if err != nil {
		return storage.Deal{}, 0, err
	}
	tag, err := tx.Exec(ctx, `UPDATE checkins SET status = 'cancelled', updated_by = $1, updated_at = $2
		WHERE team_id = $3 AND deal_id = $4 AND status = 'pending'
			AND close_seq = (SELECT close_seq FROM deals WHERE team_id = $3 AND id = $4)`,
		a.UserID, tsArg(now), a.TeamID, dealID)
	if err != nil {
		return storage.Deal{}, 0, err
	}
	n := tag.RowsAffected()
	if err := audit(ctx, tx, a, now, "deal.reopen", dealID, map[string]any{"cancelled": n}); err != nil {
		return storage.Deal{}, 0, err
	}
	return d, int(n), nil
}

// SetBudget sets the champion's capital budget for a deal.
func (db *DB) SetBudget(ctx context.Context, a storage.Actor, dealID int64, budget int) (storage.Deal, error) {
	if err := a.Validate(); err != nil {
		return storage.Deal{}, fmt.Errorf("set budget: %w", err)
	}
	if err := storage.ValidateBudget(budget); err != nil {
		return storage.Deal{}, fmt.Errorf("set budget: %w", err)
	}
	d, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Deal, error) {
		var d storage.Deal
		err := scanDeal(tx.QueryRow(ctx, `UPDATE deals d SET budget = $1, updated_by = $2, updated_at = $3
			WHERE d.team_id = $4 AND d.id = $5 RETURNING `+dealCols, budget, a.UserID, tsArg(now), a.TeamID, dealID), &d)
		if err != nil {
			return storage.Deal{}, found(err, fmt.Sprintf("deal %d", dealID))
		}
		return d, audit(ctx, tx, a, now, "deal.budget", dealID, map[string]any{"budget": budget})
	})
	if err != nil {
		return storage.Deal{}, fmt.Errorf("set budget: %w", err)
	}
	return d, nil
}

// updateOne runs an UPDATE that must change one row; none is ErrNotFound,
// naming what.
func updateOne(ctx context.Context, q querier, what, query string, args ...any) error {
	tag, err := q.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, storage.ErrNotFound)
	}
	return nil
}
