package slash

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// The "Open a deal at <company>" form of a job-change reminder: /deal open
// prefilled for the champion's new company, in a channel the user picks,
// with the same person as its champion.
const (
	dealOpenCallbackID = "deal_open_at"
	dealChannelBlock   = "channel"
	dealNameBlock      = "name"
	dealValueBlock     = "value"
)

// dealOpenMeta travels in the form's private_metadata: the reminder it
// came from. Everything else is read again from the store on submission.
type dealOpenMeta struct {
	TeamID    string `json:"team"`
	CheckinID int64  `json:"checkin"`
}

// OpenDealForm opens the form for the job-change reminder checkinID,
// clicked in cb, if belongs says the reminder's button may act where it
// was clicked. It returns a problem to tell the user privately, "" when
// the form opened.
func (c *Commands) OpenDealForm(ctx context.Context, cb slack.InteractionCallback, checkinID int64, belongs func(slack.InteractionCallback, storage.Deal) bool) string {
	d, ch, problem := c.champion.jobChange(ctx, cb.Team.ID, cb.User.ID, checkinID)
	if problem != "" {
		return problem
	}
	if !belongs(cb, d) {
		c.cfg.Logger.Warn("an open-deal button clicked where it does not belong", "checkin", checkinID, "user", cb.User.ID)
		return "This button does not belong here, so Long Game did nothing."
	}
	meta, err := json.Marshal(dealOpenMeta{TeamID: cb.Team.ID, CheckinID: checkinID})
	if err != nil {
		return unexpectedProblem
	}
	if _, err := c.champion.slack.OpenViewContext(ctx, cb.TriggerID, dealOpenModal(ch, string(meta))); err != nil {
		c.cfg.Logger.Error("open the deal form", "checkin", checkinID, "err", err)
		return unexpectedProblem
	}
	return ""
}

// unexpectedProblem answers a click that failed on Long Game's side.
const unexpectedProblem = "Long Game could not do this because of an error on its side. Please try again in a moment."

// jobChange reads the job-change reminder checkinID of workspace teamID: its
// deal, and the champion who moved, whom userID must be allowed to see.
func (c *championCommands) jobChange(ctx context.Context, teamID, userID string, checkinID int64) (storage.Deal, storage.Champion, string) {
	const gone = "This reminder is out of date: its check-in or champion no longer exists."
	failed := func(what string, err error) (storage.Deal, storage.Champion, string) {
		if errors.Is(err, storage.ErrNotFound) {
			return storage.Deal{}, storage.Champion{}, gone
		}
		c.log.Error("job-change reminder: "+what, "checkin", checkinID, "err", err)
		return storage.Deal{}, storage.Champion{}, unexpectedProblem
	}
	k, err := c.store.CheckinByID(ctx, teamID, checkinID)
	if err != nil {
		return failed("check-in", err)
	}
	if k.Kind != storage.KindJobChange {
		return storage.Deal{}, storage.Champion{}, gone
	}
	d, err := c.store.DealByID(ctx, teamID, k.DealID)
	if err != nil {
		return failed("deal", err)
	}
	if d.ChampionID == 0 {
		return storage.Deal{}, storage.Champion{}, gone
	}
	v := c.viewer(ctx, userID)
	if d.OwnerID != userID && (v.Unknown || !slices.Contains(v.Channels, d.ChannelID)) {
		return storage.Deal{}, storage.Champion{}, "Only the deal's owner and the members of its channel can act on this reminder."
	}
	ch, err := c.store.ChampionByID(ctx, teamID, d.ChampionID)
	if err != nil {
		return failed("champion", err)
	}
	return d, ch, ""
}

func dealOpenModal(ch storage.Champion, meta string) slack.ModalViewRequest {
	channel := slack.NewOptionsSelectBlockElement(slack.OptTypeConversations, blockkit.Plain("The new deal's channel"), dealChannelBlock)
	channel.Filter = &slack.SelectBlockElementFilter{Include: []string{"public", "private"}, ExcludeExternalSharedChannels: true, ExcludeBotUsers: true}
	name := slack.NewPlainTextInputBlockElement(nil, dealNameBlock)
	name.InitialValue = blockkit.Clip(ch.Company, command.MaxName)
	name.MaxLength = command.MaxName
	value := slack.NewPlainTextInputBlockElement(blockkit.Plain("e.g. 120k EUR"), dealValueBlock)
	valueInput := slack.NewInputBlock(dealValueBlock, blockkit.Plain("Value"), nil, value)
	valueInput.Optional = true
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      dealOpenCallbackID,
		Title:           blockkit.Plain("Open a deal"),
		Submit:          blockkit.Plain("Open"),
		Close:           blockkit.Plain("Cancel"),
		PrivateMetadata: meta,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			blockkit.Context(fmt.Sprintf("A deal at *%s*, with %s as its champion: their history across deals comes along.",
				blockkit.Escape(blockkit.Clip(ch.Company, 200)), views.ChampionName(ch))),
			slack.NewInputBlock(dealChannelBlock, blockkit.Plain("Channel (the deal's home; only your team in it)"), nil, channel),
			slack.NewInputBlock(dealNameBlock, blockkit.Plain("Deal name"), nil, name),
			valueInput,
		}},
	}
}

