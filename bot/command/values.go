package command

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on text, in characters (runes).
const (
	MaxText = 2000 // free text: a risk, an ask, a note
	MaxName = 200  // a deal's or a champion's name, a title
)

// CheckText rejects s, the part of a command named part, when it is blank or
// longer than max characters. The error has no example: the handler may set
// one (its usage line).
func CheckText(part, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return missing(part, "")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return &Error{Part: part, Problem: "is " + thousands(n) + " characters long; the limit is " + thousands(max)}
	}
	return nil
}

// ParseUser reads a user mention, "<@U012ABCDEF|ernie>", "<@U012ABCDEF>" or
// "<@W012ABCDEF>". A plain "@ernie" is rejected: the person must be picked
// from Slack's autocomplete so that the mention is linked. Errors name the
// part "user"; see ForOption.
func ParseUser(v string) (UserRef, error) {
	v = strings.TrimSpace(sanitize(v))
	if v == "" {
		return UserRef{}, missing("user", "@jane")
	}
	if u, ok := userMention(v); ok {
		return u, nil
	}
	problem := Echo(v) + " is not a Slack user"
	if strings.HasPrefix(v, "@") || strings.HasPrefix(v, "<@") {
		problem = Echo(v) + " is not linked to a Slack user; type @ and pick the person from Slack's list"
	}
	return UserRef{}, &Error{Part: "user", Problem: problem, Example: "@jane"}
}

// ParseNumber reads an item number, "3" or "#3", from 1 to 1,000,000. Errors
// name the part "number".
func ParseNumber(s string) (int, error) {
	v := strings.TrimPrefix(strings.TrimSpace(s), "#")
	if v == "" {
		return 0, missing("number", "3")
	}
	n, ok := digits(v, 7)
	if !ok {
		return 0, &Error{Part: "number", Problem: Echo(s) + " is not an item number", Example: "3"}
	}
	if n < 1 || n > 1_000_000 {
		return 0, &Error{Part: "number", Problem: Echo(s) + " is out of range; items are numbered from 1", Example: "3"}
	}
	return n, nil
}

// digits parses v, only ASCII digits, at most max of them after leading
// zeros.
func digits(v string, max int) (int, bool) {
	if v == "" {
		return 0, false
	}
	for i := 0; i < len(v); i++ {
		if !isDigit(v[i]) {
			return 0, false
		}
	}
	if len(strings.TrimLeft(v, "0")) > max {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	return n, err == nil
}

// ParseLevel reads a cost, value or weight: 1 to 5, or low (1), medium or
// med (3), high (5), in any case. Errors name the part "level"; see
// ForOption.
func ParseLevel(s string) (int, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "":
		return 0, missing("level", "high")
	case "low":
		return 1, nil
	case "medium", "med":
		return 3, nil
	case "high":
		return 5, nil
	}
	if n, ok := digits(v, 1); ok && n >= 1 && n <= 5 {
		return n, nil
	}
	return 0, &Error{
		Part:    "level",
		Problem: Echo(s) + " is not a level; use 1 to 5, low, medium or high",
		Example: "high",
	}
}

// MaxDays is the longest duration ParseDays accepts, about ten years.
const MaxDays = 3660

// ParseDays reads a duration in whole days: "7d", "+7d", "2w" (14 days) or
// a bare number of days, "14"; from 1 to MaxDays. Errors name the part
// "duration"; see ForOption.
func ParseDays(s string) (int, error) { return parseDays(s, 1) }

// ParseDaysAllowZero is ParseDays that also accepts a zero duration ("0",
// "0d"), which turns a delay off (LONGGAME_LOST_FOLLOWUP=0).
func ParseDaysAllowZero(s string) (int, error) { return parseDays(s, 0) }

func parseDays(s string, min int) (int, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "" {
		return 0, missing("duration", "7d")
	}
	n, unit, ok := count(strings.TrimPrefix(v, "+"))
	switch {
	case ok && unit == 'm':
		return 0, &Error{Part: "duration", Problem: Echo(s) + ": months are not a fixed number of days; use days or weeks", Example: "90d"}
	case !ok || (unit != 'd' && unit != 'w' && unit != 0):
		return 0, &Error{Part: "duration", Problem: Echo(s) + " is not a duration; use days or weeks", Example: "7d"}
	}
	if unit == 'w' {
		n *= 7
	}
	if n < min {
		return 0, &Error{Part: "duration", Problem: Echo(s) + " is too short; use at least 1 day", Example: "7d"}
	}
	if n > MaxDays {
		return 0, &Error{Part: "duration", Problem: Echo(s) + " is too long; the most is " + thousands(MaxDays) + " days", Example: "90d"}
	}
	return n, nil
}

// count splits "14d" into 14 and 'd'; the unit is 0 when there is none.
// Numbers over 6 digits are rejected.
func count(v string) (n int, unit byte, ok bool) {
	if v != "" && isLetter(v[len(v)-1]) {
		unit = v[len(v)-1]
		v = v[:len(v)-1]
	}
	n, ok = digits(v, 6)
	return n, unit, ok
}
