package storage

import (
	"strings"
	"time"
)

// AskStatus is what became of a favor asked of the champion.
type AskStatus string

// Ask statuses.
const (
	AskOpen      AskStatus = "open"
	AskDone      AskStatus = "done"
	AskDeclined  AskStatus = "declined"
	AskWithdrawn AskStatus = "withdrawn" // recorded by mistake: it counts for nothing
)

// Ask is a favor asked of the champion, numbered per deal from 1. It
// belongs to the champion it was asked of: when the deal names another
// champion later, the ask stays theirs.
type Ask struct {
	ID          int64
	DealID      int64
	Number      int
	What        string
	Cost        int // 1..5, as the seller weighed it
	Extra       int // added while the deal had a favored alternative (FavoredSurcharge)
	Status      AskStatus
	ChampionID  int64 // 0: asked before the deal named a champion
	WithdrawnBy string
	WithdrawnAt time.Time
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedBy   string
	UpdatedAt   time.Time
}

// CapitalCost is what the ask takes from the champion's capital: its cost
// and any surcharge, or nothing once the champion declined it or it was
// withdrawn.
func (a Ask) CapitalCost() int {
	if a.Status == AskDeclined || a.Status == AskWithdrawn {
		return 0
	}
	return a.Cost + a.Extra
}

// FavoredSurcharge is what every new ask costs more while the deal has a
// favored alternative: "no one got fired for buying Microsoft", so each
// favor takes the champion more convincing.
const FavoredSurcharge = 2

// Answer checks that s is what may become of a with /champion done or
// declined: an open ask is answered once. ErrUnchanged when a already is
// s; ErrConflict when it was answered the other way or withdrawn, which
// only an edit may change.
func (a Ask) Answer(s AskStatus) error {
	if s != AskDone && s != AskDeclined {
		return Invalidf("an ask is answered done or declined, not %q", s)
	}
	switch a.Status {
	case AskOpen:
		return nil
	case s:
		return ErrUnchanged
	}
	return Conflictf("ask #%d is %s", a.Number, a.Status)
}

// Give is something done for the champion, numbered per deal from 1. Like
// an ask, it belongs to the champion it was done for.
type Give struct {
	ID          int64
	DealID      int64
	Number      int
	What        string
	Value       int   // 1..5
	ChampionID  int64 // 0: given before the deal named a champion
	WithdrawnBy string
	WithdrawnAt time.Time
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedBy   string
	UpdatedAt   time.Time
}

// Withdrawn reports whether the give was withdrawn: it counts for nothing.
func (g Give) Withdrawn() bool { return !g.WithdrawnAt.IsZero() }

// CapitalValue is what the give adds to the champion's capital: its value,
// or nothing once withdrawn.
func (g Give) CapitalValue() int {
	if g.Withdrawn() {
		return 0
	}
	return g.Value
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

// AskEdit is what /champion edit changes on an ask; a nil field is left
// alone.
type AskEdit struct {
	What   *string
	Cost   *int
	Status *AskStatus // open, done or declined: a correction of its answer
}

// Validate checks the fields that change.
func (e AskEdit) Validate() error {
	if e.What != nil && strings.TrimSpace(*e.What) == "" {
		return Invalidf("say what")
	}
	if e.Cost != nil && (*e.Cost < 1 || *e.Cost > 5) {
		return Invalidf("cost %d is not between 1 and 5", *e.Cost)
	}
	if e.Status != nil && (*e.Status == AskWithdrawn || !e.Status.Valid()) {
		return Invalidf("an ask's status is open, done or declined, not %q", *e.Status)
	}
	return nil
}

// Apply is a with e applied, and whether that changes anything. A
// withdrawn ask is not edited: ErrConflict.
func (e AskEdit) Apply(a Ask) (Ask, bool, error) {
	if a.Status == AskWithdrawn {
		return a, false, Conflictf("ask #%d was withdrawn", a.Number)
	}
	changed := false
	set(&a.What, e.What, &changed)
	set(&a.Cost, e.Cost, &changed)
	set(&a.Status, e.Status, &changed)
	return a, changed, nil
}

// GiveEdit is what /champion edit give changes; a nil field is left alone.
type GiveEdit struct {
	What  *string
	Value *int
}

// Validate checks the fields that change.
func (e GiveEdit) Validate() error {
	if e.What != nil && strings.TrimSpace(*e.What) == "" {
		return Invalidf("say what")
	}
	if e.Value != nil && (*e.Value < 1 || *e.Value > 5) {
		return Invalidf("value %d is not between 1 and 5", *e.Value)
	}
	return nil
}

// Apply is g with e applied, and whether that changes anything. A
// withdrawn give is not edited: ErrConflict.
func (e GiveEdit) Apply(g Give) (Give, bool, error) {
	if g.Withdrawn() {
		return g, false, Conflictf("give #%d was withdrawn", g.Number)
	}
	changed := false
	set(&g.What, e.What, &changed)
	set(&g.Value, e.Value, &changed)
	return g, changed, nil
}

// set sets *field to *to when to is given and differs, noting the change.
func set[T comparable](field *T, to *T, changed *bool) {
	if to != nil && *field != *to {
		*field = *to
		*changed = true
	}
}
