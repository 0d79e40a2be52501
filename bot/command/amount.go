package command

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Money is an amount in minor units (cents) of an ISO 4217 currency; it
// converts to storage.Money as is.
type Money struct {
	Minor    int64
	Currency string
}

// maxMajor is the largest amount accepted, in major units (10^15).
var maxMajor = new(big.Int).Exp(big.NewInt(10), big.NewInt(15), nil)

// ParseAmount reads an amount: "120000", "120k", "1.2m", "1,200.50",
// "$120,000", "€90k", "90k€", "£5k", "¥300k", "120k EUR", "EUR120k",
// "120kEUR". A symbol or code names the currency; without one it is
// defaultCurrency. "$" and "¥" mean defaultCurrency when it is written
// with that symbol (CAD, AUD… for "$"; CNY for "¥"), else USD and JPY.
// Amounts must be positive, at most 10^15 major units, with no more
// decimals than the currency has (0 for JPY, 3 for KWD) after k or m.
// defaultCurrency should be a code that CurrencyDigits knows (the config
// checks LONGGAME_CURRENCY with it); any other counts as USD. Errors name
// the part "amount"; see ForOption.
func ParseAmount(s, defaultCurrency string) (Money, error) {
	v := strings.TrimSpace(sanitize(s))
	if v == "" {
		return Money{}, missing("amount", "120k")
	}
	if r, _ := utf8.DecodeRuneInString(v); r == '-' || r == '−' {
		return Money{}, negative(s)
	}
	def := strings.ToUpper(strings.TrimSpace(defaultCurrency))
	if _, ok := CurrencyDigits(def); !ok {
		def = "USD"
	}
	compact, ok := joinCurrency(strings.Fields(v))
	if !ok {
		return Money{}, notAmount(s)
	}
	cur, body, err := currencyOf(s, compact, def)
	if err != nil {
		return Money{}, err
	}
	digits, _ := CurrencyDigits(cur)
	minor, err := minorUnits(s, body, cur, digits)
	if err != nil {
		return Money{}, err
	}
	return Money{Minor: minor, Currency: cur}, nil
}

func notAmount(s string) *Error {
	return &Error{Part: "amount", Problem: Echo(s) + " is not an amount", Example: "120k"}
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

// currencyOf takes the currency markers off the front and back of v and
// picks the currency; s is what the user typed, for errors.
func currencyOf(s, v, def string) (cur, body string, err *Error) {
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
		if _, ok := CurrencyDigits(m[0]); !ok {
			return "", "", &Error{Part: "amount", Problem: Echo(s) + ": " + Echo(m[0]) + " is not a currency code I know", Example: "120k EUR"}
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
		return "", "", &Error{Part: "amount", Problem: Echo(s) + " names two currencies", Example: "120k EUR"}
	}
	return pick(both, def), v, nil
}

// pick is def when curs holds it, else the usual currency of curs.
func pick(curs []string, def string) string {
	for _, c := range curs {
		if c == def {
			return c
		}
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

// minorUnits reads body ("1,200.50", "1.2m") as minor units of a currency
// with the given decimals.
func minorUnits(s, body, cur string, decimals int) (int64, *Error) {
	if r, _ := utf8.DecodeRuneInString(body); r == '-' || r == '−' {
		return 0, negative(s)
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
		return 0, notAmount(s)
	}
	exp := scale + decimals - places
	if exp < 0 {
		return 0, &Error{Part: "amount", Problem: Echo(s) + " has more decimal places than " + cur + " allows (" + strconv.Itoa(decimals) + ")", Example: "120k"}
	}
	if len(mantissa) > 40 {
		return 0, tooLarge(s)
	}
	m, _ := new(big.Int).SetString(mantissa, 10)
	m.Mul(m, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil))
	if m.Sign() == 0 {
		return 0, &Error{Part: "amount", Problem: Echo(s) + " is zero; amounts are more than zero", Example: "120k"}
	}
	limit := new(big.Int).Mul(maxMajor, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil))
	if m.Cmp(limit) > 0 || !m.IsInt64() {
		return 0, tooLarge(s)
	}
	return m.Int64(), nil
}

func negative(s string) *Error {
	return &Error{Part: "amount", Problem: Echo(s) + " is negative; amounts are more than zero", Example: "120k"}
}

func tooLarge(s string) *Error {
	return &Error{Part: "amount", Problem: Echo(s) + " is too large; the most is 1,000,000,000,000,000", Example: "120k"}
}

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
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// CurrencyDigits reports how many minor-unit digits an ISO 4217 currency
// has (2 for USD, 0 for JPY, 3 for KWD), and whether the code is known.
func CurrencyDigits(code string) (digits int, ok bool) {
	code = strings.ToUpper(code)
	if len(code) != 3 || letters(code) != 3 || !strings.Contains(currencies, code+" ") {
		return 0, false
	}
	switch {
	case strings.Contains(zeroDecimal, code):
		return 0, true
	case strings.Contains(threeDecimal, code):
		return 3, true
	}
	return 2, true
}

// currencies are the active ISO 4217 codes, each followed by a space.
const currencies = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF " +
	"BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE " +
	"CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ " +
	"GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF " +
	"KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP " +
	"MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP " +
	"PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD " +
	"SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU " +
	"UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG "

// Currencies with no minor unit, and with three digits of it.
const (
	zeroDecimal  = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF"
	threeDecimal = "BHD IQD JOD KWD LYD OMR TND"
)
