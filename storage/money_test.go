package storage

import (
	"strings"
	"testing"

	"github.com/bojanz/currency"
)

// TestMinorDigits pins ISO 4217's minor units. The rows marked "x/text"
// are those where golang.org/x/text/currency (CLDR 32) answers otherwise:
// a code it does not know, or CLDR's display digits.
func TestMinorDigits(t *testing.T) {
	tests := []struct {
		code   string
		digits int
		ok     bool
	}{
		{"USD", 2, true}, {"eur", 2, true}, {"CHF", 2, true},
		{"JPY", 0, true}, {"KRW", 0, true}, {"UGX", 0, true}, {"CLP", 0, true},
		{"KWD", 3, true}, {"BHD", 3, true}, {"TND", 3, true}, {"CLF", 4, true},
		{"IQD", 3, true}, // x/text: 0
		{"IDR", 2, true}, // x/text: 0
		{"COP", 2, true}, // x/text: 0
		{"PKR", 2, true}, // x/text: 0
		{"HUF", 2, true}, // x/text: 2, but 0 in cash
		{"MRU", 2, true}, // x/text: unknown (since 2018)
		{"VES", 2, true}, // x/text: unknown (since 2018)
		{"SLE", 2, true}, // x/text: unknown (since 2022)
		{"ZWG", 2, true}, // x/text: unknown (since 2024)
		{"XCG", 2, true}, // x/text: unknown (since 2025)
		{"XYZ", 0, false}, {"US", 0, false}, {"USDX", 0, false}, {"K J", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			digits, ok := MinorDigits(tt.code)
			if digits != tt.digits || ok != tt.ok {
				t.Errorf("MinorDigits(%q) = %d, %v; want %d, %v", tt.code, digits, ok, tt.digits, tt.ok)
			}
		})
	}
}

func TestMoneyString(t *testing.T) {
	for _, tt := range []struct {
		m             Money
		text, decimal string
	}{
		{Money{12_000_000, "USD"}, "$120,000", "120000.00"},
		{Money{9_050_050, "EUR"}, "€90,500.50", "90500.50"},
		{Money{5, "EUR"}, "€0.05", "0.05"},
		{Money{1_234, "KWD"}, "1.234 KWD", "1.234"},
		{Money{1_230, "KWD"}, "1.230 KWD", "1.230"},
		{Money{5_000, "UGX"}, "5,000 UGX", "5000"},
		{Money{300_000, "JPY"}, "¥300,000", "300000"},
		{Money{30_000_000, "CNY"}, "300,000 CNY", "300000.00"},
		{Money{12_000_000, "CAD"}, "C$120,000", "120000.00"},
		{Money{1_000_000, "KRW"}, "₩1,000,000", "1000000"},
		{Money{12_345, "CLF"}, "1.2345 CLF", "1.2345"},
		{Money{100_000_000_000_000_000, "USD"}, "$1,000,000,000,000,000", "1000000000000000.00"},
		{Money{150, "BGN"}, "1.50 BGN", "1.50"}, // no longer on ISO's list: 2 digits
		{Money{-150, "USD"}, "-$1.50", "-1.50"},
		{Money{}, "—", ""},
	} {
		if got := tt.m.String(); got != tt.text {
			t.Errorf("%+v.String() = %q, want %q", tt.m, got, tt.text)
		}
		if got := tt.m.Decimal(); got != tt.decimal {
			t.Errorf("%+v.Decimal() = %q, want %q", tt.m, got, tt.decimal)
		}
	}
}

// TestEveryCurrencyRoundTrips reads an amount with all of its minor units
// in every ISO 4217 currency, and checks that String and Decimal write it
// with the currency's digits and read back as the same Money.
func TestEveryCurrencyRoundTrips(t *testing.T) {
	seen := map[int]bool{}
	for _, code := range currency.GetCurrencyCodes() {
		digits, ok := MinorDigits(code)
		if !ok {
			t.Fatalf("%s is listed but has no digits", code)
		}
		seen[digits] = true
		frac := ""
		if digits > 0 {
			frac = "." + "6789"[:digits]
		}
		m, err := ParseMoney("12,345"+frac+" "+code, "USD")
		if err != nil {
			t.Errorf("%s: %v", code, err)
			continue
		}
		if want := "12345" + frac; m.Decimal() != want {
			t.Errorf("%s: Decimal() = %q, want %q", code, m.Decimal(), want)
		}
		if !strings.Contains(m.String(), "12,345"+frac) {
			t.Errorf("%s: String() = %q, want 12,345%s in it", code, m.String(), frac)
		}
		for _, back := range []string{m.String(), m.Decimal() + " " + code} {
			if got, err := ParseMoney(back, code); err != nil || got != m {
				t.Errorf("%s: %q reads back as %+v, %v; want %+v", code, back, got, err, m)
			}
		}
	}
	for _, d := range []int{0, 2, 3} {
		if !seen[d] {
			t.Errorf("no currency with %d digits was tried", d)
		}
	}
}

func TestMoneyValidate(t *testing.T) {
	for _, tt := range []struct {
		m  Money
		ok bool
	}{
		{Money{}, true},
		{Money{12_000_000, "USD"}, true},
		{Money{0, "EUR"}, true},
		{Money{1, "usd"}, false},
		{Money{1, "EURO"}, false},
		{Money{1, "XYZ"}, false},
		{Money{100, ""}, false},
		{Money{-1, "EUR"}, false},
	} {
		if err := tt.m.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v.Validate() = %v, want ok %v", tt.m, err, tt.ok)
		}
	}
}
