package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

const riskCols = `r.id, r.deal_id, r.number, r.what, r.severity, r.area, r.needs_test, r.scenario, r.status,
	r.resolution_note, r.resolved_at, r.disclosed_at, r.disclosed_by, r.disclosure_note,
	r.created_by, r.created_at, r.updated_by, r.updated_at`

func riskDest(r *storage.Risk) []any {
	return []any{integer(&r.ID), integer(&r.DealID), integer(&r.Number), text(&r.What), text(&r.Severity),
		text(&r.Area), boolean(&r.NeedsTest), text(&r.Scenario), text(&r.Status),
		text(&r.ResolutionNote), ts(&r.ResolvedAt), ts(&r.DisclosedAt), text(&r.DisclosedBy), text(&r.DisclosureNote),
		text(&r.CreatedBy), ts(&r.CreatedAt), text(&r.UpdatedBy), ts(&r.UpdatedAt)}
}

func scanRisk(s rowScanner, r *storage.Risk) error { return s.Scan(riskDest(r)...) }

// AddRisk records a risk of a deal, numbered after the deal's last risk:
// concurrent adds to one deal get consecutive numbers (see numbered).
func (db *DB) AddRisk(ctx context.Context, a storage.Actor, dealID int64, r storage.NewRisk) (storage.Risk, error) {
	if err := a.Validate(); err != nil {
		return storage.Risk{}, fmt.Errorf("add risk: %w", err)
	}
	if err := r.Validate(); err != nil {
		return storage.Risk{}, fmt.Errorf("add risk: %w", err)
	}
	r = r.WithDefaults()
	var risk storage.Risk
	err := db.addNumbered(ctx, dealID, insertRiskQuery,
		[]any{a.TeamID, dealID, r.What, r.Severity, r.Area, r.NeedsTest, r.Scenario, a.UserID, tsArg(db.now()),
			detail(map[string]any{"risk": r})},
		func(row pgx.Row) error { return scanRisk(row, &risk) })
	if err != nil {
		return storage.Risk{}, fmt.Errorf("add risk: %w", err)
	}
	return risk, nil
}

// insertRiskQuery adds a risk to deal $2 of workspace $1 with the deal's
// next risk number and returns it; nothing when there is no such deal.
var insertRiskQuery = `WITH ` + numbered("last_risk") + `,
	r AS (INSERT INTO risks AS r (team_id, deal_id, number, what, severity, area, needs_test,
			scenario, created_by, created_at, updated_by, updated_at)
		SELECT n.team_id, n.id, n.number, $3, $4, $5, $6, $7, $8, $9, $8, $9 FROM n
		RETURNING ` + riskCols + `),
	au AS (INSERT INTO audit (team_id, user_id, at, action, deal_id, detail)
		SELECT n.team_id, $8, $9, 'risk.add', n.id, $10::jsonb || jsonb_build_object('number', n.number) FROM n)
	SELECT * FROM r`

// Risks lists a deal's risks by number: the open ones, or all.
func (db *DB) Risks(ctx context.Context, teamID string, dealID int64, includeResolved bool) ([]storage.Risk, error) {
	risks, err := read(ctx, db, func(q querier) ([]storage.Risk, error) {
		return queryAll(ctx, q, scanRisk, `SELECT `+riskCols+` FROM risks r
			WHERE r.team_id = $1 AND r.deal_id = $2 AND ($3 OR r.status = 'open')
			ORDER BY r.number`, teamID, dealID, includeResolved)
	})
	if err != nil {
		return nil, fmt.Errorf("risks: %w", err)
	}
	return risks, nil
}

func riskByNumber(ctx context.Context, q querier, teamID string, dealID int64, number int) (storage.Risk, error) {
	var r storage.Risk
	err := scanRisk(q.QueryRow(ctx, `SELECT `+riskCols+` FROM risks r
		WHERE r.team_id = $1 AND r.deal_id = $2 AND r.number = $3`, teamID, dealID, number), &r)
	if err != nil {
		return storage.Risk{}, found(err, fmt.Sprintf("risk #%d", number))
	}
	return r, nil
}

