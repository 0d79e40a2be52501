package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/longgame/longgame/storage"
)

var currencySymbols = map[string]string{"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}

// zeroDecimal currencies have no minor unit.
var zeroDecimal = map[string]bool{"JPY": true, "KRW": true, "VND": true, "CLP": true, "ISK": true}

// formatMoney writes an amount as a seller reads it: "$120,000", "€90,500.50".
func formatMoney(m storage.Money) string {
	if m.IsZero() {
		return "—"
	}
	major, minor, digits := m.Minor, int64(0), 0
	if !zeroDecimal[m.Currency] {
		major, minor, digits = m.Minor/100, m.Minor%100, 2
	}
	s := groupThousands(major)
	if minor != 0 {
		s += fmt.Sprintf(".%0*d", digits, minor)
	}
	if sym, ok := currencySymbols[m.Currency]; ok {
		return sym + s
	}
	return s + " " + m.Currency
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatDay writes a calendar date: "Tue 1 Dec 2026"; "—" when unset.
func formatDay(d time.Time) string {
	if d.IsZero() {
		return "—"
	}
	return d.Format("Mon 2 Jan 2006")
}

// formatMoment writes an instant in a time zone: "Tue 1 Dec 2026 09:00 CET".
func formatMoment(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("Mon 2 Jan 2006 15:04 MST")
}

func mention(userID string) string {
	if userID == "" {
		return "nobody"
	}
	return "<@" + userID + ">"
}

// capitalState is what the capital left means for the seller.
type capitalState int

const (
	capitalHealthy   capitalState = iota
	capitalLow                    // 20% of the budget or less
	capitalOverdrawn              // below zero
)

func stateOf(c storage.Capital) capitalState {
	switch {
	case c.Left < 0:
		return capitalOverdrawn
	case c.Left*5 <= c.Budget:
		return capitalLow
	}
	return capitalHealthy
}

// capitalLine is the capital left, with the warning SPEC.md asks for at 20%
// or less and the overdrawn message below zero.
func capitalLine(c storage.Capital) string {
	line := fmt.Sprintf("Champion capital left: *%d of %d*", c.Left, c.Budget)
	switch stateOf(c) {
	case capitalOverdrawn:
		return line + fmt.Sprintf("\n:rotating_light: *Overdrawn by %d:* you might lose despite winning it — give back before you ask again.", -c.Left)
	case capitalLow:
		return line + "\n:warning: *Running low:* 20% or less of the champion's capital is left. Give back before the next big ask."
	}
	return line
}

// levelWord names a cost or value: "3 (medium)".
func levelWord(n int) string {
	switch n {
	case 1:
		return "1 (low)"
	case 3:
		return "3 (medium)"
	case 5:
		return "5 (high)"
	}
	return strconv.Itoa(n)
}
