package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// capitalSums are common table expressions summing, per deal of workspace
// $1 that scope (a condition on deal_id) selects, the asks and gives that
// who (a condition on champion_id) selects: count, and capital spent or
// given as storage.ComputeCapital counts them (withdrawn ones left out),
// and the latest. Its results must agree with storage.ComputeCapital, as
// must overviewOf's.
func capitalSums(scope, who string) string {
	return `
	ask_sums AS (
		SELECT deal_id, COUNT(*) AS n, SUM(CASE WHEN status IN ('open', 'done') THEN cost + extra ELSE 0 END) AS spent,
			MAX(created_at) AS last
		FROM asks WHERE team_id = $1 AND ` + scope + ` AND ` + who + ` AND status <> 'withdrawn' GROUP BY deal_id),
	give_sums AS (
		SELECT deal_id, COUNT(*) AS n, SUM(value) AS given, MAX(created_at) AS last
		FROM gives WHERE team_id = $1 AND ` + scope + ` AND ` + who + ` AND withdrawn_at IS NULL GROUP BY deal_id)`
}

// Ledger lists every ask and give of a deal in time order, with the running
// capital. At the same second asks come before gives.
func (db *DB) Ledger(ctx context.Context, teamID string, dealID int64) ([]storage.LedgerEntry, error) {
	var (
		d     storage.Deal
		asks  []storage.Ask
		gives []storage.Give
	)
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		if d, err = dealByID(ctx, tx, teamID, dealID); err != nil {
			return err
		}
		if asks, err = listAsks(ctx, tx, teamID, dealID); err != nil {
			return err
		}
		gives, err = listGives(ctx, tx, teamID, dealID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return storage.LedgerOf(d.Budget, d.ChampionID, asks, gives), nil
}
