package storage

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bojanz/currency"
)

// Money is an amount in minor units of an ISO 4217 currency: cents of a
// dollar, fils of a Kuwaiti dinar (three digits), whole yen (none).
type Money struct {
	Minor    int64
	Currency string // ISO 4217 code in upper case; "" when no amount was recorded
}

// IsZero reports whether no amount was recorded.
func (m Money) IsZero() bool { return m.Currency == "" }

// MinorDigits reports how many digits of minor units the ISO 4217
// currency code (in any case) has — 2 for USD, 0 for JPY and UGX, 3 for
// KWD, 4 for CLF — and whether code is a currency of ISO 4217's list of
// active ones.
//
// The list and its digits are ISO 4217's, as github.com/bojanz/currency
// generates them from the maintenance agency's list one. The tables of
// golang.org/x/text/currency were tried first and refused: they come from
// CLDR 32 (2017), which does not know active codes (MRU, VES, SLE, ZWG,
// XCG), and their digits are CLDR's display digits, not ISO's minor
// units: IQD 0 where ISO says 3; IDR, COP, PKR, IRR and 17 more 0 where
// ISO says 2. Amounts are stored in minor units, so digits that change
// would rescale the amounts already recorded (TestMinorDigits pins them).
func MinorDigits(code string) (digits int, ok bool) {
	d, ok := currency.GetDigits(strings.ToUpper(code))
	return int(d), ok
}

// digits is how many digits of minor units m's currency has. A code that
// is not, or no longer, on ISO 4217's list (BGN, recorded before Bulgaria
// adopted the euro) counts 2: the list gives most currencies 2, and gave
// those it dropped since amounts were first recorded (ANG, BGN) 2 too.
func (m Money) digits() int {
	if d, ok := MinorDigits(m.Currency); ok {
		return d
	}
	return 2
}

// Validate accepts no amount, or an amount of zero or more in an active
// ISO 4217 currency written as its code in upper case.
func (m Money) Validate() error {
	switch {
	case m.IsZero() && m.Minor != 0:
		return Invalidf("amount %d has no currency", m.Minor)
	case m.IsZero():
		return nil
	case m.Currency != strings.ToUpper(m.Currency):
		return Invalidf("currency %q is not written in upper case like USD", m.Currency)
	}
	if _, ok := MinorDigits(m.Currency); !ok {
		return Invalidf("currency %q is not an ISO 4217 code like USD", m.Currency)
	}
	if m.Minor < 0 {
		return Invalidf("amount %d is negative", m.Minor)
	}
	return nil
}

// String is the amount as a seller reads it: "$120,000", "€90,500.50",
// "¥300,000", "1.234 KWD", "5,000 UGX"; and "—" when no amount was
// recorded, the dash every view shows in its place. Thousands are grouped
// with commas; the minor units show when there are any, with all of the
// currency's digits. A currency with a symbol of its own (the symbols
// ParseMoney reads, $ for USD, € for EUR, C$ for CAD…) has it in front;
// any other, its code after the number. ParseMoney(m.String(), m.Currency)
// is m.
func (m Money) String() string {
	if m.IsZero() {
		return "—"
	}
	sign, whole, frac := m.parts()
	num := groupThousands(whole)
	if strings.Trim(frac, "0") != "" {
		num += "." + frac
	}
	if sym, ok := symbolOf[m.Currency]; ok {
		return sign + sym + num
	}
	return sign + num + " " + m.Currency
}

// Decimal is the amount as a plain decimal with all of the currency's
// digits and no grouping, for files and spreadsheets: "120000.00",
// "1.234", "5000"; "" when no amount was recorded.
func (m Money) Decimal() string {
	if m.IsZero() {
		return ""
	}
	sign, whole, frac := m.parts()
	num := sign + strconv.FormatUint(whole, 10)
	if frac != "" {
		num += "." + frac
	}
	return num
}

// parts splits m into its sign ("" or "-"), its whole units and its minor
// units written with all of the currency's digits ("" for none).
func (m Money) parts() (sign string, whole uint64, frac string) {
	abs := uint64(m.Minor)
	if m.Minor < 0 {
		sign, abs = "-", -abs
	}
	d := m.digits()
	if d == 0 {
		return sign, abs, ""
	}
	unit := uint64(1)
	for range d {
		unit *= 10
	}
	return sign, abs / unit, fmt.Sprintf("%0*d", d, abs%unit)
}

// groupThousands writes n with commas between groups of three digits.
func groupThousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
