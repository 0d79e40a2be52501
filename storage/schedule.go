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

// PostClose is the series of check-ins of a deal won on closedOn: one per
// offset, in days after the close, each at 09:00 in loc.
func PostClose(dealID int64, closedOn time.Time, offsets []int, loc *time.Location) []NewCheckin {
	out := make([]NewCheckin, 0, len(offsets))
	for _, days := range offsets {
		day := closedOn.AddDate(0, 0, days)
		out = append(out, NewCheckin{
			DealID: dealID,
			Kind:   KindPostClose,
			Offset: fmt.Sprintf("%dd", days),
			DueOn:  day,
			DueAt:  DueAt(day, loc),
		})
	}
	return out
}

// KeepInTouch is the one reminder after a loss, days after closedOn; none
// when days is 0.
func KeepInTouch(dealID int64, closedOn time.Time, days int, loc *time.Location) []NewCheckin {
	if days <= 0 {
		return nil
	}
	day := closedOn.AddDate(0, 0, days)
	return []NewCheckin{{
		DealID: dealID,
		Kind:   KindKeepInTouch,
		Offset: fmt.Sprintf("%dd", days),
		DueOn:  day,
		DueAt:  DueAt(day, loc),
	}}
}

// SnoozeDays is how far a snooze moves a check-in when the user says
// nothing else: the reminder's "Snooze 1 week" button, and /checkin snooze.
const SnoozeDays = 7

// Snoozed is where a snooze of days, asked at now, moves a check-in due on
// dueOn: days after its due date, or after the owner's today when it is
// overdue, at 09:00 in the owner's zone loc. Snoozing one check-in never
// moves the rest of its series.
func Snoozed(dueOn, now time.Time, days int, loc *time.Location) (newDueOn, newDueAt time.Time) {
	y, m, d := now.In(loc).Date()
	from := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if dueOn.After(from) {
		from = dueOn
	}
	newDueOn = from.AddDate(0, 0, days)
	return newDueOn, DueAt(newDueOn, loc)
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
