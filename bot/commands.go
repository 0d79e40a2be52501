package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/storage"
)

// request is one slash command on its way through a handler.
type request struct {
	cmd   slack.SlashCommand
	actor storage.Actor
	sub   string // the subcommand, lowercased; "" for a bare command
	rest  string // the text after the subcommand
	now   time.Time
	loc   *time.Location
	owner string // the owner of the deal acted on, once known
}

// today is the caller's calendar date, the base of relative dates.
func (r *request) today() time.Time {
	y, m, d := r.now.In(r.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

type commandHandler func(ctx context.Context, req *request) (reply, error)

// commandTable maps each slash command's subcommands to their handlers; ""
// is the bare command.
func (b *Bot) commandTable() map[string]map[string]commandHandler {
	return map[string]map[string]commandHandler{
		"/deal": {
			"": b.dealStatus, "status": b.dealStatus, "open": b.dealOpen, "set": b.dealSet,
			"close": b.dealClose, "reopen": b.dealReopen, "list": b.dealList,
		},
		"/champion": {
			"": b.championStatus, "status": b.championStatus, "set": b.championSet,
			"ask": b.championAsk, "done": b.championAskDone, "declined": b.championAskDeclined,
			"give": b.championGive, "ledger": b.championLedger, "budget": b.championBudget,
			"history": b.championHistory,
		},
		"/risk": {
			"": b.riskSummary, "summary": b.riskSummary, "flag": b.riskFlag, "list": b.riskList,
			"resolve": b.riskResolve, "reopen": b.riskReopen, "disclose": b.riskDisclose,
		},
		"/checkin": {
			"": b.checkinList, "list": b.checkinList, "done": b.checkinDone, "snooze": b.checkinSnooze,
			"add": b.checkinAdd,
		},
	}
}

func (b *Bot) dispatchCommand(ctx context.Context, cmd slack.SlashCommand) (reply, error) {
	subs, ok := b.commands[cmd.Command]
	if !ok {
		return reply{}, inputError(fmt.Sprintf("Long Game does not know the command %s.", cmd.Command), "/deal help")
	}
	sub, rest := command.Split(cmd.Text)
	if sub == "help" {
		return usageReply(cmd.Command, ""), nil
	}
	h, ok := subs[sub]
	if !ok {
		return usageReply(cmd.Command, sub), nil
	}
	req := &request{
		cmd:   cmd,
		actor: storage.Actor{TeamID: cmd.TeamID, UserID: cmd.UserID},
		sub:   sub,
		rest:  rest,
		now:   b.cfg.Now(),
		loc:   b.cfg.Location,
	}
	r, err := h(ctx, req)
	if err == nil && r.inChannel {
		// A recorded change shows in the App Home of who made it and of the
		// deal's owner.
		b.refreshHomes(ctx, req.actor.TeamID, req.actor.UserID, req.owner)
	}
	return r, err
}

// usage lists each command's forms, as SPEC.md's tables give them.
var usage = map[string][]string{
	"/deal": {
		"`/deal open <name> [value:<amount>] [close:<date>] [owner:@user]` — make this channel the deal's channel",
		"`/deal` or `/deal status` — the deal card",
		"`/deal set [name:…] [value:…] [close:…] [owner:@user]` — change fields",
		"`/deal close won [<date>]` — close as won and schedule the post-sale check-ins",
		"`/deal close lost [<date>] [reason]` — close as lost, keep the reason",
		"`/deal reopen` — back to open; the close's pending reminders are cancelled",
		"`/deal list [open|won|lost|all] [mine]` — the workspace's deals",
	},
	"/champion": {
		"`/champion set <name> [title:<title>] [@user]` — name this deal's champion",
		"`/champion ask <what> [cost:<1-5|low|medium|high>]` — record a favor asked of the champion (no text opens a form)",
		"`/champion done <n>` / `/champion declined <n>` — the champion did ask #n, or declined it",
		"`/champion give <what> [value:<1-5|low|medium|high>]` — record something done for the champion",
		"`/champion` or `/champion status` — the champion, capital left, the last asks and gives",
		"`/champion ledger` — every ask and give, with running capital",
		"`/champion budget <n>` — this deal's capital budget",
		"`/champion history <name|@user>` — every deal with that champion",
	},
	"/risk": {
		"`/risk flag <what> [severity:low|medium|high|critical] [area:<area>] [test[:<scenario>]]` — record a risk",
		"`/risk list [all]` — open risks (or all)",
		"`/risk resolve <n> [note]` / `/risk reopen <n>` — close or reopen risk #n",
		"`/risk disclose <n> [note]` — risk #n was shared openly with the champion or customer",
		"`/risk` or `/risk summary` — the deal's risk summary",
	},
	"/checkin": {
		"`/checkin` or `/checkin list` — this deal's check-ins, or yours everywhere",
		"`/checkin done [note]` — the earliest due check-in is done",
		"`/checkin snooze [<duration>]` — move it (default 7d)",
		"`/checkin add <date|+dur> <note>` — add a check-in of your own",
	},
}

// usageReply shows a command's forms; unknown names what was not understood.
func usageReply(cmd, unknown string) reply {
	var intro string
	if unknown != "" {
		intro = fmt.Sprintf(":warning: `%s %s` is not a %s command. ", cmd, blockkit.Escape(blockkit.Clip(unknown, 40)), cmd)
	}
	text := intro + "*" + cmd + "* — what it can do:\n" + strings.Join(usage[cmd], "\n")
	return reply{text: text, blocks: []slack.Block{blockkit.Section(text)}}
}

// dealFor is the deal of the request's channel, or an answer saying how to
// open one.
func (b *Bot) dealFor(ctx context.Context, req *request) (storage.Deal, error) {
	d, err := b.store.DealByChannel(ctx, req.actor.TeamID, req.cmd.ChannelID)
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
