package storage

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestDueAtIsNineLocalAcrossDaylightSaving(t *testing.T) {
	paris, ny := mustZone(t, "Europe/Paris"), mustZone(t, "America/New_York")
	for _, tc := range []struct {
		name string
		day  time.Time
		loc  *time.Location
		want time.Time
	}{
		{"paris winter", day(2027, 1, 15), paris, time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC)},
		{"paris spring-forward day", day(2027, 3, 28), paris, time.Date(2027, 3, 28, 7, 0, 0, 0, time.UTC)},
		{"paris fall-back day", day(2026, 10, 25), paris, time.Date(2026, 10, 25, 8, 0, 0, 0, time.UTC)},
		{"new york spring-forward day", day(2027, 3, 14), ny, time.Date(2027, 3, 14, 13, 0, 0, 0, time.UTC)},
		{"utc", day(2026, 12, 1), time.UTC, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := DueAt(tc.day, tc.loc)
			if !got.Equal(tc.want) {
				t.Errorf("DueAt(%s, %s) = %s, want %s", tc.day.Format(time.DateOnly), tc.loc, got, tc.want)
			}
			if h := got.In(tc.loc).Hour(); h != SendHour {
				t.Errorf("local hour %d, want %d", h, SendHour)
			}
		})
	}
}

func TestPostCloseAndKeepInTouch(t *testing.T) {
	utc := Week{Loc: time.UTC, Days: MonToFri}
	won := PostClose(7, day(2026, 11, 2), []int{14, 30}, utc)
	if len(won) != 2 || won[0].Offset != "14d" || !won[0].DueOn.Equal(day(2026, 11, 16)) || won[1].Kind != KindPostClose {
		t.Errorf("post-close series: %+v", won)
	}
	// 90 days after is Sunday 31 January: Monday 1 February.
	if lost := KeepInTouch(7, day(2026, 11, 2), 90, utc); len(lost) != 1 || !lost[0].DueOn.Equal(day(2027, 2, 1)) ||
		!lost[0].MovedFrom.Equal(day(2027, 1, 31)) {
		t.Errorf("keep in touch: %+v", lost)
	}
	if none := KeepInTouch(7, day(2026, 11, 2), 0, utc); len(none) != 0 {
		t.Errorf("a 0-day follow-up scheduled %+v", none)
	}
}

func TestSnoozed(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	// 23:30 in Paris on Tuesday 1 December is still Tuesday there.
	lateTuesday := time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		dueOn time.Time
		days  int
		want  time.Time
	}{
		{"overdue: from the owner's today", day(2026, 11, 20), 7, day(2026, 12, 8)},
		{"due today", day(2026, 12, 1), 7, day(2026, 12, 8)},
		{"due later: from its due date", day(2026, 12, 10), 14, day(2026, 12, 24)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			on, at := Snoozed(tc.dueOn, lateTuesday, tc.days, Week{Loc: paris, Days: MonToFri})
			if !on.Equal(tc.want) || !at.Equal(DueAt(tc.want, paris)) {
				t.Errorf("Snoozed = %s, %s; want %s at 09:00 Paris", on, at, tc.want.Format(time.DateOnly))
			}
		})
	}
}

// A week after a late Sunday click in Paris is the day the clocks spring
// forward: still 09:00 in Paris (for an owner who works on Sundays).
func TestSnoozedAcrossDaylightSaving(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
	clicked := time.Date(2026, 3, 22, 23, 30, 0, 0, paris)
	everyDay, _ := ParseWorkdays("Mon-Sun")
	on, at := Snoozed(day(2026, 3, 20), clicked, SnoozeDays, Week{Loc: paris, Days: everyDay})
	if want := day(2026, 3, 29); !on.Equal(want) {
		t.Errorf("due on %s, want %s", on, want)
	}
	if want := time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC); !at.Equal(want) {
		t.Errorf("due at %s, want %s", at, want)
	}
}

// A check-in never lands on a day off where its owner is: the same close
// makes different dates in Auckland and New York, each on a working day.
func TestCheckinsLandOnWorkingDays(t *testing.T) {
	auckland, newYork := mustZone(t, "Pacific/Auckland"), mustZone(t, "America/New_York")
	paris := mustZone(t, "Europe/Paris")
	closed := time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC) // Fri 4 Dec in Auckland, Thu 3 Dec in New York
	for _, tc := range []struct {
		name      string
		loc       *time.Location
		offset    int
		wantOn    time.Time
		movedFrom time.Time
		wantAt    time.Time
	}{
		// Friday + 1 day is Saturday 09:00 in Auckland (Friday in New
		// York): it moves to Monday 09:00 Auckland, Sunday afternoon in
		// New York.
		{"Auckland, Saturday moves to Monday", auckland, 1, day(2026, 12, 7), day(2026, 12, 5),
			time.Date(2026, 12, 6, 20, 0, 0, 0, time.UTC)},
		{"New York, Friday stays", newYork, 1, day(2026, 12, 4), time.Time{}, time.Date(2026, 12, 4, 14, 0, 0, 0, time.UTC)},
		{"New York, Saturday moves to Monday", newYork, 2, day(2026, 12, 7), day(2026, 12, 5),
			time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC)},
		// Sunday 28 March 2027 is the day Paris springs forward: Monday
		// 09:00 is 07:00 UTC.
		{"Paris, across daylight saving", paris, 115, day(2027, 3, 29), day(2027, 3, 28),
			time.Date(2027, 3, 29, 7, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := Week{Loc: tc.loc, Days: MonToFri}
			got := PostClose(1, Today(closed, tc.loc), []int{tc.offset}, w)[0]
			if !got.DueOn.Equal(tc.wantOn) || !got.MovedFrom.Equal(tc.movedFrom) || !got.DueAt.Equal(tc.wantAt) {
				t.Errorf("due on %s (moved from %s) at %s; want %s (from %s) at %s", got.DueOn.Format("Mon 2 Jan"),
					got.MovedFrom.Format("Mon 2 Jan"), got.DueAt, tc.wantOn.Format("Mon 2 Jan"), tc.movedFrom.Format("Mon 2 Jan"), tc.wantAt)
			}
			if wd := got.DueAt.In(tc.loc).Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Errorf("lands on a %s where its owner is", wd)
			}
		})
	}
}
