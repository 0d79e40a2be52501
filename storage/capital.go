package storage

import (
	"slices"
	"time"
)

// Capital is what a champion has left to spend on one deal.
type Capital struct {
	Budget int
	Left   int // negative when overdrawn
}

// CapitalState is what the capital left means for the seller.
type CapitalState int

// Capital states.
const (
	CapitalHealthy   CapitalState = iota // more than 20% of the budget left
	CapitalLow                           // 20% of the budget or less left: warn before the next ask
	CapitalOverdrawn                     // below zero: "you might lose despite winning it"
)

// State says whether the capital is healthy, low (20% of the budget or
// less left) or overdrawn (below zero).
func (c Capital) State() CapitalState {
	switch {
	case c.Left < 0:
		return CapitalOverdrawn
	case c.Left*5 <= c.Budget:
		return CapitalLow
	}
	return CapitalHealthy
}

// Overdrawn reports whether more was asked than the budget and the gives
// cover.
func (c Capital) Overdrawn() bool { return c.State() == CapitalOverdrawn }

// ComputeCapital applies the capital rule to a deal whose champion is
// championID (0 when none is named): budget − Σ ask costs + Σ give values,
// never above the budget. Only the asks and gives of that champion count:
// an earlier champion's stay theirs. A declined or withdrawn ask costs
// nothing, and a withdrawn give adds nothing.
//
// The clamp applies to the total, not step by step: a give made while the
// capital is full still counts against later asks.
func ComputeCapital(budget int, championID int64, asks []Ask, gives []Give) Capital {
	spent, given := 0, 0
	for _, a := range asks {
		if a.ChampionID == championID {
			spent += a.CapitalCost()
		}
	}
	for _, g := range gives {
		if g.ChampionID == championID {
			given += g.CapitalValue()
		}
	}
	return CapitalOf(budget, spent, given)
}

// CapitalOf is the capital left after asks costing spent in all (as
// Ask.CapitalCost counts them) and gives worth given: the capital rule
// for a store that sums asks and gives itself. Its results must agree with
// ComputeCapital's.
func CapitalOf(budget, spent, given int) Capital {
	return Capital{Budget: budget, Left: min(budget, budget-spent+given)}
}

// LedgerEntry is one ask or give of a deal, with the capital left after it.
type LedgerEntry struct {
	At   time.Time
	Ask  *Ask  // set for an ask
	Give *Give // set for a give
	Left int   // capital after this entry: the capital rule over the entries so far
	// Earlier says the entry belongs to a champion the deal named before
	// its current one: it is theirs, and does not count here.
	Earlier bool
}

// LedgerOf merges a deal's asks and gives (each oldest first) by time,
// asks before gives at the same time, and computes the running capital of
// the deal's champion, championID, as ComputeCapital does.
func LedgerOf(budget int, championID int64, asks []Ask, gives []Give) []LedgerEntry {
	entries := make([]LedgerEntry, 0, len(asks)+len(gives))
	for i := range asks {
		entries = append(entries, LedgerEntry{At: asks[i].CreatedAt, Ask: &asks[i]})
	}
	for i := range gives {
		entries = append(entries, LedgerEntry{At: gives[i].CreatedAt, Give: &gives[i]})
	}
	slices.SortStableFunc(entries, func(x, y LedgerEntry) int { return x.At.Compare(y.At) })
	spent, given := 0, 0
	for i := range entries {
		e := &entries[i]
		switch {
		case e.Ask != nil && e.Ask.ChampionID != championID, e.Give != nil && e.Give.ChampionID != championID:
			e.Earlier = true
		case e.Ask != nil:
			spent += e.Ask.CapitalCost()
		default:
			given += e.Give.CapitalValue()
		}
		e.Left = CapitalOf(budget, spent, given).Left
	}
	return entries
}
