package slash

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
	"github.com/longgame/longgame/bot/views"
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

func (c *championCommands) openAskModal(ctx context.Context, req *request) (views.Reply, error) {
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	meta, err := json.Marshal(askMeta{TeamID: req.actor.TeamID, ChannelID: req.cmd.ChannelID, DealID: d.ID})
	if err != nil {
		return views.Reply{}, fmt.Errorf("ask modal metadata: %w", err)
	}
	if _, err := c.slack.OpenViewContext(ctx, req.cmd.TriggerID, askModal(d.Name, string(meta))); err != nil {
		return views.Reply{}, fmt.Errorf("open ask modal: %w", err)
	}
	return views.Reply{}, nil
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
		return in, map[string]string{askWhatBlock: Message(err)}
	}
	cost, err := command.ParseLevel(view.State.Values[askCostBlock][askCostBlock].SelectedOption.Value)
	if err != nil {
		return in, map[string]string{askCostBlock: "Pick a cost from 1 (low) to 5 (high)."}
	}
	in.cost = cost
	return in, nil
}

// Submission is a submitted ask form: refused, with a problem per input
// block (the form stays open with them), or recorded in Deal, whose channel
// gets Reply.
type Submission struct {
	Problems map[string]string
	Deal     storage.Deal
	Reply    views.Reply
}

// SubmitAsk records an ask form. The deal is the one its metadata names in
// the submitter's own workspace; the answer is for that deal's channel, as
// stored, whatever else the metadata says. A user error becomes a problem
// of the form; the error returned is a failure.
func (c *Commands) SubmitAsk(ctx context.Context, cb slack.InteractionCallback) (Submission, error) {
	in, problems := parseAskSubmission(cb.View, cb.Team.ID)
	if problems != nil {
		return Submission{Problems: problems}, nil
	}
	actor := storage.Actor{TeamID: cb.Team.ID, UserID: cb.User.ID}
	d, r, err := c.champion.recordModalAsk(ctx, actor, in)
	if IsUserError(err) {
		return Submission{Problems: map[string]string{askWhatBlock: Message(err)}}, nil
	}
	if err != nil {
		return Submission{}, err
	}
	return Submission{Deal: d, Reply: r}, nil
}

// AskFormProblem is how a problem with the ask form as a whole is shown:
// under its first field.
func AskFormProblem(problem string) map[string]string {
	return map[string]string{askWhatBlock: problem}
}

// IsAskForm reports whether a submitted view is the ask form.
func IsAskForm(v slack.View) bool { return v.CallbackID == askCallbackID }

func (c *championCommands) recordModalAsk(ctx context.Context, actor storage.Actor, in askInput) (storage.Deal, views.Reply, error) {
	d, err := c.store.DealByID(ctx, actor.TeamID, in.meta.DealID)
	if errors.Is(err, storage.ErrNotFound) {
		return d, views.Reply{}, inputError("This deal no longer exists.", "")
	}
	if err != nil {
		return d, views.Reply{}, fmt.Errorf("deal of modal: %w", err)
	}
	r, err := c.recordAsk(ctx, actor, d, in.what, in.cost)
	return d, r, err
}
