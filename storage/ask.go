package storage

import (
	"strings"
	"time"
)

// AskStatus is what became of a favor asked of the champion.
type AskStatus string

// Ask statuses.
const (
	AskOpen     AskStatus = "open"
	AskDone     AskStatus = "done"
	AskDeclined AskStatus = "declined"
)

// Ask is a favor asked of the champion, numbered per deal from 1.
type Ask struct {
	ID        int64
	DealID    int64
	Number    int
	What      string
	Cost      int // 1..5
	Status    AskStatus
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// CapitalCost is what the ask takes from the champion's capital: its cost,
// or nothing once the champion declined it.
func (a Ask) CapitalCost() int {
	if a.Status == AskDeclined {
		return 0
	}
	return a.Cost
}

// Give is something done for the champion, numbered per deal from 1.
type Give struct {
	ID        int64
	DealID    int64
	Number    int
	What      string
	Value     int // 1..5
	CreatedBy string
	CreatedAt time.Time
}

// ValidateAsk checks a new ask: some text, a cost of 1 to 5.
func ValidateAsk(what string, cost int) error { return validEntry(what, "cost", cost) }

// ValidateGive checks a new give: some text, a value of 1 to 5.
func ValidateGive(what string, value int) error { return validEntry(what, "value", value) }

// validEntry checks an ask or a give: some text, a weight of 1 to 5.
func validEntry(what, weight string, n int) error {
	if strings.TrimSpace(what) == "" {
		return Invalidf("say what")
	}
	if n < 1 || n > 5 {
		return Invalidf("%s %d is not between 1 and 5", weight, n)
	}
	return nil
}
