package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

const riskCols = `r.id, r.deal_id, r.number, r.what, r.severity, r.area, r.needs_test, r.scenario, r.status,
	r.resolution_note, r.resolved_at, r.disclosed_at, r.disclosed_by, r.disclosure_note,
	r.withdrawn_by, r.withdrawn_at, r.created_by, r.created_at, r.updated_by, r.updated_at`

func riskDest(r *storage.Risk) []any {
	return []any{integer(&r.ID), integer(&r.DealID), integer(&r.Number), text(&r.What), text(&r.Severity),
		text(&r.Area), boolean(&r.NeedsTest), text(&r.Scenario), text(&r.Status),
		text(&r.ResolutionNote), ts(&r.ResolvedAt), ts(&r.DisclosedAt), text(&r.DisclosedBy), text(&r.DisclosureNote),
		text(&r.WithdrawnBy), ts(&r.WithdrawnAt), text(&r.CreatedBy), ts(&r.CreatedAt), text(&r.UpdatedBy), ts(&r.UpdatedAt)}
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
	now, what := db.now(), detail(map[string]any{"risk": r})
	var risk storage.Risk
	err := db.addNumbered(ctx, dealID, insertRiskQuery,
		[]any{a.TeamID, dealID, r.What, r.Severity, r.Area, r.NeedsTest, r.Scenario, a.UserID, tsArg(now), what},
		func(row pgx.Row) error { return scanRisk(row, &risk) },
		riskAdds, riskAdd{team: a.TeamID, deal: dealID, risk: r, by: a.UserID, at: now, detail: what})
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

// riskAdd is one AddRisk, as riskAdds merges it with others.
type riskAdd struct {
	team   string
	deal   int64
	risk   storage.NewRisk
	by     string
	at     time.Time
	detail string
}

// riskAdds writes the risks added at once as one statement: insertRiskQuery
// for many. Each deal's counter moves once, by its number of adds, and its
// adds take the numbers after it in their order.
var riskAdds = &merger{
	query: `WITH i AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[],
			$6::boolean[], $7::text[], $8::text[], $9::timestamptz[], $10::text[])
		WITH ORDINALITY AS i (team_id, deal_id, what, severity, area, needs_test, scenario, who, stamp, detail, pos)),
	k AS (SELECT team_id, deal_id, count(*)::integer AS k FROM i GROUP BY team_id, deal_id),
	n AS (UPDATE deals d SET last_risk = d.last_risk + k.k FROM k WHERE d.team_id = k.team_id AND d.id = k.deal_id
		RETURNING d.team_id, d.id, d.last_risk - k.k AS base),
	v AS (SELECT i.*, (n.base + row_number() OVER (PARTITION BY i.deal_id ORDER BY i.pos))::integer AS number
		FROM i JOIN n ON n.team_id = i.team_id AND n.id = i.deal_id),
	r AS (INSERT INTO risks AS r (team_id, deal_id, number, what, severity, area, needs_test,
			scenario, created_by, created_at, updated_by, updated_at)
		SELECT team_id, deal_id, number, what, severity, area, needs_test, scenario, who, stamp, who, stamp
		FROM v ORDER BY pos
		RETURNING ` + riskCols + `),
	au AS (INSERT INTO audit (team_id, user_id, at, action, deal_id, detail)
		SELECT team_id, who, stamp, 'risk.add', deal_id, detail::jsonb || jsonb_build_object('number', number)
		FROM v ORDER BY pos)
	SELECT v.pos, r.* FROM r JOIN v ON v.deal_id = r.deal_id AND v.number = r.number`,
	args: func(items []any) []any {
		n := len(items)
		teams, deals, whats, sevs, areas := make([]string, n), make([]int64, n), make([]string, n), make([]string, n), make([]string, n)
		tests, scenarios, bys, ats, details := make([]bool, n), make([]string, n), make([]string, n), make([]time.Time, n), make([]string, n)
		for i, it := range items {
			a := it.(riskAdd)
			teams[i], deals[i], whats[i], sevs[i], areas[i] = a.team, a.deal, a.risk.What, string(a.risk.Severity), string(a.risk.Area)
			tests[i], scenarios[i], bys[i], ats[i], details[i] = a.risk.NeedsTest, a.risk.Scenario, a.by, a.at, a.detail
		}
		return []any{teams, deals, whats, sevs, areas, tests, scenarios, bys, ats, details}
	},
}

// Risks lists a deal's risks by number: the open ones, or all of them
// (resolved and withdrawn too).
func (db *DB) Risks(ctx context.Context, teamID string, dealID int64, all bool) ([]storage.Risk, error) {
	risks, err := read(ctx, db, func(q querier) ([]storage.Risk, error) {
		return queryAll(ctx, q, scanRisk, `SELECT `+riskCols+` FROM risks r
			WHERE r.team_id = $1 AND r.deal_id = $2 AND ($3 OR r.status = 'open')
			ORDER BY r.number`, teamID, dealID, all)
	})
	if err != nil {
		return nil, fmt.Errorf("risks: %w", err)
	}
	return risks, nil
}

// lockRisk is risk #number of a deal, its row locked until the transaction
// ends: a change that checks the risk before writing it sees the risk as
// the change before it left it.
func lockRisk(ctx context.Context, q querier, teamID string, dealID int64, number int) (storage.Risk, error) {
	var r storage.Risk
	err := scanRisk(q.QueryRow(ctx, `SELECT `+riskCols+` FROM risks r
		WHERE r.team_id = $1 AND r.deal_id = $2 AND r.number = $3 FOR NO KEY UPDATE`, teamID, dealID, number), &r)
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
		set:  `status = 'resolved', resolution_note = $4, resolved_at = $5`,
		args: func(now time.Time) []any { return []any{note, tsArg(now)} },
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
		set:  `disclosed_at = $4, disclosed_by = $5, disclosure_note = $6`,
		args: func(now time.Time) []any { return []any{tsArg(now), a.UserID, note} },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("disclose risk: %w", err)
	}
	return r, nil
}

