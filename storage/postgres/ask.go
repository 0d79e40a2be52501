package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

const askCols = `a.id, a.deal_id, a.number, a.what, a.cost, a.status,
	a.created_by, a.created_at, a.updated_by, a.updated_at`

func scanAsk(s rowScanner, a *storage.Ask) error {
	return s.Scan(integer(&a.ID), integer(&a.DealID), integer(&a.Number), text(&a.What), integer(&a.Cost), text(&a.Status),
		text(&a.CreatedBy), ts(&a.CreatedAt), text(&a.UpdatedBy), ts(&a.UpdatedAt))
}

const giveCols = `g.id, g.deal_id, g.number, g.what, g.value, g.created_by, g.created_at`

func scanGive(s rowScanner, g *storage.Give) error {
	return s.Scan(integer(&g.ID), integer(&g.DealID), integer(&g.Number), text(&g.What), integer(&g.Value),
		text(&g.CreatedBy), ts(&g.CreatedAt))
}

// numbered is the common table expression n that takes the next number of
// deal $2 of workspace $1 from its counter column (last_ask, last_give,
// last_risk), changing nothing else of the deal. UPDATE locks the deal's row until the transaction ends, so
// concurrent adds to one deal queue there: each reads the counter its
// predecessor committed, and a rolled back add takes its number back with
// it. The numbers run 1..n with no gap and no duplicate; an add to a deal
// the workspace does not have numbers nothing and inserts nothing.
func numbered(counter string) string {
	return `n AS (UPDATE deals SET ` + counter + ` = ` + counter + ` + 1
		WHERE team_id = $1 AND id = $2 RETURNING team_id, id, ` + counter + ` AS number)`
}

// auditAdd is the common table expression that records, in the same
// statement, the audit row of an add numbered by n: by user $5 at $6, its
// detail the JSON object $7 with the number the add took. An add is one
// statement, so one round trip and one commit.
func auditAdd(action string) string {
	return `au AS (INSERT INTO audit (team_id, user_id, at, action, deal_id, detail)
		SELECT n.team_id, $5, $6, '` + action + `', n.id, $7::jsonb || jsonb_build_object('number', n.number) FROM n)`
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
		func(r pgx.Row) error { return scanAsk(r, &ask) })
	if err != nil {
		return storage.Ask{}, fmt.Errorf("add ask: %w", err)
	}
	return ask, nil
}

// insertAskQuery adds an ask to deal $2 of workspace $1 with the deal's
// next ask number and returns it; nothing when there is no such deal.
var insertAskQuery = `WITH ` + numbered("last_ask") + `,
	a AS (INSERT INTO asks AS a (team_id, deal_id, number, what, cost, created_by, created_at, updated_by, updated_at)
		SELECT n.team_id, n.id, n.number, $3, $4, $5, $6, $5, $6 FROM n
		RETURNING ` + askCols + `),
	` + auditAdd("ask.add") + `
	SELECT * FROM a`

// SetAskStatus records what became of ask #number of a deal.
func (db *DB) SetAskStatus(ctx context.Context, a storage.Actor, dealID int64, number int, s storage.AskStatus) (storage.Ask, error) {
	if err := a.Validate(); err != nil {
		return storage.Ask{}, fmt.Errorf("set ask status: %w", err)
	}
	if !s.Valid() {
		return storage.Ask{}, fmt.Errorf("set ask status: %w", storage.Invalidf("unknown ask status %q", s))
	}
	ask, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Ask, error) {
		var ask storage.Ask
		err := scanAsk(tx.QueryRow(ctx, `UPDATE asks a SET status = $1, updated_by = $2, updated_at = $3
			WHERE a.team_id = $4 AND a.deal_id = $5 AND a.number = $6 RETURNING `+askCols,
			s, a.UserID, tsArg(now), a.TeamID, dealID, number), &ask)
		if err != nil {
			return storage.Ask{}, found(err, fmt.Sprintf("ask #%d", number))
		}
		return ask, audit(ctx, tx, a, now, "ask.status", dealID, map[string]any{"number": number, "status": s})
	})
	if err != nil {
		return storage.Ask{}, fmt.Errorf("set ask status: %w", err)
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
		func(r pgx.Row) error { return scanGive(r, &g) })
	if err != nil {
		return storage.Give{}, fmt.Errorf("add give: %w", err)
	}
	return g, nil
}

// insertGiveQuery adds a give to deal $2 of workspace $1 with the deal's
// next give number and returns it; nothing when there is no such deal.
var insertGiveQuery = `WITH ` + numbered("last_give") + `,
	g AS (INSERT INTO gives AS g (team_id, deal_id, number, what, value, created_by, created_at, updated_by, updated_at)
		SELECT n.team_id, n.id, n.number, $3, $4, $5, $6, $5, $6 FROM n
		RETURNING ` + giveCols + `),
	` + auditAdd("give.add") + `
	SELECT * FROM g`

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
