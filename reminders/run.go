package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Run delivers reminders until ctx ends, then waits for the work in flight
// and returns nil. It dispatches once at start-up (what came due while the
// bot was down goes out now), then every dispatchInterval (at least a
// second), and also at the earliest retry time the last pass asked for
// (e.g. after a Retry-After), so a retry does not wait a whole interval.
// The weekly nudge reaches each owner at 09:00 in their own time zone on
// the first day of their working week (OwnerDigest, looked for every
// quarter of an hour, since zones are offset by quarters); a digestSpec,
// a robfig/cron spec checked with ParseSchedule (CRON_TZ= allowed;
// without it, Options.Location), overrides that with one schedule for
// everyone. An error means the arguments were refused and nothing ran.
func (d *Dispatcher) Run(ctx context.Context, dispatchInterval time.Duration, digestSpec string) error {
	if dispatchInterval < time.Second {
		return fmt.Errorf("dispatch interval %s: it must be at least a second", dispatchInterval)
	}
	sched, job, err := d.digestJob(ctx, digestSpec)
	if err != nil {
		return fmt.Errorf("digest schedule %q: %w", digestSpec, err)
	}
	l := cronLogger{d.log}
	// SkipIfStillRunning outside Recover: the other order disables a job
	// forever after one panic in cron v3.0.1.
	c := cron.New(cron.WithLocation(d.loc), cron.WithLogger(l), cron.WithChain(cron.SkipIfStillRunning(l), cron.Recover(l)))
	kick := make(chan struct{}, 1)
	c.Schedule(cron.Every(dispatchInterval), cron.FuncJob(func() {
		select {
		case kick <- struct{}{}:
		default: // a pass is pending already
		}
	}))
	c.Schedule(sched, job)
	c.Start()
	d.dispatchLoop(ctx, kick)
	<-c.Stop().Done()
	return nil
}

// dispatchLoop runs Dispatch now, on every kick and at the earliest retry
// time any pass scheduled that is still ahead, one pass at a time, until
// ctx ends.
func (d *Dispatcher) dispatchLoop(ctx context.Context, kick <-chan struct{}) {
	retry := time.NewTimer(0) // the start-up pass
	defer retry.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-retry.C:
		}
		claimed := d.now() // no later than the time the pass claims at
		next := d.safeDispatch(ctx)
		// A retry an earlier pass scheduled after this one claimed is still
		// to come, or came while this pass ran: then the next pass is now.
		if earlier := d.nextRetry(claimed); !earlier.IsZero() && (next.IsZero() || earlier.Before(next)) {
			next = earlier
		}
		retry.Stop()
		if !next.IsZero() {
			retry.Reset(max(next.Sub(d.now()), 0))
		}
	}
}

// safeDispatch is one pass that survives a panic (its claims are then
// reconciled after the lease) and returns when to retry.
func (d *Dispatcher) safeDispatch(ctx context.Context) (next time.Time) {
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("dispatch panicked", "panic", r)
			next = d.now().Add(backoffBase)
		}
	}()
	now := d.now()
	next, err := d.Dispatch(ctx, now)
	if err != nil && ctx.Err() == nil {
		d.log.Error("dispatch failed", "err", err)
		if retry := now.Add(backoffBase); next.IsZero() || retry.Before(next) {
			next = retry
		}
	}
	return next
}

// quarterHours is when OwnerDigest looks for owners whose nudge moment
// came: every zone's 09:00 falls on a quarter of an hour in UTC.
const quarterHours = "CRON_TZ=UTC */15 * * * *"

// ownerCatchUp is how far back the first OwnerDigest after start-up
// looks: an owner whose moment came while the bot was down still gets
// their nudge that day.
const ownerCatchUp = 24 * time.Hour

// perOwner marks the schedule of the default, per-owner weekly nudge.
type perOwner struct{ cron.Schedule }

