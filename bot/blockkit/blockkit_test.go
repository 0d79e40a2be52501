package blockkit

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

func TestEscapeNeutralisesMarkup(t *testing.T) {
	if got, want := Escape("<!channel> & <@U1>"), "&lt;!channel&gt; &amp; &lt;@U1&gt;"; got != want {
		t.Errorf("Escape = %q, want %q", got, want)
	}
}

func TestClipCountsCharactersNotBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"éééééééééé€", 10, "ééééééééé…"},
	} {
		if got := Clip(tc.in, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestLinesStayWithinLimitsAndCount(t *testing.T) {
	for _, n := range []int{0, 1, 30, 2000} {
		var lines []string
		for i := range n {
			lines = append(lines, fmt.Sprintf("• line %d: %s", i, strings.Repeat("x", 120)))
		}
		blocks := Lines(lines, 8, 2800)
		if len(blocks) > 8 {
			t.Errorf("%d lines: %d blocks, want at most 8", n, len(blocks))
		}
		shown, total := 0, 0
		for _, b := range blocks {
			text := b.(*slack.SectionBlock).Text.Text
			if c := utf8.RuneCountInString(text); c > MaxSectionText {
				t.Errorf("%d lines: a section of %d characters", n, c)
			}
			total += utf8.RuneCountInString(text)
			shown += strings.Count(text, "• line")
		}
		if total > 2800+100 {
			t.Errorf("%d lines: %d characters in all, want about 2,800 at most", n, total)
		}
		all := ""
		for _, b := range blocks {
			all += b.(*slack.SectionBlock).Text.Text
		}
		if shown < n && !strings.Contains(all, fmt.Sprintf("…and %d more", n-shown)) {
			t.Errorf("%d lines, %d shown: the rest is not counted", n, shown)
		}
	}
}

func TestFieldsKeepsTenAtMost(t *testing.T) {
	var pairs [][2]string
	for i := range 12 {
		pairs = append(pairs, [2]string{fmt.Sprint("label ", i), "value"})
	}
	if n := len(Fields(pairs...).Fields); n != MaxFields {
		t.Errorf("%d fields, Slack allows %d", n, MaxFields)
	}
}

func TestLinesOfCountsWhatWasNotPassed(t *testing.T) {
	blocks := LinesOf([]string{"a", "b"}, 1000, 8, 2800)
	if len(blocks) != 1 {
		t.Fatalf("%d blocks, want 1", len(blocks))
	}
	if got, want := blocks[0].(*slack.SectionBlock).Text.Text, "a\nb\n…and 998 more"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
