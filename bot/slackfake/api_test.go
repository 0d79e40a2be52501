package slackfake

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"
)

// newAPI starts a seeded fake and a Web API client for it, with no socket.
func newAPI(t *testing.T, opts Options) (*Server, *slack.Client) {
	t.Helper()
	fake := New(opts)
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	seed(fake)
	tr := &http.Transport{}
	t.Cleanup(func() {
		fake.Close()
		tr.CloseIdleConnections()
	})
	return fake, apiClient(fake, fake.opts.BotToken, tr)
}

func apiClient(fake *Server, token string, tr *http.Transport) *slack.Client {
	return slack.New(token, slack.OptionAppLevelToken(fake.opts.AppToken), slack.OptionAPIURL(fake.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: tr, Timeout: 10 * time.Second}))
}

func TestAuthTest(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	res, err := api.AuthTestContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.UserID != "U0BOT" || res.TeamID != "T0FAKE" || res.BotID != "B0BOT" {
		t.Errorf("auth.test = %+v", res)
	}
	if got := res.Header.Get("X-OAuth-Scopes"); !strings.Contains(got, "chat:write") {
		t.Errorf("x-oauth-scopes = %q", got)
	}
	fake.SetScopes("commands")
	res, _ = api.AuthTestContext(ctx)
	if got := res.Header.Get("X-OAuth-Scopes"); got != "commands" {
		t.Errorf("x-oauth-scopes after SetScopes = %q", got)
	}
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "missing_scope" || se.Needed != "chat:write" {
		t.Errorf("post without chat:write: %v (%+v)", err, se)
	}
}

func TestTokens(t *testing.T) {
	fake, _ := newAPI(t, Options{})
	ctx := testCtx(t)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	for _, tc := range []struct{ token, want string }{
		{"xoxb-wrong", "invalid_auth"},
		{"", "not_authed"},
		{"xapp-fake", "not_allowed_token_type"},
	} {
		_, err := apiClient(fake, tc.token, tr).AuthTestContext(ctx)
		if !isSlackError(err, tc.want) {
			t.Errorf("token %q: err = %v, want %s", tc.token, err, tc.want)
		}
	}
	// apps.connections.open takes only the app token.
	bad := slack.New("xoxb-fake", slack.OptionAppLevelToken("xoxb-fake"), slack.OptionAPIURL(fake.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: tr}))
	if _, _, err := bad.StartSocketModeContext(ctx); !isSlackError(err, "not_allowed_token_type") {
		t.Errorf("connections.open with a bot token: %v", err)
	}
	// Unknown methods.
	res, err := (&http.Client{Transport: tr}).Post(fake.APIURL()+"chat.nope", "application/x-www-form-urlencoded", strings.NewReader("token=xoxb-fake"))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct{ Error string }
	_ = json.NewDecoder(res.Body).Decode(&body)
	if body.Error != "unknown_method" {
		t.Errorf("unknown method: error %q", body.Error)
	}
}

func TestChatRepliesAndState(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	meta := slack.SlackMetadata{EventType: "deal_card", EventPayload: map[string]any{"deal_id": "d1"}}
	ch, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("Acme", false),
		slack.MsgOptionBlocks(buttonBlocks()...), slack.MsgOptionMetadata(meta))
	if err != nil || ch != "C1" || ts == "" {
		t.Fatalf("post: %q %q %v", ch, ts, err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("in thread", false), slack.MsgOptionTS(ts)); err != nil {
		t.Fatal(err)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "U2", slack.MsgOptionText("just you", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("Acme (won)", false)); err != nil {
		t.Fatal(err)
	}

	var kinds []ReplyKind
	for _, r := range fake.Replies() {
		kinds = append(kinds, r.Kind)
	}
	if diff := cmp.Diff([]ReplyKind{KindPostMessage, KindPostMessage, KindPostEphemeral, KindUpdate}, kinds); diff != "" {
		t.Errorf("reply kinds (-want +got):\n%s", diff)
	}
	r, err := fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindPostEphemeral })
	if err != nil || r.User != "U2" || r.Text != "just you" {
		t.Errorf("ephemeral reply = %+v, %v", r, err)
	}
	r, _ = fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindPostMessage && r.ThreadTS == ts })
	if r.Text != "in thread" {
		t.Errorf("thread reply = %+v", r)
	}

	hist, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", IncludeAllMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Messages) != 1 {
		t.Fatalf("history has %d messages, want the parent only", len(hist.Messages))
	}
	m := hist.Messages[0]
	if m.Text != "Acme (won)" || m.Metadata.EventType != "deal_card" || m.Metadata.EventPayload["deal_id"] != "d1" ||
		m.ReplyCount != 1 || m.BotID != "B0BOT" || len(m.Blocks.BlockSet) != 2 {
		t.Errorf("history message = %+v", m)
	}
	hist, _ = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if hist.Messages[0].Metadata.EventType != "" {
		t.Errorf("metadata without include_all_metadata: %+v", hist.Messages[0].Metadata)
	}

	if _, _, err := api.DeleteMessageContext(ctx, "C1", ts); err != nil {
		t.Fatal(err)
	}
	if msgs := fake.Messages("C1"); len(msgs) != 1 || msgs[0].Text != "in thread" {
		t.Errorf("messages after delete = %+v", msgs)
	}
	if got := fake.Calls("chat.postMessage"); got != 2 {
		t.Errorf("Calls(chat.postMessage) = %d, want 2", got)
	}
}

