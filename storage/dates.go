package storage

import "time"

// DaysPastClose is how many days an open deal's expected close lies before
// today (a calendar date, UTC midnight, as the user counts days): 0 when it
// does not, when the deal has none, or when it is closed. A seller whose
// deal slipped past its expected close is told so on every surface.
func (d Deal) DaysPastClose(today time.Time) int {
	if d.Stage != StageOpen || d.ExpectedClose.IsZero() || !d.ExpectedClose.Before(today) {
		return 0
	}
	return int(today.Sub(d.ExpectedClose).Hours() / 24)
}

// Today is now's calendar date in loc, as a UTC midnight: the day a user
// in loc is living.
func Today(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
