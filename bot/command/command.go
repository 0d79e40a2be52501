// Package command parses the text of Long Game's slash commands: the
// subcommand, key:value options, trailing flags and the free text, with
// Slack's escaped markup (mentions, channels, links) read into plain
// readable text, and the values those commands take: users, dates,
// durations, amounts, levels and item numbers.
//
// Every rejection is an *Error that names the part that was wrong and shows
// a correct example. Readable text from this package never holds "<@",
// "<!" or "<#", so echoing it cannot ping anyone; it may hold "&", "<" and
// ">", which a renderer must escape for Slack mrkdwn as usual.
package command

import (
	"fmt"
	"strings"
)

// Split returns the subcommand, the first word lowercased, and the rest of
// the text after it with leading whitespace trimmed. Empty or blank text
// gives "", "". Control characters are dropped and invalid UTF-8 replaced,
// but the rest is otherwise raw: markup and options are Parse's job.
func Split(text string) (sub, rest string) {
	t := strings.TrimLeft(sanitize(text), " ")
	sub, rest, _ = strings.Cut(t, " ")
	return strings.ToLower(sub), strings.TrimLeft(rest, " ")
}

// Spec is what a subcommand accepts besides free text.
type Spec struct {
	// Options are the keys of key:value options, lowercase. A key that is
	// also a flag sets the flag too (test:"SSO with Okta").
	Options []string
	// Flags are bare words, lowercase, that count only after all the free
	// text (e.g. test in /risk flag).
	Flags []string
	// Examples optionally maps a key to a correct value, shown when the
	// option is rejected (a missing value, an unclosed quote, a repeat).
	// Without one, Long Game's usual example for that key is shown.
	Examples map[string]string
	// Sentences are options whose value is a phrase (test:"run their
	// 3-step approval"). Unquoted, only its first word is taken; when free
	// text follows, the rest would land in it, so the command is refused
	// and asked to quote the phrase.
	Sentences []string
	// Amounts are options whose value is an amount: a currency code
	// written after it ("value:120k EUR") belongs to it.
	Amounts []string
}

// option finds key among the options, in any case, and returns it
// lowercase.
func (s Spec) option(key string) (string, bool) { return find(s.Options, key) }

// flag finds word among the flags, in any case, and returns it lowercase.
func (s Spec) flag(word string) (string, bool) { return find(s.Flags, word) }

func find(list []string, w string) (string, bool) {
	for _, v := range list {
		if strings.EqualFold(v, w) {
			return strings.ToLower(v), true
		}
	}
	return "", false
}

// Args is a parsed command text.
type Args struct {
	// Text is the free text: options and flags removed, markup as readable
	// plain text, whitespace collapsed, trimmed.
	Text string
	// Words are the free-text tokens, in order; Text is them joined by
	// spaces.
	Words []Word
	// Mentions are the user mentions of the free text, in order.
	Mentions []UserRef
	// Options maps a lowercase key to its value: quotes removed, readable
	// like Text, except that a value that is one user mention keeps its
	// markup for ParseUser ("<@U123|bob>").
	Options map[string]string
	// Flags holds the flags that were given.
	Flags map[string]bool
}

// Word is one free-text token.
type Word struct {
	Text string   // readable: "@ernie", "#general", "Okta"
	User *UserRef // the user a mention token names ("<@U1|ernie>,"), else nil
}

// UserRef is a Slack user named by a mention.
type UserRef struct {
	ID   string // "U012ABCDEF" or "W012ABCDEF"
	Name string // the mention's label, may be ""
}

