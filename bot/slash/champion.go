package slash

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// championStore is what /champion records and reads.
type championStore interface {
	DealByID(ctx context.Context, teamID string, id int64) (storage.Deal, error)
	DealOverview(ctx context.Context, teamID string, dealID int64) (storage.DealOverview, error)
	SetChampion(ctx context.Context, a storage.Actor, dealID int64, c storage.ChampionInput) (storage.Champion, error)
	FindChampion(ctx context.Context, teamID, name, userID string) (storage.Champion, error)
	ChampionByID(ctx context.Context, teamID string, id int64) (storage.Champion, error)
	ChampionHistory(ctx context.Context, teamID string, championID int64, v *storage.Viewer, limit int) (storage.Page[storage.ChampionDeal], error)
	AddAsk(ctx context.Context, a storage.Actor, dealID int64, what string, cost int) (storage.Ask, error)
	SetAskStatus(ctx context.Context, a storage.Actor, dealID int64, number int, s storage.AskStatus) (storage.Ask, error)
	AddGive(ctx context.Context, a storage.Actor, dealID int64, what string, value int) (storage.Give, error)
	SetBudget(ctx context.Context, a storage.Actor, dealID int64, budget int) (storage.Deal, error)
	Ledger(ctx context.Context, teamID string, dealID int64) ([]storage.LedgerEntry, error)
}

// championCommands answers /champion and its ask form.
type championCommands struct {
	base
	store championStore
	slack Slack
}

var championSetSpec = command.Spec{Options: []string{"title"}}

// defaultLevel is "medium": the cost of an ask or value of a give when the
// user does not say.
const defaultLevel = 3

