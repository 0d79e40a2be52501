package storage

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in, def string
		want    Money
		problem MoneyProblem // with msg: the refusal
		msg     string       // what the error says; "" when valid
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
		{in: "90 000 €", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
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
		{in: "1000000000000001", def: "USD", problem: MoneyTooLarge, msg: `is too large; the most is 1,000,000,000,000,000`},
		{in: "1000000001m", def: "USD", problem: MoneyTooLarge, msg: "is too large"},
		{in: "99999999999999999999999999999999999999999999999999", def: "USD", problem: MoneyTooLarge, msg: "is too large"},
		{in: "-5k", def: "USD", problem: MoneyNegative, msg: `"-5k" is negative`},
		{in: "−5k", def: "USD", problem: MoneyNegative, msg: "is negative"},
		{in: "$-5k", def: "USD", problem: MoneyNegative, msg: "is negative"},
		{in: "0", def: "USD", problem: MoneyZero, msg: `"0" is zero; amounts are more than zero`},
		{in: "$0.00", def: "USD", problem: MoneyZero, msg: "is zero"},
		{in: "0k", def: "USD", problem: MoneyZero, msg: "is zero"},
		{in: "1.234", def: "USD", problem: MoneyTooPrecise, msg: `"1.234" has more decimal places than USD allows (2)`},
		{in: "1.23456k", def: "USD", want: Money{123_456, "USD"}},
		{in: "1.234567k", def: "USD", problem: MoneyTooPrecise, msg: "has more decimal places than USD allows (2)"},
		{in: "¥1.5", def: "USD", problem: MoneyTooPrecise, msg: "has more decimal places than JPY allows (0)"},
		{in: "0.001", def: "USD", problem: MoneyTooPrecise, msg: "has more decimal places"},
		{in: "12x", def: "USD", problem: MoneyMalformed, msg: `"12x" is not an amount`},
		{in: "1e6", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "1,20", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "1200,000", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: ",120", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "1.200,50", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "1.2.3", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "1 200", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "120kk", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "1.2bn", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "k", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: ".", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "$", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "EUR", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "+5k", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "120k XYZ", def: "USD", problem: MoneyUnknownCurrency, msg: `"120k XYZ": "XYZ" is not a currency code I know`},
		{in: "ABC120", def: "USD", problem: MoneyUnknownCurrency, msg: `"ABC" is not a currency code I know`},
		{in: "$120k EUR", def: "USD", problem: MoneyTwoCurrencies, msg: `"$120k EUR" names two currencies`},
		{in: "€120k USD", def: "USD", problem: MoneyTwoCurrencies, msg: "names two currencies"},
		{in: "120k EUR GBP", def: "USD", problem: MoneyMalformed, msg: "is not an amount"},
		{in: "", def: "USD", problem: MoneyMissing, msg: "is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+tt.def, func(t *testing.T) {
			got, err := ParseMoney(tt.in, tt.def)
			if tt.msg != "" {
				var e *MoneyError
				if !errors.As(err, &e) || e.Problem != tt.problem || !strings.Contains(e.Error(), tt.msg) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("ParseMoney(%q, %q) error = %#v; want problem %d saying %s, an ErrInvalid", tt.in, tt.def, err, tt.problem, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMoney(%q, %q) error: %v", tt.in, tt.def, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseMoney(%q, %q) mismatch (-want +got):\n%s", tt.in, tt.def, diff)
			}
		})
	}
}

// FuzzParseMoney checks that whatever is typed, an amount is refused with
// a *MoneyError or read as a positive amount of a known currency that
// String and Decimal write back as the same Money.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{
		"120000", "120k", "1.2m", "$120,000", "€90k", "90k€", "£5k", "¥300k",
		"120k EUR", "EUR120k", "120kEUR", "1,200.50", "-5", "0", "1.234",
		"¥1.5", "1e3", "1000000000000001", "$120k EUR", "120k XYZ", "US$1",
	} {
		f.Add(s, "USD")
	}
	f.Add("1.5k", "JPY")
	f.Add("1.234", "KWD")
	f.Add("$5", "cad")
	f.Add("1", "0 ")
	f.Fuzz(func(t *testing.T, s, def string) {
		m, err := ParseMoney(s, def)
		if err != nil {
			var e *MoneyError
			if !errors.As(err, &e) || e.Explain(func(s string) string { return "x" }) == "" {
				t.Fatalf("ParseMoney(%q, %q) error %v is not a *MoneyError that explains itself", s, def, err)
			}
			return
		}
		if m.Minor <= 0 {
			t.Errorf("ParseMoney(%q, %q) = %d, not positive", s, def, m.Minor)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("ParseMoney(%q, %q) = %+v: %v", s, def, m, err)
		}
		for _, back := range []string{m.String(), m.Decimal() + " " + m.Currency} {
			if got, err := ParseMoney(back, m.Currency); err != nil || got != m {
				t.Errorf("ParseMoney(%q, %q) = %+v, written %q, reads back as %+v, %v", s, def, m, back, got, err)
			}
		}
	})
}
