package command

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Specs of real subcommands.
var (
	riskFlag = Spec{
		Options:   []string{"severity", "area", "test"},
		Flags:     []string{"test"},
		Sentences: []string{"test"},
	}
	dealOpen      = Spec{Options: []string{"value", "close", "owner"}, Amounts: []string{"value"}}
	championSet   = Spec{Options: []string{"title"}}
	championAsk   = Spec{Options: []string{"cost"}}
	dealList      = Spec{Flags: []string{"open", "won", "lost", "all", "mine"}}
	noOptions     = Spec{}
	championGive  = Spec{Options: []string{"value"}, Examples: map[string]string{"value": "high"}}
	equateEmpty   = cmpopts.EquateEmpty()
	ernie         = UserRef{ID: "U012ABCDEF", Name: "ernie"}
	ernieNoName   = UserRef{ID: "U012ABCDEF"}
	enterpriseBob = UserRef{ID: "W012ABCDEF", Name: "bob"}
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, in, sub, rest string
	}{
		{"empty", "", "", ""},
		{"blank", "  \t\u00a0 ", "", ""},
		{"word only", "status", "status", ""},
		{"lowercased", "FLAG SSO breaks", "flag", "SSO breaks"},
		{"leading spaces trimmed", "   ask  for a reference call", "ask", "for a reference call"},
		{"rest kept raw", "flag <@U012ABCDEF|ernie> &amp; cost:high ", "flag", "<@U012ABCDEF|ernie> &amp; cost:high "},
		{"tab separates", "done\t3", "done", "3"},
		{"no-break space separates", "done\u00a03", "done", "3"},
		{"newline separates", "resolve\n3 fixed", "resolve", "3 fixed"},
		{"invisible dropped", "\u200bflag x", "flag", "x"},
		{"control dropped", "fl\x00ag x", "flag", "x"},
		{"invalid UTF-8", "\xffflag x", "\ufffdflag", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, rest := Split(tt.in)
			if sub != tt.sub || rest != tt.rest {
				t.Errorf("Split(%q) = %q, %q; want %q, %q", tt.in, sub, rest, tt.sub, tt.rest)
			}
		})
	}
}

// w builds plain words.
func w(texts ...string) []Word {
	var ws []Word
	for _, t := range texts {
		ws = append(ws, Word{Text: t})
	}
	return ws
}

// mw is a user-mention word.
func mw(text string, u UserRef) Word { return Word{Text: text, User: &u} }

