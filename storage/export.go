package storage

import (
	"context"
	"fmt"
)

// Export is everything recorded, by workspace, read in one snapshot: what
// `longgame export` writes out.
type Export struct {
	Workspaces []WorkspaceExport // by team id
}

// WorkspaceExport is one workspace's deals.
type WorkspaceExport struct {
	TeamID string
	Deals  []DealExport // by deal id, the order they were opened
}

// DealExport is a deal with everything recorded on it.
type DealExport struct {
	Deal     Deal
	Champion *Champion // nil when the deal names none
	Capital  Capital
	Asks     []Ask     // by number
	Gives    []Give    // by number
	Risks    []Risk    // by number, resolved ones included
	Checkins []Checkin // by due time, whatever their status
}

// Export reads every deal of workspace teamID, or of every workspace when
// teamID is "", with its champion, asks, gives, risks and check-ins. It reads
// in one read-only transaction, so the result is a consistent snapshot even
// while the bot writes. A teamID with no workspace gives an empty Export.
func (db *DB) Export(ctx context.Context, teamID string) (Export, error) {
	var out Export
	err := db.readTx(ctx, func(tx *txn) error {
		var err error
		out, err = export(ctx, tx, teamID)
		return err
	})
	if err != nil {
		return Export{}, fmt.Errorf("export: %w", err)
	}
	return out, nil
}

// export is Export's work inside the transaction: a query per table, the
// rows then grouped by deal, rather than a query per deal.
func export(ctx context.Context, q querier, teamID string) (Export, error) {
	teams, err := queryAll(ctx, q, scanString,
		`SELECT team_id FROM workspaces WHERE ?1 = '' OR team_id = ?1 ORDER BY team_id`, teamID)
	if err != nil {
		return Export{}, fmt.Errorf("workspaces: %w", err)
	}
	deals, err := exportDeals(ctx, q, teamID)
	if err != nil {
		return Export{}, err
	}
	byTeam := map[string][]DealExport{}
	for _, d := range deals {
		byTeam[d.Deal.TeamID] = append(byTeam[d.Deal.TeamID], d)
	}
	out := Export{Workspaces: make([]WorkspaceExport, 0, len(teams))}
	for _, t := range teams {
		out.Workspaces = append(out.Workspaces, WorkspaceExport{TeamID: t, Deals: byTeam[t]})
	}
	return out, nil
}

// exportDeals reads the deals of teamID ("" for all) and attaches their
// rows. Deal ids are unique across workspaces, so children group by deal id.
func exportDeals(ctx context.Context, q querier, teamID string) ([]DealExport, error) {
	const scope = ` WHERE ?1 = '' OR team_id = ?1`
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
	return assemble(deals, champions, asks, gives, risks, checkins), nil
}

// assemble attaches each row to its deal, keeping the rows' order, and
// computes each deal's champion capital.
func assemble(deals []Deal, champions []Champion, asks []Ask, gives []Give, risks []Risk, checkins []Checkin) []DealExport {
	out := make([]DealExport, len(deals))
	at := make(map[int64]*DealExport, len(deals))
	for i, d := range deals {
		out[i].Deal = d
		at[d.ID] = &out[i]
	}
	byID := make(map[int64]*Champion, len(champions))
	for i := range champions {
		byID[champions[i].ID] = &champions[i]
	}
	// The foreign keys tie every row to a deal of its workspace; the checks
	// keep a damaged file from crashing the export.
	for _, a := range asks {
		if d := at[a.DealID]; d != nil {
			d.Asks = append(d.Asks, a)
		}
	}
	for _, g := range gives {
		if d := at[g.DealID]; d != nil {
			d.Gives = append(d.Gives, g)
		}
	}
	for _, r := range risks {
		if d := at[r.DealID]; d != nil {
			d.Risks = append(d.Risks, r)
		}
	}
	for _, c := range checkins {
		if d := at[c.DealID]; d != nil {
			d.Checkins = append(d.Checkins, c)
		}
	}
	for i := range out {
		d := &out[i]
		if c, ok := byID[d.Deal.ChampionID]; ok {
			champion := *c
			d.Champion = &champion
		}
		d.Capital = ComputeCapital(d.Deal.Budget, d.Asks, d.Gives)
	}
	return out
}
