package main

import (
	"context"
	"fmt"
	"time"
)

// benchReplicas is how many `longgame run` processes share the database in
// the replicated reminder run.
const benchReplicas = 3

// remindersReplicated is the reminder run with replicas `longgame run`
// processes on one PostgreSQL database and one fake Slack, started
// together: each claims reminders (FOR UPDATE SKIP LOCKED), and every
// reminder must reach Slack once. Times run from the first process's
// start.
func (b *bench) remindersReplicated(ctx context.Context, n, replicas int) (*reminderReport, error) {
	path, err := b.database(ctx, "reminders-replicas")
	if err != nil {
		return nil, err
	}
	ids, err := b.seedReminders(ctx, path, n)
	if err != nil {
		return nil, err
	}
	rep := &reminderReport{Deals: n, Replicas: replicas}
	b.progress("reminders (%d deals, %d replicas): starting %d \"run\"", n, replicas, replicas)
	var children []*child
	defer func() {
		for _, c := range children {
			if err := c.stop(); err != nil {
				b.progress("%s: %v", c.verb, err)
			}
		}
		if err := waitDisconnected(ctx, b.fake); err != nil {
			b.progress("%v", err)
		}
	}()
	for range replicas {
		c, err := startChild(b.opts.bin, "run", b.fake, "LONGGAME_DB="+path)
		if err != nil {
			return nil, err
		}
		children = append(children, c)
	}
	if err := b.allConnected(ctx, children); err != nil {
		return nil, err
	}
	col := newReminderCollector(ids)
	col.run(ctx, b.fake, reminderChannel, children[0].started, time.Duration(b.opts.ReminderWait), reminderTimeout(n))
	for _, c := range children {
		rep.PeakRSS = max(rep.PeakRSS, b.peakRSS(c))
	}
	rep.PostCalls = b.fake.Calls("chat.postMessage")
	rep.InfoCalls = b.fake.Calls("conversations.info")
	rep.MembersCalls = b.fake.Calls("conversations.members")
	rep.UsersCalls = b.fake.Calls("users.info")
	col.fill(rep, children[0].started)
	if !rep.Wired {
		rep.Note = fmt.Sprintf("not wired: no reminder reached Slack within %s of the start", b.opts.ReminderWait)
	} else if rep.Missing > 0 {
		rep.Note = fmt.Sprintf("%d reminders had not arrived %s after the start (%d replicas)", rep.Missing, reminderTimeout(n), replicas)
	}
	return rep, nil
}

// allConnected waits until every child holds a Socket Mode connection,
// and fails with the log of one that exited first.
func (b *bench) allConnected(ctx context.Context, children []*child) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, c := range children {
		go func() {
			select {
			case <-c.exited:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	if err := b.fake.WaitConnections(ctx, len(children)); err != nil {
		for _, c := range children {
			select {
			case <-c.exited:
				return fmt.Errorf("%s exited before connecting (%v); log:\n%s", c.verb, c.waitErr, c.logs)
			default:
			}
		}
		return fmt.Errorf("%d replicas did not all connect within 30s: %w", len(children), err)
	}
	return nil
}
