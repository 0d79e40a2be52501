package command

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitize makes raw command text safe to scan: invalid UTF-8 becomes
// U+FFFD, every Unicode space (tab, newline, no-break space…) becomes ' ',
// and control characters and invisible format characters are dropped.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), invisible(r):
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// invisible reports the format characters that only hide or reorder text:
// zero-width space, word joiner, byte order mark and the bidi embeddings,
// overrides and isolates. Joiners (U+200C, U+200D) stay: emoji and some
// scripts need them.
func invisible(r rune) bool {
	return r == '\u200B' || r == '\u2060' || r == '\uFEFF' ||
		('\u202A' <= r && r <= '\u202E') || ('\u2066' <= r && r <= '\u2069')
}

// entities are the three that Slack escapes.
var entities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">")

// decode decodes the entities in one pass, so that "&amp;lt;" stays "&lt;".
func decode(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return entities.Replace(s)
}

// defuser writes "<@", "<!" and "<#" with a full-width "＜".
var defuser = strings.NewReplacer("<@", "＜@", "<!", "＜!", "<#", "＜#")

// defuse turns a literal "<" that could start Slack markup into a
// full-width "＜": readable text never carries a mention or an @channel,
// even if it is echoed without escaping.
func defuse(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	return defuser.Replace(s)
}

