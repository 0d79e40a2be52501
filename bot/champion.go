package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/storage"
)

var championSetSpec = command.Spec{Options: []string{"title"}}

// defaultLevel is "medium": the cost of an ask or value of a give when the
// user does not say.
const defaultLevel = 3

func (b *Bot) championSet(ctx context.Context, req *request) (reply, error) {
	args, err := command.Parse(req.rest, championSetSpec)
	if err != nil {
		return reply{}, err
	}
	in := storage.ChampionInput{Name: args.TextWithoutMentions(), Title: args.Options["title"]}
	if len(args.Mentions) > 1 {
		return reply{}, inputError("A deal has one champion: mention at most one person.", "/champion set Jane Doe title:\"VP of IT\" @jane")
	}
	if len(args.Mentions) == 1 {
		in.UserID = args.Mentions[0].ID
		if in.Name == "" {
			in.Name = b.userName(ctx, args.Mentions[0])
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		return reply{}, inputError("Name the champion.", "/champion set Jane Doe title:\"VP of IT\"")
	}
	if err := checkLength("name", in.Name, command.MaxName, "/champion set Jane Doe"); err != nil {
		return reply{}, err
	}
	if err := checkLength("title", in.Title, command.MaxName, `/champion set Jane Doe title:"VP of IT"`); err != nil {
		return reply{}, err
	}
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return reply{}, err
	}
	ch, err := b.store.SetChampion(ctx, req.actor, d.ID, in)
	if err != nil {
		return reply{}, fmt.Errorf("set champion: %w", err)
	}
	capital, err := b.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return reply{}, err
	}
	return championSetReply(d, ch, capital, req.actor.UserID), nil
}

// userName is how to call a mentioned user: the mention's label, else the
// real name from users.info, else the id.
func (b *Bot) userName(ctx context.Context, u command.UserRef) string {
	if u.Name != "" {
		return u.Name
	}
	info, err := b.api.GetUserInfoContext(ctx, u.ID)
	if err != nil {
		b.log.Warn("users.info failed", "user", u.ID, "err", err)
		return u.ID
	}
	if info.RealName != "" {
		return info.RealName
	}
	return info.Name
}

func (b *Bot) championAsk(ctx context.Context, req *request) (reply, error) {
	if strings.TrimSpace(req.rest) == "" {
		return b.openAskModal(ctx, req)
	}
	what, cost, d, err := b.favor(ctx, req, "cost", "/champion ask an intro to the CFO cost:high")
	if err != nil {
		return reply{}, err
	}
	return b.recordAsk(ctx, req.actor, d, what, cost)
}

// favor reads an ask or a give: what it is, and its level from the option
// key (cost or value; medium when absent), for the deal of the channel.
func (b *Bot) favor(ctx context.Context, req *request, key, example string) (string, int, storage.Deal, error) {
	args, err := command.Parse(req.rest, command.Spec{Options: []string{key}})
	if err != nil {
		return "", 0, storage.Deal{}, err
	}
	n, err := level(key, args.Options, example)
	if err != nil {
		return "", 0, storage.Deal{}, err
	}
	if err := checkWhat(args.Text, example); err != nil {
		return "", 0, storage.Deal{}, err
	}
	d, err := b.dealFor(ctx, req)
	return args.Text, n, d, err
}

// recordAsk is shared by the command and the modal.
func (b *Bot) recordAsk(ctx context.Context, actor storage.Actor, d storage.Deal, what string, cost int) (reply, error) {
	ask, err := b.store.AddAsk(ctx, actor, d.ID, what, cost)
	if err != nil {
		return reply{}, fmt.Errorf("add ask: %w", err)
	}
	capital, err := b.capital(ctx, actor.TeamID, d)
	if err != nil {
		return reply{}, err
	}
	return askRecordedReply(ask, capital, actor.UserID), nil
}

func checkWhat(what, example string) error {
	if strings.TrimSpace(what) == "" {
		return inputError("Say what it is.", example)
	}
	return checkLength("text", what, command.MaxText, example)
}

// checkLength enforces a length limit on text that may be empty, with an
// example of a sensible length.
func checkLength(part, s string, limit int, example string) error {
	if s == "" {
		return nil
	}
	err := command.CheckText(part, s, limit)
	var pe *command.Error
	if errors.As(err, &pe) && pe.Example == "" {
		pe.Example = example
	}
	return err
}

// level reads a cost or value option; absent means medium.
func level(key string, opts map[string]string, example string) (int, error) {
	v, ok := opts[key]
	if !ok {
		return defaultLevel, nil
	}
	n, err := command.ParseLevel(v)
	if err != nil {
		return 0, inputError(fmt.Sprintf("%s:%s is not a level: use 1 to 5, low, medium or high.", key, blockkit.Clip(v, 40)), example)
	}
	return n, nil
}

func (b *Bot) championAskDone(ctx context.Context, req *request) (reply, error) {
	return b.setAskStatus(ctx, req, storage.AskDone)
}

func (b *Bot) championAskDeclined(ctx context.Context, req *request) (reply, error) {
	return b.setAskStatus(ctx, req, storage.AskDeclined)
}

