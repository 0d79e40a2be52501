// Package slash answers Long Game's slash commands — /deal, /champion,
// /risk and /checkin — and the /champion ask form: it parses a command,
// checks it, records it and says what happened. Who may ask was checked
// before; where the answer goes (the channel, or its user alone) is the
// caller's business.
package slash

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// Config holds the commands' settings as plain values.
type Config struct {
	Currency       string           // default currency of amounts
	Budget         int              // default champion capital per deal
	Location       *time.Location   // time zone of a user Slack gives none for
	CheckinOffsets []int            // post-close check-ins, days after the close
	LostFollowup   int              // keep-in-touch after a loss, in days; 0 = none
	Workdays       storage.Workdays // days a reminder may land on, in its owner's zone
	KeepInTouch    time.Duration    // a champion with no contact for this long is due a touch
	Now            func() time.Time
	Logger         *slog.Logger
}

// Slack is the part of the Web API the commands call: the ask form.
// *slack.Client implements it.
type Slack interface {
	OpenViewContext(ctx context.Context, triggerID string, view slack.ModalViewRequest) (*slack.ViewResponse, error)
}

// People says who users are: their names, whether they are members, and
// which channels they are in. *access.Checker implements it.
type People interface {
	Person(ctx context.Context, userID string) (access.Person, error)
	Standing(ctx context.Context, userID, claimedTeam string) (access.Standing, error)
	ChannelsOf(ctx context.Context, userID string) (map[string]bool, error)
	Members(ctx context.Context, channelID string) ([]string, error)
}

// Zones tells a user's time zone, and their working week.
type Zones interface {
	Of(ctx context.Context, teamID, userID string) *time.Location
	Week(ctx context.Context, teamID, userID string) storage.Week
}

// Store is everything the commands record and read: the union of what each
// command group declares. A storage implementation provides it.
type Store interface {
	dealStore
	championStore
	riskStore
	checkinStore
}

// base is what every command group shares.
type base struct {
	cfg   Config
	deals interface {
		DealByChannel(ctx context.Context, teamID, channelID string) (storage.Deal, error)
	}
	zones  Zones
	people People
	log    *slog.Logger
}

// Commands answers the slash commands.
type Commands struct {
	deal     *dealCommands
	champion *championCommands
	risk     *riskCommands
	checkin  *checkinCommands
	table    map[string]map[string]handler
	cfg      Config
}

// New returns the commands, recording in store.
func New(store Store, api Slack, people People, zones Zones, cfg Config) *Commands {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	b := base{cfg: cfg, deals: store, zones: zones, people: people, log: cfg.Logger}
	c := &Commands{
		deal:     &dealCommands{base: b, store: store},
		champion: &championCommands{base: b, store: store, slack: api},
		risk:     &riskCommands{base: b, store: store},
		checkin:  &checkinCommands{base: b, store: store},
		cfg:      cfg,
	}
	c.table = c.handlers()
	return c
}

// request is one slash command on its way through a handler.
type request struct {
	cmd   slack.SlashCommand
	actor storage.Actor
	sub   string // the subcommand, lowercased; "" for a bare command
	rest  string // the text after the subcommand
	now   time.Time
	zones Zones
	loc   *time.Location // the caller's zone, once asked
	owner string         // the owner of the deal acted on, once known
}

// zone is the caller's time zone: every date a user types or reads is
// their own, as in the reminders and the nudge they get. It is asked only
// by the commands that read or write a date, and once.
func (r *request) zone(ctx context.Context) *time.Location {
	if r.loc == nil {
		r.loc = r.zones.Of(ctx, r.actor.TeamID, r.actor.UserID)
	}
	return r.loc
}

// today is the caller's calendar date, the base of relative dates.
func (r *request) today(ctx context.Context) time.Time {
	return storage.Today(r.now, r.zone(ctx))
}

type handler func(ctx context.Context, req *request) (views.Reply, error)

// handlers maps each slash command's subcommands to their handlers; "" is
// the bare command.
func (c *Commands) handlers() map[string]map[string]handler {
	d, ch, r, k := c.deal, c.champion, c.risk, c.checkin
	return map[string]map[string]handler{
		"/deal": {
			"": d.status, "status": d.status, "open": d.open, "set": d.set,
			"close": d.close, "reopen": d.reopen, "list": d.list,
		},
		"/champion": {
			"": ch.status, "status": ch.status, "set": ch.set,
			"ask": ch.ask, "done": ch.askDone, "declined": ch.askDeclined,
			"give": ch.give, "ledger": ch.ledgerCmd, "budget": ch.budget,
			"history": ch.history, "edit": ch.edit, "delete": ch.delete,
			"moved": ch.moved, "touch": ch.touch, "people": ch.peopleList,
		},
		"/risk": {
			"": r.summary, "summary": r.summary, "flag": r.flag, "list": r.list,
			"resolve": r.resolve, "reopen": r.reopen, "disclose": r.disclose,
			"edit": r.edit, "delete": r.delete,
		},
		"/checkin": {
			"": k.list, "list": k.list, "done": k.done, "snooze": k.snooze,
			"add": k.add,
		},
	}
}

// Answer is a command's answer, and the owner of the deal it acted on ("" when
// none): a recorded change shows in their App Home.
type Answer struct {
	Reply views.Reply
	Owner string
}

