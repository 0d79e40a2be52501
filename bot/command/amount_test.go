package command

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/longgame/longgame/storage"
)

// TestParseAmount checks what the command adds to storage.ParseMoney (whose
// own tests hold the rules): the cleaning of raw text, and a refusal of
// each kind as an *Error with its part, its problem and an example.
func TestParseAmount(t *testing.T) {
	tests := []struct {
		in, def string
		want    storage.Money
		prob    string // problem contains; "" when valid
		ex      string
	}{
		{in: "120k", def: "USD", want: storage.Money{Minor: 12_000_000, Currency: "USD"}},
		{in: "1.234\u00a0KWD", def: "USD", want: storage.Money{Minor: 1_234, Currency: "KWD"}},
		{in: "120\u200bk", def: "EUR", want: storage.Money{Minor: 12_000_000, Currency: "EUR"}},
		{in: "", def: "USD", prob: "is missing", ex: "120k"},
		{in: "12x", def: "USD", prob: `"12x" is not an amount`, ex: "120k"},
		{in: "<!channel>5k", def: "USD", prob: `"＜!channel>5k" is not an amount`, ex: "120k"},
		{in: "-5k", def: "USD", prob: `"-5k" is negative; amounts are more than zero`, ex: "120k"},
		{in: "0", def: "USD", prob: `"0" is zero; amounts are more than zero`, ex: "120k"},
		{in: "1000000000000001", def: "USD", prob: `is too large; the most is 1,000,000,000,000,000`, ex: "120k"},
		{in: "1.234", def: "USD", prob: `"1.234" has more decimal places than USD allows (2)`, ex: "120k"},
		{in: "120k XYZ", def: "USD", prob: `"120k XYZ": "XYZ" is not a currency code I know`, ex: "120k EUR"},
		{in: "$120k EUR", def: "USD", prob: `"$120k EUR" names two currencies`, ex: "120k EUR"},
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