func (b *Bot) setAskStatus(ctx context.Context, req *request, status storage.AskStatus) (reply, error) {
	example := "/champion " + req.sub + " 2"
	n, err := command.ParseNumber(strings.TrimSpace(req.rest))
	if err != nil {
		return reply{}, inputError("Give the number of the ask, as `/champion ledger` lists them.", example)
	}
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return reply{}, err
	}
	ask, err := b.store.SetAskStatus(ctx, req.actor, d.ID, n, status)
	if errors.Is(err, storage.ErrNotFound) {
		return reply{}, inputError(fmt.Sprintf("This deal has no ask #%d; `/champion ledger` lists them.", n), example)
	}
	if err != nil {
		return reply{}, fmt.Errorf("set ask status: %w", err)
	}
	capital, err := b.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return reply{}, err
	}
	return askStatusReply(ask, capital, req.actor.UserID), nil
}

func (b *Bot) championGive(ctx context.Context, req *request) (reply, error) {
	what, value, d, err := b.favor(ctx, req, "value", "/champion give a training plan for their admins value:medium")
	if err != nil {
		return reply{}, err
	}
	give, err := b.store.AddGive(ctx, req.actor, d.ID, what, value)
	if err != nil {
		return reply{}, fmt.Errorf("add give: %w", err)
	}
	capital, err := b.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return reply{}, err
	}
	return giveRecordedReply(give, capital, req.actor.UserID), nil
}

func (b *Bot) championBudget(ctx context.Context, req *request) (reply, error) {
	n, err := strconv.Atoi(strings.TrimSpace(req.rest))
	if err != nil || n < 1 || n > 100 {
		return reply{}, inputError("The budget is a whole number of capital points from 1 to 100.", "/champion budget 12")
	}
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return reply{}, err
	}
	d, err = b.store.SetBudget(ctx, req.actor, d.ID, n)
	if err != nil {
		return reply{}, fmt.Errorf("set budget: %w", err)
	}
	capital, err := b.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return reply{}, err
	}
	return budgetReply(capital, req.actor.UserID), nil
}

func (b *Bot) championStatus(ctx context.Context, req *request) (reply, error) {
	if req.rest != "" {
		return usageReply("/champion", req.sub+" "+req.rest), nil
	}
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return reply{}, err
	}
	entries, ch, err := b.ledger(ctx, req.actor.TeamID, d)
	if err != nil {
		return reply{}, err
	}
	return championStatusReply(d, ch, entries), nil
}

func (b *Bot) championLedger(ctx context.Context, req *request) (reply, error) {
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return reply{}, err
	}
	entries, ch, err := b.ledger(ctx, req.actor.TeamID, d)
	if err != nil {
		return reply{}, err
	}
	return ledgerReply(d, ch, entries), nil
}

func (b *Bot) ledger(ctx context.Context, teamID string, d storage.Deal) ([]storage.LedgerEntry, *storage.Champion, error) {
	entries, err := b.store.Ledger(ctx, teamID, d.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger: %w", err)
	}
	if d.ChampionID == 0 {
		return entries, nil, nil
	}
	ch, err := b.store.ChampionByID(ctx, teamID, d.ChampionID)
	if err != nil {
		return nil, nil, fmt.Errorf("champion of deal: %w", err)
	}
	return entries, &ch, nil
}

func (b *Bot) championHistory(ctx context.Context, req *request) (reply, error) {
	args, err := command.Parse(req.rest, command.Spec{})
	if err != nil {
		return reply{}, err
	}
	var userID string
	if len(args.Mentions) > 0 {
		userID = args.Mentions[0].ID
	}
	name := args.TextWithoutMentions()
	if name == "" && userID == "" {
		return reply{}, inputError("Name the champion, or mention them.", "/champion history Jane Doe")
	}
	notFound := inputError(fmt.Sprintf("No deal you can see has a champion called %s.", blockkit.Escape(blockkit.Clip(args.Text, 60))),
		"/champion history Jane Doe")
	ch, err := b.store.FindChampion(ctx, req.actor.TeamID, name, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return reply{}, notFound
	}
	if err != nil {
		return reply{}, fmt.Errorf("find champion: %w", err)
	}
	deals, err := b.store.ChampionHistory(ctx, req.actor.TeamID, ch.ID, b.viewer(ctx, req.actor.UserID), historyLimit)
	if err != nil {
		return reply{}, fmt.Errorf("champion history: %w", err)
	}
	if deals.Total == 0 && deals.Hidden == 0 {
		return reply{}, notFound // the champion's deals are none of the caller's: do not say they exist
	}
	return historyReply(ch, deals, req.loc), nil
}

// historyLimit is how many deals /champion history reads.
const historyLimit = 60

func (b *Bot) capital(ctx context.Context, teamID string, d storage.Deal) (storage.Capital, error) {
	ov, err := b.store.DealOverview(ctx, teamID, d.ID)
	if err != nil {
		return storage.Capital{}, fmt.Errorf("capital: %w", err)
	}
	return ov.Capital, nil
}
