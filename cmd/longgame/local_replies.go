package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

// shownButton is a button the terminal user can press with :click.
type shownButton struct {
	render.Button
	channel, ts, viewID string
}

// followUpWait bounds how long the terminal waits for what an action
// triggers (a form's post, a clicked message's update, the Home).
const followUpWait = 5 * time.Second

// printReplies shows, as they arrive, the replies the current user can see.
func (s *session) printReplies(ctx context.Context) {
	for {
		s.mu.Lock()
		after := s.printed
		s.mu.Unlock()
		r, err := s.fake.WaitReplyAfter(ctx, after, func(slackfake.Reply) bool { return true })
		if err != nil {
			return
		}
		s.show(r)
		s.mu.Lock()
		s.printed = r.Seq
		s.printedC.Broadcast()
		s.mu.Unlock()
	}
}

// waitPrinted blocks until every reply up to seq has been shown.
func (s *session) waitPrinted(seq int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.printed < seq {
		s.printedC.Wait()
	}
}

func (s *session) lastSeq() int {
	rs := s.fake.Replies()
	if len(rs) == 0 {
		return 0
	}
	return rs[len(rs)-1].Seq
}

// waitFor waits for a reply after seq matching m, then until it is shown.
func (s *session) waitFor(ctx context.Context, seq int, m func(slackfake.Reply) bool) (slackfake.Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, followUpWait)
	defer cancel()
	r, err := s.fake.WaitReplyAfter(ctx, seq, m)
	if err != nil {
		return r, err
	}
	s.waitPrinted(r.Seq)
	return r, nil
}

func (s *session) show(r slackfake.Reply) {
	s.mu.Lock()
	me, here := localID("U", s.user), localID("C", s.channel)
	s.mu.Unlock()
	var who string
	switch r.Kind {
	case slackfake.KindAck, slackfake.KindResponseURL:
		if r.ResponseType == "in_channel" {
			who = "in #" + s.channelName(r.Channel)
		} else if r.User == me {
			who = "only visible to you"
		}
	case slackfake.KindPostMessage:
		who = "in #" + s.channelName(r.Channel)
		if r.Channel == s.fake.DM(me) {
			who = "direct message to you"
		} else if strings.HasPrefix(r.Channel, "D") {
			return // someone else's DM
		}
		if r.ThreadTS != "" {
			who += ", in a thread"
		}
	case slackfake.KindPostEphemeral:
		if r.User == me {
			who = "only visible to you"
		}
	case slackfake.KindUpdate:
		who = "updated its message in #" + s.channelName(r.Channel)
	}
	if who == "" {
		return
	}
	text, buttons := render.Blocks(r.Blocks)
	if text == "" {
		text = render.Mrkdwn(r.Text)
	}
	s.print("Long Game ("+who+"):", text)
	if len(buttons) > 0 {
		s.remember(buttons, r.Channel, r.TS, "")
	}
	_ = here
}

// emoji shows the shortcodes Long Game uses as a terminal can.
var emoji = strings.NewReplacer(
	":briefcase:", "💼", ":star:", "⭐", ":handshake:", "🤝", ":gift:", "🎁", ":bank:", "🏦",
	":warning:", "⚠️ ", ":rotating_light:", "🚨", ":white_check_mark:", "✅", ":triangular_flag_on_post:", "🚩",
	":mega:", "📣", ":test_tube:", "🧪", ":red_circle:", "🔴", ":large_orange_circle:", "🟠",
	":large_yellow_circle:", "🟡", ":white_circle:", "⚪", ":grey_question:", "❔", ":trophy:", "🏆",
	":arrows_counterclockwise:", "🔄", ":pencil2:", "✏️ ", ":lock:", "🔒", ":x:", "❌", ":zzz:", "💤",
	":calendar:", "📅", ":alarm_clock:", "⏰", ":fast_forward:", "⏩", ":wave:", "👋", ":seedling:", "🌱",
)

var (
	userIDs    = regexp.MustCompile(`@([UW][A-Z0-9]{6,})`)
	channelIDs = regexp.MustCompile(`#([CGD][A-Z0-9]{6,})`)
)

// print writes a rendered message indented under its heading, with ids
// turned back into the names the user typed.
func (s *session) print(heading, text string) {
	text = emoji.Replace(text)
	text = userIDs.ReplaceAllStringFunc(text, func(m string) string { return "@" + s.userName(m[1:]) })
	text = channelIDs.ReplaceAllStringFunc(text, func(m string) string { return "#" + s.channelName(m[1:]) })
	var b strings.Builder
	b.WriteString(heading + "\n")
	for _, line := range strings.Split(text, "\n") {
		b.WriteString("  " + line + "\n")
	}
	fmt.Fprint(s.out, b.String())
}

func (s *session) userName(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.users[id]; ok {
		return n
	}
	return id
}

func (s *session) channelName(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n, ok := s.channels[id]; ok {
		return n
	}
	return id
}

func (s *session) remember(buttons []render.Button, channel, ts, viewID string) {
	shown := make([]shownButton, len(buttons))
	for i, b := range buttons {
		shown[i] = shownButton{Button: b, channel: channel, ts: ts, viewID: viewID}
	}
	s.mu.Lock()
	s.buttons = shown
	s.mu.Unlock()
}

