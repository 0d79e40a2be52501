package storage

import (
	"strings"
	"time"
)

// Champion is a person inside the customer who defends the purchase. One
// person is one champion across the deals of a workspace: matched by Slack
// user id when linked, else by name, case and spaces ignored (NameKey).
type Champion struct {
	ID        int64
	TeamID    string
	Name      string
	Title     string
	UserID    string // linked Slack user, "" when none
	CreatedBy string
	CreatedAt time.Time
	UpdatedBy string
	UpdatedAt time.Time
}

// ChampionInput names a deal's champion: by name, by linked Slack user, or
// both.
type ChampionInput struct {
	Name   string
	Title  string // "" keeps the recorded title
	UserID string // "" links no user
}

// Validate checks that the input names someone.
func (c ChampionInput) Validate() error {
	if strings.TrimSpace(c.Name) == "" && c.UserID == "" {
		return Invalidf("a champion needs a name or a user")
	}
	return nil
}

// ChampionDeal is one deal of a champion, for /champion history.
type ChampionDeal struct {
	Deal        Deal
	Asks, Gives int
	Capital     Capital
	LastContact time.Time // the latest ask or give; zero when none
}

// NameKey is the form champions' names are matched in: lower case, spaces
// trimmed and collapsed, so "  jane   DOE " is Jane Doe.
func NameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}
