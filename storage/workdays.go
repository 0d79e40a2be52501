package storage

import (
	"fmt"
	"strings"
	"time"
)

// Workdays are the days of the week a reminder may land on, in its owner's
// time zone: a check-in due on a day off moves to the next working day.
type Workdays uint8

// MonToFri is the working week unless LONGGAME_WORKDAYS says otherwise.
const MonToFri Workdays = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday

// Has reports whether d is a working day. No working day at all means
// every day is one: a reminder must land somewhere.
func (w Workdays) Has(d time.Weekday) bool { return w == 0 || w&(1<<d) != 0 }

// OnOrAfter is the first working day on or after day, a calendar date (a
// UTC midnight, as the owner counts days).
func (w Workdays) OnOrAfter(day time.Time) time.Time {
	for i := 0; i < 7 && !w.Has(day.Weekday()); i++ {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// FirstOfWeek is the first working day of the week (Monday to Sunday) that
// holds day.
func (w Workdays) FirstOfWeek(day time.Time) time.Time {
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	return w.OnOrAfter(monday)
}

var weekdayNames = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
}

// ParseWorkdays reads a list of days or ranges: "Mon-Fri", "Sun-Thu",
// "Mon,Tue,Thu", "mon-wed,fri". A range wraps around the week end.
func ParseWorkdays(s string) (Workdays, error) {
	var w Workdays
	for part := range strings.SplitSeq(strings.ToLower(strings.ReplaceAll(s, " ", "")), ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, ok := weekdayNames[shortDay(from)]
		if !ok {
			return 0, fmt.Errorf("%q is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun", from)
		}
		b := a
		if isRange {
			if b, ok = weekdayNames[shortDay(to)]; !ok {
				return 0, fmt.Errorf("%q is not a day: use Mon, Tue, Wed, Thu, Fri, Sat or Sun", to)
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			w |= 1 << d
			if d == b {
				break
			}
		}
	}
	return w, nil
}

// shortDay is a day's name cut to three letters ("monday" is "mon");
// anything shorter stays as it is, and is refused.
func shortDay(s string) string {
	if len(s) > 3 {
		return s[:3]
	}
	return s
}

// String is w as ParseWorkdays reads it: "Mon-Fri", or a list.
func (w Workdays) String() string {
	if w == 0 {
		return "every day"
	}
	var days []string
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if w.Has(d) {
			days = append(days, d.String()[:3])
		}
	}
	if w == MonToFri {
		return "Mon-Fri"
	}
	return strings.Join(days, ",")
}
