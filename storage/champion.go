package storage

import (
	"strings"
	"time"
)

// Champion is a person inside the customer who defends the purchase. One
// person is one champion across the deals of a workspace: matched by Slack
// user id when linked, else by name and company, case and spaces ignored
// (NameKey), so two Jane Does at two customers stay two people. Title and
// Company are the latest of the person's timeline (ChampionRole).
type Champion struct {
	ID        int64
	TeamID    string
	Name      string
	Title     string
	Company   string
	UserID    string // linked Slack user, "" when none
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// ChampionInput names a deal's champion: by name, by linked Slack user, or
// both.
type ChampionInput struct {
	Name    string
	Title   string // "" keeps the recorded title
	Company string // "" keeps the recorded company; a new person's is the deal's name
	UserID  string // "" links no user
}

// Validate checks that the input names someone.
func (c ChampionInput) Validate() error {
	if strings.TrimSpace(c.Name) == "" && c.UserID == "" {
		return Invalidf("a champion needs a name or a user")
	}
	return nil
}

// ChampionSet is what naming a deal's champion did.
type ChampionSet struct {
	Champion Champion
	// Replaced is the champion the deal named before, when another person:
	// their asks and gives stay theirs.
	Replaced *Champion
	// Adopted counts the asks and gives recorded before the deal named any
	// champion, which are now this champion's.
	Adopted int
	// Moved says the person's title or company changed: a new entry in
	// their timeline.
	Moved bool
}

// ChampionRole is one entry of a champion's timeline: the company and
// title they were recorded with, and from when.
type ChampionRole struct {
	Company    string
	Title      string
	Since      time.Time // the date the role began, when said (UTC midnight); else zero
	MovedFrom  string    // the company they left for this role (a job change); "" for a retitle
	RecordedBy string
	RecordedAt time.Time
}

// ChampionQuery finds champions: by Slack user when given, else by name,
// and by company too when given.
type ChampionQuery struct {
	Name    string
	Company string
	UserID  string
}

// Validate checks that the query names someone.
func (q ChampionQuery) Validate() error {
	if NameKey(q.Name) == "" && q.UserID == "" {
		return Invalidf("find a champion by name or user")
	}
	return nil
}

// ChampionDeal is one deal of a champion, for /champion history: the asks
// and gives made of this person on it, and what they left of the deal's
// budget.
type ChampionDeal struct {
	Deal        Deal
	Current     bool // the person is the deal's champion now, not an earlier one
	Asks, Gives int
	Capital     Capital
	LastContact time.Time // the latest ask or give; zero when none
}

// NameKey is the form champions' names and companies are matched in:
// lower case, spaces trimmed and collapsed, so "  jane   DOE " is Jane Doe.
func NameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}
