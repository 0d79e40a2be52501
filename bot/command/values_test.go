package command

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantErr checks that err is an *Error for part whose problem contains
// problem and whose example is example.
func wantErr(t *testing.T, err error, part, problem, example string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v; want *Error", err)
	}
	if e.Part != part || !strings.Contains(e.Problem, problem) || e.Example != example {
		t.Errorf("error = %#v; want part %q, problem containing %q, example %q", e, part, problem, example)
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"full", &Error{Part: "value", Problem: `"12x" is not an amount`, Example: "value:120k"}, `value: "12x" is not an amount — try value:120k`},
		{"no example", &Error{Part: "name", Problem: "is missing"}, "name: is missing"},
		{"no part", &Error{Problem: "is missing", Example: "x"}, "is missing — try x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestForOption(t *testing.T) {
	_, amountErr := ParseAmount("12x", "USD")
	_, levelErr := ParseLevel("huge")
	plain := errors.New("boom")
	tests := []struct {
		name string
		key  string
		err  error
		want string
	}{
		{"amount", "value", amountErr, `value: "12x" is not an amount — try value:120k`},
		{"level", "cost", levelErr, `cost: "huge" is not a level; use 1 to 5, low, medium or high — try cost:high`},
		{"twice", "cost", ForOption("cost", levelErr), `cost: "huge" is not a level; use 1 to 5, low, medium or high — try cost:high`},
		{"spaced example is quoted", "value", &Error{Part: "amount", Problem: "p", Example: "120k EUR"}, `value: p — try value:"120k EUR"`},
		{"no example", "title", &Error{Part: "name", Problem: "is missing"}, "title: is missing"},
		{"other error", "value", plain, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ForOption(tt.key, tt.err).Error(); got != tt.want {
				t.Errorf("ForOption(%q, …) = %q; want %q", tt.key, got, tt.want)
			}
		})
	}
	if ForOption("x", nil) != nil {
		t.Error("ForOption(nil) != nil")
	}
	if got := ForOption("value", amountErr); got == amountErr {
		t.Error("ForOption changed the original error")
	}
	if amountErr.(*Error).Part != "amount" {
		t.Errorf("original part = %q; want amount", amountErr.(*Error).Part)
	}
}

