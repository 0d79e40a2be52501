package slash

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// The relationship outlives the deal: /champion moved, touch and people.

var movedSpec = command.Spec{Options: []string{"title"}, Examples: map[string]string{"title": "CTO"}}

const (
	movedExample         = "/champion moved Hooli title:CTO 2026-11-02"
	movedAnywhereExample = "/champion moved Jane Doe to Hooli title:CTO"
)

// moved handles "/champion moved <company> [title:…] [<date>]" in a deal
// channel, for its champion, and "/champion moved <name|@user> to
// <company> …" anywhere.
func (c *championCommands) moved(ctx context.Context, req *request) (views.Reply, error) {
	args, err := command.Parse(req.rest, movedSpec)
	if err != nil {
		return views.Reply{}, err
	}
	words, on, err := moveDate(req.today(ctx), args.Words)
	if err != nil {
		return views.Reply{}, err
	}
	deal, inDeal, err := c.channelDeal(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	ch, company, err := c.mover(ctx, req, words, deal, inDeal)
	if err != nil {
		return views.Reply{}, err
	}
	title := args.Options["title"]
	if err := checkLength("company", company, command.MaxName, movedExample); err != nil {
		return views.Reply{}, err
	}
	if err := checkLength("title", title, command.MaxName, movedExample); err != nil {
		return views.Reply{}, err
	}
	reminders, remindedDeals, err := c.moveReminders(ctx, req.actor.TeamID, ch.ID, on)
	if err != nil {
		return views.Reply{}, err
	}
	m, err := c.store.MoveChampion(ctx, req.actor, ch.ID, storage.ChampionMove{Company: company, Title: title, On: on, Reminders: reminders})
	if errors.Is(err, storage.ErrUnchanged) {
		return views.Reply{}, already(fmt.Sprintf("%s is at %s already: nothing changed.", blockkit.Escape(ch.Name), blockkit.Escape(ch.Company)))
	}
	if err != nil {
		return views.Reply{}, fmt.Errorf("move champion: %w", err)
	}
	if inDeal && deal.ChampionID == ch.ID {
		req.owner = deal.OwnerID
	}
	return c.movedReply(ctx, req, m, on, reminders, remindedDeals, inDeal && deal.ChampionID == ch.ID), nil
}

// moveDate takes the move's date off the end of words: today when none is
// given; a date in the future is refused.
func moveDate(today time.Time, words []command.Word) ([]command.Word, time.Time, error) {
	n := len(words)
	if n == 0 || words[n-1].User != nil || !looksLikeDate(words[n-1].Text) {
		return words, today, nil
	}
	on, err := command.ParseDate(words[n-1].Text, today)
	if err != nil {
		return nil, time.Time{}, err
	}
	if on.After(today) {
		return nil, time.Time{}, inputError(fmt.Sprintf("The move date %s is in the future: record a job change once it happened.",
			on.Format(time.DateOnly)), "/champion moved Hooli today")
	}
	return words[:n-1], on, nil
}

// channelDeal is the deal of the command's channel, if it has one.
func (c *championCommands) channelDeal(ctx context.Context, req *request) (storage.Deal, bool, error) {
	d, err := c.deals.DealByChannel(ctx, req.actor.TeamID, req.cmd.ChannelID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return storage.Deal{}, false, nil
	case err != nil:
		return storage.Deal{}, false, fmt.Errorf("deal of channel: %w", err)
	}
	return d, true, nil
}

// mover finds who moved and where to: the person named before "to", or
// the champion of the channel's deal.
func (c *championCommands) mover(ctx context.Context, req *request, words []command.Word, d storage.Deal, inDeal bool) (storage.Champion, string, error) {
	who, where, hasTo := splitTo(words)
	if hasTo {
		ch, found, err := c.findVisible(ctx, req, who)
		if err != nil {
			return storage.Champion{}, "", err
		}
		if found {
			return ch, wordsText(where), requireCompany(where)
		}
		if !inDeal || d.ChampionID == 0 {
			return storage.Champion{}, "", inputError(fmt.Sprintf("No deal you can see has a champion called %s.",
				blockkit.Escape(blockkit.Clip(wordsText(who), 60))), movedAnywhereExample)
		}
		// "Back to Basics Inc" in a deal channel: the whole text is the company.
	}
	if !inDeal {
		return storage.Champion{}, "", inputError("Outside a deal channel, say who moved and where to.", movedAnywhereExample)
	}
	if len(words) > 1 && words[0].User == nil && strings.EqualFold(words[0].Text, "to") {
		words = words[1:] // "/champion moved to Hooli"
	}
	if d.ChampionID == 0 {
		return storage.Champion{}, "", inputError("This deal names no champion yet: name one with `/champion set` first.", "/champion set Jane Doe")
	}
	ch, err := c.store.ChampionByID(ctx, req.actor.TeamID, d.ChampionID)
	if err != nil {
		return storage.Champion{}, "", fmt.Errorf("champion of deal: %w", err)
	}
	return ch, wordsText(words), requireCompany(words)
}

func requireCompany(words []command.Word) error {
	if len(words) == 0 {
		return inputError("Say which company they moved to.", movedExample)
	}
	return nil
}

// splitTo splits "Jane Doe to Hooli" at its first "to".
func splitTo(words []command.Word) (who, where []command.Word, ok bool) {
	i := slices.IndexFunc(words, func(w command.Word) bool { return w.User == nil && strings.EqualFold(w.Text, "to") })
	if i < 1 {
		return nil, words, false
	}
	return words[:i], words[i+1:], true
}

func wordsText(words []command.Word) string {
	texts := make([]string, len(words))
	for i, w := range words {
		texts[i] = w.Text
	}
	return strings.Join(texts, " ")
}

// findVisible finds the one champion named by words (a mention, or a
// name) among those the caller may see. Namesakes are refused with the
// list of them.
func (c *championCommands) findVisible(ctx context.Context, req *request, words []command.Word) (storage.Champion, bool, error) {
	q := storage.ChampionQuery{}
	var names []command.Word
	for _, w := range words {
		if w.User != nil && q.UserID == "" {
			q.UserID = w.User.ID
			continue
		}
		names = append(names, w)
	}
	q.Name = wordsText(names)
	if q.UserID != "" {
		q.Name = ""
	}
	found, err := c.store.FindChampions(ctx, req.actor.TeamID, q, 10)
	if err != nil {
		return storage.Champion{}, false, fmt.Errorf("find champions: %w", err)
	}
	var seen []storage.Champion
	for _, ch := range found {
		if c.visible(ctx, req, ch) {
			seen = append(seen, ch)
		}
	}
	switch len(seen) {
	case 0:
		return storage.Champion{}, false, nil
	case 1:
		return seen[0], true, nil
	}
	return storage.Champion{}, false, inputError(views.Namesakes(seen)+
		" Run `/champion moved <company>` in the deal channel of the one who moved.", "/champion moved Hooli")
}

// moveReminders are the keep-in-touch reminders of a move on day on: one
// for the owner of each closed deal the person champions, on that owner's
// working days, with the deal each is for.
func (c *championCommands) moveReminders(ctx context.Context, teamID string, championID int64, on time.Time) ([]storage.NewCheckin, []storage.Deal, error) {
	p, err := c.store.ChampionHistory(ctx, teamID, championID, nil, maxMoveDeals)
	if err != nil {
		return nil, nil, fmt.Errorf("deals of the champion: %w", err)
	}
	var theirs []storage.Deal
	for _, cd := range p.Items {
		if cd.Current {
			theirs = append(theirs, cd.Deal)
		}
	}
	deals := storage.MoveReminderDeals(theirs)
	out := make([]storage.NewCheckin, len(deals))
	for i, d := range deals {
		out[i] = storage.MoveReminder(d.ID, on, c.zones.Week(ctx, teamID, d.OwnerID))
	}
	return out, deals, nil
}

// maxMoveDeals bounds the deals a move looks through for reminders: far
// more than one person champions.
const maxMoveDeals = 500

// movedReply answers a move, naming only the deals the caller may see. It
// goes to the channel when the channel is the person's deal's; elsewhere
// to the caller alone, since it names deals.
func (c *championCommands) movedReply(ctx context.Context, req *request, m storage.Moved, on time.Time, reminders []storage.NewCheckin,
	remindedDeals []storage.Deal, inChannel bool) views.Reply {
	v := c.viewer(ctx, req.actor.UserID)
	seen := func(d storage.Deal) bool {
		return d.OwnerID == v.UserID || (!v.Unknown && slices.Contains(v.Channels, d.ChannelID))
	}
	m.Left = slices.DeleteFunc(m.Left, func(d storage.Deal) bool { return !seen(d) })
	var mine []storage.NewCheckin
	for i, r := range reminders {
		if seen(remindedDeals[i]) {
			mine = append(mine, r)
		}
	}
	r := views.ChampionMoved(m, on, mine, req.actor.UserID, req.zone(ctx))
	r.InChannel = inChannel
	return r
}

// touch handles "/champion touch [note]": a contact with this deal's
// champion.
func (c *championCommands) touch(ctx context.Context, req *request) (views.Reply, error) {
	const example = "/champion touch coffee at the user group; they are rolling out to Europe"
	args, err := command.Parse(req.rest, command.Spec{})
	if err != nil {
		return views.Reply{}, err
	}
	if err := checkLength("note", args.Text, command.MaxText, example); err != nil {
		return views.Reply{}, err
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	t, err := c.store.AddTouch(ctx, req.actor, storage.Touch{DealID: d.ID, Note: args.Text})
	if errors.Is(err, storage.ErrInvalid) {
		return views.Reply{}, inputError("This deal names no champion yet: name one with `/champion set` first.", "/champion set Jane Doe")
	}
	if err != nil {
		return views.Reply{}, fmt.Errorf("add touch: %w", err)
	}
	ch, err := c.store.ChampionByID(ctx, req.actor.TeamID, t.ChampionID)
	if err != nil {
		return views.Reply{}, fmt.Errorf("champion of deal: %w", err)
	}
	return views.TouchRecorded(ch, t, req.actor.UserID), nil
}

// peopleList handles "/champion people [mine]": every champion the caller
// may see.
func (c *championCommands) peopleList(ctx context.Context, req *request) (views.Reply, error) {
	mine := false
	for _, w := range strings.Fields(strings.ToLower(req.rest)) {
		if w != "mine" {
			return views.Reply{}, inputError(fmt.Sprintf("`/champion people` takes only `mine`; I did not understand %q.",
				blockkit.Clip(w, 40)), "/champion people mine")
		}
		mine = true
	}
	f := storage.PeopleFilter{Viewer: c.viewer(ctx, req.actor.UserID), Since: storage.GoodwillSince(req.now), Limit: views.PeopleLimit}
	if mine {
		f.OwnerID = req.actor.UserID
	}
	p, err := c.store.People(ctx, req.actor.TeamID, f)
	if err != nil {
		return views.Reply{}, fmt.Errorf("people: %w", err)
	}
	return views.People(p, mine, c.cfg.Budget, req.zone(ctx)), nil
}
