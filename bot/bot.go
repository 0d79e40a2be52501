// Package bot is Long Game's Slack side, its transport: it holds the
// Socket Mode connection, queues and acks every envelope, checks who is
// asking, hands slash commands to package slash, clicks and reminders'
// messages to package checkin, and delivers the answers (records in the
// channel with their ts kept, the rest to their user alone), keeping the
// team's records out of shared channels.
package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/longgame/longgame/bot/access"
	"github.com/longgame/longgame/bot/checkin"
	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/bot/zones"
)

// Config holds the bot's settings as plain values: its commands' (the
// currency, budget, zone, check-in offsets, clock and logger) and its own.
type Config struct {
	slash.Config
	// AckDeadline is how long a command may take before the bot acks
	// empty and answers through the response_url instead. Slack's own
	// deadline is 3 s; the default, 2 s, leaves room for the network.
	AckDeadline time.Duration
	// WorkTimeout bounds the work one envelope may do; default 30 s. An
	// answer still owed after it gets a budget of its own (answerTimeout).
	WorkTimeout time.Duration
	// HTTPClient posts to response_urls; it must have a timeout.
	HTTPClient *http.Client
	// WebAPI, if set, is used to post the records in their channels
	// without decoding what Slack echoes back (postmessage.go); nil posts
	// them through the slack-go client.
	WebAPI *WebAPI
	// ChannelInfoTTL is how long conversations.info answers are trusted.
	ChannelInfoTTL time.Duration
	// PingTimeout is how long the socket may go without a ping from Slack
	// before it is dropped and reopened; 0 is slack-go's default (30 s).
	PingTimeout time.Duration
	// PruneEvery is how often the event ids kept for dedupe are pruned,
	// after once at start-up (default hourly).
	PruneEvery time.Duration

	// Home is the organisation whose members Long Game answers (auth.test's
	// team and enterprise); BotUserID and BotID are the app's own user and
	// bot, from auth.test too.
	Home      access.Org
	BotUserID string
	BotID     string
	// Access decides who may see what; nil builds one over the Web API
	// with the TTLs above.
	Access *access.Checker
	// Workers is how many envelopes are handled at once (default 32);
	// Queue how many more may wait (default 1024). Past that, a command is
	// told to try again, and an event is left for Slack to redeliver.
	Workers int
	Queue   int
	// Replicas says other processes may serve the same app on the same
	// database (PostgreSQL): App Home refreshes are then taken in the
	// database, so that they do not multiply with the replicas.
	Replicas bool
	// Observer hears what became of each command and of the Socket Mode
	// connection, for metrics; nil hears nothing.
	Observer Observer
}

// Bot answers Slack over one Socket Mode client.
type Bot struct {
	api      *slack.Client
	store    Store
	cfg      Config
	log      *slog.Logger
	access   *access.Checker
	locks    channelLocks
	shares   sharing
	posts    *postLog
	homes    homeRefreshes
	queue    chan *pending
	stopping chan struct{} // closed when Run stops taking envelopes
	cmds     *slash.Commands
	obs      Observer
	// connections counts the Socket Mode connections opened, to tell the
	// Observer a reconnect. Only route, on drain's goroutine, touches it.
	connections int
	clicks      *checkin.Clicks
	zones       *zones.Zones
	inflight    sync.WaitGroup

	// seenShares are the shares recorded in the database that this
	// replica started or applied.
	seenShares known
}