func TestEcho(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "12x", `"12x"`},
		{"quotes escaped", `a"b`, `"a\"b"`},
		{"mention defused", "<@U012ABCDEF|ernie>", `"＜@U012ABCDEF|ernie>"`},
		{"special defused", "<!channel>", `"＜!channel>"`},
		{"control dropped", "a\x00b\nc", `"ab c"`},
		{"40 runes kept", strings.Repeat("é", 40), `"` + strings.Repeat("é", 40) + `"`},
		{"41 runes cut", strings.Repeat("é", 41), `"` + strings.Repeat("é", 40) + `…"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Echo(tt.in); got != tt.want {
				t.Errorf("Echo(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name, part, in string
		max            int
		problem        string // "" when valid
	}{
		{"short", "text", "SSO breaks", MaxText, ""},
		{"2000 runes", "text", strings.Repeat("é", 2000), MaxText, ""},
		{"2001 runes", "text", strings.Repeat("é", 2001), MaxText, "is 2,001 characters long; the limit is 2,000"},
		{"2000 runes of 3 bytes", "text", strings.Repeat("€", 2000), MaxText, ""},
		{"200 name", "name", strings.Repeat("a", 200), MaxName, ""},
		{"201 name", "name", strings.Repeat("a", 201), MaxName, "is 201 characters long; the limit is 200"},
		{"empty", "name", "", MaxName, "is missing"},
		{"blank", "name", "  ", MaxName, "is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckText(tt.part, tt.in, tt.max)
			if tt.problem == "" {
				if err != nil {
					t.Fatalf("CheckText error: %v", err)
				}
				return
			}
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("CheckText error = %v; want *Error", err)
			}
			if diff := cmp.Diff(&Error{Part: tt.part, Problem: tt.problem}, got); diff != "" {
				t.Errorf("CheckText mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseUser(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want UserRef
		prob string // problem contains, "" when valid
	}{
		{"with label", "<@U012ABCDEF|ernie>", ernie, ""},
		{"without label", "<@U012ABCDEF>", ernieNoName, ""},
		{"enterprise", "<@W012ABCDEF|bob>", enterpriseBob, ""},
		{"short id", "<@U123|bob>", UserRef{ID: "U123", Name: "bob"}, ""},
		{"spaces around", "  <@U012ABCDEF|ernie> ", ernie, ""},
		{"label with entities", "<@U012ABCDEF|o&amp;b>", UserRef{ID: "U012ABCDEF", Name: "o&b"}, ""},
		{"label with @", "<@U012ABCDEF|@ernie>", ernie, ""},
		{"plain @name", "@ernie", UserRef{}, `"@ernie" is not linked to a Slack user; type @ and pick the person from Slack's list`},
		{"lowercase id", "<@u012abcdef>", UserRef{}, "is not linked"},
		{"channel", "<#C012ABCDE|general>", UserRef{}, `"＜#C012ABCDE|general>" is not a Slack user`},
		{"name", "ernie", UserRef{}, `"ernie" is not a Slack user`},
		{"unbalanced", "<@U012ABCDEF|ernie", UserRef{}, "is not linked"},
		{"two mentions", "<@U012ABCDEF><@U012ABCDEG>", UserRef{}, "is not linked"},
		{"trailing text", "<@U012ABCDEF>x", UserRef{}, "is not linked"},
		{"empty", "", UserRef{}, "is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUser(tt.in)
			if tt.prob != "" {
				wantErr(t, err, "user", tt.prob, "@jane")
				return
			}
			if err != nil {
				t.Fatalf("ParseUser(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseUser(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestParseUserFromOption checks that a parsed option value reads back.
func TestParseUserFromOption(t *testing.T) {
	for _, in := range []string{"owner:<@U012ABCDEF|ernie>", "owner:<@U012ABCDEF|ernie>.", `owner:“<@U012ABCDEF|ernie>”`} {
		a, err := Parse(in, dealOpen)
		if err != nil {
			t.Fatal(err)
		}
		u, err := ParseUser(a.Options["owner"])
		if err != nil || u != ernie {
			t.Errorf("%q: ParseUser(%q) = %v, %v; want %v", in, a.Options["owner"], u, err, ernie)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		prob string
	}{
		{"3", 3, ""},
		{"#3", 3, ""},
		{" #12 ", 12, ""},
		{"007", 7, ""},
		{"1", 1, ""},
		{"1000000", 1_000_000, ""},
		{"1000001", 0, "is out of range"},
		{"99999999999999999999", 0, "is not an item number"},
		{"0", 0, "is out of range; items are numbered from 1"},
		{"#0", 0, "is out of range"},
		{"-1", 0, `"-1" is not an item number`},
		{"3.5", 0, "is not an item number"},
		{"##3", 0, "is not an item number"},
		{"three", 0, `"three" is not an item number`},
		{"#", 0, "is missing"},
		{"", 0, "is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseNumber(tt.in)
			if tt.prob != "" {
				wantErr(t, err, "number", tt.prob, "3")
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseNumber(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in   string
		want int
		prob string
	}{
		{"1", 1, ""}, {"2", 2, ""}, {"3", 3, ""}, {"4", 4, ""}, {"5", 5, ""},
		{"low", 1, ""}, {"LOW", 1, ""}, {"medium", 3, ""}, {"Med", 3, ""}, {"high", 5, ""}, {" High ", 5, ""},
		{"0", 0, `"0" is not a level; use 1 to 5, low, medium or high`},
		{"6", 0, "is not a level"},
		{"05", 5, ""},
		{"-1", 0, "is not a level"},
		{"2.5", 0, "is not a level"},
		{"critical", 0, `"critical" is not a level`},
		{"", 0, "is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLevel(tt.in)
			if tt.prob != "" {
				wantErr(t, err, "level", tt.prob, "high")
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseLevel(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseDays(t *testing.T) {
	tests := []struct {
		in        string
		want      int
		prob, ex  string
		allowZero bool
	}{
		{in: "7d", want: 7},
		{in: "+7d", want: 7},
		{in: "7D", want: 7},
		{in: "2w", want: 14},
		{in: "+2W", want: 14},
		{in: "14", want: 14},
		{in: " 30d ", want: 30},
		{in: "1", want: 1},
		{in: "3660d", want: 3660},
		{in: "522w", want: 3654},
		{in: "3661", prob: `"3661" is too long; the most is 3,660 days`, ex: "90d"},
		{in: "523w", prob: "is too long", ex: "90d"},
		{in: "9999999d", prob: "is not a duration", ex: "7d"},
		{in: "0", prob: `"0" is too short; use at least 1 day`, ex: "7d"},
		{in: "0d", prob: "is too short", ex: "7d"},
		{in: "0", want: 0, allowZero: true},
		{in: "0d", want: 0, allowZero: true},
		{in: "90d", want: 90, allowZero: true},
		{in: "-1d", prob: "is not a duration", ex: "7d", allowZero: true},
		{in: "3m", prob: `"3m": months are not a fixed number of days; use days or weeks`, ex: "90d"},
		{in: "7h", prob: `"7h" is not a duration; use days or weeks`, ex: "7d"},
		{in: "d", prob: "is not a duration", ex: "7d"},
		{in: "1.5w", prob: "is not a duration", ex: "7d"},
		{in: "7 days", prob: "is not a duration", ex: "7d"},
		{in: "++7d", prob: "is not a duration", ex: "7d"},
		{in: "", prob: "is missing", ex: "7d"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			parse := ParseDays
			if tt.allowZero {
				parse = ParseDaysAllowZero
			}
			got, err := parse(tt.in)
			if tt.prob != "" {
				wantErr(t, err, "duration", tt.prob, tt.ex)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseDays(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}
