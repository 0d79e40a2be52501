package main

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/longgame/longgame/bot"
	"github.com/longgame/longgame/bot/slackfake"
)

// The emulated workspace of `longgame local`. Ids derive from names, so a
// channel keeps its deal across runs on the same database file.
const (
	localTeam     = "T0LOCAL"
	localBotUser  = "U0LONGGAME"
	localBotToken = "xoxb-local-emulator"
	localAppToken = "xapp-local-emulator"
)

// emuClock is the emulated clock: real time plus what /time added.
type emuClock struct {
	real   func() time.Time
	mu     sync.Mutex
	offset time.Duration
}

func (c *emuClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.real().Add(c.offset)
}

// advance moves the clock on and returns the times before and after.
func (c *emuClock) advance(d time.Duration) (from, to time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	from = c.real().Add(c.offset)
	c.offset += d
	return from, from.Add(d)
}

func runLocal(ctx context.Context, inv invocation) int {
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame: %v\n", err)
		return exitUsage
	}
	if len(inv.args) > 0 {
		fmt.Fprintln(inv.stderr, "usage: longgame local   (no arguments; LONGGAME_DB chooses the database file)")
		return exitUsage
	}
	clock := &emuClock{real: inv.now}
	if clock.real == nil {
		clock.real = time.Now
	}
	fake := slackfake.New(slackfake.Options{
		BotToken: localBotToken, AppToken: localAppToken, TeamID: localTeam, TeamName: "Local workspace",
		TeamDomain: "local", BotUserID: localBotUser, BotName: "longgame", Now: clock.Now,
		Scopes: append(slackfake.DefaultScopes, "chat:write.public"),
	})
	if err := fake.Start(); err != nil {
		fmt.Fprintf(inv.stderr, "longgame: start the Slack emulator: %v\n", err)
		return exitError
	}
	defer fake.Close()
	cfg.BotToken, cfg.AppToken, cfg.APIURL = localBotToken, localAppToken, apiURL(fake.APIURL())

	level := slog.LevelWarn
	if _, set := os.LookupEnv("LONGGAME_LOG_LEVEL"); set {
		level = slog.Level(cfg.LogLevel)
	}
	log := slog.New(slog.NewTextHandler(inv.stderr, &slog.HandlerOptions{Level: level}))

	appCtx, stopApp := context.WithCancel(context.WithoutCancel(ctx))
	defer stopApp()
	ready := make(chan *services, 1)
	done := make(chan error, 1)
	go func() { done <- serve(appCtx, cfg, log, clock.Now, func(s *services) { ready <- s }) }()
	var svc *services
	select {
	case svc = <-ready:
	case err := <-done:
		fmt.Fprintf(inv.stderr, "longgame: %v\n", err)
		return exitError
	}

	s := newSession(fake, svc, clock, inv.stdout, isTerminal(inv.stdin))
	s.banner(dbName(cfg.DB))
	s.loop(ctx, inv.stdin)

	stopApp()
	if err := <-done; err != nil {
		fmt.Fprintf(inv.stderr, "longgame: %v\n", err)
		return exitError
	}
	return exitOK
}

// isTerminal reports whether r is an interactive terminal: then the prompt
// is shown before input; otherwise each input line is echoed after it, so a
// piped transcript reads like a session.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// localID derives a stable Slack-like id from a name.
func localID(prefix, name string) string {
	sum := sha1.Sum([]byte(strings.ToLower(name)))
	return prefix + strings.ToUpper(hex.EncodeToString(sum[:])[:10])
}

// session is the terminal user: who they are, where they are, and what they
// were last shown.
type session struct {
	fake        *slackfake.Server
	svc         *services
	clock       *emuClock
	out         io.Writer
	interactive bool

	mu       sync.Mutex
	user     string            // name
	channel  string            // name
	users    map[string]string // id → name
	channels map[string]string // id → name
	printed  int               // the last reply shown
	printedC *sync.Cond
	buttons  []shownButton // of the last message or Home shown
	lines    <-chan string
}

