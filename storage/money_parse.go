package storage

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxMajor is the largest amount ParseMoney accepts, in major units.
const maxMajor = 1_000_000_000_000_000

// MoneyProblem says why ParseMoney refused an amount.
type MoneyProblem int

// What can be wrong with an amount.
const (
	MoneyMalformed       MoneyProblem = iota // not an amount: "12x", "1 200", "1.200,50"
	MoneyMissing                             // nothing but spaces
	MoneyNegative                            // "-5k"
	MoneyZero                                // "0", "$0.00"
	MoneyTooLarge                            // more than 10^15 major units
	MoneyTooPrecise                          // more decimals than the currency has: "1.234" USD
	MoneyUnknownCurrency                     // a code that is not an active ISO 4217 one: "120k XYZ"
	MoneyTwoCurrencies                       // a symbol and a code that disagree: "$120k EUR"
)

// MoneyError is an amount ParseMoney refused; errors.Is(err, ErrInvalid)
// holds for it.
type MoneyError struct {
	Input    string // what was parsed, as given
	Problem  MoneyProblem
	Currency string // the unknown code (MoneyUnknownCurrency), or the currency whose digits were exceeded (MoneyTooPrecise)
	Digits   int    // MoneyTooPrecise: how many decimals Currency has
}

// Error is Explain with the input in Go quotes.
func (e *MoneyError) Error() string { return e.Explain(strconv.Quote) }

// Unwrap makes a refused amount an ErrInvalid.
func (e *MoneyError) Unwrap() error { return ErrInvalid }

// Explain says what is wrong, as a sentence for whoever typed the amount:
// `"12x" is not an amount`. quote writes what they typed; a chat surface
// passes one that also defuses markup.
func (e *MoneyError) Explain(quote func(string) string) string {
	q := quote(e.Input)
	switch e.Problem {
	case MoneyMissing:
		return "is missing"
	case MoneyNegative:
		return q + " is negative; amounts are more than zero"
	case MoneyZero:
		return q + " is zero; amounts are more than zero"
	case MoneyTooLarge:
		return q + " is too large; the most is " + groupThousands(maxMajor)
	case MoneyTooPrecise:
		return q + " has more decimal places than " + e.Currency + " allows (" + strconv.Itoa(e.Digits) + ")"
	case MoneyUnknownCurrency:
		return q + ": " + quote(e.Currency) + " is not a currency code I know"
	case MoneyTwoCurrencies:
		return q + " names two currencies"
	}
	return q + " is not an amount"
}

// ParseMoney reads an amount as a seller types it: "120000", "120k",
// "1.2m", "1,200.50", "$120,000", "€90k", "90k€", "£5k", "¥300k",
// "120k EUR", "EUR120k", "120kEUR". A symbol or code names the currency;
// without one it is defaultCurrency. "$" and "¥" mean defaultCurrency
// when it is written with that symbol (CAD, AUD… for "$"; CNY for "¥"),
// else USD and JPY. Amounts must be more than zero, at most 10^15 major
// units, with no more decimals than the currency has (0 for JPY, 3 for
// KWD) once k or m is applied. defaultCurrency should be a code
// MinorDigits knows; any other counts as USD. A refusal is a *MoneyError.
func ParseMoney(s, defaultCurrency string) (Money, error) {
	v := strings.TrimSpace(s)
	if v == "" {
		return Money{}, &MoneyError{Input: s, Problem: MoneyMissing}
	}
	if r, _ := utf8.DecodeRuneInString(v); r == '-' || r == '−' {
		return Money{}, &MoneyError{Input: s, Problem: MoneyNegative}
	}
	def := strings.ToUpper(strings.TrimSpace(defaultCurrency))
	if _, ok := MinorDigits(def); !ok {
		def = "USD"
	}
	compact, ok := joinCurrency(strings.Fields(v))
	if !ok {
		return Money{}, &MoneyError{Input: s, Problem: MoneyMalformed}
	}
	cur, body, err := currencyOf(s, compact, def)
	if err != nil {
		return Money{}, err
	}
	digits, _ := MinorDigits(cur)
	minor, err := minorUnits(s, body, cur, digits)
	if err != nil {
		return Money{}, err
	}
	return Money{Minor: minor, Currency: cur}, nil
}

// joinCurrency joins "120k EUR" or "EUR 120k" into one word; any other
// space is an error.
func joinCurrency(fields []string) (string, bool) {
	switch {
	case len(fields) == 1:
		return fields[0], true
	case len(fields) == 2 && (isMarker(fields[0]) || isMarker(fields[1])):
		return fields[0] + fields[1], true
	}
	return "", false
}

// isMarker reports whether w is only a currency symbol or code.
func isMarker(w string) bool {
	if _, n := prefixSymbol(w); n > 0 && n == len(w) {
		return true
	}
	return len(w) == 3 && letters(w) == 3
}

// symbols map a currency symbol to the currencies written with it, the
// usual one first. Longer symbols come first so that "US$" wins over "$".
var symbols = []struct {
	sym  string
	curs []string
}{
	{"US$", []string{"USD"}}, {"HK$", []string{"HKD"}}, {"NZ$", []string{"NZD"}},
	{"A$", []string{"AUD"}}, {"C$", []string{"CAD"}}, {"S$", []string{"SGD"}},
	{"R$", []string{"BRL"}},
	{"$", []string{"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"}},
	{"€", []string{"EUR"}}, {"£", []string{"GBP"}}, {"¥", []string{"JPY", "CNY"}},
	{"₹", []string{"INR"}}, {"₩", []string{"KRW"}}, {"₪", []string{"ILS"}},
}

