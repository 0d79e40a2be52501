package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/sqlite"
)

// binDir holds the binary buildBinary made; TestMain removes it.
var binDir string

// buildBinary compiles longgame once for the tests that run it as a
// process.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "longgame-bin")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "longgame")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// process is `longgame run` as a child process against fake.
type process struct {
	cmd  *exec.Cmd
	logs *syncBuffer
}

func startProcess(t *testing.T, fake *slackfake.Server, dbPath string) *process {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: exec.Command(bin, "run"), logs: &syncBuffer{}}
	p.cmd.Env = append(os.Environ(),
		"SLACK_BOT_TOKEN="+testBotToken, "SLACK_APP_TOKEN="+testAppToken, "SLACK_API_URL="+fake.APIURL(),
		"LONGGAME_DB="+dbPath, "LONGGAME_LOG_LEVEL=debug")
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	})
	return p
}

var recordedAsk = regexp.MustCompile(`recorded ask #(\d+) of the champion: favor (\d+)`)

// kill -9 in the middle of a stream of recording commands: every command
// whose answer said it was recorded is in the database after a restart,
// and the database is intact.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	fake := newWorkspace(t)
	dbPath := filepath.Join(t.TempDir(), "longgame.db")
	p := startProcess(t, fake, dbPath)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	say := func(text string) (*slackfake.Ack, error) {
		// Each command gets its own deadline: one sent after the kill waits
		// for a connection that will not come back before wg.Wait.
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return fake.SlashCommand(ctx, slackfake.SlashCommand{UserID: "U1", ChannelID: "C1", Command: strings.Fields(text)[0],
			Text: strings.TrimPrefix(text, strings.Fields(text)[0]+" ")})
	}
	if _, err := say("/deal open Acme"); err != nil {
		t.Fatalf("open: %v\n%s", err, p.logs)
	}

	// Four users record concurrently until the process dies under them.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				if _, err := say(fmt.Sprintf("/champion ask favor %d", w*100000+i)); err != nil {
					return // the process is gone
				}
			}
		})
	}
	// An ask is acknowledged once the channel shows it recorded.
	acknowledged := func() map[string]bool {
		acked := map[string]bool{}
		for _, text := range posted(fake, "C1") {
			if m := recordedAsk.FindStringSubmatch(text); m != nil {
				acked[m[2]] = true
			}
		}
		return acked
	}
	waitFor(t, "60 acknowledged asks", func() bool { return len(acknowledged()) >= 60 })
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()
	wg.Wait()
	acked := acknowledged()

	// The same database after the crash: intact, and holding every
	// acknowledged ask.
	db, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatalf("integrity after kill -9: %v", err)
	}
	d, err := db.DealByChannel(context.Background(), "T1", "C1")
	if err != nil {
		t.Fatal(err)
	}
	asks, err := db.Asks(context.Background(), "T1", d.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, a := range asks {
		stored[strings.TrimPrefix(a.What, "favor ")] = true
	}
	for favor := range acked {
		if !stored[favor] {
			t.Errorf("favor %s was answered as recorded but is not in the database after kill -9", favor)
		}
	}
	t.Logf("%d asks acknowledged before the kill, %d in the database", len(acked), len(asks))

	// And the bot comes back on it.
	startProcess(t, fake, dbPath)
	before := len(fake.Replies())
	ack, err := say("/champion ask after the crash")
	if err != nil {
		t.Fatal(err)
	}
	want := "recorded ask #" + strconv.Itoa(len(asks)+1)
	if got := answerTo(fake, before, "C1", ack).text; !strings.Contains(got, want) {
		t.Errorf("after restart: %q, want %q", got, want)
	}
}

// kill -9 after Slack took a reminder but before the bot heard back: after
// the restart the reminder is found in the channel's history and not sent
// again; nothing is lost. In a public channel the app is not in (it posts
// there with chat:write.public) the history cannot be read: the owner gets
// the reminder by DM, and the channel still has it once.
func TestKillNineBetweenReminderPostAndMark(t *testing.T) {
	for _, tc := range []struct {
		name   string
		member bool
	}{{"app in the channel", true}, {"app not in the channel", false}} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newWorkspace(t)
			fake.SetScopes(append(slices.Clone(slackfake.DefaultScopes), "chat:write.public")...)
			if err := fake.SetMember("C1", tc.member); err != nil {
				t.Fatal(err)
			}
			dbPath := filepath.Join(t.TempDir(), "longgame.db")
			c := seedDueCheckin(t, dbPath)

			// Slack posts the reminder and holds the answer; the bot dies waiting.
			fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, After: time.Minute})
			p := startProcess(t, fake, dbPath)
			waitFor(t, "the reminder to be posted", func() bool { return len(reminderPosts(fake, "C1")[c.ID]) == 1 })
			if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			p.cmd.Wait()

			// The claim outlives the process; the restarted bot takes it over once
			// the lease ends. With the default 5-minute lease that is too long for
			// a test, so the claim is aged instead, as time would.
			ageClaims(t, dbPath, 10*time.Minute)
			p = startProcess(t, fake, dbPath)
			want := "C1"
			if !tc.member {
				want = fake.DM("U1")
			}
			waitFor(t, "the restarted bot to mark the reminder sent in "+want, func() bool {
				return checkinDelivery(dbPath, c.ID) == string(storage.DeliverySent)+" in "+want
			})
			if n := len(reminderPosts(fake, "C1")[c.ID]); n != 1 {
				t.Errorf("the reminder was posted %d times in the channel across the crash, want 1\n%s", n, p.logs)
			}
			if tc.member {
				return
			}
			dm := reminderPosts(fake, want)[c.ID]
			if len(dm) != 1 || !strings.Contains(dm[0].Text, "may already be in the deal channel") {
				t.Errorf("the owner's DM: %+v, want one copy saying it may be in the channel already", dm)
			}
		})
	}
}

// seedDueCheckin opens a deal in C1 owned by U1, with a check-in due now,
// in the database at dbPath, and returns the check-in.
func seedDueCheckin(t *testing.T, dbPath string) storage.Checkin {
	t.Helper()
	seed, err := sqlite.Open(context.Background(), dbPath, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer seed.Close()
	actor := storage.Actor{TeamID: "T1", UserID: "U1"}
	d, err := seed.OpenDeal(context.Background(), actor, storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "U1", Budget: 10})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c, err := seed.AddCheckin(context.Background(), actor, storage.NewCheckin{DealID: d.ID, Note: "call Jane", DueOn: now, DueAt: now})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkinDelivery reads check-in id's delivery and where its message is,
// "sent in C1", from the file a running bot writes.
func checkinDelivery(dbPath string, id int64) string {
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return err.Error()
	}
	defer db.Close()
	var delivery, channel string
	if err := db.QueryRow("SELECT delivery, coalesce(message_channel, '') FROM checkins WHERE id = ?", id).Scan(&delivery, &channel); err != nil {
		return err.Error()
	}
	return delivery + " in " + channel
}

// ageClaims moves the claims in the file back by d.
func ageClaims(t *testing.T, dbPath string, d time.Duration) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec("UPDATE checkins SET claimed_at = claimed_at - ? WHERE delivery = 'sending'", int64(d.Seconds()))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d claims in sending after the kill, want 1", n)
	}
}
