package slash

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// championStore is what /champion records and reads.
type championStore interface {
	DealByID(ctx context.Context, teamID string, id int64) (storage.Deal, error)
	DealOverview(ctx context.Context, teamID string, dealID int64) (storage.DealOverview, error)
	SetChampion(ctx context.Context, a storage.Actor, dealID int64, c storage.ChampionInput) (storage.ChampionSet, error)
	FindChampions(ctx context.Context, teamID string, q storage.ChampionQuery, limit int) ([]storage.Champion, error)
	ChampionByID(ctx context.Context, teamID string, id int64) (storage.Champion, error)
	ChampionHistory(ctx context.Context, teamID string, championID int64, v *storage.Viewer, limit int) (storage.Page[storage.ChampionDeal], error)
	AddAsk(ctx context.Context, a storage.Actor, dealID int64, what string, cost int) (storage.Ask, error)
	SetAskStatus(ctx context.Context, a storage.Actor, dealID int64, number int, s storage.AskStatus) (storage.Ask, error)
	EditAsk(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.AskEdit) (storage.Ask, error)
	WithdrawAsk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Ask, error)
	Asks(ctx context.Context, teamID string, dealID int64) ([]storage.Ask, error)
	AddGive(ctx context.Context, a storage.Actor, dealID int64, what string, value int) (storage.Give, error)
	EditGive(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.GiveEdit) (storage.Give, error)
	WithdrawGive(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Give, error)
	SetBudget(ctx context.Context, a storage.Actor, dealID int64, budget int) (storage.Deal, error)
	Ledger(ctx context.Context, teamID string, dealID int64) ([]storage.LedgerEntry, error)
	goodwillStore
	CheckinByID(ctx context.Context, teamID string, id int64) (storage.Checkin, error)
	MoveChampion(ctx context.Context, a storage.Actor, championID int64, m storage.ChampionMove) (storage.Moved, error)
	AddTouch(ctx context.Context, a storage.Actor, t storage.Touch) (storage.Touch, error)
	People(ctx context.Context, teamID string, f storage.PeopleFilter) (storage.Page[storage.Person], error)
}

// goodwillStore reads a champion's goodwill across deals.
type goodwillStore interface {
	Goodwill(ctx context.Context, teamID string, championID, currentDeal int64, since time.Time) (storage.Goodwill, error)
}

// across is what an answer on deal ov says about its champion beyond the
// deal. Goodwill that cannot be read is left out rather than failing an
// answer whose record is already kept.
func (b base) across(ctx context.Context, g goodwillStore, ov storage.DealOverview) views.Across {
	if ov.Champion == nil {
		return views.Across{}
	}
	a := views.Across{Name: ov.Champion.Name, Budget: b.cfg.Budget}
	gw, err := g.Goodwill(ctx, ov.Deal.TeamID, ov.Champion.ID, ov.Deal.ID, storage.GoodwillSince(b.cfg.Now()))
	if err != nil {
		b.log.Warn("goodwill across deals unknown", "team", ov.Deal.TeamID, "champion", ov.Champion.ID, "err", err)
		return a
	}
	a.Goodwill = gw
	return a
}

// championCommands answers /champion and its ask form.
type championCommands struct {
	base
	store championStore
	slack Slack
}

var championSetSpec = command.Spec{Options: []string{"title", "company"}}

// defaultLevel is "medium": the cost of an ask or value of a give when the
// user does not say.
const defaultLevel = 3

