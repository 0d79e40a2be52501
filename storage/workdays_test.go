package storage

import (
	"testing"
	"time"
)

func TestParseWorkdays(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []time.Weekday
	}{
		{"Mon-Fri", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}},
		{"sun-thu", []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday}},
		{"Fri-Mon", []time.Weekday{time.Friday, time.Saturday, time.Sunday, time.Monday}},
		{"Mon, Wed ,friday", []time.Weekday{time.Monday, time.Wednesday, time.Friday}},
		{"sat", []time.Weekday{time.Saturday}},
	} {
		w, err := ParseWorkdays(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		var want Workdays
		for _, d := range tc.want {
			want |= 1 << d
		}
		if w != want {
			t.Errorf("%q = %s, want %s", tc.in, w, want)
		}
	}
	for _, bad := range []string{"", "Mon-", "Funday", "Mo-Fr", "Mon-Fri,xyz"} {
		if _, err := ParseWorkdays(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if MonToFri.String() != "Mon-Fri" {
		t.Errorf("MonToFri is %q", MonToFri)
	}
}

func TestWorkdaysMoveDaysOff(t *testing.T) {
	d := func(day int) time.Time { return time.Date(2026, 12, day, 0, 0, 0, 0, time.UTC) } // 5 Dec 2026 is a Saturday
	sunThu, _ := ParseWorkdays("Sun-Thu")
	for _, tc := range []struct {
		name string
		w    Workdays
		day  time.Time
		want time.Time
	}{
		{"a Saturday moves to Monday", MonToFri, d(5), d(7)},
		{"a Sunday moves to Monday", MonToFri, d(6), d(7)},
		{"a Friday stays", MonToFri, d(4), d(4)},
		{"Sun-Thu: a Friday moves to Sunday", sunThu, d(4), d(6)},
		{"no working day: every day is one", 0, d(5), d(5)},
	} {
		if got := tc.w.OnOrAfter(tc.day); !got.Equal(tc.want) {
			t.Errorf("%s: %s, want %s", tc.name, got.Format("Mon 2 Jan"), tc.want.Format("Mon 2 Jan"))
		}
	}
	if got := MonToFri.FirstOfWeek(d(9)); !got.Equal(d(7)) {
		t.Errorf("first working day of the week of Wed 9 Dec: %s", got.Format("Mon 2 Jan"))
	}
	if got := sunThu.FirstOfWeek(d(9)); !got.Equal(d(7)) { // weeks run Monday to Sunday
		t.Errorf("Sun-Thu, first working day of the week of Wed 9 Dec: %s", got.Format("Mon 2 Jan"))
	}
}
