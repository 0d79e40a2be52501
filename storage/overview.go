package storage

import "time"

// DealFilter selects deals for a list.
type DealFilter struct {
	Stage   Stage  // "" means every stage
	OwnerID string // "" means anyone's
	// Viewer, when set, keeps the deals Viewer may see: those they own and
	// those whose channel they are a member of.
	Viewer *Viewer
	Limit  int // at most this many deals; 0 means DefaultListLimit
	// StillAtRiskSince, when set, keeps only the won deals closed on or
	// after it (a UTC midnight) that still have open high or critical
	// risks: post-sale, still at risk (see PostSaleWatch).
	StillAtRiskSince time.Time
}

// PostSaleWatch is how long after a win the App Home keeps a deal that
// still has open high or critical risks: the champion carries them now.
const PostSaleWatch = 90 * 24 * time.Hour

// Validate checks the filter's stage and viewer.
func (f DealFilter) Validate() error {
	if f.Stage != "" && !f.Stage.Valid() {
		return Invalidf("unknown stage %q", f.Stage)
	}
	if !f.StillAtRiskSince.IsZero() && f.Stage != "" && f.Stage != StageWon {
		return Invalidf("only won deals are still at risk after the sale, not %s ones", f.Stage)
	}
	return f.Viewer.Validate()
}

// Viewer is who a list spanning deals is for. A deal shows to its owner
// and to the members of its channel, and to nobody else.
type Viewer struct {
	UserID   string
	Channels []string // the channels UserID is a member of
	// Unknown says the viewer's channels could not be read: only their own
	// deals show, and the list counts the others it left out.
	Unknown bool
}

// Validate accepts no viewer, or one with a user id: a viewer without one
// would see every deal.
func (v *Viewer) Validate() error {
	if v != nil && v.UserID == "" {
		return Invalidf("a viewer needs a user id")
	}
	return nil
}

// DefaultListLimit is how many deals a list reads when its filter says
// nothing: more than one Slack message can show.
const DefaultListLimit = 100

// Page is the first items of a list that spans deals.
type Page[T any] struct {
	Items []T
	Total int // the items the list selects, of which Items are the first
	// Hidden counts the deals left out because the viewer's channels could
	// not be read (Viewer.Unknown); they may or may not be theirs to see.
	Hidden int
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

// AtRisk reports whether the deal is open and in danger, the deals the
// weekly nudge lists: it has high or critical open risks, or its champion
// is overdrawn.
func (o DealOverview) AtRisk() bool {
	return o.Deal.Stage == StageOpen && (o.OpenRisks.High+o.OpenRisks.Critical > 0 || o.Capital.Overdrawn())
}