// symbolOf is the symbol String writes for a currency: the shortest one
// of symbols whose usual currency it is ("$" for USD, "C$" for CAD).
var symbolOf = func() map[string]string {
	m := map[string]string{}
	for _, s := range symbols {
		if old, ok := m[s.curs[0]]; !ok || len(s.sym) < len(old) {
			m[s.curs[0]] = s.sym
		}
	}
	return m
}()

// prefixSymbol finds the currency symbol that w starts with, in any case:
// its currencies and its length in bytes.
func prefixSymbol(w string) (curs []string, n int) {
	for _, s := range symbols {
		if len(w) >= len(s.sym) && strings.EqualFold(w[:len(s.sym)], s.sym) {
			return s.curs, len(s.sym)
		}
	}
	return nil, 0
}

// suffixSymbol finds the currency symbol that w ends with ("90k€").
func suffixSymbol(w string) (curs []string, n int) {
	for _, s := range symbols {
		if len(w) >= len(s.sym) && strings.EqualFold(w[len(w)-len(s.sym):], s.sym) {
			return s.curs, len(s.sym)
		}
	}
	return nil, 0
}

// letters counts the ASCII letters at the start of w.
func letters(w string) int {
	n := 0
	for n < len(w) && isLetter(w[n]) {
		n++
	}
	return n
}

// trailingLetters counts the ASCII letters at the end of w.
func trailingLetters(w string) int {
	n := 0
	for n < len(w) && isLetter(w[len(w)-1-n]) {
		n++
	}
	return n
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// currencyOf takes the currency markers off the front and back of v and
// picks the currency; s is the input, for errors.
func currencyOf(s, v, def string) (cur, body string, err *MoneyError) {
	var marks [][]string
	if curs, n := prefixSymbol(v); n > 0 {
		marks, v = append(marks, curs), v[n:]
	} else if n := letters(v); n == 3 {
		marks, v = append(marks, []string{strings.ToUpper(v[:3])}), v[3:]
	}
	if curs, n := suffixSymbol(v); n > 0 {
		marks, v = append(marks, curs), v[:len(v)-n]
	} else if n := trailingLetters(v); n == 3 || n == 4 {
		marks, v = append(marks, []string{strings.ToUpper(v[len(v)-3:])}), v[:len(v)-3]
	}
	for _, m := range marks {
		if _, ok := MinorDigits(m[0]); !ok {
			return "", "", &MoneyError{Input: s, Problem: MoneyUnknownCurrency, Currency: m[0]}
		}
	}
	switch len(marks) {
	case 0:
		return def, v, nil
	case 1:
		return pick(marks[0], def), v, nil
	}
	both := intersect(marks[0], marks[1])
	if len(both) == 0 {
		return "", "", &MoneyError{Input: s, Problem: MoneyTwoCurrencies}
	}
	return pick(both, def), v, nil
}

// pick is def when curs holds it, else the usual currency of curs.
func pick(curs []string, def string) string {
	if slices.Contains(curs, def) {
		return def
	}
	return curs[0]
}

func intersect(a, b []string) []string {
	var both []string
	for _, x := range a {
		if slices.Contains(b, x) {
			both = append(both, x)
		}
	}
	return both
}

// minorUnits reads body ("1,200.50", "1.2m") as minor units of currency
// cur, which has the given decimals; s is the input, for errors.
func minorUnits(s, body, cur string, decimals int) (int64, *MoneyError) {
	fail := func(p MoneyProblem) (int64, *MoneyError) { return 0, &MoneyError{Input: s, Problem: p} }
	if r, _ := utf8.DecodeRuneInString(body); r == '-' || r == '−' {
		return fail(MoneyNegative)
	}
	scale := 0
	if n := len(body); n > 0 {
		switch body[n-1] | 0x20 {
		case 'k':
			scale, body = 3, body[:n-1]
		case 'm':
			scale, body = 6, body[:n-1]
		}
	}
	mantissa, places, ok := number(body)
	if !ok {
		return fail(MoneyMalformed)
	}
	exp := scale + decimals - places
	if exp < 0 {
		return 0, &MoneyError{Input: s, Problem: MoneyTooPrecise, Currency: cur, Digits: decimals}
	}
	if len(mantissa) > 40 {
		return fail(MoneyTooLarge)
	}
	m, _ := new(big.Int).SetString(mantissa, 10)
	m.Mul(m, pow10(exp))
	if m.Sign() == 0 {
		return fail(MoneyZero)
	}
	limit := new(big.Int).Mul(big.NewInt(maxMajor), pow10(decimals))
	if m.Cmp(limit) > 0 || !m.IsInt64() {
		return fail(MoneyTooLarge)
	}
	return m.Int64(), nil
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// number reads "1,200.50" as the digits "120050" with 2 decimal places,
// dropping leading zeros and trailing zeros of the fraction. Commas must
// group thousands.
func number(body string) (mantissa string, places int, ok bool) {
	whole, frac, _ := strings.Cut(body, ".")
	if whole == "" && frac == "" || !allDigits(frac) {
		return "", 0, false
	}
	groups := strings.Split(whole, ",")
	for i, g := range groups {
		if !allDigits(g) || (len(groups) > 1 && (g == "" || len(g) > 3 || i > 0 && len(g) != 3)) {
			return "", 0, false
		}
	}
	frac = strings.TrimRight(frac, "0")
	mantissa = strings.TrimLeft(strings.Join(groups, "")+frac, "0")
	if mantissa == "" {
		mantissa = "0"
	}
	return mantissa, len(frac), true
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
