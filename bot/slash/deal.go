package slash

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// dealStore is what /deal records and reads.
type dealStore interface {
	goodwillStore
	OpenDeal(ctx context.Context, a storage.Actor, d storage.NewDeal) (storage.Deal, error)
	DealByChannel(ctx context.Context, teamID, channelID string) (storage.Deal, error)
	UpdateDeal(ctx context.Context, a storage.Actor, dealID int64, c storage.DealChanges) (storage.Deal, error)
	CloseDeal(ctx context.Context, a storage.Actor, dealID int64, c storage.Close) (storage.Deal, error)
	ReopenDeal(ctx context.Context, a storage.Actor, dealID int64) (storage.Deal, int, error)
	ListDeals(ctx context.Context, teamID string, f storage.DealFilter) (storage.Page[storage.DealOverview], error)
	DealOverview(ctx context.Context, teamID string, dealID int64) (storage.DealOverview, error)
}

// dealCommands answers /deal.
type dealCommands struct {
	base
	store dealStore
}

var (
	dealOpenSpec = command.Spec{Options: []string{"value", "close", "owner"}, Amounts: []string{"value"}}
	dealSetSpec  = command.Spec{Options: []string{"name", "value", "close", "owner", "favored"}, Amounts: []string{"value"}}
)

// dealFields are the parsed options shared by /deal open and /deal set.
type dealFields struct {
	value *storage.Money
	close *time.Time
	owner *string
	name  *string
	// favored is the product generally favored inside the customer; ""
	// (favored:none) clears it.
	favored *string
}

func (c *dealCommands) parseDealFields(ctx context.Context, req *request, opts map[string]string) (dealFields, error) {
	var f dealFields
	if v, ok := opts["value"]; ok {
		m, err := command.ParseAmount(v, c.cfg.Currency)
		if err != nil {
			return f, command.ForOption("value", err)
		}
		f.value = &storage.Money{Minor: m.Minor, Currency: m.Currency}
	}
	if v, ok := opts["close"]; ok {
		d, err := command.ParseDate(v, req.today(ctx))
		if err != nil {
			return f, command.ForOption("close", err)
		}
		f.close = &d
	}
	if v, ok := opts["owner"]; ok {
		u, err := command.ParseUser(v)
		if err != nil {
			return f, command.ForOption("owner", err)
		}
		f.owner = &u.ID
	}
	if v, ok := opts["name"]; ok {
		if err := checkName(v); err != nil {
			return f, err
		}
		f.name = &v
	}
	if v, ok := opts["favored"]; ok {
		if strings.EqualFold(v, "none") {
			v = ""
		}
		if err := checkLength("favored", v, command.MaxName, `/deal set favored:"Microsoft Teams"`); err != nil {
			return f, err
		}
		f.favored = &v
	}
	return f, nil
}

// checkOwner refuses an owner who is not a full member of the
// organisation: the owner gets the deal's reminders, its App Home and the
// weekly nudge, which name the champion and the risks.
func (b base) checkOwner(ctx context.Context, req *request, owner *string) error {
	if owner == nil {
		return nil
	}
	st, err := b.people.Standing(ctx, *owner, "")
	if err != nil {
		return fmt.Errorf("standing of the owner: %w", err)
	}
	if st != access.Member {
		return inputError(fmt.Sprintf("owner: %s is not a full member of this workspace (%s): a deal's owner must be on your team.",
			views.Mention(*owner), st), "/deal set owner:@ana")
	}
	return nil
}

func checkName(name string) error {
	if strings.TrimSpace(name) == "" {
		return inputError("The deal needs a name.", "/deal open Acme renewal value:120k")
	}
	return checkLength("name", name, command.MaxName, "/deal open Acme renewal")
}

func (c *dealCommands) open(ctx context.Context, req *request) (views.Reply, error) {
	args, err := command.Parse(req.rest, dealOpenSpec)
	if err != nil {
		return views.Reply{}, err
	}
	if err := checkName(args.Text); err != nil {
		return views.Reply{}, err
	}
	f, err := c.parseDealFields(ctx, req, args.Options)
	if err != nil {
		return views.Reply{}, err
	}
	if err := c.checkOwner(ctx, req, f.owner); err != nil {
		return views.Reply{}, err
	}
	nd := storage.NewDeal{ChannelID: req.cmd.ChannelID, Name: args.Text, OwnerID: req.actor.UserID, Budget: c.cfg.Budget}
	if f.owner != nil {
		nd.OwnerID = *f.owner
	}
	if f.value != nil {
		nd.Value = *f.value
	}
	if f.close != nil {
		nd.ExpectedClose = *f.close
	}
	d, err := c.store.OpenDeal(ctx, req.actor, nd)
	if errors.Is(err, storage.ErrConflict) {
		return views.Reply{}, c.alreadyOpen(ctx, req)
	}
	if err != nil {
		return views.Reply{}, fmt.Errorf("open deal: %w", err)
	}
	return views.DealOpened(d, req.actor.UserID), nil
}