// digestJob is the weekly nudge's schedule and job: per owner when spec
// is empty, else spec's.
func (d *Dispatcher) digestJob(ctx context.Context, spec string) (cron.Schedule, cron.Job, error) {
	if strings.TrimSpace(spec) == "" {
		ticks, err := ParseSchedule(quarterHours)
		if err != nil {
			return nil, nil, err
		}
		d.setSchedule(perOwner{ticks})
		var mu sync.Mutex
		last := d.now().Add(-ownerCatchUp)
		return ticks, cron.FuncJob(func() {
			mu.Lock()
			defer mu.Unlock()
			now := d.now()
			if err := d.OwnerDigest(ctx, last, now); err != nil {
				// The owners whose nudge failed are looked for again next
				// time (a slot's claim keeps the others from a second
				// one), for a day at most.
				d.log.Error("weekly nudge failed; trying again at the next quarter of an hour", "err", err)
				if oldest := now.Add(-ownerCatchUp); last.Before(oldest) {
					last = oldest
				}
				return
			}
			last = now
		}), nil
	}
	sched, err := ParseSchedule(spec)
	if err != nil {
		return nil, nil, err
	}
	d.setSchedule(sched)
	return sched, cron.FuncJob(func() { d.scheduledDigest(ctx, sched) }), nil
}

// scheduledDigest is the cron job of the weekly nudge.
func (d *Dispatcher) scheduledDigest(ctx context.Context, sched cron.Schedule) {
	now := d.now()
	fire := lastFire(sched, d.loc, now.Add(-time.Hour), now)
	if fire.IsZero() {
		fire = now.Truncate(time.Minute)
	}
	slot := Slot(fire, scheduleLocation(sched, d.loc))
	if err := d.Digest(ctx, now, slot); err != nil {
		d.log.Error("weekly nudge failed", "slot", slot, "err", err)
	}
}

// CatchUp is what `longgame local` runs after its clock jumps from from to
// to (`/time +30d`): a dispatch pass at to, then the weekly nudge for the
// last slot of the digest schedule in (from, to], if any. The schedule is
// the one Run was started with; before Run, only the dispatch pass runs.
func (d *Dispatcher) CatchUp(ctx context.Context, from, to time.Time) error {
	if _, err := d.Dispatch(ctx, to); err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	sched := d.schedule()
	if sched == nil {
		return nil
	}
	if _, ok := sched.(perOwner); ok {
		if err := d.OwnerDigest(ctx, from, to); err != nil {
			return fmt.Errorf("catch up: %w", err)
		}
		return nil
	}
	fire := lastFire(sched, d.loc, from, to)
	if fire.IsZero() {
		return nil
	}
	if err := d.Digest(ctx, to, Slot(fire, scheduleLocation(sched, d.loc))); err != nil {
		return fmt.Errorf("catch up: %w", err)
	}
	return nil
}

func (d *Dispatcher) setSchedule(s cron.Schedule) {
	d.schedMu.Lock()
	defer d.schedMu.Unlock()
	d.sched = s
}

func (d *Dispatcher) schedule() cron.Schedule {
	d.schedMu.Lock()
	defer d.schedMu.Unlock()
	return d.sched
}

// lastFire is the last time sched fires in (from, to], the zero time if
// none. A spec without CRON_TZ runs in loc, as cron.WithLocation(loc) runs
// it.
func lastFire(sched cron.Schedule, loc *time.Location, from, to time.Time) time.Time {
	if every, ok := sched.(cron.ConstantDelaySchedule); ok {
		// @every fires relative to start-up, not to a clock: the slot is
		// the interval the time falls in.
		fire := to.Truncate(every.Delay)
		if !fire.After(from) {
			return time.Time{}
		}
		return fire
	}
	var last time.Time
	for t := sched.Next(from.In(loc)); !t.IsZero() && !t.After(to); t = sched.Next(t) {
		last = t
	}
	return last
}

// scheduleLocation is the zone a schedule fires in: its CRON_TZ, else loc.
func scheduleLocation(sched cron.Schedule, loc *time.Location) *time.Location {
	if s, ok := sched.(*cron.SpecSchedule); ok && s.Location != time.Local {
		return s.Location
	}
	return loc
}

// Slot names the digest slot of a schedule firing at fire: the wall-clock
// time in the schedule's zone, e.g. "2026-11-30T09:00 Europe/Paris". The
// wall clock rather than the instant, so that a schedule that fires twice
// on the night clocks go back (02:30 happens twice in Paris) still dedupes
// to one nudge.
func Slot(fire time.Time, loc *time.Location) string {
	return fire.In(loc).Format("2006-01-02T15:04") + " " + loc.String()
}

// cronLogger sends cron's logs to slog: its chatter at debug level.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
