package slackfake

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestSlashCommandRoundTrip(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	h.handle(func(evt socketmode.Event) any {
		return map[string]any{"response_type": "in_channel", "text": "Opened Acme"}
	})

	ack, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal", Text: "open Acme"})
	if err != nil {
		t.Fatal(err)
	}
	if ack.Text != "Opened Acme" || ack.ResponseType != "in_channel" {
		t.Errorf("ack = %+v, want text and in_channel", ack)
	}

	evt := h.waitEvent(ctx, ofType(socketmode.EventTypeSlashCommand))
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok {
		t.Fatalf("event data is %T, want slack.SlashCommand", evt.Data)
	}
	want := slack.SlashCommand{
		Token: verificationToken, TeamID: "T0FAKE", TeamDomain: "fake", ChannelID: "C1", ChannelName: "deals",
		UserID: "U1", UserName: "alice", Command: "/deal", Text: "open Acme", APIAppID: "A0APP",
	}
	if diff := cmp.Diff(want, cmd, cmpopts.IgnoreFields(slack.SlashCommand{}, "ResponseURL", "TriggerID")); diff != "" {
		t.Errorf("slash command (-want +got):\n%s", diff)
	}
	if cmd.ResponseURL == "" || cmd.TriggerID == "" {
		t.Errorf("response_url %q, trigger_id %q: want both", cmd.ResponseURL, cmd.TriggerID)
	}

	r, err := h.fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindAck })
	if err != nil {
		t.Fatal(err)
	}
	if r.Channel != "C1" || r.User != "U1" || r.Text != "Opened Acme" || r.ResponseType != "in_channel" {
		t.Errorf("reply = %+v", r)
	}
	if msgs := h.fake.Messages("C1"); len(msgs) != 1 || msgs[0].Text != "Opened Acme" || msgs[0].BotID != "B0BOT" {
		t.Errorf("channel messages = %+v, want the in_channel response", msgs)
	}
}

func TestSlashCommandEphemeralAckAndResponseURL(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	h.handle(func(socketmode.Event) any { return map[string]any{"text": "Working on it"} })

	if _, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C2", UserID: "U2", Command: "/deal", Text: "list"}); err != nil {
		t.Fatal(err)
	}
	cmd := h.waitEvent(ctx, ofType(socketmode.EventTypeSlashCommand)).Data.(slack.SlashCommand)
	if eph := h.fake.Ephemerals(); len(eph) != 1 || eph[0].User != "U2" || eph[0].Text != "Working on it" {
		t.Errorf("ephemerals = %+v, want the ack to U2", eph)
	}

	_, _, err := h.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cmd.ResponseURL, slack.ResponseTypeInChannel),
		slack.MsgOptionText("3 deals", false))
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindResponseURL })
	if err != nil {
		t.Fatal(err)
	}
	if r.Channel != "C2" || r.Text != "3 deals" || r.ResponseType != "in_channel" {
		t.Errorf("response_url reply = %+v", r)
	}
	for range 4 {
		if _, _, err := h.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cmd.ResponseURL, ""),
			slack.MsgOptionText("again", false)); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = h.api.PostMessageContext(ctx, "", slack.MsgOptionResponseURL(cmd.ResponseURL, ""), slack.MsgOptionText("sixth", false))
	var sce slack.StatusCodeError
	if !errors.As(err, &sce) || sce.Code != http.StatusNotFound {
		t.Errorf("sixth use: err = %v, want 404", err)
	}
	if got := h.fake.Calls("response_url"); got != 6 {
		t.Errorf("Calls(response_url) = %d, want 6", got)
	}
}

func buttonBlocks() []slack.Block {
	return []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "*Acme* renewal", false, false), nil, nil),
		slack.NewActionBlock("deal_actions",
			slack.NewButtonBlockElement("approve", "deal-1", slack.NewTextBlockObject(slack.PlainTextType, "Approve", false, false)),
		),
	}
}

