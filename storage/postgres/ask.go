package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

const askCols = `a.id, a.deal_id, a.number, a.what, a.cost, a.extra, a.status, a.champion_id,
	a.withdrawn_by, a.withdrawn_at, a.created_by, a.created_at, a.updated_by, a.updated_at`

func scanAsk(s rowScanner, a *storage.Ask) error {
	return s.Scan(integer(&a.ID), integer(&a.DealID), integer(&a.Number), text(&a.What), integer(&a.Cost), integer(&a.Extra), text(&a.Status),
		integer(&a.ChampionID), text(&a.WithdrawnBy), ts(&a.WithdrawnAt),
		text(&a.CreatedBy), ts(&a.CreatedAt), text(&a.UpdatedBy), ts(&a.UpdatedAt))
}

const giveCols = `g.id, g.deal_id, g.number, g.what, g.value, g.champion_id,
	g.withdrawn_by, g.withdrawn_at, g.created_by, g.created_at, g.updated_by, g.updated_at`

func scanGive(s rowScanner, g *storage.Give) error {
	return s.Scan(integer(&g.ID), integer(&g.DealID), integer(&g.Number), text(&g.What), integer(&g.Value),
		integer(&g.ChampionID), text(&g.WithdrawnBy), ts(&g.WithdrawnAt),
		text(&g.CreatedBy), ts(&g.CreatedAt), text(&g.UpdatedBy), ts(&g.UpdatedAt))
}

// numbered is the common table expression n that takes the next number of
// deal $2 of workspace $1 from its counter column (last_ask, last_give,
// last_risk, last_checkin), changing nothing else of the deal, and reads
// the deal's champion. UPDATE locks the deal's row until the transaction
// ends, so concurrent adds to one deal queue there: each reads the counter
// its predecessor committed, and a rolled back add takes its number back
// with it. The numbers run 1..n with no gap and no duplicate; an add to a
// deal the workspace does not have numbers nothing and inserts nothing.
// The lock also orders an add after a SetChampion in flight (it locks the
// deal first), so an ask or give goes to the champion named last, and
// an ask is either before a /deal set favored: in flight or after it (n
// reads the deal's favored alternative too).
func numbered(counter string) string {
	return `n AS (UPDATE deals SET ` + counter + ` = ` + counter + ` + 1
		WHERE team_id = $1 AND id = $2 RETURNING team_id, id, champion_id, favored, ` + counter + ` AS number)`
}

// auditAdd is the common table expression that records, in the same
// statement, the audit row of an add numbered by n: by user $5 at $6, its
// detail the JSON object $7 with the number the add took and the fields
// of more (", 'key', expression on n…", or ""). An add is one statement,
// so one round trip and one commit.
func auditAdd(action, more string) string {
	return `au AS (INSERT INTO audit (team_id, user_id, at, action, deal_id, detail)
		SELECT n.team_id, $5, $6, '` + action + `', n.id, $7::jsonb || jsonb_build_object('number', n.number` + more + `) FROM n)`
}

// detail is v as the JSON text of an audit detail.
func detail(v any) string {
	buf, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("audit detail %v: %v", v, err)) // only maps of plain values get here
	}
	return string(buf)
}

// AddAsk records a favor asked of the deal's champion, costing 1 to 5,
// numbered after the deal's last ask.
func (db *DB) AddAsk(ctx context.Context, a storage.Actor, dealID int64, what string, cost int) (storage.Ask, error) {
	if err := a.Validate(); err != nil {
		return storage.Ask{}, fmt.Errorf("add ask: %w", err)
	}
	if err := storage.ValidateAsk(what, cost); err != nil {
		return storage.Ask{}, fmt.Errorf("add ask: %w", err)
	}
	var ask storage.Ask
	err := db.addNumbered(ctx, dealID, insertAskQuery,
		[]any{a.TeamID, dealID, what, cost, a.UserID, tsArg(db.now()), detail(map[string]any{"what": what, "cost": cost})},
		func(r pgx.Row) error { return scanAsk(r, &ask) }, nil, nil)
	if err != nil {
		return storage.Ask{}, fmt.Errorf("add ask: %w", err)
	}
	return ask, nil
}

// insertAskQuery adds an ask of the deal's champion to deal $2 of
// workspace $1 with the deal's next ask number and returns it; nothing
// when there is no such deal.
var insertAskQuery = `WITH ` + numbered("last_ask") + `,
	a AS (INSERT INTO asks AS a (team_id, deal_id, number, what, cost, extra, champion_id, created_by, created_at, updated_by, updated_at)
		SELECT n.team_id, n.id, n.number, $3, $4, ` + askSurcharge + `, n.champion_id, $5, $6, $5, $6 FROM n
		RETURNING ` + askCols + `),
	` + auditAdd("ask.add", `, 'extra', `+askSurcharge) + `
	SELECT * FROM a`

