package sqlite

import (
	"context"
	"fmt"

	"github.com/longgame/longgame/storage"
)

// overviewOf is the query reading the overviews of the deals d of
// workspace ?1 that where (a condition on d, which may use ?2 and up)
// selects. Every sum, count and next check-in is computed for those deals
// only, through their indexes: a deal card costs the same in a workspace of
// ten deals or of a hundred thousand (the CROSS JOIN keeps SQLite from
// reading the workspace's tallies first). The capital sums must agree with
// ComputeCapital.
func overviewOf(where string) string {
	return `SELECT ` + dealCols + `, ` + championCols + `, ` + checkinCols + `,
		(SELECT COALESCE(SUM(a.cost + a.extra), 0) FROM asks a WHERE a.team_id = d.team_id AND a.deal_id = d.id
			AND a.champion_id IS d.champion_id AND a.status IN ('open', 'done')),
		(SELECT COALESCE(SUM(g.value), 0) FROM gives g WHERE g.team_id = d.team_id AND g.deal_id = d.id
			AND g.champion_id IS d.champion_id AND g.withdrawn_at IS NULL),
		COALESCE(r.low, 0), COALESCE(r.medium, 0), COALESCE(r.high, 0), COALESCE(r.critical, 0), COALESCE(r.untested, 0)
	FROM deals d
	LEFT JOIN champions ch ON ch.team_id = d.team_id AND ch.id = d.champion_id
	LEFT JOIN checkins c ON c.id = (
		SELECT nc.id FROM checkins nc WHERE nc.team_id = d.team_id AND nc.deal_id = d.id AND nc.status = 'pending'
			AND nc.delivery <> 'folded'
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

// listWhere selects workspace ?1's deals at stage ?2 of owner ?3 ("" matches
// all) that viewer ?4 may see: all when ?4 is "", else those ?4 owns and
// those whose channel is in the JSON array ?5. With ?6 (a date), only the
// deals won since then that still have open high or critical risks.
const listWhere = `(?2 = '' OR d.stage = ?2) AND (?3 = '' OR d.owner_id = ?3)
	AND (?4 = '' OR d.owner_id = ?4 OR d.channel_id IN (SELECT value FROM json_each(?5)))
	AND (?6 IS NULL OR d.stage = 'won' AND d.closed_on >= ?6 AND EXISTS (SELECT 1 FROM risk_tallies t
		WHERE t.team_id = d.team_id AND t.deal_id = d.id AND t.severity IN ('high', 'critical') AND t.n > 0))`

var (
	// listQuery reads the first ?7 overviews listWhere selects.
	listQuery = overviewOf(listWhere) + ` LIMIT ?7`
	// listCountQuery counts them all.
	listCountQuery = `SELECT COUNT(*) FROM deals d WHERE d.team_id = ?1 AND ` + listWhere
	// hiddenCountQuery counts the deals listWhere would select, but for
	// the visibility rule, that viewer ?7 does not own.
	hiddenCountQuery = `SELECT COUNT(*) FROM deals d WHERE d.team_id = ?1 AND ` + listWhere + ` AND d.owner_id <> ?7`
	// overviewQuery reads the overview of deal ?2 of workspace ?1.
	overviewQuery = overviewOf(`d.id = ?2`)
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
	err := db.readTx(ctx, func(tx *txn) error {
		args := []any{teamID, string(f.Stage), f.OwnerID, viewer, channels, dateArg(f.StillAtRiskSince)}
		var err error
		if l.Items, err = queryAll(ctx, tx, scanOverview, listQuery, append(args, limit)...); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, listCountQuery, args...).Scan(&l.Total); err != nil {
			return err
		}
		if f.Viewer == nil || !f.Viewer.Unknown {
			return nil
		}
		// listWhere for no viewer, less the deals the viewer ?7 owns.
		return tx.QueryRowContext(ctx, hiddenCountQuery, teamID, string(f.Stage), f.OwnerID, "", "[]",
			dateArg(f.StillAtRiskSince), viewer).Scan(&l.Hidden)
	})
	if err != nil {
		return storage.Page[storage.DealOverview]{}, fmt.Errorf("list deals: %w", err)
	}
	return l, nil
}

// viewerArgs are the viewer's id ("" for no viewer) and channels (a JSON
// array) as query arguments.
func viewerArgs(v *storage.Viewer) (string, string) {
	if v == nil {
		return "", "[]"
	}
	if v.Unknown {
		return v.UserID, "[]"
	}
	return v.UserID, jsonArray(v.Channels)
}

// DealOverview is one deal's overview.
func (db *DB) DealOverview(ctx context.Context, teamID string, dealID int64) (storage.DealOverview, error) {
	key := dealKey{teamID, dealID}
	if o, ok := db.cache.overview(key); ok {
		return o, nil
	}
	gen := db.cache.generation()
	var o storage.DealOverview
	err := scanOverview(db.read.QueryRowContext(ctx, overviewQuery, teamID, dealID), &o)
	if err != nil {
		return storage.DealOverview{}, fmt.Errorf("deal overview: %w", found(err, fmt.Sprintf("deal %d", dealID)))
	}
	db.cache.putOverview(key, gen, o)
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
