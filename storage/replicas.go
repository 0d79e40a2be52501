package storage

import "time"

// HomeRefresh is where a user's App Home stands between replicas: whether
// a change waits for a refresh, and before when no refresh may be taken.
type HomeRefresh struct {
	Dirty  bool
	NextAt time.Time
}

// Take is TakeHomeRefresh's rule, the same for every store: at now, with
// changed saying a change was just made, it returns the new state, whether
// the caller refreshes now, and else when to ask again (zero: nothing
// waits). A refresh taken clears the change it covers: it reads the Home
// after the change was committed.
func (h HomeRefresh) Take(now time.Time, changed bool, gap time.Duration) (next HomeRefresh, take bool, retryAt time.Time) {
	h.Dirty = h.Dirty || changed
	switch {
	case !h.Dirty:
		return h, false, time.Time{}
	case now.Before(h.NextAt):
		return h, false, h.NextAt
	}
	return HomeRefresh{Dirty: false, NextAt: RoundUp(now.Add(gap))}, true, time.Time{}
}

// ReminderDay is the day a deal channel's reminder last took: which
// check-in's reminder, for which day [Start, End) of its owner.
type ReminderDay struct {
	Checkin    int64
	Start, End time.Time
}

// Free is TakeReminderDay's rule, the same for every store: whether the
// reminder of check-in id may take the day [start, end) the channel's last
// taker d holds, keeps saying whether d's reminder was posted, is being
// posted or may have been. Days of different owners' zones (a time zone
// learned meanwhile) overlap without being equal: an overlapping day is the
// same day.
func (d ReminderDay) Free(id int64, start, end time.Time, keeps bool) bool {
	overlaps := d.Start.Before(end) && start.Before(d.End)
	return d.Checkin == 0 || d.Checkin == id || !overlaps || !keeps
}
