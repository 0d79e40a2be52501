package storage

// Export is everything recorded, by workspace, read in one snapshot: what
// `longgame export` writes out.
type Export struct {
	Workspaces []WorkspaceExport // by team id
}

// WorkspaceExport is one workspace's deals.
type WorkspaceExport struct {
	TeamID    string
	Deals     []DealExport     // by deal id, the order they were opened
	Champions []ChampionExport // by id: every person, with their timeline and contacts
}

// ChampionExport is one person with their company and title timeline and
// the contacts recorded with them.
type ChampionExport struct {
	Champion Champion
	Roles    []ChampionRole // oldest first
	Touches  []Touch        // oldest first
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

// DealsExport attaches each row to its deal, keeping the rows' order, and
// computes each deal's champion capital.
func DealsExport(deals []Deal, champions []Champion, asks []Ask, gives []Give, risks []Risk, checkins []Checkin) []DealExport {
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
		d.Capital = ComputeCapital(d.Deal.Budget, d.Deal.ChampionID, d.Asks, d.Gives)
	}
	return out
}