// Run answers one slash command of a member. Its error is about the input
// (see Explain) or a failure.
func (c *Commands) Run(ctx context.Context, cmd slack.SlashCommand) (Answer, error) {
	subs, ok := c.table[cmd.Command]
	if !ok {
		return Answer{}, inputError(fmt.Sprintf("Long Game does not know the command %s.", cmd.Command), "/deal help")
	}
	sub, rest := command.Split(cmd.Text)
	if sub == "help" {
		return Answer{Reply: usageReply(cmd.Command, "")}, nil
	}
	h, ok := subs[sub]
	if !ok {
		return Answer{}, notUnderstood(cmd.Command, sub)
	}
	req := &request{
		cmd:   cmd,
		actor: storage.Actor{TeamID: cmd.TeamID, UserID: cmd.UserID},
		sub:   sub,
		rest:  rest,
		now:   c.cfg.Now(),
		zones: c.deal.zones,
	}
	r, err := h(ctx, req)
	return Answer{Reply: r, Owner: req.owner}, err
}

// Knows reports whether name is one of the slash commands (/deal, …).
func (c *Commands) Knows(name string) bool {
	_, ok := c.table[name]
	return ok
}

// Summary is a deal's risk summary, for a mention of the app.
func (c *Commands) Summary(ctx context.Context, d storage.Deal) (views.Reply, error) {
	return c.risk.summaryOf(ctx, d)
}

// usage lists each command's forms, as `help` shows them.
var usage = map[string][]string{
	"/deal": {
		"`/deal open <name> [value:<amount>] [close:<date>] [owner:@user]` — make this channel the deal's channel",
		"`/deal` or `/deal status` — the deal card",
		"`/deal set [name:…] [value:…] [close:…] [owner:@user] [favored:<product>|none]` — change fields; favored: the product generally favored inside the customer (+2 on every new ask)",
		"`/deal close won [<date>]` — close as won and schedule the post-sale check-ins",
		"`/deal close lost [<date>] [reason]` — close as lost, keep the reason",
		"`/deal reopen` — back to open; the close's pending reminders are cancelled",
		"`/deal list [open|won|lost|all] [mine]` — the workspace's deals",
	},
	"/champion": {
		"`/champion set <name> [title:<title>] [company:<company>] [@user]` — name this deal's champion (company: the deal's name unless you say)",
		"`/champion ask <what> [cost:<1-5|low|medium|high>]` — record a favor asked of the champion (no text opens a form)",
		"`/champion done <n>` / `/champion declined <n>` — the champion did ask #n, or declined it",
		"`/champion edit <n> [<what>] [cost:…] [status:…]` / `/champion delete <n>` — fix or withdraw ask #n",
		"`/champion edit give <n> [<what>] [value:…]` / `/champion delete give <n>` — fix or withdraw give #n",
		"`/champion give <what> [value:<1-5|low|medium|high>]` — record something done for the champion",
		"`/champion` or `/champion status` — the champion, capital left, the last asks and gives",
		"`/champion ledger` — every ask and give, with running capital",
		"`/champion budget <n>` — this deal's capital budget",
		"`/champion history <name|@user> [company:<company>]` — every deal with that champion",
		"`/champion moved <company> [title:<title>] [<date>]` — this deal's champion changed jobs; anywhere: `/champion moved <name|@user> to <company> …`",
		"`/champion touch [note]` — you talked to this deal's champion",
		"`/champion people [mine]` — every champion you can see: company, title, deals, goodwill, last contact",
	},
	"/risk": {
		"`/risk flag <what> [severity:low|medium|high|critical] [area:<area>] [test[:<scenario>]]` — record a risk",
		"`/risk list [all]` — open risks (or all)",
		"`/risk resolve <n> [note]` / `/risk reopen <n>` — close or reopen risk #n",
		"`/risk disclose <n> [note]` — risk #n was shared openly with the champion or customer",
		"`/risk edit <n> [<what>] [severity:…] [area:…] [test[:…]]` / `/risk delete <n>` — fix or withdraw risk #n",
		"`/risk` or `/risk summary` — the deal's risk summary",
	},
	"/checkin": {
		"`/checkin` or `/checkin list` — this deal's check-ins, or yours everywhere",
		"`/checkin done [#n] [note]` — check-in #n is done; without a number, the earliest one due",
		"`/checkin snooze [<duration>]` — move it (default 7d)",
		"`/checkin add <date|+dur> <note>` — add a check-in of your own",
	},
}

// usageReply shows a command's forms; unknown names what was not understood.
func usageReply(cmd, unknown string) views.Reply {
	var intro string
	if unknown != "" {
		intro = fmt.Sprintf(":warning: `%s %s` is not a %s command. ", cmd, blockkit.Escape(blockkit.Clip(unknown, 40)), cmd)
	}
	text := intro + "*" + cmd + "* — what it can do:\n" + strings.Join(usage[cmd], "\n")
	return views.Plain(text)
}

// dealFor is the deal of the request's channel, or an answer saying how to
// open one.
func (b base) dealFor(ctx context.Context, req *request) (storage.Deal, error) {
	d, err := b.deals.DealByChannel(ctx, req.actor.TeamID, req.cmd.ChannelID)
	if errors.Is(err, storage.ErrNotFound) {
		return d, inputError("This channel has no deal yet. Open one here first, then try again.",
			"/deal open Acme renewal value:120k close:2026-12-15")
	}
	if err != nil {
		return d, fmt.Errorf("deal of channel: %w", err)
	}
	req.owner = d.OwnerID
	return d, nil
}

// sortedKeys is for messages that list accepted words.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
