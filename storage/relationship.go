package storage

import (
	"strings"
	"time"
)

// The relationship outlives the deal: a champion's job changes, their
// contacts with the seller, and the people a seller keeps in touch with.

// Touch is a recorded contact with a champion (/champion touch), on one
// of their deals.
type Touch struct {
	ID         int64
	ChampionID int64
	DealID     int64
	Note       string
	By         string
	At         time.Time
}

// Validate checks that the touch names its deal.
func (t Touch) Validate() error {
	if t.DealID == 0 {
		return Invalidf("a touch needs a deal")
	}
	return nil
}

// ChampionMove is a job change: the company (and title) a champion moved
// to, and when.
type ChampionMove struct {
	Company string
	Title   string    // "" keeps none: a new job's title is not the old one
	On      time.Time // the date of the move (UTC midnight); zero means today
	// Reminders are the keep-in-touch reminders the move schedules, one per
	// owner of a closed deal of the person (see MoveReminder).
	Reminders []NewCheckin
}

// Validate checks that the move says where to.
func (m ChampionMove) Validate() error {
	if strings.TrimSpace(m.Company) == "" {
		return Invalidf("say which company they moved to")
	}
	for _, c := range m.Reminders {
		if c.Kind != KindJobChange {
			return Invalidf("a move schedules job-change reminders, not %q", c.Kind)
		}
		if err := c.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Audit is what the audit keeps of m, the move of champion id from
// company from that left the open deals left: the detail of its
// "champion.move" rows, and the deals that get one, each deal left; with
// none and no reminder scheduled, one row of the workspace (deal 0), so
// that the move is kept all the same.
func (m ChampionMove) Audit(id int64, from string, left []Deal) (detail map[string]any, deals []int64) {
	var on any
	if !m.On.IsZero() {
		on = m.On.Format(time.DateOnly)
	}
	detail = map[string]any{"champion_id": id, "from": from, "to": m.Company, "title": m.Title, "on": on}
	for _, d := range left {
		deals = append(deals, d.ID)
	}
	if len(deals) == 0 && len(m.Reminders) == 0 {
		deals = []int64{0}
	}
	return detail, deals
}

// Moved is what a job change did.
type Moved struct {
	Champion Champion // as they are now, at the new company
	From     string   // the company they left
	// Left are the open deals they championed: each has no defender
	// inside From any more (Deal.ChampionLeft), until /champion set.
	Left []Deal
	// Reminders counts the keep-in-touch reminders scheduled.
	Reminders int
}

// MoveReminderDelay is how long after a job change its keep-in-touch
// reminder comes: time for them to settle in, not so long that the
// congratulations are stale.
const MoveReminderDelay = 30 // days

// MoveReminder is the keep-in-touch reminder of a champion's move on day
// (a calendar date), for the owner of closed deal dealID, working in w.
func MoveReminder(dealID int64, day time.Time, w Week) NewCheckin {
	c := NewCheckin{DealID: dealID, Kind: KindJobChange, Offset: "30d"}
	return w.Due(c, day.AddDate(0, 0, MoveReminderDelay))
}

// MoveReminderDeals picks, of a person's deals, the ones a move's
// reminders go to: the latest closed deal of each owner (one reminder per
// owner). Deals come oldest first.
func MoveReminderDeals(deals []Deal) []Deal {
	latest := map[string]int{}
	var owners []string
	for i, d := range deals {
		if d.Stage == StageOpen {
			continue
		}
		if _, ok := latest[d.OwnerID]; !ok {
			owners = append(owners, d.OwnerID)
		}
		latest[d.OwnerID] = i
	}
	out := make([]Deal, 0, len(owners))
	for _, o := range owners {
		out = append(out, deals[latest[o]])
	}
	return out
}

// Person is a champion as /champion people lists them: with their deals,
// their goodwill across those, and the last contact.
type Person struct {
	Champion    Champion
	Deals       int
	Goodwill    Goodwill
	LastContact time.Time // the latest touch, check-in done, ask or give; zero when none
	// MovedFrom and MovedOn are their latest job change: the company they
	// left and the day; "" and zero when none is recorded.
	MovedFrom string
	MovedOn   time.Time
}

// PeopleFilter selects the champions /champion people lists.
type PeopleFilter struct {
	Viewer  *Viewer   // the champions of deals Viewer may see; nil: all
	OwnerID string    // "mine": only champions of deals OwnerID owns
	Since   time.Time // the goodwill window's start (GoodwillSince)
	Limit   int       // at most this many; 0 means DefaultListLimit
}

// Validate checks the filter's viewer.
func (f PeopleFilter) Validate() error { return f.Viewer.Validate() }

// Untouched is a champion of an owner's closed deal with no recorded
// contact for too long: the weekly nudge lists them.
type Untouched struct {
	Champion    Champion
	Deal        Deal      // their latest closed deal of the owner
	LastContact time.Time // zero when never
}

// UntouchedOf picks, from the champions of closed deals (their latest
// closed deal first for each owner and champion), those nobody has
// talked to since quiet: one entry per owner and champion, the rule a
// store's nudge applies to its rows.
func UntouchedOf(rows []Untouched, quiet time.Time) []Untouched {
	type pair struct {
		owner    string
		champion int64
	}
	seen := map[pair]bool{}
	var out []Untouched
	for _, u := range rows {
		p := pair{u.Deal.OwnerID, u.Champion.ID}
		if seen[p] {
			continue
		}
		seen[p] = true
		if u.LastContact.Before(quiet) {
			out = append(out, u)
		}
	}
	return out
}

// RoleOf is one entry of a champion's timeline, with whose it is, as a
// store reads them for an export.
type RoleOf struct {
	ChampionID int64
	ChampionRole
}

// ChampionsExport groups, by workspace, each champion with their timeline
// and touches, in the order given. Champion ids are unique across
// workspaces, so roles and touches find their person by id alone.
func ChampionsExport(champions []Champion, roles []RoleOf, touches []Touch) map[string][]ChampionExport {
	out := map[string][]ChampionExport{}
	for _, c := range champions {
		out[c.TeamID] = append(out[c.TeamID], ChampionExport{Champion: c})
	}
	at := map[int64]*ChampionExport{}
	for team := range out {
		for i := range out[team] {
			at[out[team][i].Champion.ID] = &out[team][i]
		}
	}
	for _, r := range roles {
		if c := at[r.ChampionID]; c != nil {
			c.Roles = append(c.Roles, r.ChampionRole)
		}
	}
	for _, t := range touches {
		if c := at[t.ChampionID]; c != nil {
			c.Touches = append(c.Touches, t)
		}
	}
	return out
}
