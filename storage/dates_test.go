package storage

import (
	"testing"
	"time"
)

func TestDaysPastClose(t *testing.T) {
	today := day(2026, 12, 3)
	for _, tc := range []struct {
		name string
		d    Deal
		want int
	}{
		{"open, passed 4 days ago", Deal{Stage: StageOpen, ExpectedClose: day(2026, 11, 29)}, 4},
		{"open, closing today", Deal{Stage: StageOpen, ExpectedClose: today}, 0},
		{"open, later", Deal{Stage: StageOpen, ExpectedClose: day(2027, 1, 5)}, 0},
		{"open, no date", Deal{Stage: StageOpen}, 0},
		{"won after its date", Deal{Stage: StageWon, ExpectedClose: day(2026, 11, 1)}, 0},
	} {
		if got := tc.d.DaysPastClose(today); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	// Late on 2 December in New York is 3 December in UTC: New York's day counts.
	ny := mustZone(t, "America/New_York")
	if got := Today(time.Date(2026, 12, 3, 3, 0, 0, 0, time.UTC), ny); !got.Equal(day(2026, 12, 2)) {
		t.Errorf("Today = %s, want 2 December", got)
	}
}
