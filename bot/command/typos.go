package command

import (
	"fmt"
	"slices"
	"strings"

	"github.com/longgame/longgame/storage"
)

// A word shaped key:value is an option when its key is one of the
// command's; otherwise it is text ("10:30", "time:10am"), unless it looks
// like a mistyped option: then taking it as text would record the wrong
// thing silently ("intro cst:high" costing medium), so it is refused.

// knownOptions are every option key of Long Game's commands.
func knownOptions() []string {
	keys := make([]string, 0, len(examples))
	for k := range examples {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// typoAt refuses the word at s[i] when it is shaped key:value and its key
// is not one of spec's options but is another command's option, or a near
// miss of any option (cst: for cost:, sev: for severity:).
func (spec Spec) typoAt(s string, i int) error {
	j := i
	for j < len(s) && isLetter(s[j]) {
		j++
	}
	if j == i || j+1 >= len(s) || s[j] != ':' || s[j+1] == ' ' {
		return nil // not key:value, or "re: pricing"
	}
	key := strings.ToLower(s[i:j])
	if own := spec.closest(key, spec.Options); own != "" {
		return &Error{Part: key, Problem: fmt.Sprintf("is not an option: did you mean `%s:`?", own), Example: spec.example(own), Option: true}
	}
	if slices.Contains(knownOptions(), key) {
		return &Error{Part: key, Problem: "is not an option of this command" + spec.takes(), Example: spec.anyExample(), Option: true}
	}
	if other := spec.closest(key, knownOptions()); other != "" {
		return &Error{Part: key, Problem: fmt.Sprintf("is not an option: `%s:` is another command's%s", other, spec.takes()),
			Example: spec.anyExample(), Option: true}
	}
	return nil
}

// closest is the option of candidates that key is a near miss of: its
// abbreviation (three letters or more), or within one typo (two for keys
// of five letters or more). "" when none, or when key is exactly one.
func (spec Spec) closest(key string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		c = strings.ToLower(c)
		if c == key {
			return ""
		}
		if len(key) >= 3 && strings.HasPrefix(c, key) {
			return c
		}
		if d := typoDistance(key, c); d <= allowedTypos(key) && d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func allowedTypos(key string) int {
	if len(key) >= 5 {
		return 2
	}
	if len(key) >= 3 {
		return 1
	}
	return 0
}

// takes says which options the command takes, for a refusal.
func (spec Spec) takes() string {
	if len(spec.Options) == 0 {
		return "; it takes none"
	}
	quoted := make([]string, len(spec.Options))
	for i, o := range spec.Options {
		quoted[i] = "`" + o + ":`"
	}
	return "; it takes " + strings.Join(quoted, ", ")
}

// anyExample is a correct option of the command, or "".
func (spec Spec) anyExample() string {
	if len(spec.Options) == 0 {
		return ""
	}
	return spec.example(spec.Options[0])
}

// typoDistance is the optimal string alignment distance of a and b (ASCII):
// insertions, deletions, substitutions and swaps of neighbours.
func typoDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// extend finishes an option's value: an amount takes the currency code
// written after it; a phrase left unquoted, with free text after it, is
// refused.
func (spec Spec) extend(s, key string, at int, value string, next int) (string, int, error) {
	quoted := false
	if _, ok := quoteAt(s, at); ok {
		quoted = true
	}
	after := skipSpace(s, next)
	if quoted || after >= len(s) {
		return value, next, nil
	}
	word := s[after:wordEnd(s, after)]
	switch {
	case slices.Contains(spec.Amounts, key) && isCurrencyCode(word):
		return value + " " + strings.ToUpper(word), wordEnd(s, after), nil
	case slices.Contains(spec.Sentences, key):
		if _, _, isOption := optionAt(s, after, spec); isOption {
			return value, next, nil
		}
		if _, isFlag := spec.flag(word); isFlag && after+len(word) == len(s) {
			return value, next, nil
		}
		phrase := value + " " + strings.TrimSpace(s[after:phraseEnd(s, after, spec)])
		return "", 0, &Error{Part: key, Problem: "takes a phrase: put it in quotes, or only its first word is kept",
			Example: key + `:"` + phrase + `"`, Option: true}
	}
	return value, next, nil
}

// phraseEnd is where the words after s[at] stop: at the next option.
func phraseEnd(s string, at int, spec Spec) int {
	for i := at; i < len(s); i = skipSpace(s, wordEnd(s, i)) {
		if _, _, ok := optionAt(s, i, spec); ok {
			return i
		}
	}
	return len(s)
}

// isCurrencyCode reports whether w is an ISO 4217 code, in any case.
func isCurrencyCode(w string) bool {
	if len(w) != 3 {
		return false
	}
	_, ok := storage.MinorDigits(strings.ToUpper(w))
	return ok
}