func newSession(fake *slackfake.Server, svc *services, clock *emuClock, out io.Writer, interactive bool) *session {
	s := &session{fake: fake, svc: svc, clock: clock, out: out, interactive: interactive,
		users: map[string]string{localBotUser: "longgame"}, channels: map[string]string{}}
	s.printedC = sync.NewCond(&s.mu)
	s.switchUser("you")
	s.switchChannel("deal-demo")
	return s
}

func (s *session) banner(db string) {
	if abs, err := filepath.Abs(db); err == nil {
		db = abs
	}
	fmt.Fprintf(s.out, "Long Game, local: the real bot against a Slack emulator on 127.0.0.1 — no Slack account needed.\n")
	fmt.Fprintf(s.out, "Data goes to %s (set LONGGAME_DB to use another file).\n", db)
	fmt.Fprintf(s.out, "Type slash commands as in Slack, e.g. /deal open Acme value:120k — :help lists the rest, :quit leaves.\n\n")
}

const localHelp = `In Slack you would type slash commands; here too:
  /deal open Acme value:120k    /champion set Jane Doe    /champion ask an intro cost:high
  /risk flag SSO untested severity:high test    /risk    /deal close won    /checkin
  /champion ask                 opens the form: you are asked each field in turn
And the emulator's own commands:
  :channel NAME    switch to (or create) channel #NAME
  :user NAME       act as user NAME
  :shared on|off   mark this channel as shared with a customer (Slack Connect)
  :guest NAME      invite guest NAME into this channel (then :user NAME to act as them)
  :click N         press button N of the last message or Home shown
  :home            show your App Home
  :mention TEXT    mention the bot in this channel, e.g. :mention risk summary
  /time +30d       move the emulated clock on (also :time); due reminders and the weekly nudge fire
  :help            this help
  :quit            leave (so does end of input)`

func (s *session) prompt() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("%s@#%s> ", s.user, s.channel)
}

func (s *session) userID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return localID("U", s.user)
}

func (s *session) channelID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return localID("C", s.channel)
}

func (s *session) switchUser(name string) {
	id := localID("U", name)
	s.mu.Lock()
	_, known := s.users[id]
	s.mu.Unlock()
	if !known { // a new member; a guest invited with :guest stays one
		s.fake.AddUser(slackfake.User{ID: id, TeamID: localTeam, Name: name, RealName: name, TZ: "UTC"})
	}
	s.mu.Lock()
	s.user, s.users[id] = name, name
	s.mu.Unlock()
}

func (s *session) switchChannel(name string) {
	id := s.ensureChannel(name)
	s.mu.Lock()
	s.channel, s.channels[id] = name, name
	s.mu.Unlock()
}

// ensureChannel makes channel #name, with the bot and the current user in
// it, if it is new, and returns its id.
func (s *session) ensureChannel(name string) string {
	id := localID("C", name)
	if _, ok := s.fake.Channel(id); !ok {
		s.fake.AddChannel(slackfake.Channel{ID: id, Name: name, IsMember: true, Members: []string{s.userID()}})
	}
	return id
}

// loop reads lines until end of input, :quit or ctx ends.
func (s *session) loop(ctx context.Context, in io.Reader) {
	lines := make(chan string)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-done: // :quit with input left unread
				return
			}
		}
	}()
	s.lines = lines
	go s.printReplies(ctx)
	for {
		if s.interactive {
			fmt.Fprint(s.out, s.prompt())
		}
		line, ok := s.next(ctx)
		if !ok {
			return
		}
		if !s.interactive {
			fmt.Fprintf(s.out, "%s%s\n", s.prompt(), line)
		}
		if quit := s.do(ctx, strings.TrimSpace(line)); quit {
			return
		}
	}
}

// next reads one line of input.
func (s *session) next(ctx context.Context) (string, bool) {
	select {
	case <-ctx.Done():
		return "", false
	case line, ok := <-s.lines:
		return line, ok
	}
}