// IsDealOpenForm reports whether a submitted view is the open-a-deal form.
func IsDealOpenForm(v slack.View) bool { return v.CallbackID == dealOpenCallbackID }

// DealFormProblem is how a problem with the open-a-deal form as a whole is
// shown: under its first field.
func DealFormProblem(problem string) map[string]string {
	return map[string]string{dealChannelBlock: problem}
}

// SubmitDealOpen opens the deal of a submitted open-a-deal form, in the
// channel picked, owned by the submitter, with the reminder's champion as
// its champion. The reminder is read again: the form's metadata only
// names it. A user error becomes a problem of the form; the error
// returned is a failure.
func (c *Commands) SubmitDealOpen(ctx context.Context, cb slack.InteractionCallback) (Submission, error) {
	actor := storage.Actor{TeamID: cb.Team.ID, UserID: cb.User.ID}
	var meta dealOpenMeta
	if err := json.Unmarshal([]byte(cb.View.PrivateMetadata), &meta); err != nil || meta.TeamID != actor.TeamID {
		return Submission{Problems: DealFormProblem("This form is out of date: close it and click the reminder's button again.")}, nil
	}
	_, ch, problem := c.champion.jobChange(ctx, actor.TeamID, actor.UserID, meta.CheckinID)
	if problem != "" {
		return Submission{Problems: DealFormProblem(problem)}, nil
	}
	nd, problems := c.parseDealForm(ctx, actor, cb.View)
	if problems != nil {
		return Submission{Problems: problems}, nil
	}
	d, err := c.deal.store.OpenDeal(ctx, actor, nd)
	if errors.Is(err, storage.ErrConflict) {
		return Submission{Problems: DealFormProblem("That channel is already a deal's home: one deal per channel. Pick another.")}, nil
	}
	if err != nil {
		return Submission{}, fmt.Errorf("open deal from form: %w", err)
	}
	set, err := c.champion.store.SetChampion(ctx, actor, d.ID, storage.ChampionInput{Name: ch.Name, Company: ch.Company, UserID: ch.UserID})
	if err != nil {
		// The deal is open; only the champion is missing, and /champion
		// set names them.
		c.cfg.Logger.Error("champion of a deal opened from a job change", "deal", d.ID, "err", err)
		return Submission{Deal: d, Reply: views.DealOpened(d, actor.UserID)}, nil
	}
	return Submission{Deal: d, Reply: views.DealOpenedFor(d, set.Champion, actor.UserID)}, nil
}

// parseDealForm checks the form's fields: a channel the submitter is in,
// a name, an optional value.
func (c *Commands) parseDealForm(ctx context.Context, actor storage.Actor, v slack.View) (storage.NewDeal, map[string]string) {
	channel := v.State.Values[dealChannelBlock][dealChannelBlock].SelectedConversation
	name := strings.TrimSpace(v.State.Values[dealNameBlock][dealNameBlock].Value)
	value := strings.TrimSpace(v.State.Values[dealValueBlock][dealValueBlock].Value)
	nd := storage.NewDeal{ChannelID: channel, Name: name, OwnerID: actor.UserID, Budget: c.cfg.Budget}
	if channel == "" {
		return nd, DealFormProblem("Pick the channel that will be the deal's home.")
	}
	// The channel's own members, not the submitter's cached channels: a
	// channel made for the new deal a moment ago counts.
	members, err := c.deal.people.Members(ctx, channel)
	switch {
	case err != nil:
		return nd, DealFormProblem("Slack could not say who is in that channel; try again in a moment.")
	case !slices.Contains(members, actor.UserID):
		return nd, DealFormProblem("You are not in that channel: pick one of yours.")
	}
	if err := checkName(name); err != nil {
		return nd, map[string]string{dealNameBlock: Message(err)}
	}
	if value != "" {
		m, err := command.ParseAmount(value, c.cfg.Currency)
		if err != nil {
			return nd, map[string]string{dealValueBlock: Message(command.ForOption("value", err))}
		}
		nd.Value = storage.Money{Minor: m.Minor, Currency: m.Currency}
	}
	return nd, nil
}
