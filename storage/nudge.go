package storage

import "time"

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
