package storage

import (
	"context"
	"fmt"
)

// DealFilter selects deals for ListDeals.
type DealFilter struct {
	Stage   Stage  // "" means every stage
	OwnerID string // "" means anyone's
}

// DealOverview is a deal with what its card shows.
type DealOverview struct {
	Deal          Deal
	Champion      *Champion // nil when none is named
	Capital       Capital
	OpenRisks     RiskCounts
	UntestedRisks int      // open risks marked as needing a test
	NextCheckin   *Checkin // the pending check-in due first; nil when none
}

// RiskCounts counts open risks by severity.
type RiskCounts struct {
	Low, Medium, High, Critical int
}

// Total is the number of open risks.
func (r RiskCounts) Total() int { return r.Low + r.Medium + r.High + r.Critical }

// overviewOf is the query reading the overviews of the deals d of
// workspace ?1 that where (a condition on d, which may use ?2 and up)
// selects. Every sum, count and next check-in is computed for those deals
// only, through their indexes: a deal card costs the same in a workspace of
// ten deals or of a hundred thousand (the CROSS JOIN keeps SQLite from
// reading the workspace's tallies first). The capital sums must agree with
// ComputeCapital.
func overviewOf(where string) string {
	return `SELECT ` + dealCols + `, ` + championCols + `, ` + checkinCols + `,
		(SELECT COALESCE(SUM(CASE a.status WHEN 'declined' THEN 0 ELSE a.cost END), 0) FROM asks a
			WHERE a.team_id = d.team_id AND a.deal_id = d.id),
		(SELECT COALESCE(SUM(g.value), 0) FROM gives g WHERE g.team_id = d.team_id AND g.deal_id = d.id),
		COALESCE(r.low, 0), COALESCE(r.medium, 0), COALESCE(r.high, 0), COALESCE(r.critical, 0), COALESCE(r.untested, 0)
	FROM deals d
	LEFT JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
	LEFT JOIN checkins c ON c.id = (
		SELECT nc.id FROM checkins nc WHERE nc.team_id = d.team_id AND nc.deal_id = d.id AND nc.status = 'pending'
		ORDER BY nc.due_at, nc.id LIMIT 1)
	LEFT JOIN (
		SELECT t.deal_id, SUM(CASE t.severity WHEN 'low' THEN t.n ELSE 0 END) AS low,
			SUM(CASE t.severity WHEN 'medium' THEN t.n ELSE 0 END) AS medium,
			SUM(CASE t.severity WHEN 'high' THEN t.n ELSE 0 END) AS high,
			SUM(CASE t.severity WHEN 'critical' THEN t.n ELSE 0 END) AS critical,
			SUM(t.needs_test * t.n) AS untested
		FROM deals d CROSS JOIN risk_tallies t ON t.team_id = d.team_id AND t.deal_id = d.id
		WHERE d.team_id = ?1 AND ` + where + `
		GROUP BY t.deal_id) r ON r.deal_id = d.id
	WHERE d.team_id = ?1 AND ` + where + `
	ORDER BY CASE d.stage WHEN 'open' THEN 0 WHEN 'won' THEN 1 ELSE 2 END, d.name COLLATE NOCASE, d.id`
}

var (
	// listQuery reads the overviews of workspace ?1's deals at stage ?2 of
	// owner ?3 ("" matches all).
	listQuery = overviewOf(`(?2 = '' OR d.stage = ?2) AND (?3 = '' OR d.owner_id = ?3)`)
	// overviewQuery reads the overview of deal ?2 of workspace ?1.
	overviewQuery = overviewOf(`d.id = ?2`)
)

// ListDeals lists the workspace's deals that f selects, open ones first,
// then by name.
func (db *DB) ListDeals(ctx context.Context, teamID string, f DealFilter) ([]DealOverview, error) {
	if f.Stage != "" && !f.Stage.Valid() {
		return nil, fmt.Errorf("list deals: %w", invalid("unknown stage %q", f.Stage))
	}
	all, err := queryAll(ctx, db.read, scanOverview, listQuery, teamID, string(f.Stage), f.OwnerID)
	if err != nil {
		return nil, fmt.Errorf("list deals: %w", err)
	}
	return all, nil
}

// DealOverview is one deal's overview.
func (db *DB) DealOverview(ctx context.Context, teamID string, dealID int64) (DealOverview, error) {
	var o DealOverview
	err := scanOverview(db.read.QueryRowContext(ctx, overviewQuery, teamID, dealID), &o)
	if err != nil {
		return DealOverview{}, fmt.Errorf("deal overview: %w", found(err, fmt.Sprintf("deal %d", dealID)))
	}
	return o, nil
}

func scanOverview(s rowScanner, o *DealOverview) error {
	var (
		ch           Champion
		next         Checkin
		spent, given int
		r            = &o.OpenRisks
	)
	dest := append(dealDest(&o.Deal), championDest(&ch)...)
	dest = append(dest, checkinDest(&next)...)
	dest = append(dest, integer(&spent), integer(&given),
		integer(&r.Low), integer(&r.Medium), integer(&r.High), integer(&r.Critical), integer(&o.UntestedRisks))
	if err := s.Scan(dest...); err != nil {
		return err
	}
	o.Capital = capitalOf(o.Deal.Budget, spent, given)
	if ch.ID != 0 {
		o.Champion = &ch
	}
	if next.ID != 0 {
		o.NextCheckin = &next
	}
	return nil
}