func (c *dealCommands) alreadyOpen(ctx context.Context, req *request) error {
	d, err := c.store.DealByChannel(ctx, req.actor.TeamID, req.cmd.ChannelID)
	if err != nil {
		return fmt.Errorf("deal of channel after conflict: %w", err)
	}
	return inputError(fmt.Sprintf("This channel is already the home of the deal *%s*: one deal per channel. "+
		"Change it with `/deal set`, or open the new deal in its own channel.", blockkit.Escape(d.Name)), "/deal set name:\"Acme renewal 2027\"")
}

func (c *dealCommands) set(ctx context.Context, req *request) (views.Reply, error) {
	args, err := command.Parse(req.rest, dealSetSpec)
	if err != nil {
		return views.Reply{}, err
	}
	if args.Text != "" {
		return views.Reply{}, inputError(fmt.Sprintf("`/deal set` takes only options; I did not understand %q.", blockkit.Clip(args.Text, 40)),
			"/deal set value:150k close:2027-01-31")
	}
	if len(args.Options) == 0 {
		return views.Reply{}, inputError("Say what to change: name, value, close, owner or favored.", "/deal set value:150k close:2027-01-31")
	}
	f, err := c.parseDealFields(ctx, req, args.Options)
	if err != nil {
		return views.Reply{}, err
	}
	if err := c.checkOwner(ctx, req, f.owner); err != nil {
		return views.Reply{}, err
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	changes := storage.DealChanges{Name: f.name, Value: f.value, ExpectedClose: f.close, OwnerID: f.owner, Favored: f.favored}
	updated, err := c.store.UpdateDeal(ctx, req.actor, d.ID, changes)
	if err != nil {
		return views.Reply{}, fmt.Errorf("update deal: %w", err)
	}
	return views.DealUpdated(d, updated, req.actor.UserID), nil
}

func (c *dealCommands) status(ctx context.Context, req *request) (views.Reply, error) {
	if req.rest != "" {
		return views.Reply{}, notUnderstood("/deal", req.sub+" "+req.rest)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	ov, err := c.store.DealOverview(ctx, req.actor.TeamID, d.ID)
	if err != nil {
		return views.Reply{}, fmt.Errorf("deal overview: %w", err)
	}
	return views.DealCard(ov, c.across(ctx, c.store, ov), req.now, req.zone(ctx)), nil
}

// viewer is userID as a reader of lists spanning deals: they see the deals
// they own and those of the channels they are in. When Slack cannot say
// which channels, they see their own, and the list says how many it left
// out.
func (b base) viewer(ctx context.Context, userID string) *storage.Viewer {
	chans, err := b.people.ChannelsOf(ctx, userID)
	if err != nil {
		b.log.Warn("channels of a user unknown; showing their own deals only", "user", userID, "err", err)
		return &storage.Viewer{UserID: userID, Unknown: true}
	}
	return &storage.Viewer{UserID: userID, Channels: slices.Collect(maps.Keys(chans))}
}

// dealListArgs are the filters /deal list accepts.
var dealListStages = map[string]storage.Stage{
	"open": storage.StageOpen, "won": storage.StageWon, "lost": storage.StageLost, "all": "",
}

func (c *dealCommands) list(ctx context.Context, req *request) (views.Reply, error) {
	f := storage.DealFilter{Stage: storage.StageOpen}
	label := "open"
	for _, w := range strings.Fields(strings.ToLower(req.rest)) {
		if st, ok := dealListStages[w]; ok {
			f.Stage, label = st, w
			continue
		}
		if w == "mine" {
			f.OwnerID = req.actor.UserID
			continue
		}
		return views.Reply{}, inputError(fmt.Sprintf("`/deal list` does not understand %q: use open, won, lost or all, and mine.", blockkit.Clip(w, 40)),
			"/deal list won mine")
	}
	f.Viewer = c.viewer(ctx, req.actor.UserID)
	f.Limit = views.DealListLimit
	deals, err := c.store.ListDeals(ctx, req.actor.TeamID, f)
	if err != nil {
		return views.Reply{}, fmt.Errorf("list deals: %w", err)
	}
	return views.DealList(deals, label, f.OwnerID != "", req.today(ctx)), nil
}

func (c *dealCommands) reopen(ctx context.Context, req *request) (views.Reply, error) {
	if req.rest != "" {
		return views.Reply{}, inputError("`/deal reopen` takes nothing after it.", "/deal reopen")
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	reopened, cancelled, err := c.store.ReopenDeal(ctx, req.actor, d.ID)
	if errors.Is(err, storage.ErrConflict) {
		return views.Reply{}, inputError(fmt.Sprintf("The deal *%s* is already open.", blockkit.Escape(d.Name)), "")
	}
	if err != nil {
		return views.Reply{}, fmt.Errorf("reopen deal: %w", err)
	}
	return views.DealReopened(reopened, cancelled, req.actor.UserID), nil
}
