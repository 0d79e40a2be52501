package command

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is a rejected command: which part was wrong, what is wrong with it,
// and a correct example. Problem and Example are user-facing English, short
// enough to show in an ephemeral answer.
type Error struct {
	Part    string // the option key ("value", "close"), or "date", "amount", "number", "text"…
	Problem string // e.g. `"12x" is not an amount`
	Example string // what to type instead, e.g. "value:120k"; may be empty
	Option  bool   // Part is an option key
}

// Sentence is the error as an answer says it, without the example, which
// the answer shows on its own line: "The text is 2,364 characters long;
// the limit is 2,000.", "`cst:` is not an option: did you mean `cost:`?",
// "`value:` "12x" is not an amount."
func (e *Error) Sentence() string {
	s := e.Problem
	switch {
	case e.Part == "":
	case e.Option:
		s = "`" + e.Part + ":` " + s
	default:
		s = "The " + e.Part + " " + s
	}
	if r, size := utf8.DecodeRuneInString(s); r != utf8.RuneError {
		s = string(unicode.ToUpper(r)) + s[size:]
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// Error reads like `value: "12x" is not an amount — try value:120k`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Part != "" {
		b.WriteString(e.Part)
		b.WriteString(": ")
	}
	b.WriteString(e.Problem)
	if e.Example != "" {
		b.WriteString(" — try ")
		b.WriteString(e.Example)
	}
	return b.String()
}

// ForOption relabels an *Error from a value parser (ParseAmount, ParseDate…)
// as the error of option key: the part becomes key and the example becomes
// key:example. Other errors, and nil, are returned unchanged.
func ForOption(key string, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Part, c.Option = key, true
	if c.Example != "" && !strings.HasPrefix(c.Example, key+":") {
		c.Example = key + ":" + quoteValue(c.Example)
	}
	return &c
}

// quoteValue writes an option value so that Parse reads it back: in double
// quotes when it holds a space.
func quoteValue(v string) string {
	if strings.Contains(v, " ") {
		return `"` + v + `"`
	}
	return v
}

// echoLimit is how many runes of user input an error message repeats.
const echoLimit = 40

// Echo quotes user input for a message: cleaned of control characters,
// shortened to 40 runes with "…", and with "<@", "<!" and "<#" defused so
// that repeating it can never mention or notify anyone.
func Echo(s string) string {
	s = sanitize(s)
	if utf8.RuneCountInString(s) > echoLimit {
		s = string([]rune(s)[:echoLimit]) + "…"
	}
	return strconv.Quote(defuse(s))
}

// missing is the error of an empty value.
func missing(part, example string) *Error {
	return &Error{Part: part, Problem: "is missing", Example: example}
}

// thousands writes n ≥ 0 with comma separators: 2000 → "2,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
