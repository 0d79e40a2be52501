package command

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	// The calendar date of today in its own location is the base: 22:00 on
	// March 1 in New York is already March 2 in UTC.
	today := time.Date(2026, 1, 31, 15, 0, 0, 0, time.UTC)
	leap := time.Date(2028, 1, 31, 9, 0, 0, 0, time.UTC)
	lateNY := time.Date(2026, 3, 1, 22, 0, 0, 0, time.FixedZone("EST", -5*3600)) // 03:00 UTC on Mar 2

	tests := []struct {
		name  string
		in    string
		today time.Time
		want  time.Time
		prob  string // problem contains; "" when valid
		ex    string
	}{
		{"iso", "2026-12-01", today, day(2026, 12, 1), "", ""},
		{"iso with spaces", " 2026-12-01 ", today, day(2026, 12, 1), "", ""},
		{"iso leap day", "2028-02-29", today, day(2028, 2, 29), "", ""},
		{"iso past date", "2025-06-30", today, day(2025, 6, 30), "", ""},
		{"year 2000", "2000-01-01", today, day(2000, 1, 1), "", ""},
		{"year 2999", "2999-12-31", today, day(2999, 12, 31), "", ""},
		{"today", "today", today, day(2026, 1, 31), "", ""},
		{"Today", "Today", today, day(2026, 1, 31), "", ""},
		{"today in its own zone", "today", lateNY, day(2026, 3, 1), "", ""},
		{"tomorrow", "tomorrow", today, day(2026, 2, 1), "", ""},
		{"yesterday", "yesterday", today, day(2026, 1, 30), "", ""},
		{"+14d", "+14d", today, day(2026, 2, 14), "", ""},
		{"14d without plus", "14d", today, day(2026, 2, 14), "", ""},
		{"+1d", "+1D", today, day(2026, 2, 1), "", ""},
		{"+3w", "+3w", today, day(2026, 2, 21), "", ""},
		{"+1m clamps to February", "+1m", today, day(2026, 2, 28), "", ""},
		{"+1m in a leap year", "+1m", leap, day(2028, 2, 29), "", ""},
		{"+2m", "+2m", today, day(2026, 3, 31), "", ""},
		{"+12m", "+12m", today, day(2027, 1, 31), "", ""},
		{"+120m", "+120m", today, day(2036, 1, 31), "", ""},
		{"+3660d", "+3660d", today, day(2036, 2, 8), "", ""},
		{"+522w", "+522w", today, day(2036, 2, 2), "", ""},

		{"february 30", "2026-02-30", today, time.Time{}, `"2026-02-30" is not a real date`, "2026-02-14"},
		{"february 29 not leap", "2026-02-29", today, time.Time{}, "is not a real date", "2026-02-14"},
		{"month 13", "2026-13-01", today, time.Time{}, "is not a real date", "2026-02-14"},
		{"day 00", "2026-12-00", today, time.Time{}, "is not a real date", "2026-02-14"},
		{"short month", "2026-1-05", today, time.Time{}, "is not a date", "2026-02-14"},
		{"year 1999", "1999-12-31", today, time.Time{}, `"1999-12-31" is out of range; use a year from 2000 to 2999`, "2026-02-14"},
		{"year 3000", "3000-01-01", today, time.Time{}, "is out of range", "2026-02-14"},
		{"us format", "12/01/2026", today, time.Time{}, `"12/01/2026" is not a date; use YYYY-MM-DD, today, yesterday, tomorrow, or +14d, +3w, +2m`, "2026-02-14"},
		{"words", "next friday", today, time.Time{}, "is not a date", "2026-02-14"},
		{"bare number", "14", today, time.Time{}, "is not a date", "2026-02-14"},
		{"+14 without unit", "+14", today, time.Time{}, "is not a date", "2026-02-14"},
		{"+0d", "+0d", today, time.Time{}, `"+0d" is not ahead of today`, "+14d"},
		{"negative", "-3d", today, time.Time{}, "is not a date", "2026-02-14"},
		{"unknown unit", "+2y", today, time.Time{}, `"+2y" is not a date; count in days (d), weeks (w) or months (m)`, "+14d"},
		{"+3661d", "+3661d", today, time.Time{}, `"+3661d" is too far ahead; the most is about ten years`, "+12m"},
		{"+523w", "+523w", today, time.Time{}, "is too far ahead", "+12m"},
		{"+121m", "+121m", today, time.Time{}, "is too far ahead", "+12m"},
		{"huge", "+99999999999d", today, time.Time{}, "is not a date", "2026-02-14"},
		{"relative past 2999", "+120m", time.Date(2995, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, "is out of range", "2995-01-15"},
		{"empty", "", today, time.Time{}, "is missing", "2026-02-14"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate(tt.in, tt.today)
			if tt.prob != "" {
				wantErr(t, err, "date", tt.prob, tt.ex)
				return
			}
			if err != nil {
				t.Fatalf("ParseDate(%q) error: %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) = %v; want %v", tt.in, got, tt.want)
			}
		})
	}
}
