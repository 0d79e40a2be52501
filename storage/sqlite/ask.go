package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

const askCols = `a.id, a.deal_id, a.number, a.what, a.cost, a.extra, a.status, a.champion_id,
	a.withdrawn_by, a.withdrawn_at, a.created_by, a.created_at, a.updated_by, a.updated_at`

func scanAsk(s rowScanner, a *storage.Ask) error {
	return s.Scan(integer(&a.ID), integer(&a.DealID), integer(&a.Number), text(&a.What), integer(&a.Cost), integer(&a.Extra), text(&a.Status),
		integer(&a.ChampionID), text(&a.WithdrawnBy), unix(&a.WithdrawnAt),
		text(&a.CreatedBy), unix(&a.CreatedAt), text(&a.UpdatedBy), unix(&a.UpdatedAt))
}

const giveCols = `g.id, g.deal_id, g.number, g.what, g.value, g.champion_id,
	g.withdrawn_by, g.withdrawn_at, g.created_by, g.created_at, g.updated_by, g.updated_at`

func scanGive(s rowScanner, g *storage.Give) error {
	return s.Scan(integer(&g.ID), integer(&g.DealID), integer(&g.Number), text(&g.What), integer(&g.Value),
		integer(&g.ChampionID), text(&g.WithdrawnBy), unix(&g.WithdrawnAt),
		text(&g.CreatedBy), unix(&g.CreatedAt), text(&g.UpdatedBy), unix(&g.UpdatedAt))
}

// AddAsk records a favor asked of the deal's champion, costing 1 to 5,
// numbered after the deal's last ask.
func (db *DB) AddAsk(ctx context.Context, a storage.Actor, dealID int64, what string, cost int) (storage.Ask, error) {
	ask, err := writeValueKeepingDeals(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Ask, error) {
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
	if err := audit(ctx, tx, a, now, "ask.add", dealID, map[string]any{"number": ask.Number, "what": what, "cost": cost, "extra": ask.Extra}); err != nil {
		return storage.Ask{}, err
	}
	return ask, nil
}

// insertAskQuery adds an ask of the deal's champion to deal ?2 of
// workspace ?1, numbered after the deal's last, and returns it; nothing
// when there is no such deal.
var insertAskQuery = `INSERT INTO asks (team_id, deal_id, number, what, cost, extra, champion_id, created_by, created_at, updated_by, updated_at)
	SELECT d.team_id, d.id, ` + nextNumber("asks") + `, ?3, ?4, ` + askSurcharge + `, d.champion_id, ?5, ?6, ?5, ?6
	FROM deals d WHERE d.team_id = ?1 AND d.id = ?2
	RETURNING ` + returning(askCols, "a", "asks")

// askSurcharge is storage.Deal.AskSurcharge of deal d, read in the same
// statement that adds the ask, so a concurrent /deal set favored: is
// either before the ask or after it.
var askSurcharge = fmt.Sprintf(`CASE WHEN d.favored <> '' THEN %d ELSE 0 END`, storage.FavoredSurcharge)

// nextNumber is the SQL expression numbering a new row of table after the
// last of deal d's, for an INSERT … SELECT … FROM deals d. It reads one
// entry of the table's UNIQUE (team_id, deal_id, number) index. Safe
// because one writer runs one transaction at a time.
func nextNumber(table string) string {
	return `(SELECT COALESCE(MAX(n.number), 0) + 1 FROM ` + table + ` n WHERE n.team_id = d.team_id AND n.deal_id = d.id)`
}

// SetAskStatus records the champion's answer to ask #number, as
// storage.Ask.Answer allows.
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
	before, err := askByNumber(ctx, tx, a.TeamID, dealID, number)
	if err != nil {
		return storage.Ask{}, err
	}
	if err := before.Answer(s); err != nil {
		return storage.Ask{}, err
	}
	var ask storage.Ask
	err = scanAsk(tx.QueryRowContext(ctx, `UPDATE asks SET status = ?, updated_by = ?, updated_at = ?
		WHERE id = ? RETURNING `+askReturning, s, a.UserID, unixArg(now), before.ID), &ask)
	if err != nil {
		return storage.Ask{}, err
	}
	if err := audit(ctx, tx, a, now, "ask.status", dealID, map[string]any{"number": number, "status": s}); err != nil {
		return storage.Ask{}, err
	}
	return ask, nil
}

var (
	askReturning  = returning(askCols, "a", "asks")
	giveReturning = returning(giveCols, "g", "gives")
)

// EditAsk corrects ask #number as storage.AskEdit.Apply does; the audit
// keeps the version before and after.
func (db *DB) EditAsk(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.AskEdit) (storage.Ask, error) {
	ask, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Ask, error) {
		if err := a.Validate(); err != nil {
			return storage.Ask{}, err
		}
		if err := e.Validate(); err != nil {
			return storage.Ask{}, err
		}
		before, err := askByNumber(ctx, tx, a.TeamID, dealID, number)
		if err != nil {
			return storage.Ask{}, err
		}
		after, changed, err := e.Apply(before)
		if err != nil {
			return storage.Ask{}, err
		}
		if !changed {
			return storage.Ask{}, storage.ErrUnchanged
		}
		var ask storage.Ask
		err = scanAsk(tx.QueryRowContext(ctx, `UPDATE asks SET what = ?, cost = ?, status = ?, updated_by = ?, updated_at = ?
			WHERE id = ? RETURNING `+askReturning, after.What, after.Cost, after.Status, a.UserID, unixArg(now), before.ID), &ask)
		if err != nil {
			return storage.Ask{}, err
		}
		return ask, audit(ctx, tx, a, now, "ask.edit", dealID, storage.EditDetail(number, before.AuditVersion(), ask.AuditVersion()))
	})
	if err != nil {
		return storage.Ask{}, fmt.Errorf("edit ask: %w", err)
	}
	return ask, nil
}

