package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/longgame/longgame/bot"
	"github.com/longgame/longgame/storage"
)

// Histogram buckets, in seconds. A reply is a few milliseconds when it is
// read from the database, seconds when it waits on Slack; 3 s is Slack's
// deadline for an ack, 30 s the bound on a command's work. A group commit
// is an fsync: sub-millisecond on a good disk, a second on a sick one.
var (
	replyBuckets  = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10, 30}
	commitBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}
)

// backlogTimeout bounds the database read behind the reminder gauges, so
// that a stuck database cannot hang a scrape.
const backlogTimeout = 2 * time.Second

// telemetry turns what the bot, the reminders and the database report into
// Prometheus metrics, on a registry of its own, and keeps the Socket Mode
// connection's state for /readyz. It implements bot.Observer; delivered and
// committed are the reminders' and the SQLite writer's hooks.
type telemetry struct {
	registry   *prometheus.Registry
	commands   *prometheus.CounterVec
	reply      *prometheus.HistogramVec
	sent       prometheus.Counter
	failed     prometheus.Counter
	reconnects prometheus.Counter
	commits    prometheus.Histogram
	connected  atomic.Bool
}

var _ bot.Observer = (*telemetry)(nil)

func newTelemetry() *telemetry {
	t := &telemetry{
		registry: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "longgame_commands_total",
			Help: "Slash commands by command (other for one Long Game does not know) and outcome: recorded, answered, invalid, error, refused, busy.",
		}, []string{"command", "outcome"}),
		reply: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "longgame_reply_seconds",
			Help:    "Time from a slash command's arrival to the answer its user sees: the ack carrying it, or the record posted in the channel.",
			Buckets: replyBuckets,
		}, []string{"command"}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "longgame_reminders_sent_total",
			Help: "Check-in reminders posted: in their deal channel, or to the owner because the channel is shared.",
		}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "longgame_reminders_failed_total",
			Help: "Check-in reminders their deal channel refused: sent to the owner by DM instead, or nowhere.",
		}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "longgame_socket_reconnects_total",
			Help: "Socket Mode connections opened after the first.",
		}),
		commits: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "longgame_db_commit_seconds",
			Help:    "Duration of each group commit of the SQLite writer, from BEGIN to COMMIT.",
			Buckets: commitBuckets,
		}),
	}
	t.registry.MustRegister(t.commands, t.reply, t.sent, t.failed, t.reconnects, t.commits)
	return t
}

// CommandDone counts a slash command by outcome.
func (t *telemetry) CommandDone(command string, o bot.Outcome) {
	t.commands.WithLabelValues(command, string(o)).Inc()
}

// CommandAnswered observes how long a command's user waited.
func (t *telemetry) CommandAnswered(command string, wait time.Duration) {
	t.reply.WithLabelValues(command).Observe(wait.Seconds())
}

// SocketUp marks the connection up and counts a reconnect.
func (t *telemetry) SocketUp(reconnect bool) {
	t.connected.Store(true)
	if reconnect {
		t.reconnects.Inc()
	}
}

// SocketDown marks the connection down.
func (t *telemetry) SocketDown() { t.connected.Store(false) }

// delivered counts a reminder sent or failed: reminders.Options.Delivered.
func (t *telemetry) delivered(d storage.Delivery) {
	switch d {
	case storage.DeliverySent:
		t.sent.Inc()
	case storage.DeliveryFailed:
		t.failed.Inc()
	}
}

// committed observes a group commit: sqlite.Options.OnCommit.
func (t *telemetry) committed(took time.Duration, _ int) {
	t.commits.Observe(took.Seconds())
}

// backlogReader is what the reminder gauges read.
type backlogReader interface {
	ReminderBacklog(ctx context.Context, now time.Time) (pending int, oldestDue time.Time, err error)
}

// watchBacklog adds the reminder gauges, read from store at each scrape
// with the clock now.
func (t *telemetry) watchBacklog(store backlogReader, now func() time.Time) {
	t.registry.MustRegister(&backlogCollector{
		store: store,
		now:   now,
		pending: prometheus.NewDesc("longgame_reminders_pending",
			"Check-in reminders due and not yet sent, as the dispatcher would claim them now.", nil, nil),
		oldest: prometheus.NewDesc("longgame_reminders_oldest_pending_age_seconds",
			"How long the oldest pending reminder has been due; 0 when none is.", nil, nil),
	})
}

// backlogCollector reads the pending reminders from the database when
// scraped: a gauge kept in memory would miss what another replica, or a
// restart, left behind.
type backlogCollector struct {
	store           backlogReader
	now             func() time.Time
	pending, oldest *prometheus.Desc
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.oldest
}

// Collect reads the backlog. On a database error both gauges are left out
// of the scrape (the error goes to the handler's log), rather than shown
// as an empty queue.
func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), backlogTimeout)
	defer cancel()
	now := c.now()
	n, oldest, err := c.store.ReminderBacklog(ctx, now)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.pending, err)
		return
	}
	var age float64
	if !oldest.IsZero() {
		age = max(0, now.Sub(oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
