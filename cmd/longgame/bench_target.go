package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage"
)

// target is a bot the load runs against: the verb its child process runs,
// its environment, and what its replies must look like.
type target struct {
	name     string
	verb     string
	env      []string
	dbPath   string                           // the bot's database; "" for the baseline
	recorded func(text, respType string) bool // a recording command's reply
	answered func(text, respType string) bool // a read's reply
}

func baselineTarget() target {
	ok := func(text, _ string) bool { return text == "ok" }
	return target{name: "baseline", verb: "bench-baseline", recorded: ok, answered: ok}
}

// botTarget is `longgame run` on the database path (LONGGAME_DB).
func botTarget(path string) target {
	return target{
		name: "bot", verb: "run", env: []string{"LONGGAME_DB=" + path}, dbPath: path,
		recorded: func(text, kind string) bool { return kind == string(slackfake.KindPostMessage) && !isErrorReply(text) },
		answered: func(text, _ string) bool { return text != "" && !isErrorReply(text) },
	}
}

// isErrorReply tells the bot's error answers (bad input, an internal error)
// from real ones.
func isErrorReply(text string) bool {
	return strings.HasPrefix(text, ":warning:") || strings.HasPrefix(text, ":x:")
}

// loadReport is one bot's numbers under the load.
type loadReport struct {
	StartupMS float64       `json:"startup_ms"` // process start → connected, on an empty database
	Open      latencyReport `json:"open_loop"`
	Summary   latencyReport `json:"risk_summary"`
	Closed    latencyReport `json:"closed_loop"`
	PeakRSS   int64         `json:"peak_rss_bytes"`
	// Commands and Replies count every command of the load and the visible
	// replies (acks with a payload, records posted, response_url posts)
	// that came back in its channels: they must be equal.
	Commands int `json:"commands"`
	Replies  int `json:"replies"`
	// For the bot: risks stored in the open-loop and closed-loop deals,
	// read back from its database after it stopped.
	StoredOpen   int `json:"stored_open_loop,omitempty"`
	StoredClosed int `json:"stored_closed_loop,omitempty"`
}

// load runs the open loop, the read path and the closed loop against t.
func (b *bench) load(ctx context.Context, t target) (*loadReport, error) {
	c, up, err := b.start(ctx, t.name, t.verb, t.env...)
	if err != nil {
		return nil, err
	}
	defer b.stopChild(ctx, c)
	rep := &loadReport{StartupMS: ms(up)}
	for _, ch := range []string{"C1", "C2"} {
		open := slashLoad{channel: ch, user: "U1", ok: t.recorded, line: func(int) string { return "/deal open Bench " + ch }}
		if _, err := open.sender(b.fake)(ctx, 0); err != nil {
			return nil, fmt.Errorf("/deal open in %s: %w; log:\n%s", ch, err, c.logs)
		}
	}
	b.drive(ctx, t, rep, c)
	rep.PeakRSS = b.peakRSS(c)
	rep.Commands = 2 + rep.Open.Sent + rep.Summary.Sent + rep.Closed.Sent
	rep.Replies = b.visibleReplies("C1", "C2")
	if ctx.Err() != nil || t.dbPath == "" {
		return rep, ctx.Err()
	}
	b.stopChild(ctx, c)
	rep.StoredOpen, rep.StoredClosed, err = storedRisks(ctx, t.dbPath)
	return rep, err
}

// drive runs the three loads in turn: the open loop and the read path on
// the deal of C1, the closed loop on the deal of C2.
func (b *bench) drive(ctx context.Context, t target, rep *loadReport, c *child) {
	o := b.opts
	// cpu runs a load and notes the child's CPU time per command it sent.
	cpu := func(load func() latencyReport) latencyReport {
		before, err := c.cpuTime()
		self, err3 := cpuTimeOf(os.Getpid())
		r := load()
		after, err2 := c.cpuTime()
		self2, err4 := cpuTimeOf(os.Getpid())
		if err == nil && err2 == nil && r.Sent > 0 {
			r.CPUPerCmdUS = float64(after-before) / float64(time.Microsecond) / float64(r.Sent)
		}
		if err3 == nil && err4 == nil && r.Sent > 0 {
			r.FakeCPUPerCmdUS = float64(self2-self) / float64(time.Microsecond) / float64(r.Sent)
		}
		return r
	}
	flagCmd := func(channel, what string) slashLoad {
		return slashLoad{channel: channel, user: "U1", ok: t.recorded,
			line: func(i int) string { return fmt.Sprintf("/risk flag %s risk %d severity:low", what, i+1) }}
	}
	b.progress("%s: open loop, %d commands at %d/s", t.name, o.OpenN, o.OpenRate)
	rep.Open = cpu(func() latencyReport {
		return openLoop(ctx, o.OpenN, o.OpenRate, flagCmd("C1", "open-loop").sender(b.fake))
	})
	b.progress("%s: read path, %d /risk summary with %d in flight", t.name, o.SummaryN, o.InFlight)
	summary := slashLoad{channel: "C1", user: "U1", ok: t.answered, line: func(int) string { return "/risk summary" }}
	rep.Summary = cpu(func() latencyReport { return fixedCount(ctx, o.SummaryN, o.InFlight, summary.sender(b.fake)) })
	b.progress("%s: closed loop, %d in flight for %s", t.name, o.InFlight, o.ClosedFor)
	rep.Closed = cpu(func() latencyReport {
		return closedLoop(ctx, o.InFlight, time.Duration(o.ClosedFor), flagCmd("C2", "closed-loop").sender(b.fake))
	})
}

// visibleReplies counts the acks with a payload, the records posted and
// the response_url posts in channels.
func (b *bench) visibleReplies(channels ...string) int {
	n := 0
	for _, r := range b.fake.Replies() {
		visible := r.Kind == slackfake.KindAck || r.Kind == slackfake.KindResponseURL || r.Kind == slackfake.KindPostMessage
		if visible && slices.Contains(channels, r.Channel) {
			n++
		}
	}
	return n
}

// storedRisks reads back how many risks the deals of C1 and C2 hold.
func storedRisks(ctx context.Context, path string) (open, closed int, err error) {
	err = withStore(ctx, path, func(db storage.Store) error {
		for _, x := range []struct {
			channel string
			n       *int
		}{{"C1", &open}, {"C2", &closed}} {
			d, err := db.DealByChannel(ctx, benchTeam, x.channel)
			if err != nil {
				return err
			}
			risks, err := db.Risks(ctx, benchTeam, d.ID, true)
			if err != nil {
				return err
			}
			*x.n = len(risks)
		}
		return nil
	})
	return open, closed, err
}
