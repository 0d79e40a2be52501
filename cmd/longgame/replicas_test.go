package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/longgame/longgame/bot"
	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/postgres/pgtest"
)

// replica is one `longgame run` process of several on one database.
type replica struct {
	name string
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan struct{} // closed once the process exited
}

// replicaEnv is what every replica of the tests runs with: reminders looked
// for every second, and a claim left by a killed replica taken over after
// 10 seconds rather than 5 minutes.
var replicaEnv = []string{"LONGGAME_DISPATCH_INTERVAL=1s", "LONGGAME_REMINDER_LEASE=10s"}

func startReplica(t *testing.T, fake *slackfake.Server, db, name string) *replica {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{name: name, cmd: exec.Command(bin, "run"), logs: &syncBuffer{}, done: make(chan struct{})}
	r.cmd.Env = append(os.Environ(), append([]string{
		"SLACK_BOT_TOKEN=" + testBotToken, "SLACK_APP_TOKEN=" + testAppToken, "SLACK_API_URL=" + fake.APIURL(),
		"LONGGAME_DB=" + withSmallPool(db), "LONGGAME_LOG_LEVEL=debug"}, replicaEnv...)...)
	r.cmd.Stdout, r.cmd.Stderr = r.logs, r.logs
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r.cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		<-r.done
		if t.Failed() {
			t.Logf("log of %s:\n%s", r.name, r.logs)
		}
	})
	return r
}

// withSmallPool is the database URL db with a pool of 4 connections: the
// test server is shared, and three replicas of the default size take a
// quarter of its connections.
func withSmallPool(db string) string {
	sep := "?"
	if strings.Contains(db, "?") {
		sep = "&"
	}
	return db + sep + "pool_max_conns=4"
}

// kill is kill -9.
func (r *replica) kill(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-r.done
}

// stop is a clean shutdown (SIGTERM).
func (r *replica) stop(t *testing.T) {
	t.Helper()
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not stop within 30s of SIGTERM:\n%s", r.name, r.logs)
	}
}

// commandStream is users recording asks in deal channels, each command
// sent to whichever replica the fake picks, until stopped.
type commandStream struct {
	fake *slackfake.Server
	next atomic.Int64
	stop chan struct{}
	wg   sync.WaitGroup

	mu     sync.Mutex
	acked  map[string]string // favor → channel, for the commands Slack saw acked
	failed int               // commands whose ack never came (their replica died)
}

func startStream(fake *slackfake.Server, channels []string, workers int) *commandStream {
	s := &commandStream{fake: fake, stop: make(chan struct{}), acked: map[string]string{}}
	for w := range workers {
		s.wg.Go(func() {
			channel := channels[w%len(channels)]
			for {
				select {
				case <-s.stop:
					return
				default:
				}
				favor := fmt.Sprintf("favor-%d", s.next.Add(1))
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U1", ChannelID: channel,
					Command: "/champion", Text: "ask " + favor})
				cancel()
				s.mu.Lock()
				if err == nil {
					s.acked[favor] = channel
				} else {
					s.failed++
				}
				s.mu.Unlock()
			}
		})
	}
	return s
}

func (s *commandStream) ackedCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.acked)
}

// waitAcked waits until n more commands than now were acknowledged.
func (s *commandStream) waitAcked(t *testing.T, n int, what string) {
	t.Helper()
	want := s.ackedCount() + n
	waitFor(t, what, func() bool { return s.ackedCount() >= want })
}

func (s *commandStream) end() {
	close(s.stop)
	s.wg.Wait()
}