// New returns a bot that talks to Slack through api and records in store.
func New(api *slack.Client, store Store, cfg Config) *Bot {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.AckDeadline <= 0 {
		cfg.AckDeadline = 2 * time.Second
	}
	if cfg.WorkTimeout <= 0 {
		cfg.WorkTimeout = 30 * time.Second
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.ChannelInfoTTL <= 0 {
		cfg.ChannelInfoTTL = time.Minute
	}
	if cfg.PruneEvery <= 0 {
		cfg.PruneEvery = time.Hour
	}
	if cfg.Observer == nil {
		cfg.Observer = nobody{}
	}
	cfg.Workers = cmp.Or(cfg.Workers, 32)
	cfg.Queue = cmp.Or(cfg.Queue, 1024)
	if cfg.Access == nil {
		cfg.Access = access.New(api, access.Options{Home: cfg.Home, BotUserID: cfg.BotUserID,
			ChannelTTL: cfg.ChannelInfoTTL, Now: cfg.Now, Logger: cfg.Logger})
	}
	b := &Bot{
		api:      api,
		store:    store,
		cfg:      cfg,
		log:      cfg.Logger,
		access:   cfg.Access,
		queue:    make(chan *pending, cfg.Queue),
		posts:    newPostLog(store, cfg.Logger),
		stopping: make(chan struct{}),
		obs:      cfg.Observer,
	}
	b.zones = zones.New(store, cfg.Access, cfg.Location, cfg.Now, cfg.Logger)
	b.cmds = slash.New(store, api, cfg.Access, b.zones, cfg.Config)
	b.zones.Workdays = cfg.Workdays
	b.clicks = &checkin.Clicks{Store: store, Slack: api, Now: cfg.Now, Week: b.zones.Week, Hold: b.holdToShow, Logger: cfg.Logger}
	return b
}

// shutdownGrace bounds how long Run waits for envelopes in flight once it
// has stopped taking new ones.
const shutdownGrace = 25 * time.Second

// Run connects over Socket Mode and serves until ctx ends or Slack refuses
// the app token. On the way out it stops taking envelopes, lets the ones in
// flight finish and ack over the still-open socket, then disconnects.
func (b *Bot) Run(ctx context.Context) error {
	var opts []socketmode.Option
	if b.cfg.PingTimeout > 0 {
		opts = append(opts, socketmode.OptionPingInterval(b.cfg.PingTimeout))
	}
	client := socketmode.New(b.api, opts...)
	// The socket outlives ctx: in-flight envelopes still need it to ack.
	sockCtx, stopSocket := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSocket()
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(sockCtx) }()
	workers := b.startWorkers(sockCtx)
	b.inflight.Go(func() { b.maintain(ctx) })
	postsDone := make(chan struct{})
	var postLogDone sync.WaitGroup
	postLogDone.Go(func() { b.posts.run(context.WithoutCancel(ctx), postsDone) })
	b.inflight.Go(func() { b.resumeShares(context.WithoutCancel(ctx)) })
	b.inflight.Go(func() { b.watchShares(ctx) })

	socketDone, err := b.drain(ctx, client, runErr)
	close(b.stopping)
	close(b.queue) // drain was its only sender: the workers finish what waits
	workers.Wait()
	b.waitInflight()
	close(postsDone) // the records posted are all queued: write their ts
	postLogDone.Wait()
	stopSocket()
	if !socketDone {
		<-runErr
	}
	b.obs.SocketDown()
	return err
}

func (b *Bot) waitInflight() {
	done := make(chan struct{})
	go func() {
		b.inflight.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(shutdownGrace):
		b.log.Warn("shutting down with envelopes still in flight", "waited", shutdownGrace)
	}
}

// drain reads client.Events and queues each envelope for the workers: the
// reader must never block, or pings go unanswered and envelopes are lost. It
// returns when ctx ends, or when the socket client gave up (socketDone).
func (b *Bot) drain(ctx context.Context, client *socketmode.Client, runErr <-chan error) (socketDone bool, err error) {
	for {
		select {
		case <-ctx.Done():
			return false, nil
		case err := <-runErr:
			if err == nil || errors.Is(err, context.Canceled) {
				return true, nil
			}
			return true, fmt.Errorf("socket mode: %w", err)
		case evt := <-client.Events:
			b.route(ctx, client, evt)
		}
	}
}

func (b *Bot) route(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		// Before each attempt: the last connection, if any, is gone.
		b.obs.SocketDown()
		b.log.Info("connecting to slack")
	case socketmode.EventTypeConnected:
		b.connections++
		b.obs.SocketUp(b.connections > 1)
		b.log.Info("connected to slack")
	case socketmode.EventTypeConnectionError:
		b.obs.SocketDown()
		b.log.Warn("slack connection failed; retrying", "err", connectionErr(evt))
	case socketmode.EventTypeInvalidAuth:
		b.obs.SocketDown()
		b.log.Error("slack refused the app token (invalid_auth)")
	case socketmode.EventTypeErrorBadMessage:
		b.ackUnreadable(ctx, client, evt)
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if evt.Request == nil || evt.Request.EnvelopeID == "" {
			return
		}
		b.enqueue(ctx, client, evt)
	}
}

// connectionErr keeps only the error's kind: the dial error of a WebSocket
// would carry the URL, whose ticket is a credential.
func connectionErr(evt socketmode.Event) string {
	if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok && ce.ErrorObj != nil {
		return redactURL(ce.ErrorObj).Error()
	}
	return "unknown"
}

// ackUnreadable acks an envelope slack-go could not parse (an event type it
// does not know): unacked, Slack would redeliver it again and again.
func (b *Bot) ackUnreadable(ctx context.Context, client acker, evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if json.Unmarshal(bad.Message, &env) != nil || env.EnvelopeID == "" {
		b.log.Warn("unreadable socket mode message without an envelope id")
		return
	}
	b.log.Warn("acked an envelope slack-go could not read", "type", env.Type, "envelope", env.EnvelopeID)
	b.ack(ctx, client, env.EnvelopeID, nil)
}
