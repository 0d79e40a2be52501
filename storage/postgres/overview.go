package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// overviewOf is the query reading the overviews of the deals d of
// workspace $1 that where (a condition on d, which may use $2 and up)
// selects. Every sum, count and next check-in is computed for those deals
// only, through their indexes (LATERAL: per deal), so that a deal card
// costs the same in a workspace of ten deals or of a hundred thousand. The
// capital sums must agree with ComputeCapital: the asks and gives of the
// deal's current champion (or of none, before one is named), withdrawn
// ones left out. They read the deal's rows by its (team_id, deal_id,
// number) key and filter on the champion: IS NOT DISTINCT FROM, which
// NULL needs, is no index condition, and a deal has few asks.
func overviewOf(where string) string {
	return `SELECT ` + dealCols + `, ` + championCols + `, ` + checkinCols + `,
		ak.spent, gv.given, r.low, r.medium, r.high, r.critical, r.untested
	FROM deals d
	LEFT JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
	LEFT JOIN LATERAL (
		SELECT nc.* FROM checkins nc WHERE nc.team_id = d.team_id AND nc.deal_id = d.id AND nc.status = 'pending'
			AND nc.delivery <> 'folded'
		ORDER BY nc.due_at, nc.id LIMIT 1) c ON true
	CROSS JOIN LATERAL (
		SELECT COALESCE(SUM(a.cost + a.extra), 0) AS spent FROM asks a WHERE a.team_id = d.team_id AND a.deal_id = d.id
			AND a.champion_id IS NOT DISTINCT FROM d.champion_id AND a.status IN ('open', 'done')) ak
	CROSS JOIN LATERAL (
		SELECT COALESCE(SUM(g.value), 0) AS given FROM gives g WHERE g.team_id = d.team_id AND g.deal_id = d.id
			AND g.champion_id IS NOT DISTINCT FROM d.champion_id AND g.withdrawn_at IS NULL) gv
	CROSS JOIN LATERAL (
		SELECT COALESCE(SUM(t.n) FILTER (WHERE t.severity = 'low'), 0) AS low,
			COALESCE(SUM(t.n) FILTER (WHERE t.severity = 'medium'), 0) AS medium,
			COALESCE(SUM(t.n) FILTER (WHERE t.severity = 'high'), 0) AS high,
			COALESCE(SUM(t.n) FILTER (WHERE t.severity = 'critical'), 0) AS critical,
			COALESCE(SUM(t.n) FILTER (WHERE t.needs_test), 0) AS untested
		FROM risk_tallies t WHERE t.team_id = d.team_id AND t.deal_id = d.id) r
	WHERE d.team_id = $1 AND ` + where + `
	ORDER BY CASE d.stage WHEN 'open' THEN 0 WHEN 'won' THEN 1 ELSE 2 END, lower(d.name), d.id`
}

// listWhere selects workspace $1's deals at stage $2 of owner $3 ("" matches
// all) that viewer $4 may see: all when $4 is "", else those $4 owns and
// those whose channel is in the array $5. With $6 (a date), only the deals
// won since then that still have open high or critical risks, as their
// tallies say.
const listWhere = `($2::text = '' OR d.stage = $2) AND ($3::text = '' OR d.owner_id = $3)
	AND ($4::text = '' OR d.owner_id = $4 OR d.channel_id = ANY($5::text[]))
	AND ($6::date IS NULL OR d.stage = 'won' AND d.closed_on >= $6 AND EXISTS (SELECT 1 FROM risk_tallies t
		WHERE t.team_id = d.team_id AND t.deal_id = d.id AND t.severity IN ('high', 'critical') AND t.n > 0))`

var (
	// listQuery reads the first $7 overviews listWhere selects.
	listQuery = overviewOf(listWhere) + ` LIMIT $7`
	// listCountQuery counts them all.
	listCountQuery = `SELECT COUNT(*) FROM deals d WHERE d.team_id = $1 AND ` + listWhere
	// hiddenCountQuery counts the deals listWhere would select for no
	// viewer ($4 '', $5 empty) that viewer $7 does not own.
	hiddenCountQuery = `SELECT COUNT(*) FROM deals d WHERE d.team_id = $1 AND ` + listWhere + ` AND d.owner_id <> $7`
	// overviewQuery reads the overview of deal $2 of workspace $1.
	overviewQuery = overviewOf(`d.id = $2`)
)

// ListDeals lists the workspace's deals that f selects, open ones first,
// then by name: the first f.Limit of them, and how many there are.
func (db *DB) ListDeals(ctx context.Context, teamID string, f storage.DealFilter) (storage.Page[storage.DealOverview], error) {
	if err := f.Validate(); err != nil {
		return storage.Page[storage.DealOverview]{}, fmt.Errorf("list deals: %w", err)
	}
	viewer, channels := viewerArgs(f.Viewer)
	limit := f.Limit
	if limit <= 0 {
		limit = storage.DefaultListLimit
	}
	var l storage.Page[storage.DealOverview]
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		args := []any{teamID, string(f.Stage), f.OwnerID, viewer, channels, dateArg(f.StillAtRiskSince)}
		var err error
		if l.Items, err = queryAll(ctx, tx, scanOverview, listQuery, append(args, limit)...); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, listCountQuery, args...).Scan(&l.Total); err != nil {
			return err
		}
		if f.Viewer == nil || !f.Viewer.Unknown {
			return nil
		}
		return tx.QueryRow(ctx, hiddenCountQuery, teamID, string(f.Stage), f.OwnerID, "", []string{},
			dateArg(f.StillAtRiskSince), viewer).Scan(&l.Hidden)
	})
	if err != nil {
		return storage.Page[storage.DealOverview]{}, fmt.Errorf("list deals: %w", err)
	}
	return l, nil
}

// DealOverview is one deal's overview.
func (db *DB) DealOverview(ctx context.Context, teamID string, dealID int64) (storage.DealOverview, error) {
	o, err := read(ctx, db, func(q querier) (storage.DealOverview, error) {
		var o storage.DealOverview
		err := scanOverview(q.QueryRow(ctx, overviewQuery, teamID, dealID), &o)
		return o, found(err, fmt.Sprintf("deal %d", dealID))
	})
	if err != nil {
		return storage.DealOverview{}, fmt.Errorf("deal overview: %w", err)
	}
	return o, nil
}

func scanOverview(s rowScanner, o *storage.DealOverview) error {
	var (
		ch           storage.Champion
		next         storage.Checkin
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
	o.Capital = storage.CapitalOf(o.Deal.Budget, spent, given)
	if ch.ID != 0 {
		o.Champion = &ch
	}
	if next.ID != 0 {
		o.NextCheckin = &next
	}
	return nil
}
