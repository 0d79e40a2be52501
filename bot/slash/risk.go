package slash

import (
	"context"
	"fmt"
	"strings"

	"github.com/longgame/longgame/bot/blockkit"
	"github.com/longgame/longgame/bot/command"
	"github.com/longgame/longgame/bot/views"
	"github.com/longgame/longgame/storage"
)

// riskStore is what /risk records and reads.
type riskStore interface {
	goodwillStore
	DealOverview(ctx context.Context, teamID string, dealID int64) (storage.DealOverview, error)
	AddRisk(ctx context.Context, a storage.Actor, dealID int64, r storage.NewRisk) (storage.Risk, error)
	Risks(ctx context.Context, teamID string, dealID int64, all bool) ([]storage.Risk, error)
	RiskSummary(ctx context.Context, teamID string, dealID int64, limit int) (storage.RiskSummary, error)
	ResolveRisk(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error)
	ReopenRisk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Risk, error)
	DiscloseRisk(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error)
	EditRisk(ctx context.Context, a storage.Actor, dealID int64, number int, e storage.RiskEdit) (storage.Risk, error)
	WithdrawRisk(ctx context.Context, a storage.Actor, dealID int64, number int) (storage.Risk, error)
}

// riskCommands answers /risk.
type riskCommands struct {
	base
	store riskStore
}

var riskFlagSpec = command.Spec{Options: []string{"severity", "area", "test"}, Flags: []string{"test"}, Sentences: []string{"test"}}

var severities = map[string]storage.Severity{
	"low": storage.SeverityLow, "medium": storage.SeverityMedium, "med": storage.SeverityMedium,
	"high": storage.SeverityHigh, "critical": storage.SeverityCritical, "crit": storage.SeverityCritical,
}

var areas = map[string]storage.Area{
	"training": storage.AreaTraining, "process": storage.AreaProcess, "trust": storage.AreaTrust,
	"technical": storage.AreaTechnical, "security": storage.AreaSecurity, "commercial": storage.AreaCommercial,
	"legal": storage.AreaLegal, "other": storage.AreaOther,
}

const riskFlagExample = "/risk flag SSO with Okta untested severity:high area:security test"

