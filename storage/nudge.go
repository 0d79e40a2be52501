package storage

import (
	"maps"
	"slices"
	"time"
)

// NudgeWindow is what a weekly nudge covers.
type NudgeWindow struct {
	DueBefore time.Time // pending check-ins due before this, overdue ones included
	WonSince  time.Time // deals won on or after this date (UTC midnight)
	Today     time.Time // the nudge's date (UTC midnight): open deals expected to close before it are late
	// QuietSince is the start of the keep-in-touch period: a closed deal's
	// champion with no contact since, on a deal closed before it, is
	// Untouched. Zero lists none.
	QuietSince time.Time
}

// Nudge is what one owner of a workspace gets in the weekly nudge.
type Nudge struct {
	TeamID  string
	OwnerID string
	OwnerTZ string // cached time zone (IANA name); "" when unknown
	// Due are the pending check-ins due before the window's end, earliest
	// first. Check-ins folded into another pending one are left out (its
	// reminder covers them), and so are the failed ones (see Failed).
	Due []CheckinDue
	// Unchecked are the deals won since the window's start with no check-in
	// done yet.
	Unchecked []Deal
	// AtRisk are the owner's deals that DealOverview.AtRisk says are.
	AtRisk []DealOverview
	// Failed are the pending check-ins whose reminder the deal channel
	// refused (see Checkin.DeliveryError).
	Failed []CheckinDue
	// Late are the owner's open deals whose expected close passed
	// (Deal.DaysPastClose at the window's Today), most overdue first.
	Late []Deal
	// Untouched are the champions of the owner's closed deals with no
	// recorded contact since the window's QuietSince, the longest quiet
	// first.
	Untouched []Untouched
}

// Empty reports whether the owner has nothing to hear about.
func (n Nudge) Empty() bool {
	return len(n.Due) == 0 && len(n.Unchecked) == 0 && len(n.AtRisk) == 0 && len(n.Failed) == 0 && len(n.Late) == 0 && len(n.Untouched) == 0
}

// NudgeRows are what a store reads, in one snapshot, for the weekly nudges
// of one workspace; NudgesOf makes the nudges of them.
type NudgeRows struct {
	Due       []CheckinDue   // pending, due before the window's end, neither failed nor folded
	Failed    []CheckinDue   // pending, whose reminder the channel refused
	Unchecked []Deal         // won since the window's start, no check-in done
	Open      []DealOverview // the open deals
	Untouched []Untouched    // closed deals' champions, each owner's latest closed deal of them first
	Zones     map[string]string
}

// NudgesOf is what each owner gets for window w, by owner id: the rule
// both stores apply to the rows they read. Owners with nothing are left
// out.
func NudgesOf(teamID string, w NudgeWindow, r NudgeRows) []Nudge {
	byOwner := map[string]*Nudge{}
	nudge := func(owner string) *Nudge {
		if byOwner[owner] == nil {
			byOwner[owner] = &Nudge{TeamID: teamID, OwnerID: owner, OwnerTZ: r.Zones[owner]}
		}
		return byOwner[owner]
	}
	for _, cd := range r.Due {
		n := nudge(cd.Deal.OwnerID)
		n.Due = append(n.Due, cd)
	}
	for _, cd := range r.Failed {
		n := nudge(cd.Deal.OwnerID)
		n.Failed = append(n.Failed, cd)
	}
	for _, d := range r.Unchecked {
		n := nudge(d.OwnerID)
		n.Unchecked = append(n.Unchecked, d)
	}
	for _, o := range r.Open {
		if o.AtRisk() {
			n := nudge(o.Deal.OwnerID)
			n.AtRisk = append(n.AtRisk, o)
		}
		if o.Deal.DaysPastClose(w.Today) > 0 {
			n := nudge(o.Deal.OwnerID)
			n.Late = append(n.Late, o.Deal)
		}
	}
	if !w.QuietSince.IsZero() {
		for _, u := range UntouchedOf(r.Untouched, w.QuietSince) {
			n := nudge(u.Deal.OwnerID)
			n.Untouched = append(n.Untouched, u)
		}
	}
	out := make([]Nudge, 0, len(byOwner))
	for _, owner := range slices.Sorted(maps.Keys(byOwner)) {
		n := byOwner[owner]
		slices.SortStableFunc(n.Late, func(x, y Deal) int { return x.ExpectedClose.Compare(y.ExpectedClose) })
		slices.SortStableFunc(n.Untouched, func(x, y Untouched) int { return x.LastContact.Compare(y.LastContact) })
		out = append(out, *n)
	}
	return out
}
