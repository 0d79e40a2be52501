package slackfake

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckBlocks(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	text := func(typ, s string) string { return `{"type":"` + typ + `","text":"` + s + `"}` }
	button := func(label string) string {
		return `{"type":"actions","elements":[{"type":"button","action_id":"b","text":` + text("plain_text", label) + `}]}`
	}
	for _, tc := range []struct {
		name, blocks string
		ok           bool
	}{
		{"section", `[{"type":"section","text":` + text("mrkdwn", "hi") + `}]`, true},
		{"section 3000", `[{"type":"section","text":` + text("mrkdwn", long(3000)) + `}]`, true},
		{"section 3001", `[{"type":"section","text":` + text("mrkdwn", long(3001)) + `}]`, false},
		{"section empty", `[{"type":"section","text":` + text("mrkdwn", "") + `}]`, false},
		{"section no text or fields", `[{"type":"section"}]`, false},
		{"section 11 fields", `[{"type":"section","fields":[` + strings.Repeat(text("mrkdwn", "f")+",", 10) + text("mrkdwn", "f") + `]}]`, false},
		{"header 150", `[{"type":"header","text":` + text("plain_text", long(150)) + `}]`, true},
		{"header 151", `[{"type":"header","text":` + text("plain_text", long(151)) + `}]`, false},
		{"header mrkdwn", `[{"type":"header","text":` + text("mrkdwn", "x") + `}]`, false},
		{"button 75", `[` + button(long(75)) + `]`, true},
		{"button 76", `[` + button(long(76)) + `]`, false},
		{"actions empty", `[{"type":"actions","elements":[]}]`, false},
		{"duplicate block_id", `[{"type":"divider","block_id":"x"},{"type":"divider","block_id":"x"}]`, false},
		{"unknown type", `[{"type":"marquee"}]`, false},
		{"rich text", `[{"type":"rich_text","elements":[]}]`, true},
		{"50 blocks", `[` + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, 50), ",") + `]`, true},
		{"51 blocks", `[` + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, 51), ",") + `]`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := checkBlocks(json.RawMessage(tc.blocks), maxMessageBlocks, "/blocks")
			if err != nil {
				t.Fatal(err)
			}
			if got := len(ps) == 0; got != tc.ok {
				t.Errorf("valid = %v, want %v; problems %v", got, tc.ok, ps)
			}
		})
	}
}

func TestCheckView(t *testing.T) {
	title := func(s string) string { return `"title":{"type":"plain_text","text":"` + s + `"}` }
	input := `{"type":"input","block_id":"i","label":{"type":"plain_text","text":"L"},"element":{"type":"plain_text_input","action_id":"a"}}`
	for _, tc := range []struct {
		name, view string
		ok         bool
	}{
		{"modal", `{"type":"modal",` + title("Deal") + `,"blocks":[]}`, true},
		{"title 24", `{"type":"modal",` + title(strings.Repeat("t", 24)) + `,"blocks":[]}`, true},
		{"title 25", `{"type":"modal",` + title(strings.Repeat("t", 25)) + `,"blocks":[]}`, false},
		{"no title", `{"type":"modal","blocks":[]}`, false},
		{"submit 25", `{"type":"modal",` + title("D") + `,"submit":{"type":"plain_text","text":"` + strings.Repeat("s", 25) + `"},"blocks":[]}`, false},
		{"input without submit", `{"type":"modal",` + title("D") + `,"blocks":[` + input + `]}`, false},
		{"input with submit", `{"type":"modal",` + title("D") + `,"submit":{"type":"plain_text","text":"Save"},"blocks":[` + input + `]}`, true},
		{"home", `{"type":"home","blocks":null}`, false},
		{"101 blocks", `{"type":"modal",` + title("D") + `,"blocks":[` + strings.TrimSuffix(strings.Repeat(`{"type":"divider"},`, 101), ",") + `]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ps := checkView(json.RawMessage(tc.view), "modal")
			if got := len(ps) == 0; got != tc.ok {
				t.Errorf("valid = %v, want %v; problems %v", got, tc.ok, ps)
			}
		})
	}
}

func TestWithBlockIDs(t *testing.T) {
	n := 0
	got := withBlockIDs(json.RawMessage(`[{"type":"divider"}, {"type":"divider","block_id":"keep"}]`), func() string {
		n++
		return "gen"
	})
	if want := `[{"block_id":"gen","type":"divider"},{"type":"divider","block_id":"keep"}]`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
