package bot

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/longgame/longgame/bot/slash"
	"github.com/longgame/longgame/bot/views"
)

// pending is an envelope between its arrival and the end of its handling.
// It is acked exactly once: by its handler, or by its deadline when the
// handler (or the queue before it) takes longer than Slack waits.
type pending struct {
	evt     socketmode.Event
	client  acker
	timer   *time.Timer
	arrived time.Time // read off the socket: the user's wait starts here

	mu    sync.Mutex
	acked bool
	shown bool // a slash command's user was shown the answer
}

// newPending arms the envelope's deadline: past AckDeadline it is acked
// with no payload, and its handler answers through the response_url.
func (b *Bot) newPending(ctx context.Context, client acker, evt socketmode.Event) *pending {
	p := &pending{evt: evt, client: client, arrived: time.Now()}
	ctx = context.WithoutCancel(ctx) // an envelope taken is acked, shutdown or not
	p.mu.Lock()                      // the deadline's ack waits until p.timer is set
	defer p.mu.Unlock()
	p.timer = time.AfterFunc(b.cfg.AckDeadline, func() { p.ack(ctx, b, nil) })
	return p
}

// ack acks the envelope with payload unless it was acked already; it
// reports whether this call acked it.
func (p *pending) ack(ctx context.Context, b *Bot, payload any) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.acked {
		return false
	}
	p.acked = true
	p.timer.Stop()
	if b.ack(ctx, p.client, p.evt.Request.EnvelopeID, payload) && payload != nil {
		p.showLocked(b)
	}
	return true
}

// show notes that a slash command's user was shown its answer, and tells
// the Observer how long they waited: the first time only.
func (p *pending) show(b *Bot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.showLocked(b)
}

func (p *pending) showLocked(b *Bot) {
	cmd, ok := p.evt.Data.(slack.SlashCommand)
	if !ok || p.shown {
		return
	}
	p.shown = true
	b.obs.CommandAnswered(b.commandName(cmd), time.Since(p.arrived))
}

// enqueue hands an envelope to the workers. What must happen before Slack
// hears back (forgetting what was known of a channel that became shared)
// happens here, on the reader. When the queue is full the envelope is shed.
func (b *Bot) enqueue(ctx context.Context, client acker, evt socketmode.Event) {
	if ev, ok := evt.Data.(slackevents.EventsAPIEvent); ok {
		b.beforeAck(ev)
	}
	p := b.newPending(ctx, client, evt)
	select {
	case b.queue <- p:
	default:
		b.shed(ctx, p)
	}
}

// busyText tells a user their command was not taken.
const busyText = ":hourglass: Long Game is busy right now and did not record this. Please try again in a moment."

// shed answers an envelope the workers cannot take: a command is told to try
// again (nothing was written), a form stays open with a note, a click is
// dropped, and an event is left unacked so that Slack delivers it again.
func (b *Bot) shed(ctx context.Context, p *pending) {
	b.log.Warn("queue full; envelope shed", "type", p.evt.Type, "envelope", p.evt.Request.EnvelopeID)
	switch data := p.evt.Data.(type) {
	case slack.SlashCommand:
		if payload, ok := ackPayload(views.Problem(busyText, "")); ok {
			p.ack(ctx, b, payload)
		}
		b.obs.CommandDone(b.commandName(data), Busy)
	case slack.InteractionCallback:
		if data.Type == slack.InteractionTypeViewSubmission && slash.IsAskForm(data.View) {
			p.ack(ctx, b, viewErrors(slash.AskFormProblem("Long Game is busy: press Record again in a moment.")))
			return
		}
		p.ack(ctx, b, nil)
	default:
		p.mu.Lock()
		p.timer.Stop() // Slack redelivers an events_api envelope that is not acked
		p.mu.Unlock()
	}
}

// startWorkers starts the goroutines that handle queued envelopes, at most
// Workers at once. They return once the queue is closed and empty.
func (b *Bot) startWorkers(ctx context.Context) *sync.WaitGroup {
	var wg sync.WaitGroup
	for range b.cfg.Workers {
		wg.Go(func() {
			for p := range b.queue {
				b.serve(ctx, p)
			}
		})
	}
	return &wg
}

// seenEventsKept is how long event ids are kept for dedupe: Slack
// redelivers within minutes.
const seenEventsKept = 24 * time.Hour

// maintain prunes the event ids kept for dedupe, at start-up and every
// Config.PruneEvery, until the bot stops taking envelopes.
func (b *Bot) maintain(ctx context.Context) {
	tick := time.NewTicker(b.cfg.PruneEvery)
	defer tick.Stop()
	for {
		n, err := b.store.PruneSeenEvents(ctx, b.cfg.Now().Add(-seenEventsKept))
		switch {
		case err != nil && ctx.Err() == nil:
			b.log.Warn("pruning seen events failed", "err", err)
		case n > 0:
			b.log.Debug("pruned seen events", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-b.stopping:
			return
		case <-tick.C:
		}
	}
}
