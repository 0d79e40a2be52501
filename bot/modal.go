package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/storage"
)

// The ask modal's ids: Slack returns input values keyed by block and action.
const (
	askCallbackID = "champion_ask"
	askWhatBlock  = "what"
	askCostBlock  = "cost"
)

// askMeta travels in the modal's private_metadata: which deal it is for.
type askMeta struct {
	TeamID    string `json:"team"`
	ChannelID string `json:"channel"`
	DealID    int64  `json:"deal"`
}

func (b *Bot) openAskModal(ctx context.Context, req *request) (reply, error) {
	d, err := b.dealFor(ctx, req)
	if err != nil {
		return reply{}, err
	}
	meta, err := json.Marshal(askMeta{TeamID: req.actor.TeamID, ChannelID: req.cmd.ChannelID, DealID: d.ID})
	if err != nil {
		return reply{}, fmt.Errorf("ask modal metadata: %w", err)
	}
	if _, err := b.api.OpenViewContext(ctx, req.cmd.TriggerID, askModal(d.Name, string(meta))); err != nil {
		return reply{}, fmt.Errorf("open ask modal: %w", err)
	}
	return reply{}, nil
}

func askModal(dealName, meta string) slack.ModalViewRequest {
	what := slack.NewPlainTextInputBlockElement(blockkit.Plain("e.g. an intro to the CFO before the budget review"), askWhatBlock)
	what.Multiline = true
	what.MaxLength = command.MaxText
	cost := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, blockkit.Plain("How much capital it costs"), askCostBlock,
		levelOption(1, "1 — low"), levelOption(2, "2"), levelOption(3, "3 — medium"), levelOption(4, "4"), levelOption(5, "5 — high"))
	cost.InitialOption = levelOption(3, "3 — medium")
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      askCallbackID,
		Title:           blockkit.Plain("Ask of the champion"),
		Submit:          blockkit.Plain("Record"),
		Close:           blockkit.Plain("Cancel"),
		PrivateMetadata: meta,
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			blockkit.Context("Deal: *" + blockkit.Escape(blockkit.Clip(dealName, 200)) + "*. The ask is posted in the deal channel with the capital left."),
			slack.NewInputBlock(askWhatBlock, blockkit.Plain("What are you asking of the champion?"), nil, what),
			slack.NewInputBlock(askCostBlock, blockkit.Plain("Cost"), nil, cost),
		}},
	}
}

func levelOption(n int, label string) *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(strconv.Itoa(n), blockkit.Plain(label), nil)
}

// askInput is a validated modal submission.
type askInput struct {
	meta askMeta
	what string
	cost int
}

// parseAskSubmission validates the modal; errors are keyed by input block,
// as Slack's response_action "errors" wants them.
func parseAskSubmission(view slack.View, teamID string) (askInput, map[string]string) {
	var in askInput
	if err := json.Unmarshal([]byte(view.PrivateMetadata), &in.meta); err != nil || in.meta.TeamID != teamID {
		return in, map[string]string{askWhatBlock: "This form is out of date: close it and run /champion ask again."}
	}
	in.what = strings.TrimSpace(view.State.Values[askWhatBlock][askWhatBlock].Value)
	if err := checkWhat(in.what, ""); err != nil {
		return in, map[string]string{askWhatBlock: userMessage(err)}
	}
	cost, err := command.ParseLevel(view.State.Values[askCostBlock][askCostBlock].SelectedOption.Value)
	if err != nil {
		return in, map[string]string{askCostBlock: "Pick a cost from 1 (low) to 5 (high)."}
	}
	in.cost = cost
	return in, nil
}

// userMessage is what a user error says, without the example.
func userMessage(err error) string {
	var ue *userError
	if errors.As(err, &ue) {
		return ue.problem
	}
	var pe *command.Error
	if errors.As(err, &pe) {
		return parseProblem(pe)
	}
	return "Long Game could not record this because of an error on its side. Please try again."
}

// submitAsk records the modal's ask before acking when it can, so a failure
// keeps the modal open with the user's text instead of losing it. The
// answer goes to the deal's own channel, as stored, whatever the form's
// metadata names.
func (b *Bot) submitAsk(ctx context.Context, p *pending, cb slack.InteractionCallback) {
	in, problems := parseAskSubmission(cb.View, cb.Team.ID)
	if problems != nil {
		p.ack(ctx, b, viewErrors(problems))
		return
	}
	actor := storage.Actor{TeamID: cb.Team.ID, UserID: cb.User.ID}
	d, r, err := b.recordModalAsk(ctx, actor, in)
	if err != nil {
		if !p.ack(ctx, b, viewErrors(map[string]string{askWhatBlock: b.describe(err)})) {
			// The deadline closed the form: say it where the user was.
			b.tell(ctx, place{team: actor.TeamID, channel: cb.Channel.ID, user: actor.UserID}, problemReply(b.describe(err), ""))
		}
		return
	}
	p.ack(ctx, b, nil)
	b.say(ctx, place{team: actor.TeamID, channel: d.ChannelID, user: actor.UserID}, r)
	b.refreshHomes(ctx, actor.TeamID, actor.UserID, d.OwnerID)
}

func (b *Bot) recordModalAsk(ctx context.Context, actor storage.Actor, in askInput) (storage.Deal, reply, error) {
	d, err := b.store.DealByID(ctx, actor.TeamID, in.meta.DealID)
	if errors.Is(err, storage.ErrNotFound) {
		return d, reply{}, inputError("This deal no longer exists.", "")
	}
	if err != nil {
		return d, reply{}, fmt.Errorf("deal of modal: %w", err)
	}
	r, err := b.recordAsk(ctx, actor, d, in.what, in.cost)
	return d, r, err
}

// describe is err as the user may read it; internal errors are logged.
func (b *Bot) describe(err error) string {
	var ue *userError
	var pe *command.Error
	if !errors.As(err, &ue) && !errors.As(err, &pe) {
		b.log.Error("interaction failed", "err", err)
	}
	return userMessage(err)
}

func viewErrors(problems map[string]string) map[string]any {
	return map[string]any{"response_action": "errors", "errors": problems}
}