func (c *riskCommands) flag(ctx context.Context, req *request) (views.Reply, error) {
	args, err := command.Parse(req.rest, riskFlagSpec)
	if err != nil {
		return views.Reply{}, err
	}
	nr, err := parseNewRisk(args)
	if err != nil {
		return views.Reply{}, err
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	r, err := c.store.AddRisk(ctx, req.actor, d.ID, nr)
	if err != nil {
		return views.Reply{}, fmt.Errorf("add risk: %w", err)
	}
	return views.RiskFlagged(r, req.actor.UserID), nil
}

func parseNewRisk(args command.Args) (storage.NewRisk, error) {
	nr := storage.NewRisk{What: args.Text, Severity: storage.SeverityMedium, Area: storage.AreaOther}
	if err := checkWhat(nr.What, riskFlagExample); err != nil {
		return nr, err
	}
	var err error
	if v, ok := args.Options["severity"]; ok {
		if nr.Severity, err = parseSeverity(v); err != nil {
			return nr, err
		}
	}
	if v, ok := args.Options["area"]; ok {
		if nr.Area, err = parseArea(v); err != nil {
			return nr, err
		}
	}
	nr.NeedsTest = args.Flags["test"]
	if v, ok := args.Options["test"]; ok {
		if err := checkLength("test", v, command.MaxText, riskFlagExample); err != nil {
			return nr, err
		}
		nr.NeedsTest, nr.Scenario = true, v
	}
	return nr, nil
}

func parseSeverity(v string) (storage.Severity, error) {
	s, ok := severities[strings.ToLower(v)]
	if !ok {
		return "", inputError(fmt.Sprintf("severity:%s is not a severity: use low, medium, high or critical.", blockkit.Clip(v, 40)),
			"/risk flag data migration may slip severity:high")
	}
	return s, nil
}

func parseArea(v string) (storage.Area, error) {
	a, ok := areas[strings.ToLower(v)]
	if !ok {
		return "", inputError(fmt.Sprintf("area:%s is not an area: use %s.", blockkit.Clip(v, 40), strings.Join(sortedKeys(areas), ", ")),
			"/risk flag admins not trained before go-live area:training")
	}
	return a, nil
}

func (c *riskCommands) list(ctx context.Context, req *request) (views.Reply, error) {
	all := false
	switch strings.ToLower(strings.TrimSpace(req.rest)) {
	case "":
	case "all":
		all = true
	default:
		return views.Reply{}, inputError(fmt.Sprintf("`/risk list` takes only `all`; I did not understand %q.", blockkit.Clip(req.rest, 40)), "/risk list all")
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	risks, err := c.store.Risks(ctx, req.actor.TeamID, d.ID, all)
	if err != nil {
		return views.Reply{}, fmt.Errorf("list risks: %w", err)
	}
	return views.RiskList(d, risks, all, req.zone(ctx)), nil
}

// riskChange is resolve, reopen or disclose of risk #n.
type riskChange func(ctx context.Context, a storage.Actor, dealID int64, number int, note string) (storage.Risk, error)

func (c *riskCommands) resolve(ctx context.Context, req *request) (views.Reply, error) {
	return c.change(ctx, req, c.store.ResolveRisk, "Risk #%d is already resolved: nothing changed.", "/risk resolve 2 fixed in release 4.1")
}

func (c *riskCommands) reopen(ctx context.Context, req *request) (views.Reply, error) {
	reopen := func(ctx context.Context, a storage.Actor, dealID int64, n int, note string) (storage.Risk, error) {
		if note != "" {
			return storage.Risk{}, inputError("`/risk reopen` takes only the number.", "/risk reopen 2")
		}
		return c.store.ReopenRisk(ctx, a, dealID, n)
	}
	return c.change(ctx, req, reopen, "Risk #%d is already open: nothing changed.", "/risk reopen 2")
}

func (c *riskCommands) disclose(ctx context.Context, req *request) (views.Reply, error) {
	return c.change(ctx, req, c.store.DiscloseRisk, "Risk #%d was already disclosed: the first disclosure stands.",
		"/risk disclose 2 walked Jane through it on the call")
}

// change applies change to the risk the command names; unchanged is the
// "already" sentence, with %d for the number.
func (c *riskCommands) change(ctx context.Context, req *request, change riskChange, unchanged, example string) (views.Reply, error) {
	args, err := command.Parse(req.rest, command.Spec{})
	if err != nil {
		return views.Reply{}, err
	}
	if len(args.Words) == 0 {
		return views.Reply{}, inputError("Give the number of the risk, as `/risk list` shows it.", example)
	}
	n, err := command.ParseNumber(args.Words[0].Text)
	if err != nil {
		return views.Reply{}, inputError(fmt.Sprintf("%q is not a risk number: give the number `/risk list` shows.", blockkit.Clip(args.Words[0].Text, 40)), example)
	}
	note := args.TextAfter(1)
	if err := checkLength("note", note, command.MaxText, example); err != nil {
		return views.Reply{}, err
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	r, err := change(ctx, req.actor, d.ID, n, note)
	if IsUserError(err) {
		return views.Reply{}, err
	}
	if err := entryErr(err, "risk", n, unchanged); err != nil {
		return views.Reply{}, err
	}
	return views.RiskChanged(req.sub, r, req.actor.UserID), nil
}

func (c *riskCommands) summary(ctx context.Context, req *request) (views.Reply, error) {
	if req.rest != "" {
		return views.Reply{}, notUnderstood("/risk", req.sub+" "+req.rest)
	}
	d, err := c.dealFor(ctx, req)
	if err != nil {
		return views.Reply{}, err
	}
	return c.summaryOf(ctx, d)
}

func (c *riskCommands) summaryOf(ctx context.Context, d storage.Deal) (views.Reply, error) {
	ov, err := c.store.DealOverview(ctx, d.TeamID, d.ID)
	if err != nil {
		return views.Reply{}, fmt.Errorf("deal overview: %w", err)
	}
	s, err := c.store.RiskSummary(ctx, d.TeamID, d.ID, views.SummaryRisks)
	if err != nil {
		return views.Reply{}, fmt.Errorf("risk summary: %w", err)
	}
	return views.RiskSummary(ov, s, c.across(ctx, c.store, ov)), nil
}