func TestHistoryPaging(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	var tss []string
	for i := range 5 {
		ts, err := fake.PostUserMessage("C1", "U1", strings.Repeat("x", i+1), "")
		if err != nil {
			t.Fatal(err)
		}
		tss = append(tss, ts)
	}
	page, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !page.HasMore || len(page.Messages) != 2 || page.Messages[0].Timestamp != tss[4] {
		t.Fatalf("first page = %+v", page)
	}
	page, _ = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{
		ChannelID: "C1", Limit: 10, Cursor: page.ResponseMetaData.NextCursor})
	if page.HasMore || len(page.Messages) != 3 || page.Messages[0].Timestamp != tss[2] {
		t.Errorf("second page = %+v", page)
	}
	page, _ = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: tss[3]})
	if len(page.Messages) != 1 || page.Messages[0].Timestamp != tss[4] {
		t.Errorf("oldest page = %+v", page)
	}
}

func TestConversationsAndUsers(t *testing.T) {
	fake, api := newAPI(t, Options{Now: func() time.Time { return time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC) }})
	ctx := testCtx(t)
	for _, tc := range []struct {
		id                                  string
		shared, extShared, archived, member bool
	}{
		{"C1", false, false, false, true},
		{"C2", false, false, false, false},
		{"C3", false, false, true, true},
		{"C4", true, true, false, true},
	} {
		ch, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: tc.id})
		if err != nil {
			t.Fatal(err)
		}
		got := []bool{ch.IsShared, ch.IsExtShared, ch.IsArchived, ch.IsMember}
		if diff := cmp.Diff([]bool{tc.shared, tc.extShared, tc.archived, tc.member}, got); diff != "" {
			t.Errorf("%s shared, ext_shared, archived, member (-want +got):\n%s", tc.id, diff)
		}
	}
	if err := fake.SetMember("C1", false); err != nil {
		t.Fatal(err)
	}
	ch, _ := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C1"})
	if ch.IsMember || ch.Name != "deals" {
		t.Errorf("C1 after SetMember false: member %v name %q", ch.IsMember, ch.Name)
	}

	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil || !strings.HasPrefix(dm.ID, "D") {
		t.Fatalf("conversations.open = %+v, %v", dm, err)
	}
	ch2, _, err := api.PostMessageContext(ctx, "U1", slack.MsgOptionText("hello", false))
	if err != nil || ch2 != dm.ID {
		t.Errorf("post to user: channel %q, %v; want %s", ch2, err, dm.ID)
	}

	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if u.TZ != "Europe/Paris" || u.TZOffset != 3600 || u.RealName != "Alice Archer" {
		t.Errorf("users.info = tz %q offset %d name %q", u.TZ, u.TZOffset, u.RealName)
	}
	if _, err := api.GetUserInfoContext(ctx, "U404"); !isSlackError(err, "user_not_found") {
		t.Errorf("unknown user: %v", err)
	}
}

func TestChannelErrors(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	fake.RemoveChannel("C4")
	for _, tc := range []struct{ channel, want string }{
		{"C404", "channel_not_found"},
		{"C4", "channel_not_found"},
		{"C3", "is_archived"},
		{"C2", "not_in_channel"},
		{"U404", "channel_not_found"},
	} {
		_, _, err := api.PostMessageContext(ctx, tc.channel, slack.MsgOptionText("hi", false))
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != tc.want {
			t.Errorf("post to %s: err = %v, want SlackErrorResponse %s", tc.channel, err, tc.want)
		}
	}
	if _, _, err := api.PostMessageContext(ctx, "C1"); !isSlackError(err, "no_text") {
		t.Errorf("empty message: %v, want no_text", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", "1.000001", slack.MsgOptionText("x", false)); !isSlackError(err, "message_not_found") {
		t.Errorf("update missing message: %v", err)
	}
	ts, _ := fake.PostUserMessage("C1", "U1", "mine", "")
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("x", false)); !isSlackError(err, "cant_update_message") {
		t.Errorf("update a user's message: %v", err)
	}
	if len(fake.Replies()) != 0 {
		t.Errorf("refused calls made replies: %+v", fake.Replies())
	}
}

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
}

