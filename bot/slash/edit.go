package slash

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// A mistake is fixed, never erased: an edit keeps the earlier version in
// the audit, and a deleted entry is withdrawn — it stops counting and
// stays in the ledger or the full risk list, marked.

var (
	askEditSpec  = command.Spec{Options: []string{"cost", "status"}}
	giveEditSpec = command.Spec{Options: []string{"value"}}
	riskEditSpec = command.Spec{Options: []string{"severity", "area", "test"}, Flags: []string{"test"}, Sentences: []string{"test"}}
)

// entryRef reads "[give] <n> …": which kind of entry, its number and
// the rest of the text.
func entryRef(rest, cmd, example string) (give bool, n int, after string, err error) {
	first, after := command.Split(rest)
	if first == "give" {
		give = true
		first, after = command.Split(after)
	}
	if first == "" {
		return give, 0, "", inputError("Give the number of the entry, as `/champion ledger` lists them.", example)
	}
	n, err = command.ParseNumber(first)
	if err != nil {
		return give, 0, "", inputError(fmt.Sprintf("%q is not an entry number: give the number `/champion ledger` lists.",
			blockkit.Clip(first, 40)), example)
	}
	return give, n, after, nil
}

func (c *championCommands) edit(ctx context.Context, req *request) (views.Reply, error) {
	const example = "/champion edit 4 an intro to the CFO cost:high"
	give, n, after, err := entryRef(req.rest, "edit", example)
	if err != nil {
		return views.Reply{}, err
	}
	if give {
		return c.editGive(ctx, req, n, after)
	}
	args, err := command.Parse(after, askEditSpec)
	if err != nil {
		return views.Reply{}, err
	}
	var e storage.AskEdit
	if err := editText(&e.What, args.Text, example); err != nil {
		return views.Reply{}, err
	}
	if _, ok := args.Options["cost"]; ok {
		cost, err := level("cost", args.Options, example)
		if err != nil {
			return views.Reply{}, err
		}
		e.Cost = &cost
	}
	if v, ok := args.Options["status"]; ok {
		s := storage.AskStatus(strings.ToLower(v))
		if s != storage.AskOpen && s != storage.AskDone && s != storage.AskDeclined {
			return views.Reply{}, inputError(fmt.Sprintf("status:%s is not an ask's status: use open, done or declined.",
				blockkit.Clip(v, 40)), fmt.Sprintf("/champion edit %d status:declined", n))
		}
		e.Status = &s
	}
	if e == (storage.AskEdit{}) {
		return views.Reply{}, inputError(fmt.Sprintf("Say what to change on ask #%d: its text, cost:… or status:….", n), example)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	ask, err := c.store.EditAsk(ctx, req.actor, d.ID, n, e)
	if err := entryErr(err, "ask", n, "That is what ask #%d already says: nothing changed."); err != nil {
		return views.Reply{}, err
	}
	capital, err := c.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.AskEdited(ask, capital, req.actor.UserID), nil
}

func (c *championCommands) editGive(ctx context.Context, req *request, n int, after string) (views.Reply, error) {
	const example = "/champion edit give 2 a training plan for 40 admins value:high"
	args, err := command.Parse(after, giveEditSpec)
	if err != nil {
		return views.Reply{}, err
	}
	var e storage.GiveEdit
	if err := editText(&e.What, args.Text, example); err != nil {
		return views.Reply{}, err
	}
	if _, ok := args.Options["value"]; ok {
		value, err := level("value", args.Options, example)
		if err != nil {
			return views.Reply{}, err
		}
		e.Value = &value
	}
	if e == (storage.GiveEdit{}) {
		return views.Reply{}, inputError(fmt.Sprintf("Say what to change on give #%d: its text or value:….", n), example)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	g, err := c.store.EditGive(ctx, req.actor, d.ID, n, e)
	if err := entryErr(err, "give", n, "That is what give #%d already says: nothing changed."); err != nil {
		return views.Reply{}, err
	}
	capital, err := c.capital(ctx, req.actor.TeamID, d)
	if err != nil {
		return views.Reply{}, err
	}
	return views.GiveEdited(g, capital, req.actor.UserID), nil
}

func (c *championCommands) delete(ctx context.Context, req *request) (views.Reply, error) {
	const example = "/champion delete 5"
	give, n, after, err := entryRef(req.rest, "delete", example)
	if err != nil {
		return views.Reply{}, err
	}
	if strings.TrimSpace(after) != "" {
		return views.Reply{}, inputError("`/champion delete` takes only the number of the entry.", example)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	capital := func() (storage.Capital, error) { return c.capital(ctx, req.actor.TeamID, d) }
	if give {
		g, err := c.store.WithdrawGive(ctx, req.actor, d.ID, n)
		if err := entryErr(err, "give", n, "Give #%d was already withdrawn."); err != nil {
			return views.Reply{}, err
		}
		left, err := capital()
		if err != nil {
			return views.Reply{}, err
		}
		return views.GiveWithdrawn(g, left, req.actor.UserID), nil
	}
	ask, err := c.store.WithdrawAsk(ctx, req.actor, d.ID, n)
	if err := entryErr(err, "ask", n, "Ask #%d was already withdrawn."); err != nil {
		return views.Reply{}, err
	}
	left, err := capital()
	if err != nil {
		return views.Reply{}, err
	}
	return views.AskWithdrawn(ask, left, req.actor.UserID), nil
}

// editText sets *what to a new text when one was given.
func editText(what **string, text, example string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if err := checkWhat(text, example); err != nil {
		return err
	}
	*what = &text
	return nil
}

// entryErr turns a store error about entry #n (an ask, give or risk) into
// an answer; unchanged is the "already" sentence, with %d for n.
func entryErr(err error, kind string, n int, unchanged string) error {
	list := "`/champion ledger`"
	if kind == "risk" {
		list = "`/risk list all`"
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storage.ErrNotFound):
		return inputError(fmt.Sprintf("This deal has no %s #%d; %s lists them.", kind, n, list), strings.Trim(list, "`"))
	case errors.Is(err, storage.ErrUnchanged):
		return already(fmt.Sprintf(unchanged, n))
	case errors.Is(err, storage.ErrConflict):
		return inputError(fmt.Sprintf("%s #%d was withdrawn: it no longer counts, and cannot change.", capitalize(kind), n),
			strings.Trim(list, "`"))
	}
	return fmt.Errorf("%s #%d: %w", kind, n, err)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (c *riskCommands) edit(ctx context.Context, req *request) (views.Reply, error) {
	const example = "/risk edit 3 severity:high area:security test:\"log in with Okta\""
	n, after, err := riskRef(req.rest, example)
	if err != nil {
		return views.Reply{}, err
	}
	args, err := command.Parse(after, riskEditSpec)
	if err != nil {
		return views.Reply{}, err
	}
	e, err := parseRiskEdit(args, example)
	if err != nil {
		return views.Reply{}, err
	}
	if e == (storage.RiskEdit{}) {
		return views.Reply{}, inputError(fmt.Sprintf("Say what to change on risk #%d: its text, severity:…, area:… or test:….", n), example)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	r, err := c.store.EditRisk(ctx, req.actor, d.ID, n, e)
	if err := entryErr(err, "risk", n, "That is what risk #%d already says: nothing changed."); err != nil {
		return views.Reply{}, err
	}
	return views.RiskEdited(r, req.actor.UserID), nil
}

// parseRiskEdit reads the changes of /risk edit; `test:none` says the
// risk needs no test after all.
func parseRiskEdit(args command.Args, example string) (storage.RiskEdit, error) {
	var e storage.RiskEdit
	if err := editText(&e.What, args.Text, example); err != nil {
		return e, err
	}
	if v, ok := args.Options["severity"]; ok {
		s, err := parseSeverity(v)
		if err != nil {
			return e, err
		}
		e.Severity = &s
	}
	if v, ok := args.Options["area"]; ok {
		a, err := parseArea(v)
		if err != nil {
			return e, err
		}
		e.Area = &a
	}
	if v, ok := args.Options["test"]; ok {
		switch strings.ToLower(v) {
		case "none", "no", "off":
			no, none := false, ""
			e.NeedsTest, e.Scenario = &no, &none
		default:
			if err := checkLength("test", v, command.MaxText, example); err != nil {
				return e, err
			}
			yes := true
			e.NeedsTest, e.Scenario = &yes, &v
		}
	} else if args.Flags["test"] {
		yes := true
		e.NeedsTest = &yes
	}
	return e, nil
}

// riskRef reads "<n> …": a risk's number and the rest of the text.
func riskRef(rest, example string) (int, string, error) {
	first, after := command.Split(rest)
	if first == "" {
		return 0, "", inputError("Give the number of the risk, as `/risk list` shows it.", example)
	}
	n, err := command.ParseNumber(first)
	if err != nil {
		return 0, "", inputError(fmt.Sprintf("%q is not a risk number: give the number `/risk list` shows.", blockkit.Clip(first, 40)), example)
	}
	return n, after, nil
}

func (c *riskCommands) delete(ctx context.Context, req *request) (views.Reply, error) {
	const example = "/risk delete 3"
	n, after, err := riskRef(req.rest, example)
	if err != nil {
		return views.Reply{}, err
	}
	if strings.TrimSpace(after) != "" {
		return views.Reply{}, inputError("`/risk delete` takes only the number of the risk.", example)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	r, err := c.store.WithdrawRisk(ctx, req.actor, d.ID, n)
	if err := entryErr(err, "risk", n, "Risk #%d was already withdrawn."); err != nil {
		return views.Reply{}, err
	}
	return views.RiskWithdrawn(r, req.actor.UserID), nil
}