// ResolveRisk closes risk #number with a note. ErrConflict if it is
// already resolved.
func (db *DB) ResolveRisk(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error) {
	r, err := db.changeRisk(ctx, a, dealID, number, riskChange{
		action: "risk.resolve", from: storage.RiskOpen, detail: map[string]any{"number": number, "note": note},
		set:  `status = 'resolved', resolution_note = $6, resolved_at = $7`,
		args: func(now time.Time) []any { return []any{note, tsArg(now)} },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("resolve risk: %w", err)
	}
	return r, nil
}

// ReopenRisk opens resolved risk #number again, forgetting the resolution.
// ErrConflict if it is open.
func (db *DB) ReopenRisk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Risk, error) {
	r, err := db.changeRisk(ctx, a, dealID, number, riskChange{
		action: "risk.reopen", from: storage.RiskResolved, detail: map[string]any{"number": number},
		set:  `status = 'open', resolution_note = '', resolved_at = NULL`,
		args: func(time.Time) []any { return nil },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("reopen risk: %w", err)
	}
	return r, nil
}

// DiscloseRisk records that risk #number was shared openly with the
// champion or the customer: by whom, when, with a note. Disclosing again
// records the latest disclosure.
func (db *DB) DiscloseRisk(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error) {
	r, err := db.changeRisk(ctx, a, dealID, number, riskChange{
		action: "risk.disclose", detail: map[string]any{"number": number, "note": note},
		set:  `disclosed_at = $6, disclosed_by = $7, disclosure_note = $8`,
		args: func(now time.Time) []any { return []any{tsArg(now), a.UserID, note} },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("disclose risk: %w", err)
	}
	return r, nil
}

// riskChange is one change to an existing risk.
type riskChange struct {
	action string
	from   storage.RiskStatus // the status the risk must have; "" for any
	detail any
	set    string                // SET clauses, their arguments from $6
	args   func(time.Time) []any // their arguments
}

// changeRisk applies c to risk #number of a deal.
func (db *DB) changeRisk(ctx context.Context, a storage.Actor, dealID int64, number int, c riskChange) (storage.Risk, error) {
	if err := a.Validate(); err != nil {
		return storage.Risk{}, err
	}
	return writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Risk, error) {
		return changeRisk(ctx, tx, a, now, dealID, number, c)
	})
}

func changeRisk(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, dealID int64, number int, c riskChange) (storage.Risk, error) {
	args := append([]any{a.UserID, tsArg(now), a.TeamID, dealID, number}, c.args(now)...)
	query := `UPDATE risks r SET ` + c.set + `, updated_by = $1, updated_at = $2
		WHERE r.team_id = $3 AND r.deal_id = $4 AND r.number = $5 AND r.status IN ` + statuses(c.from) + `
		RETURNING ` + riskCols
	var r storage.Risk
	err := scanRisk(tx.QueryRow(ctx, query, args...), &r)
	if errors.Is(err, pgx.ErrNoRows) {
		// No such risk, or not in the status the change needs: say which.
		r, err := riskByNumber(ctx, tx, a.TeamID, dealID, number)
		if err != nil {
			return storage.Risk{}, err
		}
		return storage.Risk{}, fmt.Errorf("risk #%d is %s: %w", number, r.Status, storage.ErrConflict)
	} else if err != nil {
		return storage.Risk{}, err
	}
	if err := audit(ctx, tx, a, now, c.action, dealID, c.detail); err != nil {
		return storage.Risk{}, err
	}
	return r, nil
}

// statuses is the SQL list of the statuses a change may start from.
func statuses(from storage.RiskStatus) string {
	if from == "" {
		return `('open', 'resolved')`
	}
	return `('` + string(from) + `')`
}
