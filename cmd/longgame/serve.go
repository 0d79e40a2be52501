package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/longgame/longgame/bot"
	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/bot/checkin"
	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/reminders"
	"github.com/longgame/longgame/storage"
)

func runRun(ctx context.Context, inv invocation) int {
	cfg, err := loadConfig()
	if err != nil {
		fmt.Fprintf(inv.stderr, "longgame: %v\n", err)
		return exitUsage
	}
	if problems := tokenProblems(cfg); len(problems) > 0 {
		fmt.Fprintln(inv.stderr, "longgame: cannot connect to Slack:")
		for _, p := range problems {
			fmt.Fprintf(inv.stderr, "  - %s\n", p)
		}
		fmt.Fprintln(inv.stderr, "Create the Slack app from manifest.yml (api.slack.com/apps → Create New App → From a manifest),")
		fmt.Fprintln(inv.stderr, "install it to your workspace, then set both tokens. See README.md.")
		fmt.Fprintln(inv.stderr, "To try Long Game without a Slack workspace: longgame local (go run ./cmd/longgame local).")
		return exitUsage
	}
	log := newLogger(inv.stderr, cfg.LogLevel)
	if err := serve(ctx, cfg, log, nil, nil); err != nil {
		log.Error("longgame stopped", "err", err)
		return exitError
	}
	return exitOK
}

// tokenProblems checks the tokens' presence and shape before any network
// call: Socket Mode retries some misconfigurations forever. It never echoes
// a token.
func tokenProblems(cfg config) []string {
	var out []string
	switch {
	case cfg.BotToken == "":
		out = append(out, "SLACK_BOT_TOKEN is not set: it is the bot token (xoxb-…) on your Slack app's OAuth & Permissions page.")
	case strings.HasPrefix(cfg.BotToken, "xapp-"):
		out = append(out, "SLACK_BOT_TOKEN holds an app-level token (xapp-…): it needs the bot token (xoxb-…).")
	case !strings.HasPrefix(cfg.BotToken, "xoxb-"):
		out = append(out, "SLACK_BOT_TOKEN is not a bot token: it should start with xoxb-.")
	}
	switch {
	case cfg.AppToken == "":
		out = append(out, "SLACK_APP_TOKEN is not set: it is the app-level token (xapp-…) with the connections:write scope, under Basic Information → App-Level Tokens.")
	case strings.HasPrefix(cfg.AppToken, "xoxb-"):
		out = append(out, "SLACK_APP_TOKEN holds a bot token (xoxb-…): it needs the app-level token (xapp-…).")
	case !strings.HasPrefix(cfg.AppToken, "xapp-"):
		out = append(out, "SLACK_APP_TOKEN is not an app-level token: it should start with xapp-.")
	}
	return out
}

func newLogger(w io.Writer, level logLevel) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.Level(level)}))
}

// slackConns is how many idle connections to Slack's Web API are kept:
// as many as calls can be under way at once (the bot's 32 workers, the
// reminders' channels, the access look-ups). With net/http's default of
// two, every call past the second opened a new connection and closed it
// after: a dial, a TCP handshake and a TIME_WAIT per post under load.
const slackConns = 128

// slackTransport is net/http's default transport with slackConns idle
// connections kept per host.
func slackTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = slackConns
	t.MaxIdleConnsPerHost = slackConns
	return t
}

func newSlackAPI(cfg config, client *http.Client) *slack.Client {
	opts := []slack.Option{
		slack.OptionAppLevelToken(cfg.AppToken),
		slack.OptionHTTPClient(client),
	}
	if cfg.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(string(cfg.APIURL)))
	}
	return slack.New(cfg.BotToken, opts...)
}

// services are what serve started, for a caller that drives them (local).
type services struct {
	db        storage.Store
	reminders *reminders.Dispatcher
}

// catchUp sends what fell due between from and to: the reminders and the
// weekly nudge, for local's /time.
func (s *services) catchUp(ctx context.Context, from, to time.Time) error {
	return s.reminders.CatchUp(ctx, from, to)
}