func (s *session) do(ctx context.Context, line string) (quit bool) {
	cmd, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	var err error
	switch strings.ToLower(cmd) {
	case "":
	case ":quit", ":exit", ":q":
		return true
	case ":help", "help", "?":
		fmt.Fprintln(s.out, localHelp)
	case ":user":
		err = s.needArg(arg, ":user ana", func() { s.switchUser(arg) })
	case ":channel":
		err = s.needArg(arg, ":channel deal-globex", func() { s.switchChannel(strings.TrimPrefix(arg, "#")) })
	case ":shared":
		err = s.setShared(ctx, arg)
	case ":guest":
		err = s.needArgErr(arg, ":guest gus", func() error { return s.inviteGuest(ctx, arg) })
	case ":click":
		err = s.click(ctx, arg)
	case ":home":
		err = s.home(ctx)
	case ":mention":
		err = s.mention(ctx, arg)
	case ":time", "/time":
		err = s.advance(ctx, arg)
	default:
		switch {
		case strings.HasPrefix(cmd, "/"):
			err = s.slash(ctx, cmd, arg)
		case strings.HasPrefix(cmd, ":"):
			err = fmt.Errorf("%s is not one of the emulator's commands: :help lists them", cmd)
		default:
			err = errors.New("that is not a command: start with / for Slack's slash commands, or : for the emulator's (:help)")
		}
	}
	if err != nil {
		fmt.Fprintf(s.out, "  ! %v\n", err)
	}
	return false
}

func (s *session) needArgErr(arg, example string, f func() error) error {
	if arg == "" {
		return fmt.Errorf("say which, e.g. %s", example)
	}
	return f()
}

func (s *session) needArg(arg, example string, f func()) error {
	if arg == "" {
		return fmt.Errorf("say which, e.g. %s", example)
	}
	f()
	return nil
}

func (s *session) setShared(ctx context.Context, arg string) error {
	var ev slackfake.Event
	var err error
	state := "no longer shared"
	switch strings.ToLower(arg) {
	case "on", "yes", "true":
		// Slack tells the app, as it would: the bot posts nothing more
		// there and hides what it posted before.
		ev, err = s.fake.NewChannelShared(s.channelID(), localCustomerTeam)
		state = "now shared with a customer's organisation (Slack Connect)"
	case "off", "no", "false":
		ev, err = s.fake.NewChannelUnshared(s.channelID(), localCustomerTeam)
	default:
		return errors.New("use :shared on or :shared off")
	}
	if err != nil {
		return err
	}
	if _, err := s.fake.Event(ctx, ev); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "  #%s is %s.\n", s.channel, state)
	s.waitHidden(ctx)
	return nil
}

// waitHidden waits, a few seconds at most, until the bot has hidden every
// record it posted in this channel (after a share), and until those edits
// are shown: the next prompt then reads in order.
func (s *session) waitHidden(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, followUpWait)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !s.allHidden() {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
	s.waitPrinted(s.fake.Seq())
}

// allHidden reports whether the bot's messages in this channel all say
// bot.HiddenText.
func (s *session) allHidden() bool {
	for _, m := range s.fake.Messages(s.channelID()) {
		if m.BotID != "" && m.Text != bot.HiddenText {
			return false
		}
	}
	return true
}

// localCustomerTeam is the customer's organisation of :shared on.
const localCustomerTeam = "T0CUSTOMER"

// inviteGuest adds a guest of the workspace to this channel, as an admin
// inviting the customer "as a guest" would: Slack tells the app, which
// then treats the channel as shared.
func (s *session) inviteGuest(ctx context.Context, name string) error {
	id := localID("U", name)
	s.fake.AddUser(slackfake.User{ID: id, TeamID: localTeam, Name: name, RealName: name, TZ: "UTC", IsRestricted: true})
	ev, err := s.fake.NewMemberJoinedChannel(s.channelID(), id, s.userID())
	if err != nil {
		return err
	}
	if _, err := s.fake.Event(ctx, ev); err != nil {
		return err
	}
	s.mu.Lock()
	s.users[id] = name
	s.mu.Unlock()
	fmt.Fprintf(s.out, "  %s, a guest, joined #%s.\n", name, s.channel)
	s.waitHidden(ctx)
	return nil
}