func TestBlockActionOnMessage(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	_, ts, err := h.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("Acme renewal", false), slack.MsgOptionBlocks(buttonBlocks()...))
	if err != nil {
		t.Fatal(err)
	}
	h.connected(ctx)

	if _, err := h.fake.BlockAction(ctx, BlockAction{UserID: "U1", ChannelID: "C1", MessageTS: ts, ActionID: "approve"}); err != nil {
		t.Fatal(err)
	}
	evt := h.waitEvent(ctx, ofType(socketmode.EventTypeInteractive))
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok {
		t.Fatalf("event data is %T, want slack.InteractionCallback", evt.Data)
	}
	if cb.Type != slack.InteractionTypeBlockActions || len(cb.ActionCallback.BlockActions) != 1 {
		t.Fatalf("callback type %q with %d block actions", cb.Type, len(cb.ActionCallback.BlockActions))
	}
	act := cb.ActionCallback.BlockActions[0]
	got := []string{act.ActionID, act.BlockID, act.Value, string(act.Type), act.Text.Text,
		cb.User.ID, cb.Channel.ID, cb.Container.Type, cb.Container.MessageTs, cb.Message.Timestamp, cb.Message.Text}
	want := []string{"approve", "deal_actions", "deal-1", "button", "Approve",
		"U1", "C1", "message", ts, ts, "Acme renewal"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("block action (-want +got):\n%s", diff)
	}

	// The response_url replaces the original message.
	_, _, err = h.api.PostMessageContext(ctx, "", slack.MsgOptionReplaceOriginal(cb.ResponseURL), slack.MsgOptionText("Approved", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindResponseURL && r.ReplaceOriginal }); err != nil {
		t.Fatal(err)
	}
	if msgs := h.fake.Messages("C1"); len(msgs) != 1 || msgs[0].Text != "Approved" || msgs[0].Blocks != nil {
		t.Errorf("messages after replace_original = %+v", msgs)
	}

	// The trigger opens a modal once.
	modal := slack.ModalViewRequest{Type: slack.VTModal, CallbackID: "approve_deal",
		Title: slack.NewTextBlockObject(slack.PlainTextType, "Approve", false, false)}
	if _, err := h.api.OpenViewContext(ctx, cb.TriggerID, modal); err != nil {
		t.Fatal(err)
	}
	_, err = h.api.OpenViewContext(ctx, cb.TriggerID, modal)
	if !isSlackError(err, "trigger_exchanged") {
		t.Errorf("second views.open: err = %v, want trigger_exchanged", err)
	}
	if m := h.fake.Modals("U1"); len(m) != 1 || m[0].CallbackID != "approve_deal" {
		t.Errorf("modals = %+v", m)
	}
}

func amountModal() slack.ModalViewRequest {
	input := slack.NewInputBlock("amount", slack.NewTextBlockObject(slack.PlainTextType, "Amount", false, false), nil,
		slack.NewPlainTextInputBlockElement(nil, "amount_input"))
	stage := slack.NewInputBlock("stage", slack.NewTextBlockObject(slack.PlainTextType, "Stage", false, false), nil,
		slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, nil, "stage_select",
			slack.NewOptionBlockObject("won", slack.NewTextBlockObject(slack.PlainTextType, "Won", false, false), nil),
			slack.NewOptionBlockObject("lost", slack.NewTextBlockObject(slack.PlainTextType, "Lost", false, false), nil)))
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "edit_deal", PrivateMetadata: "deal-1",
		Title:  slack.NewTextBlockObject(slack.PlainTextType, "Edit deal", false, false),
		Submit: slack.NewTextBlockObject(slack.PlainTextType, "Save", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{input, stage}},
	}
}

