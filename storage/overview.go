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

// overviewQuery reads deal overviews of workspace ?1 in one statement,
// filtered by stage ?2, owner ?3 and deal id ?4 ("" and 0 match all).
const overviewQuery = `WITH ` + capitalSums + `,
	open_risks AS (
		SELECT deal_id, SUM(severity = 'low') AS low, SUM(severity = 'medium') AS medium,
			SUM(severity = 'high') AS high, SUM(severity = 'critical') AS critical, SUM(needs_test) AS untested
		FROM risks WHERE team_id = ?1 AND status = 'open' GROUP BY deal_id),
	next_checkins AS (
		SELECT *, ROW_NUMBER() OVER (PARTITION BY deal_id ORDER BY due_at, id) AS rank
		FROM checkins WHERE team_id = ?1 AND status = 'pending')
	SELECT ` + dealCols + `, ` + championCols + `, ` + checkinCols + `,
		COALESCE(ak.spent, 0), COALESCE(gv.given, 0),
		COALESCE(r.low, 0), COALESCE(r.medium, 0), COALESCE(r.high, 0), COALESCE(r.critical, 0), COALESCE(r.untested, 0)
	FROM deals d
	LEFT JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
	LEFT JOIN next_checkins c ON c.deal_id = d.id AND c.rank = 1
	LEFT JOIN ask_sums ak ON ak.deal_id = d.id
	LEFT JOIN give_sums gv ON gv.deal_id = d.id
	LEFT JOIN open_risks r ON r.deal_id = d.id
	WHERE d.team_id = ?1 AND (?2 = '' OR d.stage = ?2) AND (?3 = '' OR d.owner_id = ?3) AND (?4 = 0 OR d.id = ?4)
	ORDER BY CASE d.stage WHEN 'open' THEN 0 WHEN 'won' THEN 1 ELSE 2 END, d.name COLLATE NOCASE, d.id`

// ListDeals lists the workspace's deals that f selects, open ones first,
// then by name.
func (db *DB) ListDeals(ctx context.Context, teamID string, f DealFilter) ([]DealOverview, error) {
	if f.Stage != "" && !f.Stage.Valid() {
		return nil, fmt.Errorf("list deals: %w", invalid("unknown stage %q", f.Stage))
	}
	all, err := queryAll(ctx, db.read, scanOverview, overviewQuery, teamID, string(f.Stage), f.OwnerID, 0)
	if err != nil {
		return nil, fmt.Errorf("list deals: %w", err)
	}
	return all, nil
}

// DealOverview is one deal's overview.
func (db *DB) DealOverview(ctx context.Context, teamID string, dealID int64) (DealOverview, error) {
	var o DealOverview
	err := scanOverview(db.read.QueryRowContext(ctx, overviewQuery, teamID, "", "", dealID), &o)
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
