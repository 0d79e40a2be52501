package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

const riskCols = `r.id, r.deal_id, r.number, r.what, r.severity, r.area, r.needs_test, r.scenario, r.status,
	r.resolution_note, r.resolved_at, r.disclosed_at, r.disclosed_by, r.disclosure_note,
	r.created_by, r.created_at, r.updated_by, r.updated_at`

func riskDest(r *storage.Risk) []any {
	return []any{integer(&r.ID), integer(&r.DealID), integer(&r.Number), text(&r.What), text(&r.Severity),
		text(&r.Area), boolean(&r.NeedsTest), text(&r.Scenario), text(&r.Status),
		text(&r.ResolutionNote), unix(&r.ResolvedAt), unix(&r.DisclosedAt), text(&r.DisclosedBy), text(&r.DisclosureNote),
		text(&r.CreatedBy), unix(&r.CreatedAt), text(&r.UpdatedBy), unix(&r.UpdatedAt)}
}

func scanRisk(s rowScanner, r *storage.Risk) error { return s.Scan(riskDest(r)...) }

// AddRisk records a risk of a deal, numbered after the deal's last risk.
func (db *DB) AddRisk(ctx context.Context, a storage.Actor, dealID int64, r storage.NewRisk) (storage.Risk, error) {
	risk, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Risk, error) {
		return addRisk(ctx, tx, a, now, dealID, r)
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("add risk: %w", err)
	}
	return risk, nil
}

func addRisk(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, r storage.NewRisk) (storage.Risk, error) {
	if err := a.Validate(); err != nil {
		return storage.Risk{}, err
	}
	if err := r.Validate(); err != nil {
		return storage.Risk{}, err
	}
	r = r.WithDefaults()
	var risk storage.Risk
	err := scanRisk(tx.QueryRowContext(ctx, insertRiskQuery, a.TeamID, dealID, r.What, r.Severity, r.Area,
		boolArg(r.NeedsTest), r.Scenario, a.UserID, unixArg(now)), &risk)
	if err != nil {
		return storage.Risk{}, found(err, fmt.Sprintf("deal %d", dealID))
	}
	if err := audit(ctx, tx, a, now, "risk.add", dealID, map[string]any{"number": risk.Number, "risk": r}); err != nil {
		return storage.Risk{}, err
	}
	return risk, nil
}

// insertRiskQuery adds a risk to deal ?2 of workspace ?1, numbered after
// the deal's last, and returns it: one statement that inserts nothing when
// the workspace has no such deal. The numbers stay gap-free and unique
// because the one writer runs one transaction at a time (and the UNIQUE
// constraint would refuse a duplicate).
var insertRiskQuery = `INSERT INTO risks (team_id, deal_id, number, what, severity, area, needs_test,
		scenario, created_by, created_at, updated_by, updated_at)
	SELECT d.team_id, d.id, ` + nextNumber("risks") + `, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?9
	FROM deals d WHERE d.team_id = ?1 AND d.id = ?2
	RETURNING ` + riskReturning

// Risks lists a deal's risks by number: the open ones, or all.
func (db *DB) Risks(ctx context.Context, teamID string, dealID int64, includeResolved bool) ([]storage.Risk, error) {
	risks, err := queryAll(ctx, db.read, scanRisk, `SELECT `+riskCols+` FROM risks r
		WHERE r.team_id = ? AND r.deal_id = ? AND (? OR r.status = 'open')
		ORDER BY r.number`, teamID, dealID, includeResolved)
	if err != nil {
		return nil, fmt.Errorf("risks: %w", err)
	}
	return risks, nil
}

func riskByNumber(ctx context.Context, q querier, teamID string, dealID int64, number int) (storage.Risk, error) {
	var r storage.Risk
	err := scanRisk(q.QueryRowContext(ctx, `SELECT `+riskCols+` FROM risks r
		WHERE r.team_id = ? AND r.deal_id = ? AND r.number = ?`, teamID, dealID, number), &r)
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
		set:  `status = 'resolved', resolution_note = ?, resolved_at = ?`,
		args: func(now time.Time) []any { return []any{note, unixArg(now)} },
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
		set:  `disclosed_at = ?, disclosed_by = ?, disclosure_note = ?`,
		args: func(now time.Time) []any { return []any{unixArg(now), a.UserID, note} },
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
	set    string                // SET clauses
	args   func(time.Time) []any // their arguments
}

// changeRisk applies c to risk #number of a deal.
func (db *DB) changeRisk(ctx context.Context, a storage.Actor, dealID int64, number int, c riskChange) (storage.Risk, error) {
	return writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Risk, error) {
		return changeRisk(ctx, tx, a, now, dealID, number, c)
	})
}

func changeRisk(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, number int, c riskChange) (storage.Risk, error) {
	if err := a.Validate(); err != nil {
		return storage.Risk{}, err
	}
	args := append(c.args(now), a.UserID, unixArg(now), a.TeamID, dealID, number, string(c.from))
	query := `UPDATE risks SET ` + c.set + `, updated_by = ?, updated_at = ?
		WHERE team_id = ? AND deal_id = ? AND number = ? AND ? IN ('', status)
		RETURNING ` + riskReturning
	var r storage.Risk
	err := scanRisk(tx.QueryRowContext(ctx, query, args...), &r)
	if errors.Is(err, sql.ErrNoRows) {
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

// riskReturning is riskCols for the RETURNING clause of a write to risks.
var riskReturning = returning(riskCols, "r", "risks")
