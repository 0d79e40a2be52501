package reminders

import (
	"fmt"
	"time"

	"github.com/longgame/longgame/storage"
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
// offset, in days after the close.
func PostClose(dealID int64, closedOn time.Time, offsets []int, loc *time.Location) []storage.NewCheckin {
	out := make([]storage.NewCheckin, 0, len(offsets))
	for _, days := range offsets {
		day := closedOn.AddDate(0, 0, days)
		out = append(out, storage.NewCheckin{
			DealID: dealID,
			Kind:   storage.KindPostClose,
			Offset: fmt.Sprintf("%dd", days),
			DueOn:  day,
			DueAt:  DueAt(day, loc),
		})
	}
	return out
}

// KeepInTouch is the one reminder after a loss, days after closedOn; none
// when days is 0.
func KeepInTouch(dealID int64, closedOn time.Time, days int, loc *time.Location) []storage.NewCheckin {
	if days <= 0 {
		return nil
	}
	day := closedOn.AddDate(0, 0, days)
	return []storage.NewCheckin{{
		DealID: dealID,
		Kind:   storage.KindKeepInTouch,
		Offset: fmt.Sprintf("%dd", days),
		DueOn:  day,
		DueAt:  DueAt(day, loc),
	}}
}
