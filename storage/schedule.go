package storage

import (
	"fmt"
	"time"
)

// SendHour is the local hour at which a check-in's reminder goes out.
const SendHour = 9

// DueAt is 09:00 on the calendar date day (a UTC midnight) in loc. 09:00
// exists on every day in every zone, so daylight-saving changes never skip
// or double it.
func DueAt(day time.Time, loc *time.Location) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, SendHour, 0, 0, 0, loc).UTC()
}

// Week is where and when an owner works: their time zone, and the days a
// reminder may land on there.
type Week struct {
	Loc  *time.Location
	Days Workdays
}

// Due is the check-in due on day (a calendar date in the owner's zone, a
// UTC midnight), moved to the next working day when day is a day off, at
// 09:00 there.
func (w Week) Due(c NewCheckin, day time.Time) NewCheckin {
	c.DueOn = w.Days.OnOrAfter(day)
	if !c.DueOn.Equal(day) {
		c.MovedFrom = day
	}
	c.DueAt = DueAt(c.DueOn, w.Loc)
	return c
}

// PostClose is the series of check-ins of a deal won on closedOn: one per
// offset, in days after the close, each at 09:00 on a working day of w.
func PostClose(dealID int64, closedOn time.Time, offsets []int, w Week) []NewCheckin {
	out := make([]NewCheckin, 0, len(offsets))
	for _, days := range offsets {
		c := NewCheckin{DealID: dealID, Kind: KindPostClose, Offset: fmt.Sprintf("%dd", days)}
		out = append(out, w.Due(c, closedOn.AddDate(0, 0, days)))
	}
	return out
}

// KeepInTouch is the one reminder after a loss, days after closedOn, on a
// working day of w; none when days is 0.
func KeepInTouch(dealID int64, closedOn time.Time, days int, w Week) []NewCheckin {
	if days <= 0 {
		return nil
	}
	c := NewCheckin{DealID: dealID, Kind: KindKeepInTouch, Offset: fmt.Sprintf("%dd", days)}
	return []NewCheckin{w.Due(c, closedOn.AddDate(0, 0, days))}
}

// SnoozeDays is how far a snooze moves a check-in when the user says
// nothing else: the reminder's "Snooze 1 week" button, and /checkin snooze.
const SnoozeDays = 7

// Snoozed is where a snooze of days, asked at now, moves a check-in due on
// dueOn: days after its due date, or after the owner's today when it is
// overdue, on a working day of w, at 09:00 in the owner's zone. Snoozing
// one check-in never moves the rest of its series.
func Snoozed(dueOn, now time.Time, days int, w Week) (newDueOn, newDueAt time.Time) {
	from := Today(now, w.Loc)
	if dueOn.After(from) {
		from = dueOn
	}
	c := w.Due(NewCheckin{}, from.AddDate(0, 0, days))
	return c.DueOn, c.DueAt
}

// RoundUp is t rounded up to the whole second: the store keeps times in
// whole seconds, and a time not to act before (a 429's Retry-After, a
// hold) must not come earlier for the rounding. A dispatcher waiting for a
// stored retry time should wait for the rounded one.
func RoundUp(t time.Time) time.Time {
	if r := t.Truncate(time.Second); r.Before(t) {
		return r.Add(time.Second)
	}
	return t
}
