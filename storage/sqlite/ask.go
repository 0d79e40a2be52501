package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

const askCols = `a.id, a.deal_id, a.number, a.what, a.cost, a.status,
	a.created_by, a.created_at, a.updated_by, a.updated_at`

func scanAsk(s rowScanner, a *storage.Ask) error {
	return s.Scan(integer(&a.ID), integer(&a.DealID), integer(&a.Number), text(&a.What), integer(&a.Cost), text(&a.Status),
		text(&a.CreatedBy), unix(&a.CreatedAt), text(&a.UpdatedBy), unix(&a.UpdatedAt))
}

const giveCols = `g.id, g.deal_id, g.number, g.what, g.value, g.created_by, g.created_at`

func scanGive(s rowScanner, g *storage.Give) error {
	return s.Scan(integer(&g.ID), integer(&g.DealID), integer(&g.Number), text(&g.What), integer(&g.Value),
		text(&g.CreatedBy), unix(&g.CreatedAt))
}

// AddAsk records a favor asked of the deal's champion, costing 1 to 5,
// numbered after the deal's last ask.
func (db *DB) AddAsk(ctx context.Context, a storage.Actor, dealID int64, what string, cost int) (storage.Ask, error) {
	ask, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Ask, error) {
		return addAsk(ctx, tx, a, now, dealID, what, cost)
	})
	if err != nil {
		return storage.Ask{}, fmt.Errorf("add ask: %w", err)
	}
	return ask, nil
}

func addAsk(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, what string, cost int) (storage.Ask, error) {
	if err := a.Validate(); err != nil {
		return storage.Ask{}, err
	}
	if err := storage.ValidateAsk(what, cost); err != nil {
		return storage.Ask{}, err
	}
	var ask storage.Ask
	err := scanAsk(tx.QueryRowContext(ctx, insertAskQuery, a.TeamID, dealID, what, cost, a.UserID, unixArg(now)), &ask)
	if err != nil {
		return storage.Ask{}, found(err, fmt.Sprintf("deal %d", dealID))
	}
	if err := audit(ctx, tx, a, now, "ask.add", dealID, map[string]any{"number": ask.Number, "what": what, "cost": cost}); err != nil {
		return storage.Ask{}, err
	}
	return ask, nil
}

// insertAskQuery adds an ask to deal ?2 of workspace ?1, numbered after the
// deal's last, and returns it; nothing when there is no such deal.
var insertAskQuery = `INSERT INTO asks (team_id, deal_id, number, what, cost, created_by, created_at, updated_by, updated_at)
	SELECT d.team_id, d.id, ` + nextNumber("asks") + `, ?3, ?4, ?5, ?6, ?5, ?6
	FROM deals d WHERE d.team_id = ?1 AND d.id = ?2
	RETURNING ` + returning(askCols, "a", "asks")

// nextNumber is the SQL expression numbering a new row of table after the
// last of deal d's, for an INSERT … SELECT … FROM deals d. It reads one
// entry of the table's UNIQUE (team_id, deal_id, number) index. Safe
// because one writer runs one transaction at a time.
func nextNumber(table string) string {
	return `(SELECT COALESCE(MAX(n.number), 0) + 1 FROM ` + table + ` n WHERE n.team_id = d.team_id AND n.deal_id = d.id)`
}

// SetAskStatus records what became of ask #number of a deal.
func (db *DB) SetAskStatus(ctx context.Context, a storage.Actor, dealID int64, number int, s storage.AskStatus) (storage.Ask, error) {
	ask, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Ask, error) {
		return setAskStatus(ctx, tx, a, now, dealID, number, s)
	})
	if err != nil {
		return storage.Ask{}, fmt.Errorf("set ask status: %w", err)
	}
	return ask, nil
}