// WithdrawAsk withdraws ask #number: it stops counting and stays, marked.
func (db *DB) WithdrawAsk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Ask, error) {
	ask, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Ask, error) {
		if err := a.Validate(); err != nil {
			return storage.Ask{}, err
		}
		before, err := askByNumber(ctx, tx, a.TeamID, dealID, number)
		if err != nil {
			return storage.Ask{}, err
		}
		if before.Status == storage.AskWithdrawn {
			return storage.Ask{}, storage.ErrUnchanged
		}
		var ask storage.Ask
		err = scanAsk(tx.QueryRowContext(ctx, `UPDATE asks SET status = 'withdrawn', withdrawn_by = ?1, withdrawn_at = ?2,
			updated_by = ?1, updated_at = ?2 WHERE id = ?3 RETURNING `+askReturning, a.UserID, unixArg(now), before.ID), &ask)
		if err != nil {
			return storage.Ask{}, err
		}
		return ask, audit(ctx, tx, a, now, "ask.withdraw", dealID, map[string]any{"number": number, "was": before.AuditVersion()})
	})
	if err != nil {
		return storage.Ask{}, fmt.Errorf("withdraw ask: %w", err)
	}
	return ask, nil
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
	g, err := writeValueKeepingDeals(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Give, error) {
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
var insertGiveQuery = `INSERT INTO gives (team_id, deal_id, number, what, value, champion_id, created_by, created_at, updated_by, updated_at)
	SELECT d.team_id, d.id, ` + nextNumber("gives") + `, ?3, ?4, d.champion_id, ?5, ?6, ?5, ?6
	FROM deals d WHERE d.team_id = ?1 AND d.id = ?2
	RETURNING ` + returning(giveCols, "g", "gives")

func giveByNumber(ctx context.Context, q querier, teamID string, dealID int64, number int) (storage.Give, error) {
	var g storage.Give
	err := scanGive(q.QueryRowContext(ctx, `SELECT `+giveCols+` FROM gives g
		WHERE g.team_id = ? AND g.deal_id = ? AND g.number = ?`, teamID, dealID, number), &g)
	if err != nil {
		return storage.Give{}, found(err, fmt.Sprintf("give #%d", number))
	}
	return g, nil
}

// EditGive corrects give #number as storage.GiveEdit.Apply does; the audit
// keeps the version before and after.
func (db *DB) EditGive(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.GiveEdit) (storage.Give, error) {
	g, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Give, error) {
		if err := a.Validate(); err != nil {
			return storage.Give{}, err
		}
		if err := e.Validate(); err != nil {
			return storage.Give{}, err
		}
		before, err := giveByNumber(ctx, tx, a.TeamID, dealID, number)
		if err != nil {
			return storage.Give{}, err
		}
		after, changed, err := e.Apply(before)
		if err != nil {
			return storage.Give{}, err
		}
		if !changed {
			return storage.Give{}, storage.ErrUnchanged
		}
		var g storage.Give
		err = scanGive(tx.QueryRowContext(ctx, `UPDATE gives SET what = ?, value = ?, updated_by = ?, updated_at = ?
			WHERE id = ? RETURNING `+giveReturning, after.What, after.Value, a.UserID, unixArg(now), before.ID), &g)
		if err != nil {
			return storage.Give{}, err
		}
		return g, audit(ctx, tx, a, now, "give.edit", dealID, storage.EditDetail(number, before.AuditVersion(), g.AuditVersion()))
	})
	if err != nil {
		return storage.Give{}, fmt.Errorf("edit give: %w", err)
	}
	return g, nil
}

// WithdrawGive withdraws give #number: it stops counting and stays, marked.
func (db *DB) WithdrawGive(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Give, error) {
	g, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Give, error) {
		if err := a.Validate(); err != nil {
			return storage.Give{}, err
		}
		before, err := giveByNumber(ctx, tx, a.TeamID, dealID, number)
		if err != nil {
			return storage.Give{}, err
		}
		if before.Withdrawn() {
			return storage.Give{}, storage.ErrUnchanged
		}
		var g storage.Give
		err = scanGive(tx.QueryRowContext(ctx, `UPDATE gives SET withdrawn_by = ?1, withdrawn_at = ?2,
			updated_by = ?1, updated_at = ?2 WHERE id = ?3 RETURNING `+giveReturning, a.UserID, unixArg(now), before.ID), &g)
		if err != nil {
			return storage.Give{}, err
		}
		return g, audit(ctx, tx, a, now, "give.withdraw", dealID, map[string]any{"number": number, "was": before.AuditVersion()})
	})
	if err != nil {
		return storage.Give{}, fmt.Errorf("withdraw give: %w", err)
	}
	return g, nil
}

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