// openModal runs a slash command whose handler opens modal for U1.
func openModal(t *testing.T, h *harness, modal slack.ModalViewRequest) {
	t.Helper()
	ctx := testCtx(t)
	h.handle(func(evt socketmode.Event) any {
		if cmd, ok := evt.Data.(slack.SlashCommand); ok {
			if _, err := h.api.OpenViewContext(ctx, cmd.TriggerID, modal); err != nil {
				t.Errorf("views.open: %v", err)
			}
		}
		return nil
	})
	if _, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal", Text: "edit"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindViewOpen }); err != nil {
		t.Fatal(err)
	}
}

func TestViewSubmission(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	openModal(t, h, amountModal())

	h.handle(func(evt socketmode.Event) any {
		cb := evt.Data.(slack.InteractionCallback)
		if cb.View.State.Values["amount"]["amount_input"].Value == "abc" {
			return slack.NewErrorsViewSubmissionResponse(map[string]string{"amount": "Enter a number"})
		}
		return nil
	})
	ack, err := h.fake.ViewSubmission(ctx, ViewSubmission{UserID: "U1",
		Values: map[string]map[string]string{"amount": {"amount_input": "abc"}, "stage": {"stage_select": "won"}}})
	if err != nil {
		t.Fatal(err)
	}
	if ack.ResponseAction != "errors" || ack.Errors["amount"] != "Enter a number" {
		t.Errorf("ack = %+v, want errors on amount", ack)
	}
	evt := h.waitEvent(ctx, ofType(socketmode.EventTypeInteractive))
	cb := evt.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.CallbackID != "edit_deal" || cb.View.PrivateMetadata != "deal-1" {
		t.Errorf("callback %q view %q %q", cb.Type, cb.View.CallbackID, cb.View.PrivateMetadata)
	}
	if got := cb.View.State.Values["stage"]["stage_select"].SelectedOption.Value; got != "won" {
		t.Errorf("stage = %q, want won", got)
	}
	if _, err := h.fake.WaitReply(ctx, func(r Reply) bool { return r.Kind == KindAck && r.ResponseAction == "errors" }); err != nil {
		t.Fatal(err)
	}
	if len(h.fake.Modals("U1")) != 1 {
		t.Errorf("modal closed after errors; want it open")
	}

	// Errors naming a block that is not an input are refused.
	h.handle(func(socketmode.Event) any {
		return slack.NewErrorsViewSubmissionResponse(map[string]string{"nope": "x"})
	})
	if _, err := h.fake.ViewSubmission(ctx, ViewSubmission{UserID: "U1"}); err == nil {
		t.Error("errors on an unknown block: want an error")
	}

	// A plain ack closes the modal.
	h.handle(func(socketmode.Event) any { return nil })
	if _, err := h.fake.ViewSubmission(ctx, ViewSubmission{UserID: "U1",
		Values: map[string]map[string]string{"amount": {"amount_input": "12"}}}); err != nil {
		t.Fatal(err)
	}
	if m := h.fake.Modals("U1"); len(m) != 0 {
		t.Errorf("modals after submit = %d, want 0", len(m))
	}
}

func TestViewSubmissionUpdateAndPush(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	openModal(t, h, amountModal())
	next := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject(slack.PlainTextType, "Saved", false, false),
		Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Done", false, false), nil, nil)}}}

	h.handle(func(socketmode.Event) any { return slack.NewPushViewSubmissionResponse(&next) })
	if _, err := h.fake.ViewSubmission(ctx, ViewSubmission{UserID: "U1"}); err != nil {
		t.Fatal(err)
	}
	if m := h.fake.Modals("U1"); len(m) != 2 || m[1].Title != "Saved" || m[1].RootViewID != m[0].ID {
		t.Errorf("modals after push = %+v", m)
	}
	h.handle(func(socketmode.Event) any { return slack.NewClearViewSubmissionResponse() })
	if _, err := h.fake.ViewSubmission(ctx, ViewSubmission{UserID: "U1"}); err != nil {
		t.Fatal(err)
	}
	if m := h.fake.Modals("U1"); len(m) != 0 {
		t.Errorf("modals after clear = %d, want 0", len(m))
	}
}

