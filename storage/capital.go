package storage

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Capital is what a champion has left to spend on one deal.
type Capital struct {
	Budget int
	Left   int // negative when overdrawn
}

// Overdrawn reports whether more was asked than the budget and the gives
// cover: "you might lose despite winning it".
func (c Capital) Overdrawn() bool { return c.Left < 0 }

// Low reports whether 20% of the budget or less is left.
func (c Capital) Low() bool { return c.Left*5 <= c.Budget }

// ComputeCapital applies the capital rule: budget − Σ ask costs + Σ give
// values, never above the budget. A declined ask costs nothing: the
// champion spent no capital on it; open and done asks cost.
//
// The clamp applies to the total, not step by step: a give made while the
// capital is full still counts against later asks.
func ComputeCapital(budget int, asks []Ask, gives []Give) Capital {
	spent, given := 0, 0
	for _, a := range asks {
		spent += askCost(a)
	}
	for _, g := range gives {
		given += g.Value
	}
	return capitalOf(budget, spent, given)
}

// askCost is what an ask takes from the champion's capital.
func askCost(a Ask) int {
	if a.Status == AskDeclined {
		return 0
	}
	return a.Cost
}

// capitalOf is the capital left after asks costing spent and gives worth
// given. ComputeCapital and the SQL sums (capitalSums) both end here.
func capitalOf(budget, spent, given int) Capital {
	return Capital{Budget: budget, Left: min(budget, budget-spent+given)}
}

// capitalSums are common table expressions summing, per deal of workspace
// ?1 that scope (a condition on deal_id) selects, the asks (count, cost as
// askCost counts it, latest) and the gives (count, value, latest). Their
// results must agree with ComputeCapital, as must overviewOf's.
func capitalSums(scope string) string {
	return `
	ask_sums AS (
		SELECT deal_id, COUNT(*) AS n, SUM(CASE status WHEN 'declined' THEN 0 ELSE cost END) AS spent,
			MAX(created_at) AS last
		FROM asks WHERE team_id = ?1 AND ` + scope + ` GROUP BY deal_id),
	give_sums AS (
		SELECT deal_id, COUNT(*) AS n, SUM(value) AS given, MAX(created_at) AS last
		FROM gives WHERE team_id = ?1 AND ` + scope + ` GROUP BY deal_id)`
}

// LedgerEntry is one ask or give of a deal, with the capital left after it.
type LedgerEntry struct {
	At   time.Time
	Ask  *Ask  // set for an ask
	Give *Give // set for a give
	Left int   // capital after this entry: the capital rule over the entries so far
}

// Ledger lists every ask and give of a deal in time order, with the running
// capital. At the same second asks come before gives.
func (db *DB) Ledger(ctx context.Context, teamID string, dealID int64) ([]LedgerEntry, error) {
	var (
		d     Deal
		asks  []Ask
		gives []Give
	)
	err := db.readTx(ctx, func(tx *txn) error {
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
	return ledger(d.Budget, asks, gives), nil
}

// ledger merges asks and gives (each oldest first) by time and computes the
// running capital.
func ledger(budget int, asks []Ask, gives []Give) []LedgerEntry {
	entries := make([]LedgerEntry, 0, len(asks)+len(gives))
	for i := range asks {
		entries = append(entries, LedgerEntry{At: asks[i].CreatedAt, Ask: &asks[i]})
	}
	for i := range gives {
		entries = append(entries, LedgerEntry{At: gives[i].CreatedAt, Give: &gives[i]})
	}
	slices.SortStableFunc(entries, func(x, y LedgerEntry) int { return x.At.Compare(y.At) })
	spent, given := 0, 0
	for i := range entries {
		if e := &entries[i]; e.Ask != nil {
			spent += askCost(*e.Ask)
		} else {
			given += e.Give.Value
		}
		entries[i].Left = capitalOf(budget, spent, given).Left
	}
	return entries
}