func TestInvalidBlocks(t *testing.T) {
	_, api := newAPI(t, Options{})
	ctx := testCtx(t)
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	for name, blocks := range map[string][]slack.Block{
		"51 blocks":          many,
		"section 3001":       {section(strings.Repeat("é", 3001))},
		"empty section text": {section("")},
		"header 151":         {slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", 151), false, false))},
		"button 76": {slack.NewActionBlock("a", slack.NewButtonBlockElement("b", "v",
			slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("b", 76), false, false)))},
	} {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(blocks...))
		var se slack.SlackErrorResponse
		if !errors.As(err, &se) || se.Err != "invalid_blocks" || len(se.ResponseMetadata.Messages) == 0 {
			t.Errorf("%s: err = %v, want invalid_blocks with messages", name, err)
		}
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionBlocks(section(strings.Repeat("é", 3000)))); err != nil {
		t.Errorf("section of 3000: %v", err)
	}
}

func TestViews(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, CallbackID: "home",
		Blocks: slack.Blocks{BlockSet: []slack.Block{section("Pipeline")}}}
	res, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: home})
	if err != nil {
		t.Fatal(err)
	}
	first := res.View
	if first.ID == "" || first.Hash == "" || first.Type != slack.VTHomeTab || len(first.Blocks.BlockSet) != 1 {
		t.Errorf("published view = %+v", first)
	}
	res, err = api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: home, Hash: &first.Hash})
	if err != nil || res.View.ID != first.ID {
		t.Fatalf("republish: %v, id %q want %q", err, res.View.ID, first.ID)
	}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: home, Hash: &first.Hash}); !isSlackError(err, "hash_conflict") {
		t.Errorf("stale hash: %v, want hash_conflict", err)
	}
	v, ok := fake.Home("U1")
	if !ok || v.CallbackID != "home" || !strings.Contains(string(v.Blocks), "Pipeline") {
		t.Errorf("Home(U1) = %+v, %v", v, ok)
	}
	if _, err := fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindViewPublish && r.User == "U1" }); err != nil {
		t.Fatal(err)
	}

	if _, err := api.OpenViewContext(ctx, "bogus", amountModal()); !isSlackError(err, "invalid_trigger_id") {
		t.Errorf("views.open with a bogus trigger: %v", err)
	}
	long := amountModal()
	long.Title = slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("t", 25), false, false)
	fake.mu.Lock()
	trigger := fake.issueTrigger("U1")
	fake.mu.Unlock()
	if _, err := api.OpenViewContext(ctx, trigger, long); !isSlackError(err, "invalid_arguments") {
		t.Errorf("title of 25: %v, want invalid_arguments", err)
	}
	opened, err := api.OpenViewContext(ctx, trigger, amountModal())
	if err != nil {
		t.Fatal(err)
	}
	upd := amountModal()
	upd.Title = slack.NewTextBlockObject(slack.PlainTextType, "Edit deal (2)", false, false)
	if _, err := api.UpdateViewContext(ctx, upd, "", opened.View.Hash, opened.View.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ := fake.View(opened.View.ID); v.Title != "Edit deal (2)" || !v.Open {
		t.Errorf("view after update = %+v", v)
	}
	if _, err := fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindViewUpdate && r.Text == "Edit deal (2)" }); err != nil {
		t.Fatal(err)
	}
}

func TestWaitReplyBlocksUntilReply(t *testing.T) {
	fake, api := newAPI(t, Options{})
	ctx := testCtx(t)
	got := make(chan Reply, 1)
	go func() {
		r, err := fake.WaitReply(ctx, func(r Reply) bool { return r.Text == "later" })
		if err != nil {
			t.Error(err)
		}
		got <- r
	}()
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("earlier", false)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("later", false)); err != nil {
		t.Fatal(err)
	}
	if r := <-got; r.Seq != 2 {
		t.Errorf("WaitReply = %+v, want the second reply", r)
	}
}