func setAskStatus(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, number int, s storage.AskStatus) (storage.Ask, error) {
	if err := a.Validate(); err != nil {
		return storage.Ask{}, err
	}
	if !s.Valid() {
		return storage.Ask{}, storage.Invalidf("unknown ask status %q", s)
	}
	err := updateOne(ctx, tx, fmt.Sprintf("ask #%d", number), `UPDATE asks SET status = ?, updated_by = ?, updated_at = ?
		WHERE team_id = ? AND deal_id = ? AND number = ?`, s, a.UserID, unixArg(now), a.TeamID, dealID, number)
	if err != nil {
		return storage.Ask{}, err
	}
	if err := audit(ctx, tx, a, now, "ask.status", dealID, map[string]any{"number": number, "status": s}); err != nil {
		return storage.Ask{}, err
	}
	return askByNumber(ctx, tx, a.TeamID, dealID, number)
}

func askByNumber(ctx context.Context, q querier, teamID string, dealID int64, number int) (storage.Ask, error) {
	var a storage.Ask
	err := scanAsk(q.QueryRowContext(ctx, `SELECT `+askCols+` FROM asks a
		WHERE a.team_id = ? AND a.deal_id = ? AND a.number = ?`, teamID, dealID, number), &a)
	if err != nil {
		return storage.Ask{}, found(err, fmt.Sprintf("ask #%d", number))
	}
	return a, nil
}

// Asks lists a deal's asks, oldest first.
func (db *DB) Asks(ctx context.Context, teamID string, dealID int64) ([]storage.Ask, error) {
	asks, err := listAsks(ctx, db.read, teamID, dealID)
	if err != nil {
		return nil, fmt.Errorf("asks: %w", err)
	}
	return asks, nil
}

func listAsks(ctx context.Context, q querier, teamID string, dealID int64) ([]storage.Ask, error) {
	return queryAll(ctx, q, scanAsk, `SELECT `+askCols+` FROM asks a
		WHERE a.team_id = ? AND a.deal_id = ? ORDER BY a.number`, teamID, dealID)
}

// AddGive records something done for the deal's champion, worth 1 to 5,
// numbered after the deal's last give.
func (db *DB) AddGive(ctx context.Context, a storage.Actor, dealID int64, what string, value int) (storage.Give, error) {
	g, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Give, error) {
		return addGive(ctx, tx, a, now, dealID, what, value)
	})
	if err != nil {
		return storage.Give{}, fmt.Errorf("add give: %w", err)
	}
	return g, nil
}

func addGive(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, what string, value int) (storage.Give, error) {
	if err := a.Validate(); err != nil {
		return storage.Give{}, err
	}
	if err := storage.ValidateGive(what, value); err != nil {
		return storage.Give{}, err
	}
	var g storage.Give
	err := scanGive(tx.QueryRowContext(ctx, insertGiveQuery, a.TeamID, dealID, what, value, a.UserID, unixArg(now)), &g)
	if err != nil {
		return storage.Give{}, found(err, fmt.Sprintf("deal %d", dealID))
	}
	if err := audit(ctx, tx, a, now, "give.add", dealID, map[string]any{"number": g.Number, "what": what, "value": value}); err != nil {
		return storage.Give{}, err
	}
	return g, nil
}

// insertGiveQuery adds a give to deal ?2 of workspace ?1, numbered after
// the deal's last, and returns it; nothing when there is no such deal.
var insertGiveQuery = `INSERT INTO gives (team_id, deal_id, number, what, value, created_by, created_at, updated_by, updated_at)
	SELECT d.team_id, d.id, ` + nextNumber("gives") + `, ?3, ?4, ?5, ?6, ?5, ?6
	FROM deals d WHERE d.team_id = ?1 AND d.id = ?2
	RETURNING ` + returning(giveCols, "g", "gives")

// Gives lists a deal's gives, oldest first.
func (db *DB) Gives(ctx context.Context, teamID string, dealID int64) ([]storage.Give, error) {
	gives, err := listGives(ctx, db.read, teamID, dealID)
	if err != nil {
		return nil, fmt.Errorf("gives: %w", err)
	}
	return gives, nil
}

func listGives(ctx context.Context, q querier, teamID string, dealID int64) ([]storage.Give, error) {
	return queryAll(ctx, q, scanGive, `SELECT `+giveCols+` FROM gives g
		WHERE g.team_id = ? AND g.deal_id = ? ORDER BY g.number`, teamID, dealID)
}
