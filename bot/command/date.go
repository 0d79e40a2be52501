package command

import (
	"strings"
	"time"
)

// Limits of relative dates: about ten years ahead.
const (
	maxRelWeeks  = MaxDays / 7
	maxRelMonths = 120
)

// ParseDate reads a calendar date: "2026-12-01" (a real date, year 2000 to
// 2999), "today", "tomorrow", "yesterday", or relative to today: "+14d",
// "+3w", "+2m" (calendar months: Jan 31 + 1m is Feb 28 or 29); the "+" may
// be left out. today's calendar date, in its own location, is the base. The
// result is a UTC midnight. Errors name the part "date"; see ForOption.
func ParseDate(s string, today time.Time) (time.Time, error) {
	y, m, d := today.Date()
	base := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	v := strings.ToLower(strings.TrimSpace(s))
	var t time.Time
	switch v {
	case "":
		return time.Time{}, missing("date", dateExample(base))
	case "today":
		t = base
	case "tomorrow":
		t = base.AddDate(0, 0, 1)
	case "yesterday":
		t = base.AddDate(0, 0, -1)
	default:
		var err *Error
		if t, err = absOrRel(s, v, base); err != nil {
			return time.Time{}, err
		}
	}
	if t.Year() < 2000 || t.Year() > 2999 {
		return time.Time{}, &Error{Part: "date", Problem: Echo(s) + " is out of range; use a year from 2000 to 2999", Example: dateExample(base)}
	}
	return t, nil
}

// absOrRel reads "2026-12-01" or "+14d"; s is what the user typed, v the
// same lowercased and trimmed.
func absOrRel(s, v string, base time.Time) (time.Time, *Error) {
	if n, unit, ok := count(strings.TrimPrefix(v, "+")); ok && unit != 0 {
		return relative(s, n, unit, base)
	}
	if len(v) == len("2006-01-02") && v[4] == '-' && v[7] == '-' {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return time.Time{}, &Error{Part: "date", Problem: Echo(s) + " is not a real date", Example: dateExample(base)}
		}
		return t, nil
	}
	return time.Time{}, &Error{
		Part:    "date",
		Problem: Echo(s) + " is not a date; use YYYY-MM-DD, today, yesterday, tomorrow, or +14d, +3w, +2m",
		Example: dateExample(base),
	}
}

// relative is base plus n days ('d'), weeks ('w') or months ('m').
func relative(s string, n int, unit byte, base time.Time) (time.Time, *Error) {
	limit := 0
	switch unit {
	case 'd':
		limit = MaxDays
	case 'w':
		limit = maxRelWeeks
	case 'm':
		limit = maxRelMonths
	default:
		return time.Time{}, &Error{Part: "date", Problem: Echo(s) + " is not a date; count in days (d), weeks (w) or months (m)", Example: "+14d"}
	}
	switch {
	case n < 1:
		return time.Time{}, &Error{Part: "date", Problem: Echo(s) + " is not ahead of today; use today, or +1d and more", Example: "+14d"}
	case n > limit:
		return time.Time{}, &Error{Part: "date", Problem: Echo(s) + " is too far ahead; the most is about ten years", Example: "+12m"}
	case unit == 'm':
		return addMonths(base, n), nil
	case unit == 'w':
		n *= 7
	}
	return base.AddDate(0, 0, n), nil
}

// addMonths adds n calendar months, keeping the day of the month but never
// spilling into the next month.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	if last := first.AddDate(0, 1, -1).Day(); d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, 0, 0, 0, 0, time.UTC)
}

// dateExample is a correct date for errors: two weeks from today, or a
// fixed date when today is out of range.
func dateExample(base time.Time) string {
	ex := base.AddDate(0, 0, 14)
	if ex.Year() < 2000 || ex.Year() > 2999 {
		return "2026-12-01"
	}
	return ex.Format("2006-01-02")
}
