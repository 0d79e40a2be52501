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