// serve runs the bot until ctx ends: database, Slack, and on the way out the
// reverse order, the database closed last. now is the clock; nil is real
// time. ready, if set, is called once everything is started.
func serve(ctx context.Context, cfg config, log *slog.Logger, now func() time.Time, ready func(*services)) (err error) {
	if now == nil {
		now = time.Now
	}
	tel := newTelemetry()
	db, err := openStore(ctx, cfg.DB, storeOptions{now: now, onCommit: tel.committed, serving: true})
	if err != nil {
		return fmt.Errorf("open database %s: %w", dbName(cfg.DB), err)
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
		log.Info("database closed", "db", dbName(cfg.DB))
	}()
	tel.watchBacklog(db, now)
	parts := []func(context.Context) error{}
	if cfg.HTTPAddr != "" {
		// Before Slack: a port taken stops start-up at once.
		ops, err := listenOps(string(cfg.HTTPAddr), opsHandler(tel, db, log.With("part", "http")), log)
		if err != nil {
			return err
		}
		defer ops.shutdown() // if start-up fails below; else run did it
		parts = append(parts, ops.run)
	}

	httpClient := &http.Client{Timeout: 30 * time.Second, Transport: slackTransport()}
	api := newSlackAPI(cfg, httpClient)
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		return authError(err)
	}
	log.Info("authenticated", "team", auth.Team, "team_id", auth.TeamID, "bot_user", auth.UserID)

	webAPI := &bot.WebAPI{Token: cfg.BotToken, URL: cmp.Or(string(cfg.APIURL), slack.APIURL), Client: httpClient}
	b := bot.New(api, db, bot.Config{
		Config: slash.Config{
			Currency:       string(cfg.Currency),
			Budget:         int(cfg.ChampionBudget),
			Location:       cfg.Timezone.Location,
			CheckinOffsets: cfg.CheckinOffsets,
			LostFollowup:   int(cfg.LostFollowup),
			Workdays:       storage.Workdays(cfg.Workdays),
			KeepInTouch:    time.Duration(cfg.KeepInTouch) * 24 * time.Hour,
			Now:            now,
			Logger:         log,
		},
		WebAPI:     webAPI,
		HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: httpClient.Transport},
		Home:       access.Org{TeamID: auth.TeamID, EnterpriseID: auth.EnterpriseID},
		BotUserID:  auth.UserID,
		BotID:      auth.BotID,
		Replicas:   isPostgres(cfg.DB),
		Observer:   tel,
	})
	keepInTouch := time.Duration(cfg.KeepInTouch) * 24 * time.Hour
	d := reminders.New(db, api, checkin.Messages{KeepInTouch: keepInTouch}, reminders.Options{
		Logger:      log.With("part", "reminders"),
		Now:         now,
		Location:    cfg.Timezone.Location,
		Lease:       time.Duration(cfg.ReminderLease),
		Shared:      b.SharedChannel,
		Member:      b.Member,
		Hold:        b.HoldChannel,
		Delivered:   tel.delivered,
		KeepInTouch: keepInTouch,
		Workdays:    storage.Workdays(cfg.Workdays),
		Post: func(ctx context.Context, channel, text string, blocks []slack.Block, meta *slack.SlackMetadata) (string, error) {
			return webAPI.Post(ctx, channel, text, blocks, meta, "")
		},
	})
	if ready != nil {
		ready(&services{db: db, reminders: d})
	}
	return runTogether(ctx, log, append(parts,
		func(ctx context.Context) error { return appTokenError(b.Run(ctx)) },
		func(ctx context.Context) error {
			return d.Run(ctx, time.Duration(cfg.DispatchInterval), string(cfg.DigestSchedule))
		})...)
}

// runTogether runs the bot, the reminders and the health server until ctx
// ends or one of them fails, then stops the others and waits for all.
func runTogether(ctx context.Context, log *slog.Logger, parts ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(parts))
	for _, part := range parts {
		go func() { errs <- part(ctx) }()
	}
	var first error
	for range parts {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	if first == nil {
		log.Info("stopped taking envelopes; in-flight work finished")
	}
	return first
}

// authError explains a failed auth.test in terms of what to fix.
func authError(err error) error {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "invalid_auth", "not_authed", "token_revoked", "account_inactive":
			return fmt.Errorf("slack refused SLACK_BOT_TOKEN (%s): reinstall the app and copy the bot token again", se.Err)
		}
	}
	return fmt.Errorf("auth.test: %w", err)
}

// appTokenError explains why Socket Mode gave up: it stops retrying only
// when Slack refuses the app token.
func appTokenError(err error) error {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return fmt.Errorf("%s: %w", appTokenFix(se), err)
	}
	return err
}
