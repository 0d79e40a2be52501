package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/longgame/longgame/storage"
)

// Export reads every deal of workspace teamID, or of every workspace when
// teamID is "", with its champion, asks, gives, risks and check-ins, and
// every champion with their timeline and touches, in one
// REPEATABLE READ snapshot, even while replicas write. A teamID with no
// workspace gives an empty Export.
func (db *DB) Export(ctx context.Context, teamID string) (storage.Export, error) {
	var out storage.Export
	err := db.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = export(ctx, tx, teamID)
		return err
	})
	if err != nil {
		return storage.Export{}, fmt.Errorf("export: %w", err)
	}
	return out, nil
}

// export is Export's work inside the transaction: a query per table, the
// rows then grouped by deal, rather than a query per deal.
func export(ctx context.Context, q querier, teamID string) (storage.Export, error) {
	teams, err := queryAll(ctx, q, scanString,
		`SELECT team_id FROM workspaces WHERE $1::text = '' OR team_id = $1 ORDER BY team_id`, teamID)
	if err != nil {
		return storage.Export{}, fmt.Errorf("workspaces: %w", err)
	}
	deals, err := exportDeals(ctx, q, teamID)
	if err != nil {
		return storage.Export{}, err
	}
	people, err := exportChampions(ctx, q, teamID)
	if err != nil {
		return storage.Export{}, err
	}
	byTeam := map[string][]storage.DealExport{}
	for _, d := range deals {
		byTeam[d.Deal.TeamID] = append(byTeam[d.Deal.TeamID], d)
	}
	out := storage.Export{Workspaces: make([]storage.WorkspaceExport, 0, len(teams))}
	for _, t := range teams {
		out.Workspaces = append(out.Workspaces, storage.WorkspaceExport{TeamID: t, Deals: byTeam[t], Champions: people[t]})
	}
	return out, nil
}

// exportDeals reads the deals of teamID ("" for all) and attaches their
// rows. Deal ids are unique across workspaces, so children group by deal id.
func exportDeals(ctx context.Context, q querier, teamID string) ([]storage.DealExport, error) {
	const scope = ` WHERE $1::text = '' OR team_id = $1`
	deals, err := queryAll(ctx, q, scanDeal, `SELECT `+dealCols+` FROM deals d`+scope+` ORDER BY d.team_id, d.id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("deals: %w", err)
	}
	champions, err := queryAll(ctx, q, scanChampion, `SELECT `+championCols+` FROM champions ch`+scope, teamID)
	if err != nil {
		return nil, fmt.Errorf("champions: %w", err)
	}
	asks, err := queryAll(ctx, q, scanAsk, `SELECT `+askCols+` FROM asks a`+scope+` ORDER BY a.deal_id, a.number`, teamID)
	if err != nil {
		return nil, fmt.Errorf("asks: %w", err)
	}
	gives, err := queryAll(ctx, q, scanGive, `SELECT `+giveCols+` FROM gives g`+scope+` ORDER BY g.deal_id, g.number`, teamID)
	if err != nil {
		return nil, fmt.Errorf("gives: %w", err)
	}
	risks, err := queryAll(ctx, q, scanRisk, `SELECT `+riskCols+` FROM risks r`+scope+` ORDER BY r.deal_id, r.number`, teamID)
	if err != nil {
		return nil, fmt.Errorf("risks: %w", err)
	}
	checkins, err := queryAll(ctx, q, scanCheckin, `SELECT `+checkinCols+` FROM checkins c`+scope+` ORDER BY c.deal_id, c.due_at, c.id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("check-ins: %w", err)
	}
	return storage.DealsExport(deals, champions, asks, gives, risks, checkins), nil
}

// exportChampions reads the champions of teamID ("" for all) with their
// timelines and touches, by workspace.
func exportChampions(ctx context.Context, q querier, teamID string) (map[string][]storage.ChampionExport, error) {
	const scope = ` WHERE $1::text = '' OR team_id = $1`
	champions, err := queryAll(ctx, q, scanChampion, `SELECT `+championCols+` FROM champions ch`+scope+` ORDER BY ch.team_id, ch.id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("champions: %w", err)
	}
	roles, err := queryAll(ctx, q, func(s rowScanner, r *storage.RoleOf) error {
		return s.Scan(integer(&r.ChampionID), text(&r.Company), text(&r.Title), date(&r.Since), text(&r.MovedFrom),
			text(&r.RecordedBy), ts(&r.RecordedAt))
	}, `SELECT champion_id, company, title, since, moved_from, recorded_by, recorded_at FROM champion_roles`+scope+` ORDER BY id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("champion roles: %w", err)
	}
	touches, err := queryAll(ctx, q, scanTouch, `SELECT `+touchCols+` FROM touches t`+scope+` ORDER BY t.id`, teamID)
	if err != nil {
		return nil, fmt.Errorf("touches: %w", err)
	}
	return storage.ChampionsExport(champions, roles, touches), nil
}
