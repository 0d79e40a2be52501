package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/render"
	"github.com/longgame/longgame/bot/slackfake"
)

// click presses button n of the last message or Home shown.
func (s *session) click(ctx context.Context, arg string) error {
	n, err := strconv.Atoi(arg)
	s.mu.Lock()
	buttons := s.buttons
	s.mu.Unlock()
	if len(buttons) == 0 {
		return errors.New("no button has been shown yet")
	}
	if err != nil || n < 1 || n > len(buttons) {
		return fmt.Errorf("say which button, 1 to %d, e.g. :click 1", len(buttons))
	}
	b := buttons[n-1]
	seq, forms := s.lastSeq(), len(s.fake.Modals(s.userID()))
	_, err = s.fake.BlockAction(ctx, slackfake.BlockAction{UserID: s.userID(), ChannelID: b.channel, MessageTS: b.ts,
		ViewID: b.viewID, ActionID: b.ActionID, BlockID: b.BlockID})
	if err != nil {
		return fmt.Errorf("press %q: %w", b.Label, err)
	}
	fmt.Fprintf(s.out, "  (you pressed %s)\n", b.Label)
	if b.viewID != "" {
		return s.waitHome(ctx, seq)
	}
	r, err := s.waitFor(ctx, seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindUpdate || r.Kind == slackfake.KindPostEphemeral || r.Kind == slackfake.KindViewOpen
	})
	if err != nil || r.Kind != slackfake.KindViewOpen {
		return err
	}
	// The button opened a form ("Open a deal at …"): fill it in.
	if modals := s.fake.Modals(s.userID()); len(modals) > forms {
		return s.fillModal(ctx, modals[len(modals)-1])
	}
	return nil
}

// home opens the current user's App Home and shows it.
func (s *session) home(ctx context.Context) error {
	seq := s.lastSeq()
	if _, err := s.fake.Event(ctx, s.fake.NewAppHomeOpened(s.userID())); err != nil {
		return fmt.Errorf("open the App Home: %w", err)
	}
	return s.waitHome(ctx, seq)
}

func (s *session) waitHome(ctx context.Context, seq int) error {
	me := s.userID()
	r, err := s.waitFor(ctx, seq, func(r slackfake.Reply) bool { return r.Kind == slackfake.KindViewPublish && r.User == me })
	if err != nil {
		return fmt.Errorf("the App Home did not come: %w", err)
	}
	var view struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(r.View, &view); err != nil {
		return fmt.Errorf("read the App Home: %w", err)
	}
	text, buttons := render.Blocks(view.Blocks)
	s.print("App Home of Long Game:", text)
	s.remember(buttons, "", "", r.ViewID)
	return nil
}

// mention posts "@longgame TEXT" in the current channel.
func (s *session) mention(ctx context.Context, text string) error {
	seq := s.lastSeq()
	ev, err := s.fake.NewAppMention(s.channelID(), s.userID(), "<@"+localBotUser+"> "+text, "")
	if err != nil {
		return err
	}
	if _, err := s.fake.Event(ctx, ev); err != nil {
		return err
	}
	_, err = s.waitFor(ctx, seq, func(r slackfake.Reply) bool {
		return r.Kind == slackfake.KindPostMessage || r.Kind == slackfake.KindPostEphemeral
	})
	return err
}

// advance moves the emulated clock on and lets the reminders and the weekly
// nudge that fell due in between go out.
func (s *session) advance(ctx context.Context, arg string) error {
	days, err := command.ParseDays(arg)
	if err != nil {
		return errors.New("say how far, in days or weeks, e.g. /time +30d or /time 2w")
	}
	from, to := s.clock.advance(time.Duration(days) * 24 * time.Hour)
	fmt.Fprintf(s.out, "  (the emulated clock moves from %s to %s)\n", from.UTC().Format("Mon 2 Jan 2006 15:04 MST"), to.UTC().Format("Mon 2 Jan 2006 15:04 MST"))
	seq := s.lastSeq()
	if err := s.svc.catchUp(ctx, from, to); err != nil {
		return err
	}
	s.waitPrinted(max(seq, s.lastSeq()))
	return nil
}