// TestThreeReplicasOnOnePostgres runs three `longgame run` processes on one
// PostgreSQL database and one Slack (the fake spreading envelopes over
// their three connections, as Slack does) while 1,000 reminders fall due
// at once and users record asks; one replica is killed (-9) mid-stream,
// holding reminders it was sending, and another restarted. Every acknowledged ask is stored and was answered
// once; every reminder reached its channel once; no channel got two in a
// day. Then a channel becomes shared while all three run: within a second
// none of them posts there, and every record posted there is hidden.
func TestThreeReplicasOnOnePostgres(t *testing.T) {
	db := pgtest.NewDatabase(t)
	fake := newWorkspace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// 1,000 won deals, each in its own channel, each with a check-in due.
	const deals = 1000
	channels := make([]string, deals)
	for i := range channels {
		channels[i] = fmt.Sprintf("%s%05d", reminderChannel, i+1)
		fake.AddChannel(slackfake.Channel{ID: channels[i], Name: fmt.Sprintf("won-%d", i+1), IsMember: true})
	}
	due, err := seedWonDeals(ctx, db, channels)
	if err != nil {
		t.Fatal(err)
	}
	// Deal channels for the commands, opened beforehand.
	err = withStore(ctx, db, func(s storage.Store) error {
		for _, c := range []string{"C1", "C2", "C3"} {
			if _, err := s.OpenDeal(ctx, seedActor, storage.NewDeal{ChannelID: c, Name: "Deal " + c, OwnerID: "U1", Budget: 10}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	// Slack takes the first posts but answers them 3 s late: every
	// replica is then mid-send, its claims in hand, when one is killed.
	fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 24, After: 3 * time.Second})
	replicas := []*replica{
		startReplica(t, fake, db, "replica 1"),
		startReplica(t, fake, db, "replica 2"),
		startReplica(t, fake, db, "replica 3"),
	}
	if err := fake.WaitConnections(ctx, 3); err != nil {
		t.Fatal(err)
	}
	// A hundred of the won deals get a second check-in due in a moment,
	// while the first ones are being sent: whichever replica claims it
	// finds the channel's day taken.
	second := addSecondCheckins(t, ctx, db, channels[:100], 2*time.Second)

	stream := startStream(fake, []string{"C1", "C3"}, 6)
	killed, restarted := replicas[0], replicas[1]
	waitFor(t, "the first replica holding reminders mid-send", func() bool {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM checkins WHERE delivery = 'sending' AND claimed_by LIKE $1`,
			fmt.Sprintf("%%-%d-%%", killed.cmd.Process.Pid)).Scan(&n)
		return err == nil && n > 0
	})
	killed.kill(t)
	stream.waitAcked(t, 30, "30 asks acknowledged after the kill")
	replicas[1].stop(t)
	replicas[1] = startReplica(t, fake, db, "replica 2, restarted")
	stream.waitAcked(t, 30, "30 asks acknowledged after the restart")
	replicas[0] = startReplica(t, fake, db, "replica 1, replaced")
	stream.waitAcked(t, 30, "30 asks acknowledged with three replicas again")
	stream.end()
	all := append([]*replica{killed, restarted}, replicas...)

	t.Run("every acknowledged command stored and answered once", func(t *testing.T) {
		checkAsks(t, ctx, fake, pool, stream)
	})
	t.Run("every reminder once, one a day per channel", func(t *testing.T) {
		checkReplicaReminders(t, ctx, fake, pool, due, second)
		taken := 0
		for _, r := range all {
			taken += strings.Count(r.logs.String(), "reconciling reminders left mid-send")
		}
		if taken == 0 {
			t.Error("no replica took over the claims of the one killed mid-send")
		}
		t.Logf("claims of the killed replica taken over in %d passes", taken)
	})
	if err := fake.WaitConnections(ctx, 3); err != nil {
		t.Fatal(err)
	}
	t.Run("App Home refreshes do not multiply", func(t *testing.T) {
		checkHomeRefreshes(t, fake)
	})
	t.Run("a channel shared while three replicas run", func(t *testing.T) {
		checkShare(t, ctx, fake)
	})
}

// addSecondCheckins adds to the deal of each channel a check-in due in
// after, and returns their ids by channel.
func addSecondCheckins(t *testing.T, ctx context.Context, db string, channels []string, after time.Duration) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	err := withStore(ctx, db, func(s storage.Store) error {
		at := time.Now().Add(after)
		for _, ch := range channels {
			d, err := s.DealByChannel(ctx, benchTeam, ch)
			if err != nil {
				return err
			}
			c, err := s.AddCheckin(ctx, seedActor, storage.NewCheckin{DealID: d.ID, Note: "call again", DueOn: at, DueAt: at})
			if err != nil {
				return err
			}
			ids[ch] = c.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// checkAsks: every ask whose command was acknowledged is stored once and
// was posted once; an ask whose replica died before the ack was posted at
// most once.
func checkAsks(t *testing.T, ctx context.Context, fake *slackfake.Server, pool *pgxpool.Pool, stream *commandStream) {
	posts := map[string]int{}
	for _, ch := range []string{"C1", "C3"} {
		for _, text := range posted(fake, ch) {
			if m := recordedFavor.FindStringSubmatch(text); m != nil {
				posts[m[1]]++
			}
		}
	}
	stored := map[string]int{}
	rows, err := pool.Query(ctx, `SELECT what FROM asks`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var what string
		if err := rows.Scan(&what); err != nil {
			t.Fatal(err)
		}
		stored[what]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for favor := range stream.acked {
		if stored[favor] != 1 || posts[favor] != 1 {
			t.Errorf("%s was acknowledged: stored %d times and answered %d times, want 1 and 1", favor, stored[favor], posts[favor])
		}
	}
	for favor, n := range posts {
		if n > 1 || stored[favor] > 1 {
			t.Errorf("%s: answered %d times, stored %d times", favor, n, stored[favor])
		}
	}
	t.Logf("%d asks acknowledged, %d lost with their replica (the user saw an error), %d stored", len(stream.acked), stream.failed, len(stored))
}

// checkReplicaReminders waits until no reminder is in hand (the killed replica's
// claims were taken over and reconciled), then checks that each channel
// got exactly one reminder, and that every check-in was sent, covered by
// the one sent, or held to another day.
func checkReplicaReminders(t *testing.T, ctx context.Context, fake *slackfake.Server, pool *pgxpool.Pool, due, second map[string]int64) {
	states := func() map[string]int {
		out := map[string]int{}
		rows, err := pool.Query(ctx, `SELECT delivery, count(*) FROM checkins GROUP BY delivery`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var state string
			var n int
			if err := rows.Scan(&state, &n); err != nil {
				t.Fatal(err)
			}
			out[state] = n
		}
		return out
	}
	deadline := time.Now().Add(45 * time.Second)
	for s := states(); s["sending"] > 0 || s["sent"]+s["folded"] < len(due); s = states() {
		if time.Now().After(deadline) {
			t.Fatalf("reminders still in hand or unsent after 45s: %v", s)
		}
		waitTick()
	}
	byChannel := map[string]map[int64]int{}
	for _, r := range fake.Replies() {
		if id, ok := reminderOf(r); ok {
			if byChannel[r.Channel] == nil {
				byChannel[r.Channel] = map[int64]int{}
			}
			byChannel[r.Channel][id]++
		}
	}
	dup, missing, twice := 0, 0, 0
	for ch := range due {
		posts := 0
		for _, n := range byChannel[ch] {
			posts += n
			dup += n - 1
		}
		switch {
		case posts == 0:
			missing++
		case len(byChannel[ch]) > 1:
			twice++
		}
	}
	if dup != 0 || missing != 0 || twice != 0 {
		t.Errorf("%d duplicate reminders, %d channels without theirs, %d channels with two in a day; want 0, 0, 0", dup, missing, twice)
	}
	// The second check-ins: folded into the first (claimed together) or
	// held to another day, never lost.
	var lost int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM checkins WHERE id = ANY($1::bigint[]) AND NOT (
			delivery = 'folded' OR delivery = 'sent' OR (delivery = 'queued' AND next_attempt_at > now()))`,
		mapValues(second)).Scan(&lost)
	if err != nil {
		t.Fatal(err)
	}
	if lost != 0 {
		t.Errorf("%d second check-ins neither covered, sent nor held: %v", lost, states())
	}
	t.Logf("reminders: %d channels, states %v", len(due), states())
}

func mapValues(m map[string]int64) []int64 {
	out := make([]int64, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// checkHomeRefreshes streams asks through the three replicas for a few
// seconds. Every ask changes what U1's Home shows (capital left); the
// replicas together refresh it at most once a second (each refresh
// covering the changes before it), where each alone would.
func checkHomeRefreshes(t *testing.T, fake *slackfake.Server) {
	const window = 6 * time.Second
	start := time.Now()
	stream := startStream(fake, []string{"C1", "C3"}, 6)
	waitFor(t, "a few seconds of commands", func() bool { return time.Since(start) > window })
	stream.end()
	took := time.Since(start)
	// The last change's refresh comes at most a second after it.
	waitFor(t, "the last refresh", func() bool { return time.Since(start) > took+1500*time.Millisecond })
	counted := time.Since(start)
	publishes := 0
	for _, r := range fake.Replies() {
		if r.Kind == slackfake.KindViewPublish && r.User == "U1" && r.Received.After(start) {
			publishes++
		}
	}
	// One a clock second at most (the database keeps whole seconds), and
	// the first second may be cut.
	most := int(counted.Seconds()) + 2
	if publishes == 0 || publishes > most {
		t.Errorf("U1's Home was published %d times during %s of %d commands, want 1 to %d", publishes, took.Round(time.Millisecond), len(stream.acked), most)
	}
	t.Logf("U1's Home published %d times during %s of %d commands", publishes, took.Round(time.Millisecond), len(stream.acked))
}

// checkShare records asks in C2 through every replica, shares C2 while
// commands keep coming, and checks that no replica posts there once a
// second passed, and that everything posted there ends hidden.
func checkShare(t *testing.T, ctx context.Context, fake *slackfake.Server) {
	for i := range 6 { // two a replica, round robin
		if _, err := fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U1", ChannelID: "C2", Command: "/champion",
			Text: fmt.Sprintf("ask secret-%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	stream := startStream(fake, []string{"C2"}, 3)
	stream.waitAcked(t, 10, "asks in C2 before the share")
	ev, err := fake.NewChannelShared("C2", "T2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fake.Event(ctx, ev); err != nil {
		t.Fatal(err)
	}
	shared := time.Now()
	stream.waitAcked(t, 30, "asks in C2 after the share")
	// Past the second the replicas have to learn of it: what comes now
	// must not reach the channel.
	waitFor(t, "a second after the share", func() bool { return time.Since(shared) > 1200*time.Millisecond })
	stream.waitAcked(t, 30, "asks in C2 a second after the share")
	stream.end()

	var late []string
	for _, r := range fake.Replies() {
		if r.Kind == slackfake.KindPostMessage && r.Channel == "C2" && r.Received.After(shared.Add(time.Second)) {
			late = append(late, fmt.Sprintf("%s after the share: %.60q", r.Received.Sub(shared), r.Text))
		}
	}
	if len(late) > 0 {
		t.Errorf("%d messages posted in the shared channel more than a second after the share:\n%s", len(late), strings.Join(late, "\n"))
	}
	var inWindow int
	var lastIn time.Duration
	for _, r := range fake.Replies() {
		if r.Kind == slackfake.KindPostMessage && r.Channel == "C2" && r.Received.After(shared) {
			inWindow++
			lastIn = r.Received.Sub(shared)
		}
	}
	t.Logf("%d messages posted in C2 in the second after the share, the last %s after it (all must end hidden)", inWindow, lastIn)
	showing := func() (n int) {
		for _, m := range fake.Messages("C2") {
			if m.BotID != "" && m.Text != bot.HiddenText {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(20 * time.Second)
	for showing() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d records of the bot still showing in the shared channel after 20s", showing())
		}
		waitTick()
	}
	// The owner is told once, by whichever replica finished the share.
	told := func() (n int) {
		for _, r := range fake.Replies() {
			if r.Kind == slackfake.KindPostMessage && r.Channel == fake.DM("U1") && strings.Contains(r.Text, "Long Game hid") {
				n++
			}
		}
		return n
	}
	waitFor(t, "the owner told of the share", func() bool { return told() > 0 })
	if n := told(); n != 1 {
		t.Errorf("the owner was told of the share %d times, want once", n)
	}
}

// waitTick is one step of a poll.
func waitTick() {
	t := time.NewTimer(20 * time.Millisecond)
	defer t.Stop()
	<-t.C
}

// recordedFavor is the answer to a recorded ask of the streams.
var recordedFavor = regexp.MustCompile(`recorded ask #\d+ of the champion: (favor-\d+)`)