func TestEvents(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	ev, err := h.fake.NewAppMention("C1", "U1", "<@U0BOT> pipeline", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.Event(ctx, ev); err != nil {
		t.Fatal(err)
	}
	first := h.waitEvent(ctx, ofType(socketmode.EventTypeEventsAPI))
	api := first.Data.(slackevents.EventsAPIEvent)
	mention, ok := api.InnerEvent.Data.(*slackevents.AppMentionEvent)
	if !ok {
		t.Fatalf("inner event is %T, want *slackevents.AppMentionEvent", api.InnerEvent.Data)
	}
	if mention.Text != "<@U0BOT> pipeline" || mention.Channel != "C1" || mention.User != "U1" || mention.TimeStamp == "" {
		t.Errorf("mention = %+v", mention)
	}
	firstID := api.Data.(*slackevents.EventsAPICallbackEvent).EventID

	ev.RetryAttempt, ev.RetryReason = 1, "timeout"
	if _, err := h.fake.Event(ctx, ev); err != nil {
		t.Fatal(err)
	}
	again := h.waitEvent(ctx, ofType(socketmode.EventTypeEventsAPI))
	if id := again.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent).EventID; id != firstID {
		t.Errorf("redelivered event_id %q, want %q", id, firstID)
	}
	if again.Request.RetryAttempt != 1 || again.Request.RetryReason != "timeout" {
		t.Errorf("retry = %d %q", again.Request.RetryAttempt, again.Request.RetryReason)
	}

	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "Your deals", false, false), nil, nil)}}}
	if _, err := h.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U2", View: home}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.Event(ctx, h.fake.NewAppHomeOpened("U2")); err != nil {
		t.Fatal(err)
	}
	evt := h.waitEvent(ctx, ofType(socketmode.EventTypeEventsAPI))
	opened, ok := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if !ok {
		t.Fatalf("inner event is %T, want *slackevents.AppHomeOpenedEvent", evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data)
	}
	if opened.User != "U2" || opened.Tab != "home" || opened.View == nil || opened.View.Type != slack.VTHomeTab {
		t.Errorf("app_home_opened = %+v", opened)
	}
}

func TestAckTimeout(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.opts.AckTimeout = 100 * time.Millisecond })
	ctx := testCtx(t)
	h.handle(func(socketmode.Event) any { return noAck })
	_, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal"})
	if !errors.Is(err, ErrNoAck) {
		t.Errorf("err = %v, want ErrNoAck", err)
	}
}

func TestDisconnectAndDropReconnect(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	h.connected(ctx)
	h.waitEvent(ctx, ofType(socketmode.EventTypeConnected))

	h.fake.Disconnect("warning")
	h.waitEvent(ctx, ofType(socketmode.EventTypeConnected))
	if _, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal", Text: "after disconnect"}); err != nil {
		t.Fatal(err)
	}

	h.fake.DropConnections()
	h.waitEvent(ctx, ofType(socketmode.EventTypeConnected))
	if _, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal", Text: "after drop"}); err != nil {
		t.Fatal(err)
	}

	// apps.connections.open failing is retried with backoff.
	h.fake.InjectFault("apps.connections.open", Fault{Times: 1, Status: http.StatusServiceUnavailable})
	h.fake.DropConnections()
	h.waitEvent(ctx, ofType(socketmode.EventTypeConnectionError))
	h.waitEvent(ctx, ofType(socketmode.EventTypeConnected))
	if _, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal"}); err != nil {
		t.Fatal(err)
	}
}

func TestConnectionsOpenInvalidAuthStopsClient(t *testing.T) {
	fake := New(Options{})
	if err := fake.Start(); err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.InjectFault("apps.connections.open", Fault{Error: "invalid_auth"})
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	api := slack.New("xoxb-fake", slack.OptionAppLevelToken("xapp-fake"), slack.OptionAPIURL(fake.APIURL()),
		slack.OptionHTTPClient(&http.Client{Transport: tr}))
	sm := socketmode.New(api)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() { done <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-done:
			if err == nil || err.Error() != "invalid_auth" {
				t.Errorf("RunContext = %v, want invalid_auth", err)
			}
			return
		case <-sm.Events:
		}
	}
}