// askSurcharge is storage.Deal.AskSurcharge of the deal n numbered, read
// in the statement that adds the ask.
var askSurcharge = fmt.Sprintf(`CASE WHEN n.favored <> '' THEN %d ELSE 0 END`, storage.FavoredSurcharge)

// SetAskStatus records the champion's answer to ask #number, as
// storage.Ask.Answer allows.
func (db *DB) SetAskStatus(ctx context.Context, a storage.Actor, dealID int64, number int, s storage.AskStatus) (storage.Ask, error) {
	if err := a.Validate(); err != nil {
		return storage.Ask{}, fmt.Errorf("set ask status: %w", err)
	}
	ask, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Ask, error) {
		before, err := lockAsk(ctx, tx, a.TeamID, dealID, number)
		if err != nil {
			return storage.Ask{}, err
		}
		if err := before.Answer(s); err != nil {
			return storage.Ask{}, err
		}
		var ask storage.Ask
		err = scanAsk(tx.QueryRow(ctx, `UPDATE asks a SET status = $1, updated_by = $2, updated_at = $3
			WHERE a.id = $4 RETURNING `+askCols, s, a.UserID, tsArg(now), before.ID), &ask)
		if err != nil {
			return storage.Ask{}, err
		}
		return ask, audit(ctx, tx, a, now, "ask.status", dealID, map[string]any{"number": number, "status": s})
	})
	if err != nil {
		return storage.Ask{}, fmt.Errorf("set ask status: %w", err)
	}
	return ask, nil
}

// lockAsk is ask #number of a deal, its row locked until the transaction
// ends: a change that checks the ask before writing it sees the ask as the
// change before it left it.
func lockAsk(ctx context.Context, q querier, teamID string, dealID int64, number int) (storage.Ask, error) {
	var ask storage.Ask
	err := scanAsk(q.QueryRow(ctx, `SELECT `+askCols+` FROM asks a
		WHERE a.team_id = $1 AND a.deal_id = $2 AND a.number = $3 FOR NO KEY UPDATE`, teamID, dealID, number), &ask)
	if err != nil {
		return storage.Ask{}, found(err, fmt.Sprintf("ask #%d", number))
	}
	return ask, nil
}