// WithdrawRisk withdraws risk #number: it leaves the tallies (the trigger
// counts open risks only) and stays, marked.
func (db *DB) WithdrawRisk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Risk, error) {
	r, err := db.changeRisk(ctx, a, dealID, number, riskChange{
		action: "risk.withdraw", check: withdrawRisk, detail: map[string]any{"number": number},
		set:  `status = 'withdrawn', withdrawn_by = $4, withdrawn_at = $5`,
		args: func(now time.Time) []any { return []any{a.UserID, tsArg(now)} },
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("withdraw risk: %w", err)
	}
	return r, nil
}

// withdrawRisk checks that r may be withdrawn: ErrUnchanged when it is.
func withdrawRisk(r storage.Risk) error {
	if r.Status == storage.RiskWithdrawn {
		return storage.ErrUnchanged
	}
	return nil
}

// riskChange is one change to an existing risk.
type riskChange struct {
	action string
	check  func(storage.Risk) error // the model's rule: may the risk change so?
	detail any
	set    string                // SET clauses, their arguments from $4
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
	before, err := lockRisk(ctx, tx, a.TeamID, dealID, number)
	if err != nil {
		return storage.Risk{}, err
	}
	if err := c.check(before); err != nil {
		return storage.Risk{}, err
	}
	args := append([]any{a.UserID, tsArg(now), before.ID}, c.args(now)...)
	var r storage.Risk
	err = scanRisk(tx.QueryRow(ctx, `UPDATE risks r SET `+c.set+`, updated_by = $1, updated_at = $2
		WHERE r.id = $3 RETURNING `+riskCols, args...), &r)
	if err != nil {
		return storage.Risk{}, err
	}
	if err := audit(ctx, tx, a, now, c.action, dealID, c.detail); err != nil {
		return storage.Risk{}, err
	}
	return r, nil
}

// EditRisk corrects risk #number as storage.RiskEdit.Apply does; the audit
// keeps the version before and after.
func (db *DB) EditRisk(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.RiskEdit) (storage.Risk, error) {
	if err := a.Validate(); err != nil {
		return storage.Risk{}, fmt.Errorf("edit risk: %w", err)
	}
	if err := e.Validate(); err != nil {
		return storage.Risk{}, fmt.Errorf("edit risk: %w", err)
	}
	r, err := writeValue(ctx, db, func(ctx context.Context, tx pgx.Tx, now time.Time) (storage.Risk, error) {
		return editRisk(ctx, tx, a, now, dealID, number, e)
	})
	if err != nil {
		return storage.Risk{}, fmt.Errorf("edit risk: %w", err)
	}
	return r, nil
}

func editRisk(ctx context.Context, tx pgx.Tx, a storage.Actor, now time.Time, dealID int64, number int, e storage.RiskEdit) (storage.Risk, error) {
	before, err := lockRisk(ctx, tx, a.TeamID, dealID, number)
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
	err = scanRisk(tx.QueryRow(ctx, `UPDATE risks r SET what = $1, severity = $2, area = $3, needs_test = $4, scenario = $5,
		updated_by = $6, updated_at = $7 WHERE r.id = $8 RETURNING `+riskCols,
		after.What, after.Severity, after.Area, after.NeedsTest, after.Scenario, a.UserID, tsArg(now), before.ID), &r)
	if err != nil {
		return storage.Risk{}, err
	}
	detail := map[string]any{"number": number, "before": before.AuditVersion(), "after": r.AuditVersion()}
	if err := audit(ctx, tx, a, now, "risk.edit", dealID, detail); err != nil {
		return storage.Risk{}, err
	}
	return r, nil
}