func TestPingsKeepConnectionAlive(t *testing.T) {
	// The client drops a socket unpinged for clientInterval; the fake pings
	// ten times as often, leaving room for a loaded machine.
	const clientInterval = 500 * time.Millisecond
	h := newHarness(t, func(c *harnessConfig) {
		c.opts.PingInterval = 50 * time.Millisecond
		c.smOpts = []socketmode.Option{socketmode.OptionPingInterval(clientInterval)}
	})
	ctx := testCtx(t)
	h.waitEvent(ctx, ofType(socketmode.EventTypeConnected))

	// Two watchdog periods pass without a reconnect.
	quiet := time.NewTimer(2 * clientInterval)
	defer quiet.Stop()
	for waiting := true; waiting; {
		select {
		case evt := <-h.events:
			if evt.Type == socketmode.EventTypeConnecting {
				t.Fatal("client reconnected although pinged")
			}
		case <-quiet.C:
			waiting = false
		}
	}

	h.fake.StopPings()
	h.waitEvent(ctx, ofType(socketmode.EventTypeConnecting))
	h.fake.StartPings()
	h.waitEvent(ctx, ofType(socketmode.EventTypeConnected))
	// A socket opened while pings were off may still be dropped once, taking
	// an envelope with it, as with Slack; the next attempt lands.
	for attempt := 1; ; attempt++ {
		_, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal"})
		if err == nil {
			break
		}
		if !errors.Is(err, ErrNoAck) || attempt == 3 {
			t.Fatal(err)
		}
	}
}

func TestRoundRobinAcrossConnections(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	_, sm2 := h.client()
	if err := h.fake.WaitConnections(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := h.fake.SlashCommand(ctx, SlashCommand{ChannelID: "C1", UserID: "U1", Command: "/deal"}); err != nil {
			t.Fatal(err)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.acked[h.sm] != 2 || h.acked[sm2] != 2 {
		t.Errorf("envelopes per connection = %d and %d, want 2 and 2", h.acked[h.sm], h.acked[sm2])
	}
}

func isSlackError(err error, code string) bool {
	var se slack.SlackErrorResponse
	return errors.As(err, &se) && se.Err == code
}

func TestBlockActionOnEphemeralDeletesOriginal(t *testing.T) {
	h := newHarness(t)
	ctx := testCtx(t)
	ts, err := h.api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("Confirm?", false), slack.MsgOptionBlocks(buttonBlocks()...))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.fake.BlockAction(ctx, BlockAction{UserID: "U1", ChannelID: "C1", MessageTS: ts, ActionID: "approve", Value: "override"}); err != nil {
		t.Fatal(err)
	}
	cb := h.waitEvent(ctx, ofType(socketmode.EventTypeInteractive)).Data.(slack.InteractionCallback)
	if !cb.Container.IsEphemeral || cb.ActionCallback.BlockActions[0].Value != "override" {
		t.Errorf("container %+v, value %q", cb.Container, cb.ActionCallback.BlockActions[0].Value)
	}
	if _, _, err := h.api.PostMessageContext(ctx, "", slack.MsgOptionDeleteOriginal(cb.ResponseURL)); err != nil {
		t.Fatal(err)
	}
	if eph := h.fake.Ephemerals(); len(eph) != 0 {
		t.Errorf("ephemerals after delete_original = %+v", eph)
	}
	if _, err := h.fake.BlockAction(ctx, BlockAction{UserID: "U1", ChannelID: "C1", MessageTS: ts, ActionID: "approve"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("action on a deleted message: %v, want ErrNotFound", err)
	}
}
