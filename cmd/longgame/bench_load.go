package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
)

// commandTimeout bounds one slash command of the load, reply included.
const commandTimeout = 10 * time.Second

// errUnexpected marks a command whose visible reply was not the one wanted
// (an error message, an ephemeral answer to a recording command…).
var errUnexpected = errors.New("unexpected reply")

// sender runs command number i and returns when its first user-visible
// reply arrived.
type sender func(ctx context.Context, i int) (time.Time, error)

// slashLoad is one kind of slash command of the load: its text for number i,
// and what its reply must look like.
type slashLoad struct {
	channel string
	user    string
	line    func(i int) string
	ok      func(text, responseType string) bool
}

// sender turns c into a sender through fake. A reply is the ack's payload,
// which only its user sees; an ack without one means the answer was posted
// in the channel (a record, before the ack) or goes through the
// response_url (a late answer), and the reply is then the first such post
// for that channel that no other command took.
func (c slashLoad) sender(fake *slackfake.Server) sender {
	var taken sync.Map // reply Seq → claimed
	return func(ctx context.Context, i int) (time.Time, error) {
		ctx, cancel := context.WithTimeout(ctx, commandTimeout)
		defer cancel()
		name, text, _ := strings.Cut(c.line(i), " ")
		seq := fake.Seq()
		ack, err := fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: c.user, ChannelID: c.channel, Command: name, Text: text})
		if err != nil {
			return time.Time{}, err
		}
		seen, shown, kind := time.Now(), ack.Text, ack.ResponseType
		if ack.Text == "" && ack.Blocks == nil {
			r, err := fake.WaitReplyAfter(ctx, seq, func(r slackfake.Reply) bool {
				if r.Channel != c.channel || !(r.Kind == slackfake.KindPostMessage ||
					r.Kind == slackfake.KindResponseURL && r.User == c.user) {
					return false
				}
				_, dup := taken.LoadOrStore(r.Seq, true)
				return !dup
			})
			if err != nil {
				return time.Time{}, fmt.Errorf("no reply in the channel or through the response_url: %w", err)
			}
			seen, shown, kind = r.Received, r.Text, string(r.Kind)
			if r.Kind == slackfake.KindResponseURL {
				kind = r.ResponseType
			}
		}
		if !c.ok(shown, kind) {
			return seen, fmt.Errorf("%w: %.120q", errUnexpected, shown)
		}
		return seen, nil
	}
}

// latencyReport is what a load measured.
type latencyReport struct {
	Sent       int     `json:"sent"`
	Answered   int     `json:"answered"`   // a reply of the expected kind
	Unexpected int     `json:"unexpected"` // a reply, but an error or the wrong kind
	Failed     int     `json:"failed"`     // no reply (timeout, no ack…)
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"per_second"` // answered per second of the load
	P50MS      float64 `json:"p50_ms"`
	P99MS      float64 `json:"p99_ms"`
	MaxMS      float64 `json:"max_ms"`
	// CPUPerCmdUS is the bot process's CPU time (user and system) during
	// the load, per command sent: unlike the latencies, other work on a
	// shared machine does not inflate it.
	CPUPerCmdUS float64 `json:"cpu_per_command_us,omitempty"`
	// FakeCPUPerCmdUS is the same for this process, the fake Slack and the
	// load: what the bot's answers cost the other side of the socket.
	FakeCPUPerCmdUS float64 `json:"fake_cpu_per_command_us,omitempty"`
	FirstError      string  `json:"first_error,omitempty"`
}

// tally accumulates results from several goroutines.
type tally struct {
	mu         sync.Mutex
	lat        []time.Duration // of the answered commands
	unexpected int
	failed     int
	firstErr   error
}

func (t *tally) add(d time.Duration, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case err == nil:
		t.lat = append(t.lat, d)
		return
	case errors.Is(err, errUnexpected):
		t.unexpected++
	default:
		t.failed++
	}
	if t.firstErr == nil {
		t.firstErr = err
	}
}

func (t *tally) report(sent int, elapsed time.Duration) latencyReport {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := latencyReport{Sent: sent, Answered: len(t.lat), Unexpected: t.unexpected, Failed: t.failed,
		Seconds: elapsed.Seconds()}
	if elapsed > 0 {
		r.PerSecond = float64(len(t.lat)) / elapsed.Seconds()
	}
	if t.firstErr != nil {
		r.FirstError = t.firstErr.Error()
	}
	slices.Sort(t.lat)
	r.P50MS, r.P99MS = ms(quantile(t.lat, 0.50)), ms(quantile(t.lat, 0.99))
	if len(t.lat) > 0 {
		r.MaxMS = ms(t.lat[len(t.lat)-1])
	}
	return r
}

// quantile is the nearest-rank q-quantile of sorted.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// timed runs send(ctx, i) and records in t how long its reply took.
func timed(ctx context.Context, t *tally, send sender, i int) {
	start := time.Now()
	seen, err := send(ctx, i)
	t.add(seen.Sub(start), err)
}

// openLoop sends n commands at rate per second on a fixed schedule,
// whatever the completions: a slow answer does not slow the sending, so
// latency is not hidden by the load backing off (no coordinated omission).
// A command's latency runs from the moment it is sent.
func openLoop(ctx context.Context, n, rate int, send sender) latencyReport {
	interval := time.Second / time.Duration(max(rate, 1))
	var t tally
	var wg sync.WaitGroup
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	start := time.Now()
	sent := 0
	for i := range n {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			timer.Reset(d)
			select {
			case <-timer.C:
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		sent++
		wg.Go(func() { timed(ctx, &t, send, i) })
	}
	wg.Wait()
	return t.report(sent, time.Since(start))
}

// closedLoop keeps inFlight commands outstanding for d: each worker sends
// its next command as soon as the last one was answered.
func closedLoop(ctx context.Context, inFlight int, d time.Duration, send sender) latencyReport {
	var t tally
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for range inFlight {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				timed(ctx, &t, send, int(next.Add(1)-1))
			}
		})
	}
	wg.Wait()
	return t.report(int(next.Load()), time.Since(start))
}

// fixedCount sends n commands with inFlight outstanding.
func fixedCount(ctx context.Context, n, inFlight int, send sender) latencyReport {
	var t tally
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range min(inFlight, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				timed(ctx, &t, send, i)
			}
		})
	}
	wg.Wait()
	return t.report(min(int(next.Load()), n), time.Since(start))
}