// cat joins word lists.
func cat(lists ...[]Word) []Word {
	var all []Word
	for _, l := range lists {
		all = append(all, l...)
	}
	return all
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		spec Spec
		want Args
	}{
		// Free text and whitespace.
		{"empty", "", riskFlag, Args{}},
		{"blank", " \t\n\u00a0\u3000 ", riskFlag, Args{}},
		{"plain text", "SSO breaks on Okta", riskFlag, Args{Text: "SSO breaks on Okta", Words: w("SSO", "breaks", "on", "Okta")}},
		{"whitespace collapsed", "  SSO \t breaks\n\non  Okta  ", riskFlag, Args{Text: "SSO breaks on Okta", Words: w("SSO", "breaks", "on", "Okta")}},
		{"unicode spaces", "SSO\u00a0breaks\u2003on\u202fOkta\u3000now", riskFlag, Args{Text: "SSO breaks on Okta now", Words: w("SSO", "breaks", "on", "Okta", "now")}},
		{"control characters dropped", "SS\x00O\x07 bre\x1baks\x7f \u0085x", riskFlag, Args{Text: "SSO breaks x", Words: w("SSO", "breaks", "x")}},
		{"invisible characters dropped", "SS\u200bO \u202eevil\u202c \ufeffx", riskFlag, Args{Text: "SSO evil x", Words: w("SSO", "evil", "x")}},
		{"joiners kept", "👩\u200d💻 team", riskFlag, Args{Text: "👩\u200d💻 team", Words: w("👩\u200d💻", "team")}},
		{"invalid UTF-8 replaced", "bad \xff\xfe byte", riskFlag, Args{Text: "bad \ufffd byte", Words: w("bad", "\ufffd", "byte")}},
		{"quotes in free text stay", `the "golden path" fails`, riskFlag, Args{Text: `the "golden path" fails`, Words: w("the", `"golden`, `path"`, "fails")}},

		// Options.
		{"option at the end", "SSO breaks severity:high", riskFlag, Args{
			Text: "SSO breaks", Words: w("SSO", "breaks"), Options: map[string]string{"severity": "high"}}},
		{"option at the start", "severity:high SSO breaks", riskFlag, Args{
			Text: "SSO breaks", Words: w("SSO", "breaks"), Options: map[string]string{"severity": "high"}}},
		{"option in the middle", "SSO area:security breaks", riskFlag, Args{
			Text: "SSO breaks", Words: w("SSO", "breaks"), Options: map[string]string{"area": "security"}}},
		{"several options", "Acme renewal value:120k close:2026-12-01 owner:<@U012ABCDEF|ernie>", dealOpen, Args{
			Text: "Acme renewal", Words: w("Acme", "renewal"),
			Options: map[string]string{"value": "120k", "close": "2026-12-01", "owner": "<@U012ABCDEF|ernie>"}}},
		{"key case-insensitive", "x SEVERITY:High Area:Legal", riskFlag, Args{
			Text: "x", Words: w("x"), Options: map[string]string{"severity": "High", "area": "Legal"}}},
		{"quoted value", `Jane Doe title:"VP of IT"`, championSet, Args{
			Text: "Jane Doe", Words: w("Jane", "Doe"), Options: map[string]string{"title": "VP of IT"}}},
		{"typographic quotes", "Jane title:“VP of IT” Doe", championSet, Args{
			Text: "Jane Doe", Words: w("Jane", "Doe"), Options: map[string]string{"title": "VP of IT"}}},
		{"low-9 opening quote", "Jane title:„Leiterin IT“", championSet, Args{
			Text: "Jane", Words: w("Jane"), Options: map[string]string{"title": "Leiterin IT"}}},
		{"closing quote ends the value", `title:"VP"Jane`, championSet, Args{
			Text: "Jane", Words: w("Jane"), Options: map[string]string{"title": "VP"}}},
		{"quoted value collapsed", "title:\"  VP   of\tIT \"", championSet, Args{
			Options: map[string]string{"title": "VP of IT"}}},
		{"quoted value with entities", `title:"VP R&amp;D &lt;EMEA&gt;"`, championSet, Args{
			Options: map[string]string{"title": "VP R&D <EMEA>"}}},
		{"unquoted value with entities", "title:R&amp;D", championSet, Args{
			Options: map[string]string{"title": "R&D"}}},
		{"value keeps colons", "x severity:a:b", riskFlag, Args{
			Text: "x", Words: w("x"), Options: map[string]string{"severity": "a:b"}}},
		{"unknown key stays text", "Re: pricing at 10:30 note:x https://x.y/z", riskFlag, Args{
			Text: "Re: pricing at 10:30 note:x https://x.y/z", Words: w("Re:", "pricing", "at", "10:30", "note:x", "https://x.y/z")}},
		{"a word shaped key:value that is no option stays text", "call at time:10am, re: pricing", championAsk, Args{
			Text: "call at time:10am, re: pricing", Words: w("call", "at", "time:10am,", "re:", "pricing")}},
		{"currency code after the amount", "Pied Piper value:120k EUR", dealOpen, Args{
			Text: "Pied Piper", Words: w("Pied", "Piper"), Options: map[string]string{"value": "120k EUR"}}},
		{"currency code in any case", "Pied Piper value:120k eur close:2027-01-01", dealOpen, Args{
			Text: "Pied Piper", Words: w("Pied", "Piper"), Options: map[string]string{"value": "120k EUR", "close": "2027-01-01"}}},
		{"a word after the amount that is no currency", "Acme value:120k USA", dealOpen, Args{
			Text: "Acme USA", Words: w("Acme", "USA"), Options: map[string]string{"value": "120k"}}},
		{"phrase quoted", `SSO test:"run their 3-step approval" severity:high`, riskFlag, Args{
			Text: "SSO", Words: w("SSO"), Options: map[string]string{"test": "run their 3-step approval", "severity": "high"},
			Flags: map[string]bool{"test": true}}},
		{"one-word phrase at the end", "SSO untested test:okta", riskFlag, Args{
			Text: "SSO untested", Words: w("SSO", "untested"), Options: map[string]string{"test": "okta"}, Flags: map[string]bool{"test": true}}},
		{"one-word phrase before an option", "SSO test:okta severity:high", riskFlag, Args{
			Text: "SSO", Words: w("SSO"), Options: map[string]string{"test": "okta", "severity": "high"}, Flags: map[string]bool{"test": true}}},
		{"key only at word start", "x-cost:3 (cost:3)", championAsk, Args{
			Text: "x-cost:3 (cost:3)", Words: w("x-cost:3", "(cost:3)")}},
		{"mention value keeps markup", "owner:<@U012ABCDEF|ernie>", dealOpen, Args{
			Options: map[string]string{"owner": "<@U012ABCDEF|ernie>"}}},
		{"mention value without label", "owner:<@W012ABCDEF>", dealOpen, Args{
			Options: map[string]string{"owner": "<@W012ABCDEF>"}}},
		{"quoted mention value", `owner:"<@U012ABCDEF|ernie>"`, dealOpen, Args{
			Options: map[string]string{"owner": "<@U012ABCDEF|ernie>"}}},
		{"mention value loses punctuation", "owner:<@U012ABCDEF|ernie>, done", dealOpen, Args{
			Text: "done", Words: w("done"), Options: map[string]string{"owner": "<@U012ABCDEF|ernie>"}}},
		{"mention value with a spaced label", "owner:<@U012ABCDEF|ernie banks> x", dealOpen, Args{
			Text: "x", Words: w("x"), Options: map[string]string{"owner": "<@U012ABCDEF|ernie banks>"}}},
		{"plain @ value", "owner:@ernie", dealOpen, Args{
			Options: map[string]string{"owner": "@ernie"}}},
		{"link value is readable", "title:<https://x.y/z|the doc>", championSet, Args{
			Options: map[string]string{"title": "the doc (https://x.y/z)"}}},
		{"special value is defused", "title:<!channel>", championSet, Args{
			Options: map[string]string{"title": "@channel"}}},
		{"quoted value with markup", `title:"head of <#C012ABCDE|it>"`, championSet, Args{
			Options: map[string]string{"title": "head of #it"}}},
		{"quote inside markup inside quotes", `title:"a <https://x.y|say "hi"> b"`, championSet, Args{
			Options: map[string]string{"title": `a say "hi" (https://x.y) b`}}},

		// Flags.
		{"trailing flag", "SSO breaks on Okta test", riskFlag, Args{
			Text: "SSO breaks on Okta", Words: w("SSO", "breaks", "on", "Okta"), Flags: map[string]bool{"test": true}}},
		{"flag word inside text", "load test failed", riskFlag, Args{
			Text: "load test failed", Words: w("load", "test", "failed")}},
		{"flag case-insensitive", "SSO breaks TEST", riskFlag, Args{
			Text: "SSO breaks", Words: w("SSO", "breaks"), Flags: map[string]bool{"test": true}}},
		{"flag among trailing options", "SSO breaks severity:high test area:security", riskFlag, Args{
			Text: "SSO breaks", Words: w("SSO", "breaks"),
			Options: map[string]string{"severity": "high", "area": "security"}, Flags: map[string]bool{"test": true}}},
		{"flag before trailing option", "SSO breaks test severity:high", riskFlag, Args{
			Text: "SSO breaks", Words: w("SSO", "breaks"),
			Options: map[string]string{"severity": "high"}, Flags: map[string]bool{"test": true}}},
		{"flag before free text", "severity:high test SSO breaks", riskFlag, Args{
			Text: "test SSO breaks", Words: w("test", "SSO", "breaks"), Options: map[string]string{"severity": "high"}}},
		{"flag with punctuation is text", "SSO breaks test.", riskFlag, Args{
			Text: "SSO breaks test.", Words: w("SSO", "breaks", "test.")}},
		{"flag alone", "test", riskFlag, Args{Flags: map[string]bool{"test": true}}},
		{"flag twice", "x test test", riskFlag, Args{Text: "x", Words: w("x"), Flags: map[string]bool{"test": true}}},
		{"flag as option", `SSO test:"SSO with Okta"`, riskFlag, Args{
			Text: "SSO", Words: w("SSO"), Options: map[string]string{"test": "SSO with Okta"}, Flags: map[string]bool{"test": true}}},
		{"flag and its option", `SSO test test:okta`, riskFlag, Args{
			Text: "SSO", Words: w("SSO"), Options: map[string]string{"test": "okta"}, Flags: map[string]bool{"test": true}}},
		{"flag option without Options entry is text", "x mine:yes", dealList, Args{
			Text: "x mine:yes", Words: w("x", "mine:yes")}},
		{"several flags", "won mine", dealList, Args{Flags: map[string]bool{"won": true, "mine": true}}},
		{"flags after a word", "everything Mine", dealList, Args{
			Text: "everything", Words: w("everything"), Flags: map[string]bool{"mine": true}}},
		{"no flags in spec", "x test", noOptions, Args{Text: "x test", Words: w("x", "test")}},
		{"flag by Unicode folding", "x teſt", riskFlag, Args{Text: "x", Words: w("x"), Flags: map[string]bool{"test": true}}},
		{"spec in upper case", "x TEST", Spec{Flags: []string{"Test"}}, Args{Text: "x", Words: w("x"), Flags: map[string]bool{"test": true}}},
		{"option key in upper case spec", "Cost:3", Spec{Options: []string{"COST"}}, Args{Options: map[string]string{"cost": "3"}}},

		// User mentions.
		{"mention with label", "ask <@U012ABCDEF|ernie> for it", noOptions, Args{
			Text: "ask @ernie for it", Words: cat(w("ask"), []Word{mw("@ernie", ernie)}, w("for", "it")), Mentions: []UserRef{ernie}}},
		{"mention without label", "ask <@U012ABCDEF>", noOptions, Args{
			Text: "ask @U012ABCDEF", Words: cat(w("ask"), []Word{mw("@U012ABCDEF", ernieNoName)}), Mentions: []UserRef{ernieNoName}}},
		{"enterprise mention", "<@W012ABCDEF|bob>", noOptions, Args{
			Text: "@bob", Words: []Word{mw("@bob", enterpriseBob)}, Mentions: []UserRef{enterpriseBob}}},
		{"mention with punctuation", "(<@U012ABCDEF|ernie>), ok", noOptions, Args{
			Text: "(@ernie), ok", Words: cat([]Word{mw("(@ernie),", ernie)}, w("ok")), Mentions: []UserRef{ernie}}},
		{"mention inside a word", "cc<@U012ABCDEF|ernie>'s", noOptions, Args{
			Text: "cc@ernie's", Words: w("cc@ernie's"), Mentions: []UserRef{ernie}}},
		{"two mentions in a word", "<@U012ABCDEF|ernie><@W012ABCDEF|bob>", noOptions, Args{
			Text: "@ernie@bob", Words: w("@ernie@bob"), Mentions: []UserRef{ernie, enterpriseBob}}},
		{"mention label with entities", "<@U012ABCDEF|o&amp;b>", noOptions, Args{
			Text: "@o&b", Words: []Word{mw("@o&b", UserRef{ID: "U012ABCDEF", Name: "o&b"})}, Mentions: []UserRef{{ID: "U012ABCDEF", Name: "o&b"}}}},
		{"mention label with space", "hi <@U012ABCDEF|ernie banks> there", noOptions, Args{
			Text: "hi @ernie banks there", Words: cat(w("hi"), []Word{mw("@ernie banks", UserRef{ID: "U012ABCDEF", Name: "ernie banks"})}, w("there")),
			Mentions: []UserRef{{ID: "U012ABCDEF", Name: "ernie banks"}}}},
		{"unescaped mention", "Jane Doe @jane", championSet, Args{Text: "Jane Doe @jane", Words: w("Jane", "Doe", "@jane")}},
		{"invalid user id", "<@bob> <@u012abc>", noOptions, Args{Text: "@bob @u012abc", Words: w("@bob", "@u012abc")}},
		{"mention in option is not in Mentions", "x owner:<@U012ABCDEF|ernie>", dealOpen, Args{
			Text: "x", Words: w("x"), Options: map[string]string{"owner": "<@U012ABCDEF|ernie>"}}},

		// Channels, links, specials.
		{"channel with name", "see <#C012ABCDE|general>", noOptions, Args{Text: "see #general", Words: w("see", "#general")}},
		{"channel with empty name", "see <#C012ABCDE|>", noOptions, Args{Text: "see #C012ABCDE", Words: w("see", "#C012ABCDE")}},
		{"channel without name", "see <#C012ABCDE>", noOptions, Args{Text: "see #C012ABCDE", Words: w("see", "#C012ABCDE")}},
		{"link with label", "read <https://x.y/z|the spec> now", noOptions, Args{
			Text: "read the spec (https://x.y/z) now", Words: w("read", "the spec (https://x.y/z)", "now")}},
		{"link without label", "read <https://x.y/z?a=1&amp;b=2>", noOptions, Args{
			Text: "read https://x.y/z?a=1&b=2", Words: w("read", "https://x.y/z?a=1&b=2")}},
		{"auto link", "on <http://acme.com|acme.com>", noOptions, Args{Text: "on acme.com", Words: w("on", "acme.com")}},
		{"mailto", "mail <mailto:a@b.c|a@b.c>", noOptions, Args{Text: "mail a@b.c", Words: w("mail", "a@b.c")}},
		{"mailto with label", "mail <mailto:a@b.c|Ann>", noOptions, Args{Text: "mail Ann (mailto:a@b.c)", Words: w("mail", "Ann (mailto:a@b.c)")}},
		{"link label with entities", "<https://x.y|Q&amp;A &lt;1&gt;>", noOptions, Args{
			Text: "Q&A <1> (https://x.y)", Words: w("Q&A <1> (https://x.y)")}},
		{"link in parentheses", "(<https://x.y>).", noOptions, Args{Text: "(https://x.y).", Words: w("(https://x.y).")}},
		{"here", "<!here> look", noOptions, Args{Text: "@here look", Words: w("@here", "look")}},
		{"channel special", "<!channel>", noOptions, Args{Text: "@channel", Words: w("@channel")}},
		{"everyone", "<!everyone>", noOptions, Args{Text: "@everyone", Words: w("@everyone")}},
		{"old-style here", "<!here|here>", noOptions, Args{Text: "@here", Words: w("@here")}},
		{"subteam", "<!subteam^S123|@team>", noOptions, Args{Text: "@team", Words: w("@team")}},
		{"subteam without label", "<!subteam^S123>", noOptions, Args{Text: "@S123", Words: w("@S123")}},
		{"unknown special", "<!foo> <!foo|bar>", noOptions, Args{Text: "@foo bar", Words: w("@foo", "bar")}},
		{"other scheme", "<tel:+123|call> <a-b.c+d:x>", noOptions, Args{Text: "call (tel:+123) a-b.c+d:x", Words: w("call (tel:+123)", "a-b.c+d:x")}},
		{"not markup: empty scheme", "<x:> <a_b:c> <:x>", noOptions, Args{Text: "<x:> <a_b:c> <:x>", Words: w("<x:>", "<a_b:c>", "<:x>")}},
		{"not markup: lone sigil", "<@> <!>", noOptions, Args{Text: "＜@> ＜!>", Words: w("＜@>", "＜!>")}},
		{"id too long", "<@U" + strings.Repeat("A", 40) + ">", noOptions, Args{Text: "@U" + strings.Repeat("A", 40), Words: w("@U" + strings.Repeat("A", 40))}},
		{"date", "<!date^1392734382^{date}|Feb 18, 2014>", noOptions, Args{Text: "Feb 18, 2014", Words: w("Feb 18, 2014")}},

		// Entities and unbalanced markup.
		{"entities decoded", "R&amp;D a &lt; b &gt; c", noOptions, Args{Text: "R&D a < b > c", Words: w("R&D", "a", "<", "b", ">", "c")}},
		{"entities decoded once", "&amp;lt;", noOptions, Args{Text: "&lt;", Words: w("&lt;")}},
		{"escaped markup is not markup", "&lt;@U012ABCDEF&gt; &lt;!channel&gt; &lt;#C012ABCDE&gt;", noOptions, Args{
			Text: "＜@U012ABCDEF> ＜!channel> ＜#C012ABCDE>", Words: w("＜@U012ABCDEF>", "＜!channel>", "＜#C012ABCDE>")}},
		{"escaped bracket before markup", "&lt;<@U012ABCDEF|ernie>&gt;", noOptions, Args{
			Text: "＜@ernie>", Words: w("＜@ernie>"), Mentions: []UserRef{ernie}}},
		{"unbalanced <", "a <b c", noOptions, Args{Text: "a <b c", Words: w("a", "<b", "c")}},
		{"unbalanced <@", "ask <@U012ABCDEF|ernie", noOptions, Args{Text: "ask ＜@U012ABCDEF|ernie", Words: w("ask", "＜@U012ABCDEF|ernie")}},
		{"< then markup", "<<@U012ABCDEF|ernie>", noOptions, Args{
			Text: "＜@ernie", Words: w("＜@ernie"), Mentions: []UserRef{ernie}}},
		{"not markup: spaced target", "<#general and more>", noOptions, Args{Text: "＜#general and more>", Words: w("＜#general", "and", "more>")}},
		{"not markup: empty", "<> <|x>", noOptions, Args{Text: "<> <|x>", Words: w("<>", "<|x>")}},
		{"not markup: no scheme", "<3 you>", noOptions, Args{Text: "<3 you>", Words: w("<3", "you>")}},
		{"lone >", "a > b", noOptions, Args{Text: "a > b", Words: w("a", ">", "b")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in, tt.spec)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, equateEmpty); diff != "" {
				t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		spec Spec
		want *Error
	}{
		{"empty value at end", "SSO severity:", riskFlag, &Error{
			Part: "severity", Problem: "needs a value right after the colon", Example: "severity:high", Option: true}},
		{"empty value before a word", "cost: 3", championAsk, &Error{
			Part: "cost", Problem: "needs a value right after the colon", Example: "cost:high", Option: true}},
		{"empty quoted value", `title:"" x`, championSet, &Error{
			Part: "title", Problem: "needs a value right after the colon", Example: `title:"VP of IT"`, Option: true}},
		{"blank quoted value", `title:“ ”`, championSet, &Error{
			Part: "title", Problem: "needs a value right after the colon", Example: `title:"VP of IT"`, Option: true}},
		{"unclosed quote", `Jane title:"VP of IT`, championSet, &Error{
			Part: "title", Problem: "has a quote that is not closed", Example: `title:"VP of IT"`, Option: true}},
		{"duplicate", "x severity:low severity:high", riskFlag, &Error{
			Part: "severity", Problem: `is given twice ("low" and "high"); keep one`, Example: "severity:high", Option: true}},
		{"duplicate in other case", "x Area:legal area:trust", riskFlag, &Error{
			Part: "area", Problem: `is given twice ("legal" and "trust"); keep one`, Example: "area:technical", Option: true}},
		{"duplicate quoted", `test:"a b" test:c`, riskFlag, &Error{
			Part: "test", Problem: `is given twice ("a b" and "c"); keep one`, Example: `test:"SSO with Okta"`, Option: true}},
		{"spec example", "thanks value:", championGive, &Error{
			Part: "value", Problem: "needs a value right after the colon", Example: "value:high", Option: true}},
		{"generic example", "zone:", Spec{Options: []string{"zone"}}, &Error{
			Part: "zone", Problem: "needs a value right after the colon", Example: `zone:"…"`, Option: true}},
		{"typo of an option", "intro cst:high", championAsk, &Error{
			Part: "cst", Problem: "is not an option: did you mean `cost:`?", Example: "cost:high", Option: true}},
		{"abbreviated option", "SSO sev:high", riskFlag, &Error{
			Part: "sev", Problem: "is not an option: did you mean `severity:`?", Example: "severity:high", Option: true}},
		{"swapped letters", "SSO aera:security", riskFlag, &Error{
			Part: "aera", Problem: "is not an option: did you mean `area:`?", Example: "area:technical", Option: true}},
		{"another command's option", "SSO cost:high", riskFlag, &Error{
			Part: "cost", Problem: "is not an option of this command; it takes `severity:`, `area:`, `test:`", Example: "severity:high", Option: true}},
		{"another command's option, none taken", "Jane severity:high", noOptions, &Error{
			Part: "severity", Problem: "is not an option of this command; it takes none", Option: true}},
		{"a typo of another command's option", "SSO cots:high", riskFlag, &Error{
			Part: "cots", Problem: "is not an option: `cost:` is another command's; it takes `severity:`, `area:`, `test:`", Example: "severity:high", Option: true}},
		{"unquoted phrase swallowed its first word", "X test:run their 3-step approval in sandbox", riskFlag, &Error{
			Part: "test", Problem: "takes a phrase: put it in quotes, or only its first word is kept",
			Example: `test:"run their 3-step approval in sandbox"`, Option: true}},
		{"unquoted phrase before an option", "X test:run their approval severity:high", riskFlag, &Error{
			Part: "test", Problem: "takes a phrase: put it in quotes, or only its first word is kept",
			Example: `test:"run their approval"`, Option: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in, tt.spec)
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("Parse(%q) error = %v; want *Error", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) error mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestArgsText(t *testing.T) {
	tests := []struct {
		name, in                string
		withoutMentions, after2 string
		spec                    Spec
	}{
		{"champion with mention", "Jane Doe <@U012ABCDEF|jane>", "Jane Doe", "@jane", championSet},
		{"mention first", "<@U012ABCDEF|jane>, Jane Doe title:CIO", "Jane Doe", "Doe", championSet},
		{"unlinked mention stays", "Jane Doe @jane", "Jane Doe @jane", "@jane", championSet},
		{"mention in a word stays", "Jane cc<@U012ABCDEF|jane>", "Jane cc@jane", "", championSet},
		{"no words", "title:CIO", "", "", championSet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Parse(tt.in, tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.TextWithoutMentions(); got != tt.withoutMentions {
				t.Errorf("TextWithoutMentions() = %q; want %q", got, tt.withoutMentions)
			}
			if got := a.TextAfter(2); got != tt.after2 {
				t.Errorf("TextAfter(2) = %q; want %q", got, tt.after2)
			}
		})
	}
}

func TestTextAfter(t *testing.T) {
	a, err := Parse("3 fixed in <https://x.y|2.1>", noOptions)
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]string{-1: a.Text, 0: a.Text, 1: "fixed in 2.1 (https://x.y)", 3: "2.1 (https://x.y)", 4: "", 9: ""} {
		if got := a.TextAfter(n); got != want {
			t.Errorf("TextAfter(%d) = %q; want %q", n, got, want)
		}
	}
}

// TestTextIsWords checks that Text is always the words joined by spaces.
func TestTextIsWords(t *testing.T) {
	for _, in := range []string{
		"a  b", "<https://x.y|a  b>   c", "x <@U012ABCDEF|a  b> test", "&lt;@x &amp;",
	} {
		a, err := Parse(in, riskFlag)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, w := range a.Words {
			texts = append(texts, w.Text)
		}
		if got := strings.Join(texts, " "); got != a.Text {
			t.Errorf("Parse(%q): words %q; Text %q", in, got, a.Text)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	const text = `SSO with <@U012ABCDEF|ernie>'s Okta tenant breaks on &lt;login&gt; — see <https://acme.atlassian.net/browse/SEC-12|SEC-12> severity:high area:security test:"SSO with Okta"`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(text, riskFlag); err != nil {
			b.Fatal(err)
		}
	}
}

func TestErrorSentence(t *testing.T) {
	for _, tc := range []struct {
		err  Error
		want string
	}{
		{Error{Part: "text", Problem: "is 2,364 characters long; the limit is 2,000"}, "The text is 2,364 characters long; the limit is 2,000."},
		{Error{Part: "cst", Problem: "is not an option: did you mean `cost:`?", Option: true}, "`cst:` is not an option: did you mean `cost:`?"},
		{Error{Part: "date", Problem: `"2026-13-45" is not a real date`}, `The date "2026-13-45" is not a real date.`},
		{Error{Problem: "say what it is"}, "Say what it is."},
	} {
		if got := tc.err.Sentence(); got != tc.want {
			t.Errorf("Sentence() = %q, want %q", got, tc.want)
		}
	}
}