// slash runs a slash command as the current user in the current channel,
// and fills in the form it opens, if any.
func (s *session) slash(ctx context.Context, name, text string) error {
	user, channel := s.userID(), s.channelID()
	before, seq := len(s.fake.Modals(user)), s.fake.Seq()
	ack, err := s.fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: user, ChannelID: channel, Command: name, Text: text})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	s.waitPrinted(s.lastSeq())
	if modals := s.fake.Modals(user); len(modals) > before {
		return s.fillModal(ctx, modals[len(modals)-1])
	}
	if ack.Text == "" && ack.Blocks == nil {
		// A record posted in the channel, or an answer that came late
		// through the response_url (or privately, when that failed).
		_, err := s.waitFor(ctx, seq, func(r slackfake.Reply) bool {
			return r.Kind == slackfake.KindPostMessage && r.Channel == channel || r.Kind == slackfake.KindResponseURL ||
				r.Kind == slackfake.KindPostEphemeral && r.User == user
		})
		return err
	}
	return nil
}

// modalInput is one input block of a modal.
type modalInput struct {
	BlockID string `json:"block_id"`
	Label   struct {
		Text string `json:"text"`
	} `json:"label"`
	Element struct {
		Type     string `json:"type"`
		ActionID string `json:"action_id"`
		Options  []struct {
			Text struct {
				Text string `json:"text"`
			} `json:"text"`
			Value string `json:"value"`
		} `json:"options"`
		InitialOption *struct {
			Value string `json:"value"`
		} `json:"initial_option"`
		InitialValue string `json:"initial_value"`
	} `json:"element"`
	Type string `json:"type"`
}

// fillModal asks for each field of a form in turn, then submits it.
func (s *session) fillModal(ctx context.Context, v slackfake.View) error {
	var blocks []modalInput
	if err := json.Unmarshal(v.Blocks, &blocks); err != nil {
		return fmt.Errorf("read the form: %w", err)
	}
	fmt.Fprintf(s.out, "Long Game opened a form: %s (answer each field; an empty line keeps the default)\n", v.Title)
	values := map[string]map[string]string{}
	for _, b := range blocks {
		if b.Type != "input" {
			continue
		}
		answer, err := s.ask(ctx, b)
		if err != nil {
			return err
		}
		values[b.BlockID] = map[string]string{b.Element.ActionID: answer}
	}
	seq := s.lastSeq()
	ack, err := s.fake.ViewSubmission(ctx, slackfake.ViewSubmission{UserID: s.userID(), ViewID: v.ID, Values: values})
	if err != nil {
		return fmt.Errorf("submit the form: %w", err)
	}
	if ack.ResponseAction == "errors" {
		for _, msg := range ack.Errors {
			fmt.Fprintf(s.out, "  ! the form says: %s\n", msg)
		}
		return nil
	}
	_, err = s.waitFor(ctx, seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindPostMessage || r.Kind == slackfake.KindPostEphemeral
	})
	return err
}

func (s *session) ask(ctx context.Context, b modalInput) (string, error) {
	label := b.Label.Text
	opts := b.Element.Options
	if len(opts) > 0 {
		var names []string
		for _, o := range opts {
			names = append(names, o.Text.Text)
		}
		label += " [" + strings.Join(names, ", ") + "]"
	}
	switch {
	case b.Element.InitialValue != "":
		label += " [" + b.Element.InitialValue + "]"
	case b.Element.Type == "conversations_select":
		label += " [a channel name, e.g. deal-hooli]"
	}
	for {
		fmt.Fprintf(s.out, "  %s: ", label)
		line, ok := s.next(ctx)
		if !ok {
			return "", errors.New("input ended inside the form")
		}
		line = strings.TrimSpace(line)
		if !s.interactive {
			fmt.Fprintln(s.out, line)
		}
		if b.Element.Type == "conversations_select" && line != "" {
			// A channel picked by name; a new one is made, with you in it.
			name := strings.TrimPrefix(line, "#")
			s.ensureChannel(name)
			return localID("C", name), nil
		}
		if len(opts) == 0 {
			if line == "" {
				return b.Element.InitialValue, nil
			}
			return line, nil
		}
		if line == "" && b.Element.InitialOption != nil {
			return b.Element.InitialOption.Value, nil
		}
		if v, ok := choose(b, line); ok {
			return v, nil
		}
		fmt.Fprintf(s.out, "  ! %q is not one of the choices: type one as shown (a number or a word of it)\n", line)
	}
}

// choose finds the option a typed answer names: its value, its whole
// label, or a word of its label ("high" for "5 — high").
func choose(b modalInput, typed string) (string, bool) {
	for _, o := range b.Element.Options {
		if typed == o.Value || strings.EqualFold(typed, o.Text.Text) {
			return o.Value, true
		}
	}
	for _, o := range b.Element.Options {
		for _, w := range strings.Fields(o.Text.Text) {
			if strings.EqualFold(typed, w) {
				return o.Value, true
			}
		}
	}
	return "", false
}