// collapse trims s and turns every run of spaces into one space.
func collapse(s string) string {
	if !strings.Contains(s, "  ") && strings.TrimSpace(s) == s {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// markupEnd reports whether s[i] opens Slack markup ("<@U1|bob>",
// "<https://x|label>"…) and where it ends. Slack escapes "<" and ">" in
// user text, so markup runs to the next ">" and holds no "<".
func markupEnd(s string, i int) (end int, ok bool) {
	if i >= len(s) || s[i] != '<' {
		return 0, false
	}
	k := strings.IndexAny(s[i+1:], "<>")
	if k < 0 || s[i+1+k] != '>' || !isMarkup(s[i+1:i+1+k]) {
		return 0, false
	}
	return i + 2 + k, true
}

// isMarkup reports whether the text between "<" and ">" is Slack markup: a
// target with no space, starting with @, # or !, or a URL scheme.
func isMarkup(content string) bool {
	target, _, _ := strings.Cut(content, "|")
	if target == "" || strings.Contains(target, " ") {
		return false
	}
	switch target[0] {
	case '@', '#', '!':
		return len(target) > 1
	}
	return hasScheme(target)
}

// hasScheme reports whether u starts with a URL scheme such as "https:" or
// "mailto:".
func hasScheme(u string) bool {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case isLetter(c):
		case i > 0 && (isDigit(c) || c == '+' || c == '.' || c == '-'):
		case i > 0 && c == ':':
			return i+1 < len(u)
		default:
			return false
		}
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// slackID reports whether id looks like a Slack id that starts with one of
// the given letters: "U012ABCDEF", "C012ABCDE".
func slackID(id, first string) bool {
	if len(id) < 2 || len(id) > 32 || !strings.ContainsRune(first, rune(id[0])) {
		return false
	}
	for i := 1; i < len(id); i++ {
		if c := id[i]; !isDigit(c) && !('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// userMention parses "<@U012ABCDEF|ernie>" or "<@W012ABCDEF>" exactly.
func userMention(s string) (UserRef, bool) {
	if len(s) < 2 || s[0] != '<' || s[len(s)-1] != '>' {
		return UserRef{}, false
	}
	if end, ok := markupEnd(s, 0); !ok || end != len(s) {
		return UserRef{}, false
	}
	target, label, _ := strings.Cut(s[1:len(s)-1], "|")
	id, ok := strings.CutPrefix(target, "@")
	if !ok || !slackID(id, "UW") {
		return UserRef{}, false
	}
	name := strings.TrimPrefix(collapse(decode(label)), "@")
	return UserRef{ID: id, Name: defuse(name)}, true
}

// rendered is a run of raw text turned into readable text.
type rendered struct {
	text      string
	users     []UserRef // the user mentions, in order
	userRaw   string    // the markup of the last user mention
	mention   bool      // exactly one markup piece, a user mention, amid punctuation only
	pieces    int       // markup pieces
	punctOnly bool      // the text between markup is punctuation or nothing
}

// render turns raw text (markup and entities) into readable text: users
// become @name, channels #name, links "label (url)", specials @here; the
// entities are decoded after the markup is taken out, and whitespace is
// collapsed.
func render(raw string) rendered {
	var b strings.Builder
	r := rendered{punctOnly: true}
	for i := 0; i < len(raw); {
		if end, ok := markupEnd(raw, i); ok {
			piece := raw[i:end]
			if u, ok := userMention(piece); ok {
				r.users = append(r.users, u)
				r.userRaw = piece
			}
			b.WriteString(readableMarkup(piece[1 : len(piece)-1]))
			r.pieces++
			i = end
			continue
		}
		next := strings.IndexByte(raw[i+1:], '<')
		if next < 0 {
			next = len(raw)
		} else {
			next += i + 1
		}
		t := decode(raw[i:next])
		if strings.IndexFunc(t, notPunct) >= 0 {
			r.punctOnly = false
		}
		b.WriteString(t)
		i = next
	}
	r.text = defuse(collapse(b.String()))
	r.mention = r.pieces == 1 && len(r.users) == 1 && r.punctOnly
	return r
}

func notPunct(r rune) bool { return !unicode.IsPunct(r) && r != ' ' }

// readableMarkup renders the content of one markup piece, without its
// angle brackets.
func readableMarkup(content string) string {
	target, label, _ := strings.Cut(content, "|")
	target = decode(target)
	label = collapse(decode(label))
	switch target[0] {
	case '@':
		if slackID(target[1:], "UW") && label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return target
	case '#':
		if slackID(target[1:], "CGD") && label != "" {
			return "#" + strings.TrimPrefix(label, "#")
		}
		return target
	case '!':
		return readableSpecial(target[1:], label)
	}
	return readableLink(target, label)
}

// readableSpecial renders "<!here>", "<!subteam^S123|@team>",
// "<!date^…|fallback>" as plain text.
func readableSpecial(name, label string) string {
	kind, id, _ := strings.Cut(name, "^")
	switch kind {
	case "here", "channel", "everyone":
		return "@" + kind
	case "subteam":
		if label != "" {
			return "@" + strings.TrimPrefix(label, "@")
		}
		return "@" + id
	}
	if label != "" {
		return label
	}
	return "@" + kind
}

// readableLink renders "<https://x.y|label>" as "label (https://x.y)", or
// just one of them when the label only repeats the address (Slack's own
// auto-links: "<http://x.y|x.y>", "<mailto:a@b.c|a@b.c>").
func readableLink(url, label string) string {
	if label == "" || label == url {
		return url
	}
	_, bare, _ := strings.Cut(url, ":")
	if label == bare || label == strings.TrimPrefix(bare, "//") {
		return label
	}
	return label + " (" + url + ")"
}

// wordEnd is where the word starting at s[i] ends: at the next space, with
// markup taken whole (a link label may hold spaces).
func wordEnd(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ':
			return i
		case '<':
			if end, ok := markupEnd(s, i); ok {
				i = end
				continue
			}
		}
		i++
	}
	return i
}

// skipSpace returns the index of the first non-space byte from i.
func skipSpace(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// quoteAt reports whether s[i] opens a quoted value: a straight double
// quote or a typographic one (“ ” „), as Slack clients substitute them.
func quoteAt(s string, i int) (size int, ok bool) {
	r, size := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '"', '“', '”', '„':
		return size, true
	}
	return 0, false
}

// closingQuote finds the quote that closes a value opened just before
// s[i], skipping markup whole; end is past the quote.
func closingQuote(s string, i int) (content string, end int, ok bool) {
	for j := i; j < len(s); {
		if e, ok := markupEnd(s, j); ok {
			j = e
			continue
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == '"' || r == '“' || r == '”' {
			return s[i:j], j + size, true
		}
		j += size
	}
	return "", 0, false
}
