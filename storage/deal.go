package storage

import (
	"strings"
	"time"
)

// Actor is who makes a change: every write records it with the time.
type Actor struct {
	TeamID string
	UserID string
}

// Validate refuses a change nobody can be held to.
func (a Actor) Validate() error {
	if a.TeamID == "" || a.UserID == "" {
		return Invalidf("actor needs a team id and a user id")
	}
	return nil
}

// Stage is where a deal stands.
type Stage string

// Deal stages.
const (
	StageOpen Stage = "open"
	StageWon  Stage = "won"
	StageLost Stage = "lost"
)

// Deal is one sales opportunity; its Slack channel is its home.
//
// Calendar dates (ExpectedClose, ClosedOn) are UTC midnights; the zero time
// means "not set". ClosedOn is the close date the seller gave, which may be
// days before ClosedAt, the instant the close was recorded.
type Deal struct {
	ID            int64
	TeamID        string
	ChannelID     string
	Name          string
	Stage         Stage
	OwnerID       string
	Value         Money
	ExpectedClose time.Time
	ClosedOn      time.Time
	ClosedAt      time.Time // when the close was recorded; zero while open
	LostReason    string
	Favored       string // the product generally favored inside the customer; "" when none
	ChampionLeft  string // the company the champion left while the deal was open; "" when they did not
	ChampionID    int64  // 0 when no champion is named
	Budget        int    // champion capital budget
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedBy     string
	UpdatedAt     time.Time
}

// AskSurcharge is what a new ask on the deal costs more: FavoredSurcharge
// while a favored alternative is recorded.
func (d Deal) AskSurcharge() int {
	if d.Favored != "" {
		return FavoredSurcharge
	}
	return 0
}

// SinceClose reports whether risk r was flagged after the deal's close was
// recorded (ClosedAt). A risk flagged between the close date and the
// moment the close was recorded counts as before it; on an open deal, none
// is since the close.
func (d Deal) SinceClose(r Risk) bool {
	return !d.ClosedAt.IsZero() && r.CreatedAt.After(d.ClosedAt)
}

// NewDeal is what /deal open records.
type NewDeal struct {
	ChannelID     string
	Name          string
	OwnerID       string
	Value         Money     // zero: no value
	ExpectedClose time.Time // zero: no date
	Budget        int       // the champion's capital budget for this deal
}

// Validate checks what a new deal needs: a channel, a name, an owner, a
// budget within its range, and a valid value if any.
func (n NewDeal) Validate() error {
	switch {
	case n.ChannelID == "":
		return Invalidf("a deal needs a channel")
	case strings.TrimSpace(n.Name) == "":
		return Invalidf("a deal needs a name")
	case n.OwnerID == "":
		return Invalidf("a deal needs an owner")
	}
	if err := ValidateBudget(n.Budget); err != nil {
		return err
	}
	return n.Value.Validate()
}

// The champion capital budget of a deal is MinBudget to MaxBudget points:
// asks and gives weigh 1 to 5, so a budget beyond 100 would never warn.
const (
	MinBudget = 1
	MaxBudget = 100
)

// ValidateBudget refuses a champion capital budget outside MinBudget to
// MaxBudget.
func ValidateBudget(budget int) error {
	if budget < MinBudget || budget > MaxBudget {
		return Invalidf("budget %d is not between %d and %d", budget, MinBudget, MaxBudget)
	}
	return nil
}

// DealChanges are the fields /deal set changes; a nil field is left alone.
type DealChanges struct {
	Name          *string
	Value         *Money     // a zero Money clears the value
	ExpectedClose *time.Time // a zero time clears the date
	OwnerID       *string
	Favored       *string // "" clears it
}

// Validate checks the fields that change: a deal keeps a name and an
// owner, and a value is valid or cleared.
func (c DealChanges) Validate() error {
	if c.Name != nil && strings.TrimSpace(*c.Name) == "" {
		return Invalidf("a deal needs a name")
	}
	if c.Value != nil {
		if err := c.Value.Validate(); err != nil {
			return err
		}
	}
	if c.OwnerID != nil && *c.OwnerID == "" {
		return Invalidf("a deal needs an owner")
	}
	return nil
}

// Empty reports whether c changes nothing.
func (c DealChanges) Empty() bool {
	return c.Name == nil && c.Value == nil && c.ExpectedClose == nil && c.OwnerID == nil && c.Favored == nil
}

// Close is how a deal closes, and the check-ins the close schedules.
type Close struct {
	Stage    Stage     // StageWon or StageLost
	On       time.Time // the close date; zero means today (UTC)
	Reason   string    // why it was lost
	Checkins []NewCheckin
}

// ValidateCloseDate refuses a close date after today (the caller's
// calendar date): a close is something that happened.
func ValidateCloseDate(on, today time.Time) error {
	if on.After(today) {
		return Invalidf("the close date %s is in the future", on.Format(time.DateOnly))
	}
	return nil
}

// Validate checks that a deal closes as won or lost.
func (c Close) Validate() error {
	if c.Stage != StageWon && c.Stage != StageLost {
		return Invalidf("a deal closes as won or lost, not %q", c.Stage)
	}
	return nil
}
