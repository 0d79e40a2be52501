package reminders

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"go.uber.org/goleak"

	"github.com/longgame/longgame/bot/slackfake"
)

// noLeaks fails the test if goroutines started during it outlive it. Call
// it first, so that its check runs after every other cleanup.
func noLeaks(t *testing.T) {
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
}

func TestRunRefusesBadArguments(t *testing.T) {
	noLeaks(t)
	e := newEnv(t, t0)
	for _, tc := range []struct {
		name     string
		interval time.Duration
		spec     string
		want     string
	}{
		{"zero interval", 0, "@weekly", "at least a second"},
		{"sub-second interval", 500 * time.Millisecond, "@weekly", "at least a second"},
		{"zone without fields", time.Minute, "CRON_TZ=UTC", "no schedule fields"},
		{"never fires", time.Minute, "0 9 31 2 *", "never fires"},
		{"negative interval", time.Minute, "@every -5s", "not positive"},
		{"unknown zone", time.Minute, "CRON_TZ=Mars/Olympus 0 9 * * MON", "Mars/Olympus"},
		{"bad field", time.Minute, "0 25 * * *", "25"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.d.Run(t.Context(), tc.interval, tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run(%s, %q) = %v, want an error about %q", tc.interval, tc.spec, err, tc.want)
			}
		})
	}
	if n := e.fake.Calls("chat.postMessage") + e.fake.Calls("conversations.history"); n != 0 {
		t.Errorf("a refused Run called Slack %d times", n)
	}
}

// TestRunDispatchesAtStartRetriesAndStops runs on the real clock: a
// reminder due yesterday goes out at start-up, after a 429 whose
// Retry-After the retry timer waits out (about a second, not the hour of
// the dispatch interval); cancelling ctx stops everything.
func TestRunDispatchesAtStartRetriesAndStops(t *testing.T) {
	noLeaks(t)
	e := newEnv(t, time.Time{})
	_, series := e.wonDeal(alice, "C1", utcDate(time.Now().AddDate(0, 0, -15)), time.UTC, 14)
	e.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Status: http.StatusTooManyRequests, RetryAfter: time.Second})

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.d.Run(ctx, time.Hour, "CRON_TZ=UTC 0 9 * * MON") }()
	wait, stop := context.WithTimeout(ctx, 15*time.Second)
	defer stop()
	if _, err := e.fake.WaitReply(wait, func(r slackfake.Reply) bool { return r.Kind == slackfake.KindPostMessage }); err != nil {
		t.Fatalf("no reminder posted: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v after cancel, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	e.wantPosts("C1", series[0].ID)
	if n := e.fake.Calls("chat.postMessage"); n != 2 {
		t.Errorf("%d posts, want 2 (the 429, then the reminder)", n)
	}
}

func TestCatchUpDispatchesAndSendsTheLastMissedNudge(t *testing.T) {
	e := newEnv(t, t0)
	_, series := e.wonDeal(alice, "C1", utcDate(t0), time.UTC, 14, 30)
	e.d.setSchedule(must(ParseSchedule("CRON_TZ=UTC 0 9 * * MON")))

	to := t0.AddDate(0, 0, 30) // `/time +30d`
	e.clock.Set(to)
	for range 2 {
		if err := e.d.CatchUp(t.Context(), t0, to); err != nil {
			t.Fatal(err)
		}
	}
	e.wantPosts("C1", series[1].ID) // the 30d one, covering the 14d one
	nudges := e.posts(e.fake.DM("UALICE"))
	if len(nudges) != 1 {
		t.Fatalf("%d nudges, want 1: the last slot of the jump, once", len(nudges))
	}
	// The slot claimed is the last Monday 09:00 of the jump.
	if again := must(e.db.ClaimDigest(t.Context(), "T1", "UALICE", "2026-03-30T09:00 UTC")); again {
		t.Error("the nudge was not claimed for slot 2026-03-30T09:00 UTC")
	}
}

func TestSlotsSurviveDaylightSaving(t *testing.T) {
	sched := must(ParseSchedule("CRON_TZ=Europe/Paris 30 2 * * *"))
	paris := scheduleLocation(sched, time.UTC)
	// On 25 October 2026, 02:30 happens twice in Paris: at 00:30 UTC (CEST)
	// and at 01:30 UTC (CET). cron may run the job at both; it is one slot.
	cest, cet := time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)
	if a, b := Slot(cest, paris), Slot(cet, paris); a != b || a != "2026-10-25T02:30 Europe/Paris" {
		t.Errorf("slots %q and %q, want both 2026-10-25T02:30 Europe/Paris", a, b)
	}
	if got := Slot(t0, scheduleLocation(must(ParseSchedule("0 9 * * MON")), time.UTC)); got != "2026-03-02T09:00 UTC" {
		t.Errorf("a spec without CRON_TZ: slot %q, want it in the default zone", got)
	}
}

func TestLastFire(t *testing.T) {
	weekly := must(ParseSchedule("CRON_TZ=UTC 0 9 * * MON"))
	local := must(ParseSchedule("0 9 * * MON")) // runs in the default zone
	ny := mustLoad("America/New_York")
	every := must(ParseSchedule("@every 1h"))
	for _, tc := range []struct {
		name     string
		sched    cron.Schedule
		loc      *time.Location
		from, to time.Time
		want     time.Time
	}{
		{"none in range", weekly, time.UTC, t0, t0.AddDate(0, 0, 6), time.Time{}},
		{"from is exclusive", weekly, time.UTC, t0, t0.Add(time.Minute), time.Time{}},
		{"to is inclusive", weekly, time.UTC, t0.Add(-time.Minute), t0, t0},
		{"the last of several", weekly, time.UTC, t0, t0.AddDate(0, 0, 30), t0.AddDate(0, 0, 28)},
		{"default zone", local, ny, t0.Add(-time.Hour), t0.Add(6 * time.Hour), time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)},
		{"@every", every, time.UTC, t0, t0.Add(150 * time.Minute), t0.Add(2 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := lastFire(tc.sched, tc.loc, tc.from, tc.to)
			if !got.Equal(tc.want) {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestRunRetriesWhatAnEarlierPassScheduled runs on the real clock: two
// reminders are rate limited in the first pass, one for a second and one
// for two. The second pass sends the first, slowly (past the other's
// retry time); the other, which that pass did not claim, must still go
// out at once, not at the next dispatch interval (an hour here).
func TestRunRetriesWhatAnEarlierPassScheduled(t *testing.T) {
	noLeaks(t)
	e := newEnv(t, time.Time{})
	closed := utcDate(time.Now().AddDate(0, 0, -15))
	_, s1 := e.wonDeal(alice, "C1", closed, time.UTC, 14)
	_, s2 := e.wonDeal(alice, "C2", closed, time.UTC, 14)
	e.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	e.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second})
	e.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Delay: 2500 * time.Millisecond})

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.d.Run(ctx, time.Hour, "CRON_TZ=UTC 0 9 * * MON") }()
	wait, stop := context.WithTimeout(ctx, 20*time.Second)
	defer stop()
	seen := map[string]bool{}
	for seq := 0; len(seen) < 2; {
		r, err := e.fake.WaitReplyAfter(wait, seq, func(r slackfake.Reply) bool { return r.Kind == slackfake.KindPostMessage })
		if err != nil {
			t.Fatalf("reminders posted in %v, want C1 and C2: %v", seen, err)
		}
		seq, seen[r.Channel] = r.Seq, true
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v after cancel, want nil", err)
	}
	e.wantPosts("C1", s1[0].ID)
	e.wantPosts("C2", s2[0].ID)
}