func (c *championCommands) set(ctx context.Context, req *request) (views.Reply, error) {
	args, err := command.Parse(req.rest, championSetSpec)
	if err != nil {
		return views.Reply{}, err
	}
	in := storage.ChampionInput{Name: args.TextWithoutMentions(), Title: args.Options["title"]}
	if len(args.Mentions) > 1 {
		return views.Reply{}, inputError("A deal has one champion: Mention at most one person.", "/champion set Jane Doe title:\"VP of IT\" @jane")
	}
	if len(args.Mentions) == 1 {
		in.UserID = args.Mentions[0].ID
		if in.Name == "" {
			in.Name = c.userName(ctx, args.Mentions[0])
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		return views.Reply{}, inputError("Name the champion.", "/champion set Jane Doe title:\"VP of IT\"")
	}
	if err := checkLength("name", in.Name, command.MaxName, "/champion set Jane Doe"); err != nil {
		return views.Reply{}, err
	}
	if err := checkLength("title", in.Title, command.MaxName, `/champion set Jane Doe title:"VP of IT"`); err != nil {
		return views.Reply{}, err
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	ch, err := c.store.SetChampion(ctx, req.actor, d.ID, in)
	if err != nil {
		return views.Reply{}, fmt.Errorf("set champion: %w", err)
	}
	capital, err := c.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.ChampionSet(d, ch, capital, req.actor.UserID), nil
}

// userName is how to call a mentioned user: the mention's label, else the
// real name from users.info, else the id.
func (c *championCommands) userName(ctx context.Context, u command.UserRef) string {
	if u.Name != "" {
		return u.Name
	}
	p, err := c.people.Person(ctx, u.ID)
	if err != nil {
		c.log.Warn("users.info failed", "user", u.ID, "err", err)
		return u.ID
	}
	return p.Name
}

func (c *championCommands) ask(ctx context.Context, req *request) (views.Reply, error) {
	if strings.TrimSpace(req.rest) == "" {
		return c.openAskModal(ctx, req)
	}
	what, cost, d, err := c.favor(ctx, req, "cost", "/champion ask an intro to the CFO cost:high")
	if err != nil {
		return views.Reply{}, err
	}
	return c.recordAsk(ctx, req.actor, d, what, cost)
}

// favor reads an ask or a give: what it is, and its level from the option
// key (cost or value; medium when absent), for the deal of the channel.
func (c *championCommands) favor(ctx context.Context, req *request, key, example string) (string, int, storage.Deal, error) {
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
	d, err := c.dealFor(ctx, req)
	return args.Text, n, d, err
}

// recordAsk is shared by the command and the modal.
func (c *championCommands) recordAsk(ctx context.Context, actor storage.Actor, d storage.Deal, what string, cost int) (views.Reply, error) {
	ask, err := c.store.AddAsk(ctx, actor, d.ID, what, cost)
	if err != nil {
		return views.Reply{}, fmt.Errorf("add ask: %w", err)
	}
	capital, err := c.capital(ctx, actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.AskRecorded(ask, capital, actor.UserID), nil
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

func (c *championCommands) askDone(ctx context.Context, req *request) (views.Reply, error) {
	return c.setAskStatus(ctx, req, storage.AskDone)
}

func (c *championCommands) askDeclined(ctx context.Context, req *request) (views.Reply, error) {
	return c.setAskStatus(ctx, req, storage.AskDeclined)
}

func (c *championCommands) setAskStatus(ctx context.Context, req *request, status storage.AskStatus) (views.Reply, error) {
	example := "/champion " + req.sub + " 2"
	n, err := command.ParseNumber(strings.TrimSpace(req.rest))
	if err != nil {
		return views.Reply{}, inputError("Give the number of the ask, as `/champion ledger` lists them.", example)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	ask, err := c.store.SetAskStatus(ctx, req.actor, d.ID, n, status)
	if errors.Is(err, storage.ErrNotFound) {
		return views.Reply{}, inputError(fmt.Sprintf("This deal has no ask #%d; `/champion ledger` lists them.", n), example)
	}
	if err != nil {
		return views.Reply{}, fmt.Errorf("set ask status: %w", err)
	}
	capital, err := c.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.AskStatus(ask, capital, req.actor.UserID), nil
}

func (c *championCommands) give(ctx context.Context, req *request) (views.Reply, error) {
	what, value, d, err := c.favor(ctx, req, "value", "/champion give a training plan for their admins value:medium")
	if err != nil {
		return views.Reply{}, err
	}
	give, err := c.store.AddGive(ctx, req.actor, d.ID, what, value)
	if err != nil {
		return views.Reply{}, fmt.Errorf("add give: %w", err)
	}
	capital, err := c.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.GiveRecorded(give, capital, req.actor.UserID), nil
}

func (c *championCommands) budget(ctx context.Context, req *request) (views.Reply, error) {
	n, err := strconv.Atoi(strings.TrimSpace(req.rest))
	if err != nil || n < 1 || n > 100 {
		return views.Reply{}, inputError("The budget is a whole number of capital points from 1 to 100.", "/champion budget 12")
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	d, err = c.store.SetBudget(ctx, req.actor, d.ID, n)
	if err != nil {
		return views.Reply{}, fmt.Errorf("set budget: %w", err)
	}
	capital, err := c.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.Budget(capital, req.actor.UserID), nil
}

func (c *championCommands) status(ctx context.Context, req *request) (views.Reply, error) {
	if req.rest != "" {
		return views.Reply{}, notUnderstood("/champion", req.sub+" "+req.rest)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	entries, ch, err := c.ledger(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.ChampionStatus(d, ch, entries), nil
}

func (c *championCommands) ledgerCmd(ctx context.Context, req *request) (views.Reply, error) {
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	entries, ch, err := c.ledger(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.Ledger(d, ch, entries), nil
}

func (c *championCommands) ledger(ctx context.Context, teamID string, d storage.Deal) ([]storage.LedgerEntry, *storage.Champion, error) {
	entries, err := c.store.Ledger(ctx, teamID, d.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("ledger: %w", err)
	}
	if d.ChampionID == 0 {
		return entries, nil, nil
	}
	ch, err := c.store.ChampionByID(ctx, teamID, d.ChampionID)
	if err != nil {
		return nil, nil, fmt.Errorf("champion of deal: %w", err)
	}
	return entries, &ch, nil
}

func (c *championCommands) history(ctx context.Context, req *request) (views.Reply, error) {
	args, err := command.Parse(req.rest, command.Spec{})
	if err != nil {
		return views.Reply{}, err
	}
	var userID string
	if len(args.Mentions) > 0 {
		userID = args.Mentions[0].ID
	}
	name := args.TextWithoutMentions()
	if name == "" && userID == "" {
		return views.Reply{}, inputError("Name the champion, or Mention them.", "/champion history Jane Doe")
	}
	notFound := inputError(fmt.Sprintf("No deal you can see has a champion called %s.", blockkit.Escape(blockkit.Clip(args.Text, 60))),
		"/champion history Jane Doe")
	ch, err := c.store.FindChampion(ctx, req.actor.TeamID, name, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return views.Reply{}, notFound
	}
	if err != nil {
		return views.Reply{}, fmt.Errorf("find champion: %w", err)
	}
	deals, err := c.store.ChampionHistory(ctx, req.actor.TeamID, ch.ID, c.viewer(ctx, req.actor.UserID), views.HistoryLimit)
	if err != nil {
		return views.Reply{}, fmt.Errorf("champion history: %w", err)
	}
	if deals.Total == 0 && deals.Hidden == 0 {
		return views.Reply{}, notFound // the champion's deals are none of the caller's: do not say they exist
	}
	return views.History(ch, deals, req.loc), nil
}

func (c *championCommands) capital(ctx context.Context, teamID string, d storage.Deal) (storage.Capital, error) {
	ov, err := c.store.DealOverview(ctx, teamID, d.ID)
	if err != nil {
		return storage.Capital{}, fmt.Errorf("capital: %w", err)
	}
	return ov.Capital, nil
}