func (c *championCommands) set(ctx context.Context, req *request) (views.Reply, error) {
	args, err := command.Parse(req.rest, championSetSpec)
	if err != nil {
		return views.Reply{}, err
	}
	in := storage.ChampionInput{Name: args.TextWithoutMentions(), Title: args.Options["title"], Company: args.Options["company"]}
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
	if err := checkLength("company", in.Company, command.MaxName, `/champion set Jane Doe company:Initech`); err != nil {
		return views.Reply{}, err
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	set, err := c.store.SetChampion(ctx, req.actor, d.ID, in)
	if err != nil {
		return views.Reply{}, fmt.Errorf("set champion: %w", err)
	}
	capital, err := c.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	namesakes := 0
	if in.Company == "" && set.Champion.UserID == "" {
		namesakes = c.namesakes(ctx, req, set.Champion)
	}
	return views.ChampionSet(d, set, capital, req.actor.UserID, namesakes), nil
}

// namesakes counts the other people called like ch that the caller may
// see: matched by name and company, ch may be a new person where they
// meant one of those, at another company.
func (c *championCommands) namesakes(ctx context.Context, req *request, ch storage.Champion) int {
	same, err := c.store.FindChampions(ctx, req.actor.TeamID, storage.ChampionQuery{Name: ch.Name}, 10)
	if err != nil {
		c.log.Warn("find namesakes failed", "err", err)
		return 0
	}
	n := 0
	for _, o := range same {
		if o.ID != ch.ID && c.visible(ctx, req, o) {
			n++
		}
	}
	return n
}

// visible reports whether the caller may see champion ch: one of their
// deals is theirs or in a channel of theirs.
func (c *championCommands) visible(ctx context.Context, req *request, ch storage.Champion) bool {
	p, err := c.store.ChampionHistory(ctx, req.actor.TeamID, ch.ID, c.viewer(ctx, req.actor.UserID), 1)
	return err == nil && p.Total > 0
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
	if err := mistypedCommand(req.rest); err != nil {
		return views.Reply{}, err
	}
	what, cost, d, err := c.favor(ctx, req, "cost", "/champion ask an intro to the CFO cost:high")
	if err != nil {
		return views.Reply{}, err
	}
	return c.recordAsk(ctx, req.actor, d, what, cost)
}

// mistypedCommand refuses an ask whose text is a command for an existing
// ask ("/champion ask edit 4"): recorded, it would be a public, costly
// ask nobody meant.
func mistypedCommand(text string) error {
	first, rest := command.Split(text)
	word, _ := command.Split(rest)
	if word == "give" {
		word, _ = command.Split(strings.TrimSpace(rest[len("give"):]))
	}
	meant := map[string]string{"edit": "edit", "fix": "edit", "change": "edit", "delete": "delete", "remove": "delete",
		"withdraw": "delete", "undo": "delete", "done": "done", "declined": "declined", "decline": "declined"}[first]
	if meant == "" {
		return nil
	}
	if _, err := command.ParseNumber(word); err != nil {
		return nil
	}
	fixed := "/champion " + meant + " " + strings.TrimSpace(rest)
	return inputError(fmt.Sprintf("`/champion ask %s` would record a new ask called %q. To act on an existing ask, use `/champion %s`.",
		blockkit.Clip(text, 60), blockkit.Clip(text, 60), meant), blockkit.Clip(fixed, 120))
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
	ov, err := c.store.DealOverview(ctx, actor.TeamID, d.ID)
	if err != nil {
		return views.Reply{}, fmt.Errorf("capital: %w", err)
	}
	return views.AskRecorded(ask, ov.Deal, ov.Capital, c.across(ctx, c.store, ov), actor.UserID), nil
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
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return views.Reply{}, inputError(fmt.Sprintf("This deal has no ask #%d; `/champion ledger` lists them.", n), example)
	case errors.Is(err, storage.ErrUnchanged):
		return views.Reply{}, already(fmt.Sprintf("Ask #%d is already marked %s: nothing changed.", n, status))
	case errors.Is(err, storage.ErrConflict):
		return views.Reply{}, c.answeredOtherwise(ctx, req, d, n, status)
	case err != nil:
		return views.Reply{}, fmt.Errorf("set ask status: %w", err)
	}
	capital, err := c.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.AskStatus(ask, capital, req.actor.UserID), nil
}

