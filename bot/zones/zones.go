// Package zones knows each user's time zone, so that a check-in is due at
// 09:00 where its owner is and every date is the user's own. The zone comes
// from Slack (users.info) and is kept in the database: the reminders'
// dispatcher, which asks Slack nothing, reads it there to hold a channel's
// second reminder of the day to the owner's next morning.
package zones

import (
	"context"
	"log/slog"
	"time"

	"github.com/longgame/longgame/bot/access"

	"github.com/longgame/longgame/storage"
)

// Store keeps the zones learned.
type Store interface {
	UserTZ(ctx context.Context, teamID, userID string) (string, time.Time, error)
	SaveUserTZ(ctx context.Context, teamID, userID, tz string) error
}

// People says who users are. *access.Checker implements it.
type People interface {
	Person(ctx context.Context, userID string) (access.Person, error)
}

// Zones answers a user's time zone.
type Zones struct {
	store    Store
	people   People
	fallback *time.Location
	now      func() time.Time
	log      *slog.Logger

	// Workdays are the days reminders may land on, in each user's zone.
	Workdays storage.Workdays
}

// New returns Zones that fall back to fallback when Slack does not say.
func New(store Store, people People, fallback *time.Location, now func() time.Time, log *slog.Logger) *Zones {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if fallback == nil {
		fallback = time.UTC
	}
	return &Zones{store: store, people: people, fallback: fallback, now: now, log: log}
}

// Week is where and when userID works: their zone, and the working days.
func (z *Zones) Week(ctx context.Context, teamID, userID string) storage.Week {
	return storage.Week{Loc: z.Of(ctx, teamID, userID), Days: z.Workdays}
}

// kept is how long a zone read from the database is trusted before Slack
// is asked again: people rarely move, and a reminder 09:00 a day late is
// worse than one call a week.
const kept = 7 * 24 * time.Hour

// Of is userID's time zone: as kept, if kept lately; else as Slack says
// (and then kept); else the default.
func (z *Zones) Of(ctx context.Context, teamID, userID string) *time.Location {
	tz, fetched, err := z.store.UserTZ(ctx, teamID, userID)
	if err == nil && tz != "" && z.now().Sub(fetched) < kept {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	p, err := z.people.Person(ctx, userID)
	if err != nil || p.TZ == "" {
		if err != nil {
			z.log.Warn("users.info failed; using the default time zone", "user", userID, "err", err)
		}
		return z.fallback
	}
	loc, err := time.LoadLocation(p.TZ)
	if err != nil {
		return z.fallback
	}
	if err := z.store.SaveUserTZ(ctx, teamID, userID, p.TZ); err != nil {
		z.log.Warn("keeping a user's time zone failed", "user", userID, "err", err)
	}
	return loc
}
