package command

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// checkReadable fails when s is not safe readable text: invalid UTF-8,
// control characters, or anything that Slack would read as a mention or
// broadcast.
func checkReadable(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s %q is not valid UTF-8", what, s)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		t.Errorf("%s %q holds a control character", what, s)
	}
	for _, m := range []string{"<@", "<!", "<#"} {
		if strings.Contains(s, m) {
			t.Errorf("%s %q holds %q", what, s, m)
		}
	}
}

// checkError fails unless err is nil or a complete *Error.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if e.Part == "" || e.Problem == "" {
		t.Errorf("error %#v lacks a part or a problem", e)
	}
	checkReadable(t, "problem", e.Problem)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"flag SSO breaks on Okta test",
		"flag load test failed severity:high area:security",
		`flag SSO test:"SSO with Okta" severity:critical`,
		"set Jane Doe title:“VP of IT” <@U012ABCDEF|jane>",
		"open Acme renewal value:$120k close:2026-12-01 owner:<@U012ABCDEF|ernie>",
		"ask <@W012ABCDEF> in <#C012ABCDE|general> <#C012ABCDE|> <#C012ABCDE>",
		"flag see <https://x.y/z|the doc> <mailto:a@b.c|a@b.c> <!here> <!channel> <!subteam^S123|@team>",
		"flag &amp; &lt;@U1&gt; &lt;!channel&gt; <@U1|bob <<@U1> <> <|x>",
		"flag Re: pricing at 10:30 cost: title:\"open",
		"flag severity:low severity:high",
		"ask \u00a0nbsp\ttab\x00nul \xff\xfe bad\u202e",
		"list won mine",
		`flag title:"a <https://x.y|say "hi"> b"`,
	} {
		f.Add(s)
	}
	specs := []Spec{
		{Options: []string{"severity", "area", "test"}, Flags: []string{"test"}},
		{Options: []string{"value", "close", "owner", "title", "cost"}, Flags: []string{"mine", "won"}},
	}
	f.Fuzz(func(t *testing.T, text string) {
		sub, rest := Split(text)
		if sub != strings.ToLower(sub) || strings.ContainsRune(sub, ' ') {
			t.Errorf("Split(%q) sub = %q", text, sub)
		}
		for _, spec := range specs {
			a, err := Parse(rest, spec)
			checkError(t, err)
			if err != nil {
				continue
			}
			checkArgs(t, a, spec)
		}
	})
}

// checkArgs checks the invariants of a parsed text.
func checkArgs(t *testing.T, a Args, spec Spec) {
	t.Helper()
	checkReadable(t, "Text", a.Text)
	if a.Text != strings.TrimSpace(a.Text) || strings.Contains(a.Text, "  ") {
		t.Errorf("Text %q is not collapsed", a.Text)
	}
	texts := make([]string, 0, len(a.Words))
	for _, w := range a.Words {
		if w.Text == "" {
			t.Errorf("empty word in %q", a.Text)
		}
		texts = append(texts, w.Text)
		if w.User != nil && !slackID(w.User.ID, "UW") {
			t.Errorf("word %q names user %q", w.Text, w.User.ID)
		}
	}
	if got := strings.Join(texts, " "); got != a.Text {
		t.Errorf("Words %q do not make Text %q", got, a.Text)
	}
	for _, u := range a.Mentions {
		checkReadable(t, "mention name", u.Name)
	}
	checkReadable(t, "TextWithoutMentions", a.TextWithoutMentions())
	for k, v := range a.Options {
		if !slices.Contains(spec.Options, k) || v == "" {
			t.Errorf("option %q = %q", k, v)
		}
		if _, err := ParseUser(v); err == nil {
			continue // a mention keeps its markup
		}
		checkReadable(t, "option "+k, v)
	}
	for k := range a.Flags {
		if !slices.Contains(spec.Flags, k) {
			t.Errorf("flag %q is not in the spec", k)
		}
	}
}

// FuzzAmount checks that an amount typed in a command is read or refused
// with a readable *Error; storage's FuzzParseMoney checks the amounts.
func FuzzAmount(f *testing.F) {
	for _, s := range []string{"120k", "12x", "<@U1|bob>5k", "5k <!channel>", "\u202e5k", "1.234 KWD", "€ 90k"} {
		f.Add(s, "USD")
	}
	f.Fuzz(func(t *testing.T, s, def string) {
		m, err := ParseAmount(s, def)
		checkError(t, err)
		if err == nil && (m.Minor <= 0 || m.Validate() != nil) {
			t.Errorf("ParseAmount(%q, %q) = %+v", s, def, m)
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{
		"2026-12-01", "2026-02-30", "today", "tomorrow", "yesterday", "+14d",
		"+3w", "+2m", "+120m", "+3661d", "12/01/2026", "+0d", "1999-01-01", "",
	} {
		f.Add(s, int64(1_780_000_000))
	}
	f.Add("+1m", int64(-62_135_596_800)) // year 1
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		today := time.Unix(unix, 0).UTC()
		d, err := ParseDate(s, today)
		checkError(t, err)
		if err != nil {
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Errorf("ParseDate(%q) = %v, not a UTC midnight", s, d)
		}
		if d.Year() < 2000 || d.Year() > 2999 {
			t.Errorf("ParseDate(%q) = %v, out of range", s, d)
		}
	})
}
