package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
)

const riskCols = `r.id, r.deal_id, r.number, r.what, r.severity, r.area, r.needs_test, r.scenario, r.status,
	r.resolution_note, r.resolved_at, r.disclosed_at, r.disclosed_by, r.disclosure_note,
	r.withdrawn_by, r.withdrawn_at, r.created_by, r.created_at, r.updated_by, r.updated_at`

func riskDest(r *storage.Risk) []any {
	return []any{integer(&r.ID), integer(&r.DealID), integer(&r.Number), text(&r.What), text(&r.Severity),
		text(&r.Area), boolean(&r.NeedsTest), text(&r.Scenario), text(&r.Status),
		text(&r.ResolutionNote), unix(&r.ResolvedAt), unix(&r.DisclosedAt), text(&r.DisclosedBy), text(&r.DisclosureNote),
		text(&r.WithdrawnBy), unix(&r.WithdrawnAt), text(&r.CreatedBy), unix(&r.CreatedAt), text(&r.UpdatedBy), unix(&r.UpdatedAt)}
}

func scanRisk(s rowScanner, r *storage.Risk) error { return s.Scan(riskDest(r)...) }

// AddRisk records a risk of a deal, numbered after the deal's last risk.
func (db *DB) AddRisk(ctx context.Context, a storage.Actor, dealID int64, r storage.NewRisk) (storage.Risk, error) {
	risk, err := writeValueKeepingDeals(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Risk, error) {
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
func (db *DB) Risks(ctx context.Context, teamID string, dealID int64, all bool) ([]storage.Risk, error) {
	risks, err := queryAll(ctx, db.read, scanRisk, `SELECT `+riskCols+` FROM risks r
		WHERE r.team_id = ? AND r.deal_id = ? AND (? OR r.status = 'open')
		ORDER BY r.number`, teamID, dealID, all)
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

// ResolveRisk closes risk #number with a note, as storage.Risk.Resolve
// allows.
func (db *DB) ResolveRisk(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error) {
	r, err := db.changeRisk(ctx, a, dealID, number, riskChange{
		action: "risk.resolve", check: storage.Risk.Resolve, detail: map[string]any{"number": number, "note": note},
		set:  `status = 'resolved', resolution_note = ?, resolved_at = ?`,
		args: func(now time.Time) []any { return []any{note, unixArg(now)} },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("resolve risk: %w", err)
	}
	return r, nil
}

// ReopenRisk opens resolved risk #number again, forgetting the resolution,
// as storage.Risk.Reopen allows.
func (db *DB) ReopenRisk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Risk, error) {
	r, err := db.changeRisk(ctx, a, dealID, number, riskChange{
		action: "risk.reopen", check: storage.Risk.Reopen, detail: map[string]any{"number": number},
		set:  `status = 'open', resolution_note = '', resolved_at = NULL`,
		args: func(time.Time) []any { return nil },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("reopen risk: %w", err)
	}
	return r, nil
}

// DiscloseRisk records that risk #number was shared openly with the
// champion or the customer: by whom, when, with a note, as
// storage.Risk.Disclose allows.
func (db *DB) DiscloseRisk(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error) {
	r, err := db.changeRisk(ctx, a, dealID, number, riskChange{
		action: "risk.disclose", check: storage.Risk.Disclose, detail: map[string]any{"number": number, "note": note},
		set:  `disclosed_at = ?, disclosed_by = ?, disclosure_note = ?`,
		args: func(now time.Time) []any { return []any{unixArg(now), a.UserID, note} },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("disclose risk: %w", err)
	}
	return r, nil
}

// WithdrawRisk withdraws risk #number: it stops counting and stays, marked.
func (db *DB) WithdrawRisk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Risk, error) {
	r, err := db.changeRisk(ctx, a, dealID, number, riskChange{
		action: "risk.withdraw", check: withdrawRisk, detail: map[string]any{"number": number},
		set:  `status = 'withdrawn', withdrawn_by = ?, withdrawn_at = ?`,
		args: func(now time.Time) []any { return []any{a.UserID, unixArg(now)} },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("withdraw risk: %w", err)
	}
	return r, nil
}

func withdrawRisk(r storage.Risk) error {
	if r.Status == storage.RiskWithdrawn {
		return storage.ErrUnchanged
	}
	return nil
}

// EditRisk corrects risk #number as storage.RiskEdit.Apply does; the audit
// keeps the version before and after.
func (db *DB) EditRisk(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.RiskEdit) (storage.Risk, error) {
	r, err := writeValue(ctx, db, func(ctx context.Context, tx *txn, now time.Time) (storage.Risk, error) {
		return editRisk(ctx, tx, a, now, dealID, number, e)
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("edit risk: %w", err)
	}
	return r, nil
}

func editRisk(ctx context.Context, tx *txn, a storage.Actor, now time.Time, dealID int64, number int, e storage.RiskEdit) (storage.Risk, error) {
	if err := a.Validate(); err != nil {
		return storage.Risk{}, err
	}
	if err := e.Validate(); err != nil {
		return storage.Risk{}, err
	}
	before, err := riskByNumber(ctx, tx, a.TeamID, dealID, number)
	if err != nil {
		return storage.Risk{}, err
	}
	after, changed, err := e.Apply(before)
	if err != nil {
		return storage.Risk{}, err
	}
	if !changed {
		return storage.Risk{}, storage.ErrUnchanged
	}
	var r storage.Risk
	err = scanRisk(tx.QueryRowContext(ctx, `UPDATE risks SET what = ?, severity = ?, area = ?, needs_test = ?, scenario = ?,
		updated_by = ?, updated_at = ? WHERE id = ? RETURNING `+riskReturning,
		after.What, after.Severity, after.Area, boolArg(after.NeedsTest), after.Scenario, a.UserID, unixArg(now), before.ID), &r)
	if err != nil {
		return storage.Risk{}, err
	}
	detail := map[string]any{"number": number, "before": before.AuditVersion(), "after": r.AuditVersion()}
	if err := audit(ctx, tx, a, now, "risk.edit", dealID, detail); err != nil {
		return storage.Risk{}, err
	}
	return r, nil
}

// riskChange is one change to an existing risk.
type riskChange struct {
	action string
	check  func(storage.Risk) error // the model's rule: may the risk change so?
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
	before, err := riskByNumber(ctx, tx, a.TeamID, dealID, number)
	if err != nil {
		return storage.Risk{}, err
	}
	if err := c.check(before); err != nil {
		return storage.Risk{}, err
	}
	args := append(c.args(now), a.UserID, unixArg(now), before.ID)
	var r storage.Risk
	err = scanRisk(tx.QueryRowContext(ctx, `UPDATE risks SET `+c.set+`, updated_by = ?, updated_at = ?
		WHERE id = ? RETURNING `+riskReturning, args...), &r)
	if err != nil {
		return storage.Risk{}, err
	}
	if err := audit(ctx, tx, a, now, c.action, dealID, c.detail); err != nil {
		return storage.Risk{}, err
	}
	return r, nil
}

// riskReturning is riskCols for the RETURNING clause of a write to risks.
var riskReturning = returning(riskCols, "r", "risks")
