package command

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, def string
		want    Money
		prob    string // problem contains; "" when valid
		ex      string
	}{
		{in: "120000", def: "USD", want: Money{12_000_000, "USD"}},
		{in: "120k", def: "USD", want: Money{12_000_000, "USD"}},
		{in: "120K", def: "USD", want: Money{12_000_000, "USD"}},
		{in: "1.2m", def: "USD", want: Money{120_000_000, "USD"}},
		{in: "1.2M", def: "EUR", want: Money{120_000_000, "EUR"}},
		{in: "$120,000", def: "USD", want: Money{12_000_000, "USD"}},
		{in: "1,200.50", def: "USD", want: Money{120_050, "USD"}},
		{in: "1,200,000", def: "USD", want: Money{120_000_000, "USD"}},
		{in: "0.5k", def: "USD", want: Money{50_000, "USD"}},
		{in: ".5k", def: "USD", want: Money{50_000, "USD"}},
		{in: "99.99", def: "USD", want: Money{9_999, "USD"}},
		{in: "1.50", def: "USD", want: Money{150, "USD"}},
		{in: "1.230", def: "USD", want: Money{123, "USD"}},
		{in: "1.2345k", def: "USD", want: Money{123_450, "USD"}},
		{in: "0.01", def: "USD", want: Money{1, "USD"}},
		{in: "€90k", def: "USD", want: Money{9_000_000, "EUR"}},
		{in: "90k€", def: "USD", want: Money{9_000_000, "EUR"}},
		{in: "€ 90k", def: "USD", want: Money{9_000_000, "EUR"}},
		{in: "90k €", def: "USD", want: Money{9_000_000, "EUR"}},
		{in: "90 000 €", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "£5k", def: "USD", want: Money{500_000, "GBP"}},
		{in: "¥300k", def: "USD", want: Money{300_000, "JPY"}},
		{in: "¥300k", def: "CNY", want: Money{30_000_000, "CNY"}},
		{in: "₩1m", def: "USD", want: Money{1_000_000, "KRW"}},
		{in: "$120k", def: "CAD", want: Money{12_000_000, "CAD"}},
		{in: "$120k", def: "EUR", want: Money{12_000_000, "USD"}},
		{in: "US$120k", def: "CAD", want: Money{12_000_000, "USD"}},
		{in: "C$120k", def: "USD", want: Money{12_000_000, "CAD"}},
		{in: "R$5k", def: "USD", want: Money{500_000, "BRL"}},
		{in: "120k EUR", def: "USD", want: Money{12_000_000, "EUR"}},
		{in: "120k eur", def: "USD", want: Money{12_000_000, "EUR"}},
		{in: "EUR120k", def: "USD", want: Money{12_000_000, "EUR"}},
		{in: "EUR 120k", def: "USD", want: Money{12_000_000, "EUR"}},
		{in: "120kEUR", def: "USD", want: Money{12_000_000, "EUR"}},
		{in: "1.2mGBP", def: "USD", want: Money{120_000_000, "GBP"}},
		{in: "120000 JPY", def: "USD", want: Money{120_000, "JPY"}},
		{in: "1.5k JPY", def: "USD", want: Money{1_500, "JPY"}},
		{in: "1.234 KWD", def: "USD", want: Money{1_234, "KWD"}},
		{in: "$120k USD", def: "EUR", want: Money{12_000_000, "USD"}},
		{in: "$120k CAD", def: "USD", want: Money{12_000_000, "CAD"}},
		{in: "120k", def: "jpy", want: Money{120_000, "JPY"}},
		{in: "120k", def: "", want: Money{12_000_000, "USD"}},
		{in: "120k", def: "XYZ", want: Money{12_000_000, "USD"}},
		{in: "120k", def: " eur ", want: Money{12_000_000, "EUR"}},
		{in: " 120k ", def: "USD", want: Money{12_000_000, "USD"}},
		{in: "1000000000000000", def: "USD", want: Money{100_000_000_000_000_000, "USD"}},
		{in: "1000000000m", def: "USD", want: Money{100_000_000_000_000_000, "USD"}},
		{in: "1000000000000000 KWD", def: "USD", want: Money{1_000_000_000_000_000_000, "KWD"}},
		{in: "000120k", def: "USD", want: Money{12_000_000, "USD"}},

		{in: "1000000000000001", def: "USD", prob: `is too large; the most is 1,000,000,000,000,000`, ex: "120k"},
		{in: "1000000001m", def: "USD", prob: "is too large", ex: "120k"},
		{in: "99999999999999999999999999999999999999999999999999", def: "USD", prob: "is too large", ex: "120k"},
		{in: "-5k", def: "USD", prob: `"-5k" is negative`, ex: "120k"},
		{in: "−5k", def: "USD", prob: "is negative", ex: "120k"},
		{in: "$-5k", def: "USD", prob: "is negative", ex: "120k"},
		{in: "0", def: "USD", prob: `"0" is zero; amounts are more than zero`, ex: "120k"},
		{in: "$0.00", def: "USD", prob: "is zero", ex: "120k"},
		{in: "0k", def: "USD", prob: "is zero", ex: "120k"},
		{in: "1.234", def: "USD", prob: `"1.234" has more decimal places than USD allows (2)`, ex: "120k"},
		{in: "1.23456k", def: "USD", want: Money{123_456, "USD"}},
		{in: "1.234567k", def: "USD", prob: "has more decimal places than USD allows (2)", ex: "120k"},
		{in: "¥1.5", def: "USD", prob: "has more decimal places than JPY allows (0)", ex: "120k"},
		{in: "0.001", def: "USD", prob: "has more decimal places", ex: "120k"},
		{in: "12x", def: "USD", prob: `"12x" is not an amount`, ex: "120k"},
		{in: "1e6", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "1,20", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "1200,000", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: ",120", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "1.200,50", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "1.2.3", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "1 200", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "120kk", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "1.2bn", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "k", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: ".", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "$", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "EUR", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "+5k", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "120k XYZ", def: "USD", prob: `"120k XYZ": "XYZ" is not a currency code I know`, ex: "120k EUR"},
		{in: "ABC120", def: "USD", prob: `"ABC" is not a currency code I know`, ex: "120k EUR"},
		{in: "$120k EUR", def: "USD", prob: `"$120k EUR" names two currencies`, ex: "120k EUR"},
		{in: "€120k USD", def: "USD", prob: "names two currencies", ex: "120k EUR"},
		{in: "120k EUR GBP", def: "USD", prob: "is not an amount", ex: "120k"},
		{in: "", def: "USD", prob: "is missing", ex: "120k"},
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+tt.def, func(t *testing.T) {
			got, err := ParseAmount(tt.in, tt.def)
			if tt.prob != "" {
				wantErr(t, err, "amount", tt.prob, tt.ex)
				return
			}
			if err != nil {
				t.Fatalf("ParseAmount(%q, %q) error: %v", tt.in, tt.def, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseAmount(%q, %q) mismatch (-want +got):\n%s", tt.in, tt.def, diff)
			}
		})
	}
}

func TestCurrencyDigits(t *testing.T) {
	tests := []struct {
		code   string
		digits int
		ok     bool
	}{
		{"USD", 2, true}, {"eur", 2, true}, {"JPY", 0, true}, {"KRW", 0, true},
		{"KWD", 3, true}, {"BHD", 3, true}, {"CHF", 2, true},
		{"XYZ", 0, false}, {"US", 0, false}, {"USDX", 0, false}, {"K J", 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			digits, ok := CurrencyDigits(tt.code)
			if digits != tt.digits || ok != tt.ok {
				t.Errorf("CurrencyDigits(%q) = %d, %v; want %d, %v", tt.code, digits, ok, tt.digits, tt.ok)
			}
		})
	}
}
