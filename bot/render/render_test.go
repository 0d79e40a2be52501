package render

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBlocksReadsLikeSlack(t *testing.T) {
	raw := []byte(`[
		{"type":"header","text":{"type":"plain_text","text":"Acme <renewal>"}},
		{"type":"section","text":{"type":"mrkdwn","text":"<@U1> asked &lt;!channel&gt; &amp; co in <#C9|deals>, see <https://x.y|the doc>"}},
		{"type":"section","fields":[{"type":"mrkdwn","text":"*Owner*\n<@U2>"}]},
		{"type":"context","elements":[{"type":"mrkdwn","text":"a note"}]},
		{"type":"actions","block_id":"b1","elements":[
			{"type":"button","action_id":"done","value":"7","text":{"type":"plain_text","text":"Done"}},
			{"type":"button","action_id":"snooze","value":"7","text":{"type":"plain_text","text":"Snooze 1 week"}}]}
	]`)
	text, buttons := Blocks(raw)
	want := "# Acme <renewal>\n@U1 asked <!channel> & co in #deals, see the doc (https://x.y)\n*Owner*: @U2\n  a note\n[1: Done] [2: Snooze 1 week]"
	if diff := cmp.Diff(want, text); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	wantButtons := []Button{{"Done", "done", "b1", "7"}, {"Snooze 1 week", "snooze", "b1", "7"}}
	if diff := cmp.Diff(wantButtons, buttons); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
}

func TestMessageFallsBackToText(t *testing.T) {
	if got := Message("hello <@U1>", nil); got != "hello @U1" {
		t.Errorf("Message = %q", got)
	}
}
