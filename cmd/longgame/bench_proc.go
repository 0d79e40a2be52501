package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
)

// Tokens the benchmark's fake Slack issues to its children.
const (
	benchBotToken = "xoxb-bench-bot-token"
	benchAppToken = "xapp-bench-app-token"
	benchTeam     = "T1"
)

// child is a longgame process the benchmark runs against its fake Slack:
// `run` (the bot) or `bench-baseline` (the bare slack-go bot). Running both
// as processes makes their memory measurable and keeps the load generator's
// garbage out of their heaps.
type child struct {
	verb    string
	cmd     *exec.Cmd
	logs    *tailBuffer
	started time.Time
	exited  chan struct{} // closed once Wait returned
	waitErr error
}

// startChild runs bin verb with the Slack variables pointing at fake and
// extra set on top of a copy of this process's environment from which every
// SLACK_ and LONGGAME_ variable was removed.
func startChild(bin, verb string, fake *slackfake.Server, extra ...string) (*child, error) {
	env := make([]string, 0, len(os.Environ())+8)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLACK_") && !strings.HasPrefix(kv, "LONGGAME_") {
			env = append(env, kv)
		}
	}
	env = append(env, "SLACK_BOT_TOKEN="+benchBotToken, "SLACK_APP_TOKEN="+benchAppToken,
		"SLACK_API_URL="+fake.APIURL(), "LONGGAME_LOG_LEVEL=warn")
	c := &child{verb: verb, cmd: exec.Command(bin, verb), logs: &tailBuffer{max: 64 << 10}, exited: make(chan struct{})}
	c.cmd.Env = append(env, extra...)
	c.cmd.Stdout, c.cmd.Stderr = c.logs, c.logs
	c.started = time.Now()
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", verb, err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

// stop sends SIGTERM, waits for a clean exit, and kills the process if it
// has not gone within 30 seconds. It returns the exit error, if any.
func (c *child) stop() error {
	select {
	case <-c.exited:
		return c.waitErr
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(30 * time.Second)
	defer t.Stop()
	select {
	case <-c.exited:
		return c.waitErr
	case <-t.C:
		_ = c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("%s did not stop within 30s after SIGTERM; killed", c.verb)
	}
}

// connect waits until the child has a Socket Mode connection open and
// returns how long that took from the process start. It fails if the
// process exits first.
func (c *child) connect(ctx context.Context, fake *slackfake.Server, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	go func() {
		select {
		case <-c.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := fake.WaitConnections(ctx, 1); err != nil {
		select {
		case <-c.exited:
			return 0, fmt.Errorf("%s exited before connecting (%v); log:\n%s", c.verb, c.waitErr, c.logs)
		default:
		}
		return 0, fmt.Errorf("%s did not connect within %s: %w; log:\n%s", c.verb, timeout, err, c.logs)
	}
	return time.Since(c.started), nil
}

// peakRSS is the child's peak resident set size (VmHWM) in bytes.
func (c *child) peakRSS() (int64, error) {
	return peakRSS(c.cmd.Process.Pid)
}

// cpuTime is the CPU time the child has used so far, user and system,
// from /proc/<pid>/stat (Linux only).
func (c *child) cpuTime() (time.Duration, error) { return cpuTimeOf(c.cmd.Process.Pid) }

// cpuTimeOf is process pid's CPU time so far, user and system.
func cpuTimeOf(pid int) (time.Duration, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("cpu time: %w", err)
	}
	// The command name, field 2, is in parentheses and may hold spaces:
	// count the fields after its closing one. utime and stime are fields
	// 14 and 15, in clock ticks (100 a second on Linux).
	_, rest, ok := strings.Cut(string(data), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0, fmt.Errorf("cpu time: unreadable /proc stat %.80q", data)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("cpu time: %q: %w", s, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / clockTicks), nil
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every Linux
// Go runs on.
const clockTicks = 100

// peakRSS reads VmHWM from /proc/<pid>/status: Linux only.
func peakRSS(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("peak RSS: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("peak RSS: %q: %w", rest, err)
		}
		return kb << 10, nil
	}
	return 0, errors.New("peak RSS: no VmHWM in /proc status")
}

// waitDisconnected waits until fake has no live Socket Mode connection, so
// that the next child's connection is the one counted. The fake notices a
// closed socket on its next read; this polls, boundedly.
func waitDisconnected(ctx context.Context, fake *slackfake.Server) error {
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for fake.Connections() > 0 {
		if time.Now().After(deadline) {
			return errors.New("the fake still has a connection 10s after the child stopped")
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// tailBuffer keeps the last max bytes written to it: a child's log, shown
// when it fails.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