// EditAsk corrects ask #number as storage.AskEdit.Apply does; the audit
// keeps the version before and after.
func (db *DB) EditAsk(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.AskEdit) (storage.Ask, error) {
	if err := a.Validate(); err != nil {
		return storage.Ask{}, fmt.Errorf("edit ask: %w", err)
	}
	if err := e.Validate(); err != nil {
		return storage.Ask{}, fmt.Errorf("edit ask: %w", err)
	}
	ask, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Ask, error) {
		before, err := lockAsk(ctx, tx, a.TeamID, dealID, number)
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
		err = scanAsk(tx.QueryRow(ctx, `UPDATE asks a SET what = $1, cost = $2, status = $3, updated_by = $4, updated_at = $5
			WHERE a.id = $6 RETURNING `+askCols, after.What, after.Cost, after.Status, a.UserID, tsArg(now), before.ID), &ask)
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
	if err := a.Validate(); err != nil {
		return storage.Ask{}, fmt.Errorf("withdraw ask: %w", err)
	}
	ask, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Ask, error) {
		before, err := lockAsk(ctx, tx, a.TeamID, dealID, number)
		if err != nil {
			return storage.Ask{}, err
		}
		if before.Status == storage.AskWithdrawn {
			return storage.Ask{}, storage.ErrUnchanged
		}
		var ask storage.Ask
		err = scanAsk(tx.QueryRow(ctx, `UPDATE asks a SET status = 'withdrawn', withdrawn_by = $1, withdrawn_at = $2,
			updated_by = $1, updated_at = $2 WHERE a.id = $3 RETURNING `+askCols, a.UserID, tsArg(now), before.ID), &ask)
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

// Asks lists a deal's asks, oldest first.
func (db *DB) Asks(ctx context.Context, teamID string, dealID int64) ([]storage.Ask, error) {
	asks, err := read(ctx, db, func(q querier) ([]storage.Ask, error) { return listAsks(ctx, q, teamID, dealID) })
	if err != nil {
		return nil, fmt.Errorf("asks: %w", err)
	}
	return asks, nil
}

func listAsks(ctx context.Context, q querier, teamID string, dealID int64) ([]storage.Ask, error) {
	return queryAll(ctx, q, scanAsk, `SELECT `+askCols+` FROM asks a
		WHERE a.team_id = $1 AND a.deal_id = $2 ORDER BY a.number`, teamID, dealID)
}

// AddGive records something done for the deal's champion, worth 1 to 5,
// numbered after the deal's last give.
func (db *DB) AddGive(ctx context.Context, a storage.Actor, dealID int64, what string, value int) (storage.Give, error) {
	if err := a.Validate(); err != nil {
		return storage.Give{}, fmt.Errorf("add give: %w", err)
	}
	if err := storage.ValidateGive(what, value); err != nil {
		return storage.Give{}, fmt.Errorf("add give: %w", err)
	}
	var g storage.Give
	err := db.addNumbered(ctx, dealID, insertGiveQuery,
		[]any{a.TeamID, dealID, what, value, a.UserID, tsArg(db.now()), detail(map[string]any{"what": what, "value": value})},
		func(r pgx.Row) error { return scanGive(r, &g) }, nil, nil)
	if err != nil {
		return storage.Give{}, fmt.Errorf("add give: %w", err)
	}
	return g, nil
}

// insertGiveQuery adds a give for the deal's champion to deal $2 of
// workspace $1 with the deal's next give number and returns it; nothing
// when there is no such deal.
var insertGiveQuery = `WITH ` + numbered("last_give") + `,
	g AS (INSERT INTO gives AS g (team_id, deal_id, number, what, value, champion_id, created_by, created_at, updated_by, updated_at)
		SELECT n.team_id, n.id, n.number, $3, $4, n.champion_id, $5, $6, $5, $6 FROM n
		RETURNING ` + giveCols + `),
	` + auditAdd("give.add", "") + `
	SELECT * FROM g`

// lockGive is give #number of a deal, its row locked until the
// transaction ends, as lockAsk.
func lockGive(ctx context.Context, q querier, teamID string, dealID int64, number int) (storage.Give, error) {
	var g storage.Give
	err := scanGive(q.QueryRow(ctx, `SELECT `+giveCols+` FROM gives g
		WHERE g.team_id = $1 AND g.deal_id = $2 AND g.number = $3 FOR NO KEY UPDATE`, teamID, dealID, number), &g)
	if err != nil {
		return storage.Give{}, found(err, fmt.Sprintf("give #%d", number))
	}
	return g, nil
}

// EditGive corrects give #number as storage.GiveEdit.Apply does; the audit
// keeps the version before and after.
func (db *DB) EditGive(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.GiveEdit) (storage.Give, error) {
	if err := a.Validate(); err != nil {
		return storage.Give{}, fmt.Errorf("edit give: %w", err)
	}
	if err := e.Validate(); err != nil {
		return storage.Give{}, fmt.Errorf("edit give: %w", err)
	}
	g, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Give, error) {
		before, err := lockGive(ctx, tx, a.TeamID, dealID, number)
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
		err = scanGive(tx.QueryRow(ctx, `UPDATE gives g SET what = $1, value = $2, updated_by = $3, updated_at = $4
			WHERE g.id = $5 RETURNING `+giveCols, after.What, after.Value, a.UserID, tsArg(now), before.ID), &g)
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
	if err := a.Validate(); err != nil {
		return storage.Give{}, fmt.Errorf("withdraw give: %w", err)
	}
	g, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Give, error) {
		before, err := lockGive(ctx, tx, a.TeamID, dealID, number)
		if err != nil {
			return storage.Give{}, err
		}
		if before.Withdrawn() {
			return storage.Give{}, storage.ErrUnchanged
		}
		var g storage.Give
		err = scanGive(tx.QueryRow(ctx, `UPDATE gives g SET withdrawn_by = $1, withdrawn_at = $2,
			updated_by = $1, updated_at = $2 WHERE g.id = $3 RETURNING `+giveCols, a.UserID, tsArg(now), before.ID), &g)
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
	gives, err := read(ctx, db, func(q querier) ([]storage.Give, error) { return listGives(ctx, q, teamID, dealID) })
	if err != nil {
		return nil, fmt.Errorf("gives: %w", err)
	}
	return gives, nil
}

func listGives(ctx context.Context, q querier, teamID string, dealID int64) ([]storage.Give, error) {
	return queryAll(ctx, q, scanGive, `SELECT `+giveCols+` FROM gives g
		WHERE g.team_id = $1 AND g.deal_id = $2 ORDER BY g.number`, teamID, dealID)
}