// answeredOtherwise explains why ask #n cannot be marked status: it was
// answered the other way, which only an edit corrects, or withdrawn.
func (c *championCommands) answeredOtherwise(ctx context.Context, req *request, d storage.Deal, n int, status storage.AskStatus) error {
	asks, err := c.store.Asks(ctx, req.actor.TeamID, d.ID)
	if err != nil {
		return fmt.Errorf("asks: %w", err)
	}
	for _, a := range asks {
		if a.Number != n {
			continue
		}
		if a.Status == storage.AskWithdrawn {
			return inputError(fmt.Sprintf("Ask #%d was withdrawn: it no longer counts.", n), "/champion ledger")
		}
		return inputError(fmt.Sprintf("Ask #%d is already marked %s. If that was a mistake, correct it with an edit.", n, a.Status),
			fmt.Sprintf("/champion edit %d status:%s", n, status))
	}
	return fmt.Errorf("ask #%d changed meanwhile: %w", n, storage.ErrConflict)
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
	if err != nil || storage.ValidateBudget(n) != nil {
		return views.Reply{}, inputError(fmt.Sprintf("The budget is a whole number of capital points from %d to %d.",
			storage.MinBudget, storage.MaxBudget), "/champion budget 12")
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

var historySpec = command.Spec{Options: []string{"company"}}

func (c *championCommands) history(ctx context.Context, req *request) (views.Reply, error) {
	args, err := command.Parse(req.rest, historySpec)
	if err != nil {
		return views.Reply{}, err
	}
	q := storage.ChampionQuery{Name: args.TextWithoutMentions(), Company: args.Options["company"]}
	if len(args.Mentions) > 0 {
		q.UserID = args.Mentions[0].ID
	}
	if storage.NameKey(q.Name) == "" && q.UserID == "" {
		return views.Reply{}, inputError("Name the champion, or Mention them.", "/champion history Jane Doe")
	}
	notFound := inputError(fmt.Sprintf("No deal you can see has a champion called %s.", blockkit.Escape(blockkit.Clip(args.Text, 60))),
		"/champion history Jane Doe")
	found, err := c.store.FindChampions(ctx, req.actor.TeamID, q, 10)
	if err != nil {
		return views.Reply{}, fmt.Errorf("find champions: %w", err)
	}
	viewer := c.viewer(ctx, req.actor.UserID)
	var seen []storage.Champion
	var deals storage.Page[storage.ChampionDeal]
	for _, ch := range found {
		p, err := c.store.ChampionHistory(ctx, req.actor.TeamID, ch.ID, viewer, views.HistoryLimit)
		if err != nil {
			return views.Reply{}, fmt.Errorf("champion history: %w", err)
		}
		// A champion none of whose deals the caller may see is not
		// theirs to know of: not even by name and company. Deals left
		// out because Slack could not say which channels the caller is
		// in are not seen either.
		if p.Total > 0 {
			seen, deals = append(seen, ch), p
		}
	}
	switch {
	case len(seen) == 0 && viewer.Unknown:
		return views.Reply{}, inputError(fmt.Sprintf("No deal of yours has a champion called %s, and Slack could not say "+
			"which channels you are in, so the deals of your channels were not searched. Try again in a moment.",
			blockkit.Escape(blockkit.Clip(args.Text, 60))), "/champion history Jane Doe")
	case len(seen) == 0:
		return views.Reply{}, notFound
	case len(seen) == 1:
		return views.History(seen[0], deals, req.zone(ctx)), nil
	}
	return views.Reply{}, inputError(views.Namesakes(seen),
		fmt.Sprintf("/champion history %s company:%s", blockkit.Clip(seen[0].Name, 60), quoteIfSpaced(seen[0].Company)))
}

// quoteIfSpaced quotes an option value that has spaces.
func quoteIfSpaced(v string) string {
	if strings.ContainsAny(v, " \t") {
		return `"` + v + `"`
	}
	return v
}

func (c *championCommands) capital(ctx context.Context, teamID string, d storage.Deal) (storage.Capital, error) {
	ov, err := c.store.DealOverview(ctx, teamID, d.ID)
	if err != nil {
		return storage.Capital{}, fmt.Errorf("capital: %w", err)
	}
	return ov.Capital, nil
}