// TextWithoutMentions is the free text without the user-mention words:
// "/champion set Jane Doe @jane" names "Jane Doe". A plain "@jane" that
// Slack did not link is not a mention and stays.
func (a Args) TextWithoutMentions() string {
	var b strings.Builder
	for _, w := range a.Words {
		if w.User != nil {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return b.String()
}

// TextAfter is the free text without its first n words: the note of
// "/risk resolve 3 fixed in 2.1".
func (a Args) TextAfter(n int) string {
	if n >= len(a.Words) {
		return ""
	}
	texts := make([]string, 0, len(a.Words)-n)
	for _, w := range a.Words[max(n, 0):] {
		texts = append(texts, w.Text)
	}
	return strings.Join(texts, " ")
}

// item is a word or an option, in the order of the text.
type item struct {
	word   Word
	users  []UserRef
	option bool
	flag   bool
}

// Parse reads the text after the subcommand.
//
// Options are key:value for the keys of spec, anywhere, in any case. A
// value may be double-quoted, with straight or typographic quotes
// (title:"VP of IT"), or be one markup token (owner:<@U1|bob>). A value that
// is one user mention, maybe with punctuation around it, is kept as the
// mention's markup; any other value is readable text like Args.Text. A word
// whose key is not in spec is free text ("Re: pricing", "10:30"). A known
// key with no value, an unclosed quote or a repeated option is an *Error.
//
// Flags count only as whole words after all the free text, possibly among
// trailing options: "SSO breaks on Okta test" sets test, "load test failed"
// does not.
func Parse(rest string, spec Spec) (Args, error) {
	s := sanitize(rest)
	args := Args{Options: map[string]string{}, Flags: map[string]bool{}}
	var items []item
	for i := skipSpace(s, 0); i < len(s); i = skipSpace(s, i) {
		if key, at, ok := optionAt(s, i, spec); ok {
			value, next, err := optionValue(s, key, at, spec)
			if err != nil {
				return Args{}, err
			}
			if value, next, err = spec.extend(s, key, at, value, next); err != nil {
				return Args{}, err
			}
			if err := args.setOption(key, value, spec); err != nil {
				return Args{}, err
			}
			items = append(items, item{option: true})
			i = next
			continue
		}
		if err := spec.typoAt(s, i); err != nil {
			return Args{}, err
		}
		end := wordEnd(s, i)
		r := render(s[i:end])
		w := Word{Text: r.text}
		if r.mention {
			w.User = &r.users[0]
		}
		items = append(items, item{word: w, users: r.users})
		i = end
	}
	markFlags(items, spec, args.Flags)
	args.collect(items)
	return args, nil
}

// optionAt reports whether the word at s[i] is key:… for a key of spec, and
// where the value starts.
func optionAt(s string, i int, spec Spec) (key string, at int, ok bool) {
	j := i
	for j < len(s) && (isLetter(s[j]) || isDigit(s[j]) || s[j] == '_' || s[j] == '-') {
		j++
	}
	if j == i || j == len(s) || s[j] != ':' {
		return "", 0, false
	}
	key, ok = spec.option(s[i:j])
	return key, j + 1, ok
}

// optionValue reads the value of option key starting at s[at]: quoted, or
// up to the next space with markup taken whole.
func optionValue(s, key string, at int, spec Spec) (value string, next int, err error) {
	var raw string
	if at == len(s) || s[at] == ' ' {
		return "", 0, needsValue(key, spec)
	}
	if size, ok := quoteAt(s, at); ok {
		content, end, closed := closingQuote(s, at+size)
		if !closed {
			return "", 0, &Error{Part: key, Problem: "has a quote that is not closed", Example: spec.example(key), Option: true}
		}
		raw, next = content, end
	} else {
		next = wordEnd(s, at)
		raw = s[at:next]
	}
	r := render(strings.TrimSpace(raw))
	switch {
	case r.mention:
		// The markup alone, without punctuation around it, for ParseUser.
		return r.userRaw, next, nil
	case r.text == "":
		return "", 0, needsValue(key, spec)
	}
	return r.text, next, nil
}

func needsValue(key string, spec Spec) *Error {
	return &Error{Part: key, Problem: "needs a value right after the colon", Example: spec.example(key), Option: true}
}

// setOption records one option; a key given twice is an error.
func (a *Args) setOption(key, value string, spec Spec) error {
	if first, dup := a.Options[key]; dup {
		return &Error{
			Part:    key,
			Problem: fmt.Sprintf("is given twice (%s and %s); keep one", Echo(first), Echo(value)),
			Example: spec.example(key),
			Option:  true,
		}
	}
	a.Options[key] = value
	if flag, ok := spec.flag(key); ok {
		a.Flags[flag] = true
	}
	return nil
}

// markFlags marks as flags the flag words that follow all the free text,
// among trailing options.
func markFlags(items []item, spec Spec, flags map[string]bool) {
	for k := len(items) - 1; k >= 0; k-- {
		it := &items[k]
		if it.option {
			continue
		}
		flag, ok := spec.flag(it.word.Text)
		if !ok {
			return
		}
		it.flag = true
		flags[flag] = true
	}
}

// collect fills Text, Words and Mentions from the free-text items.
func (a *Args) collect(items []item) {
	texts := make([]string, 0, len(items))
	for _, it := range items {
		if it.option || it.flag {
			continue
		}
		a.Words = append(a.Words, it.word)
		a.Mentions = append(a.Mentions, it.users...)
		texts = append(texts, it.word.Text)
	}
	a.Text = strings.Join(texts, " ")
}

// examples are correct values of Long Game's option keys, for errors.
var examples = map[string]string{
	"value":    "120k",
	"close":    "2026-12-01",
	"owner":    "@jane",
	"name":     `"Acme renewal"`,
	"title":    `"VP of IT"`,
	"company":  "Initech",
	"cost":     "high",
	"status":   "declined",
	"severity": "high",
	"area":     "technical",
	"test":     `"SSO with Okta"`,
	"favored":  `"Microsoft Teams"`,
}

// example is a correct key:value for option key.
func (s Spec) example(key string) string {
	if v, ok := s.Examples[key]; ok {
		return key + ":" + quoteValue(v)
	}
	if v, ok := examples[key]; ok {
		return key + ":" + v
	}
	return key + `:"…"`
}
