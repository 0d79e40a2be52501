package access

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// Standing is what a user is to the organisation that owns the deals.
type Standing int

// Standings. Only a Member is answered.
const (
	Member   Standing = iota + 1
	Guest             // a single- or multi-channel guest of the workspace
	Outsider          // a user of another organisation, e.g. over Slack Connect
	Gone              // a deactivated account
)

func (s Standing) String() string {
	switch s {
	case Member:
		return "member"
	case Guest:
		return "guest"
	case Outsider:
		return "outsider"
	case Gone:
		return "deactivated"
	}
	return "unknown"
}

// Person is what users.info says of a user, as far as access goes.
type Person struct {
	ID           string
	TeamID       string
	EnterpriseID string
	Name         string // real name, else handle
	TZ           string // IANA zone; "" when Slack has none
	Restricted   bool   // a guest: is_restricted or is_ultra_restricted
	Deleted      bool
	Bot          bool
}

// PersonOf is the Person of a users.info answer.
func PersonOf(u *slack.User) Person {
	name := u.RealName
	if name == "" {
		name = u.Name
	}
	return Person{
		ID: u.ID, TeamID: u.TeamID, EnterpriseID: u.Enterprise.EnterpriseID, Name: name, TZ: u.TZ,
		Restricted: u.IsRestricted || u.IsUltraRestricted, Deleted: u.Deleted, Bot: u.IsBot,
	}
}

// Person is userID as users.info describes them, cached for the user TTL.
func (c *Checker) Person(ctx context.Context, userID string) (Person, error) {
	return c.people.get(ctx, userID, func(ctx context.Context) (Person, error) {
		u, err := c.api.GetUserInfoContext(ctx, userID)
		if err != nil {
			return Person{}, fmt.Errorf("users.info %s: %w", userID, err)
		}
		return PersonOf(u), nil
	})
}

// Standing is what userID is to the organisation. claimedTeam is the team
// the envelope says the user acts from (a slash command's team_id, an
// event's user_team or source_team, an interaction's user.team_id); "" when
// it says none. A team outside the organisation is enough to refuse; a team
// inside it is checked against users.info, which also says who is a guest.
// An error means Slack could not be asked: the user is not answered.
func (c *Checker) Standing(ctx context.Context, userID, claimedTeam string) (Standing, error) {
	if claimedTeam != "" && claimedTeam != c.home.TeamID && c.home.EnterpriseID == "" {
		return Outsider, nil
	}
	p, err := c.Person(ctx, userID)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && se.Err == "user_not_found" {
		return Outsider, nil // no user of the workspace by that id
	}
	if err != nil {
		return 0, fmt.Errorf("standing: %w", err)
	}
	return c.standingOf(p), nil
}

func (c *Checker) standingOf(p Person) Standing {
	switch {
	case !c.home.Includes(p.TeamID, p.EnterpriseID):
		return Outsider
	case p.Deleted:
		return Gone
	case p.Restricted:
		return Guest
	}
	return Member
}

// ForgetUser drops what is known of a user, on a user_change event: a
// member made a guest is refused from the next envelope on. (The event's
// user object lacks the Enterprise Grid fields, so users.info is asked
// again rather than the event trusted.)
func (c *Checker) ForgetUser(userID string) {
	c.people.forget(userID)
}
