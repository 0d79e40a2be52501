package main

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// benchReplicas is how many `longgame run` processes the replica run
// starts on one PostgreSQL database.
const benchReplicas = 3

// replicaReminders is the reminder run with benchReplicas processes on one
// PostgreSQL database, started together, each with its own Socket Mode
// connection: the reminders are claimed between them (FOR UPDATE SKIP
// LOCKED) and each must still arrive once. Time runs from the first
// process start to the last distinct reminder.
func (b *bench) replicaReminders(ctx context.Context, n int) (*reminderReport, error) {
	path, err := b.database(ctx, "reminders-replicas")
	if err != nil {
		return nil, err
	}
	ids, err := b.seedReminders(ctx, path, n)
	if err != nil {
		return nil, err
	}
	// Migrated already (by the seeding): the processes start as fast as
	// they would in a rolling deployment.
	b.progress("reminders (%d deals, %d replicas): starting %d × \"run\"", n, benchReplicas, benchReplicas)
	var children []*child
	defer func() {
		var errs []error
		for _, c := range children {
			errs = append(errs, c.stop())
		}
		if err := errors.Join(append(errs, waitDisconnected(ctx, b.fake))...); err != nil {
			b.progress("replicas: %v", err)
		}
	}()
	for range benchReplicas {
		c, err := startChild(b.opts.bin, "run", b.fake, "LONGGAME_DB="+path)
		if err != nil {
			return nil, err
		}
		children = append(children, c)
	}
	started := children[0].started
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = b.fake.WaitConnections(wctx, benchReplicas)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("%d replicas did not all connect within 30s: %w; log of the first:\n%s", benchReplicas, err, children[0].logs)
	}
	rep := &reminderReport{Deals: n, Replicas: benchReplicas}
	col := newReminderCollector(ids)
	col.run(ctx, b.fake, reminderChannel, started, time.Duration(b.opts.ReminderWait), reminderTimeout(n))
	for _, c := range children {
		rep.PeakRSS = max(rep.PeakRSS, b.peakRSS(c))
	}
	rep.PostCalls = b.fake.Calls("chat.postMessage")
	col.fill(rep, started)
	if !rep.Wired {
		rep.Note = fmt.Sprintf("not wired: no reminder reached Slack within %s of the start", b.opts.ReminderWait)
	} else if rep.Missing > 0 {
		rep.Note = fmt.Sprintf("%d reminders had not arrived %s after the start", rep.Missing, reminderTimeout(n))
	}
	return rep, nil
}
