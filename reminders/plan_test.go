package reminders

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/longgame/longgame/storage"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestDueAtIsNineLocalAcrossDaylightSaving(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
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

func TestPostCloseSchedulesEachOffset(t *testing.T) {
	got := PostClose(7, day(2026, 11, 2), []int{14, 30, 90, 180, 365}, time.UTC)
	var dates []string
	for _, c := range got {
		if c.DealID != 7 || c.Kind != storage.KindPostClose {
			t.Errorf("check-in %+v: want deal 7, kind post_close", c)
		}
		dates = append(dates, c.Offset+" "+c.DueOn.Format(time.DateOnly))
	}
	want := []string{"14d 2026-11-16", "30d 2026-12-02", "90d 2027-01-31", "180d 2027-05-01", "365d 2027-11-02"}
	if diff := cmp.Diff(want, dates); diff != "" {
		t.Errorf("schedule (-want +got):\n%s", diff)
	}
}

func TestKeepInTouchZeroMeansNone(t *testing.T) {
	if got := KeepInTouch(1, day(2026, 11, 2), 0, time.UTC); len(got) != 0 {
		t.Errorf("LONGGAME_LOST_FOLLOWUP=0 scheduled %d reminders", len(got))
	}
	got := KeepInTouch(1, day(2026, 11, 2), 90, time.UTC)
	if len(got) != 1 || got[0].Kind != storage.KindKeepInTouch || !got[0].DueOn.Equal(day(2027, 1, 31)) {
		t.Errorf("keep-in-touch after 90d: %+v", got)
	}
}
