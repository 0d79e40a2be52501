package storage

import "time"

// Goodwill is what one person spent and received across all their deals
// of the last GoodwillWindow: their currency is personal, so a big ask on
// one deal is gone for the next ("a bigger ask on another project later").
type Goodwill struct {
	Deals int // deals with an ask or a give of the person in the window, and the open deals they champion
	Asked int // Σ ask costs (Ask.CapitalCost), across those deals
	Given int // Σ give values (Give.CapitalValue)
}

// GoodwillWindow is how far back goodwill counts.
const GoodwillWindow = 12 // months

// GoodwillSince is the start of the goodwill window that ends at now.
func GoodwillSince(now time.Time) time.Time { return now.AddDate(0, -GoodwillWindow, 0) }

// Net is Σ gives − Σ asks: negative when more was asked than given back.
// Unlike a deal's capital, it is not capped: every give counts.
func (g Goodwill) Net() int { return g.Given - g.Asked }

// AcrossDeals reports whether the person has more than one deal in the
// window: only then is their goodwill worth showing beside a deal's.
func (g Goodwill) AcrossDeals() bool { return g.Deals > 1 }

// Overdrawn reports whether the person is overdrawn across deals: their
// net is below minus the default budget of one deal.
func (g Goodwill) Overdrawn(budget int) bool { return g.Net() < -budget }

// GoodwillOf computes a person's goodwill from their asks and gives (of
// every deal) and the open deals they champion now (current), counting
// what was recorded at or after since: the rule a store's sums must agree
// with. A declined ask counts its deal but costs nothing; a withdrawn ask
// or give does not count at all.
func GoodwillOf(championID int64, current []int64, asks []Ask, gives []Give, since time.Time) Goodwill {
	var g Goodwill
	deals := map[int64]bool{}
	for _, id := range current {
		deals[id] = true
	}
	for _, a := range asks {
		if a.ChampionID == championID && !a.CreatedAt.Before(since) && a.Status != AskWithdrawn {
			g.Asked += a.CapitalCost()
			deals[a.DealID] = true
		}
	}
	for _, gv := range gives {
		if gv.ChampionID == championID && !gv.CreatedAt.Before(since) && !gv.Withdrawn() {
			g.Given += gv.CapitalValue()
			deals[gv.DealID] = true
		}
	}
	g.Deals = len(deals)
	return g
}
