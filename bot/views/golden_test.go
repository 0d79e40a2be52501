package views

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenMessage is what a golden file holds: exactly what Slack receives,
// and where: "channel" for a record posted in the deal channel (while only
// the team is in it), "user" for an answer its user alone sees.
type goldenMessage struct {
	For    string          `json:"for"`
	Text   string          `json:"text"`
	Blocks json.RawMessage `json:"blocks"`
}

// checkGolden compares r with testdata/name.json, or rewrites it with
// -update. It also checks Slack's limits, which the golden file alone would
// not make visible.
func checkGolden(t *testing.T, name string, r Reply) {
	t.Helper()
	checkGoldenWithin(t, name, r, blockkit.MaxMessageBlocks)
}

// checkGoldenWithin is checkGolden for a surface with another block limit:
// 100 for modals and the App Home.
func checkGoldenWithin(t *testing.T, name string, r Reply, maxBlocks int) {
	t.Helper()
	checkLimits(t, r.Blocks, maxBlocks)
	blocks, err := json.Marshal(r.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	// Unescaped HTML, so a reviewer reads <@U1> as Slack will.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(goldenMessage{audience(r), r.Text, blocks}); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	if n := len(blockText(r.Blocks)); n > 12000 {
		t.Errorf("%d characters of block text: Slack answers msg_blocks_too_long past about 13k", n)
	}
	path := filepath.Join("testdata", name+".json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./bot -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

func audience(r Reply) string {
	if r.InChannel {
		return "channel"
	}
	return "user"
}

// checkLimits fails when blocks break a Block Kit limit that makes Slack
// answer invalid_blocks.
func checkLimits(t *testing.T, blocks []slack.Block, maxBlocks int) {
	t.Helper()
	if len(blocks) > maxBlocks {
		t.Errorf("%d blocks, Slack allows %d", len(blocks), maxBlocks)
	}
	for i, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			if b.Text == nil && len(b.Fields) == 0 {
				t.Errorf("block %d: section with neither text nor fields", i)
			}
			if b.Text != nil && (utf8.RuneCountInString(b.Text.Text) > blockkit.MaxSectionText || b.Text.Text == "") {
				t.Errorf("block %d: section text of %d characters", i, utf8.RuneCountInString(b.Text.Text))
			}
			if len(b.Fields) > 10 {
				t.Errorf("block %d: %d fields, Slack allows 10", i, len(b.Fields))
			}
		case *slack.HeaderBlock:
			if n := utf8.RuneCountInString(b.Text.Text); n > blockkit.MaxHeaderText || n == 0 {
				t.Errorf("block %d: header of %d characters", i, n)
			}
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && utf8.RuneCountInString(btn.Text.Text) > blockkit.MaxButtonText {
					t.Errorf("block %d: button text %q too long", i, btn.Text.Text)
				}
			}
		}
	}
}

// blockText is every text of blocks joined, as Slack would read the mrkdwn.
func blockText(blocks []slack.Block) string {
	var sb strings.Builder
	add := func(o *slack.TextBlockObject) {
		if o != nil {
			sb.WriteString(o.Text)
			sb.WriteByte('\n')
		}
	}
	for _, b := range blocks {
		switch b := b.(type) {
		case *slack.SectionBlock:
			add(b.Text)
			for _, f := range b.Fields {
				add(f)
			}
		case *slack.HeaderBlock:
			add(b.Text)
		case *slack.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				if o, ok := e.(*slack.TextBlockObject); ok {
					add(o)
				}
			}
		}
	}
	return sb.String()
}
