package storagetest

import (
	"sync"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// The decisions several replicas on one database make together: the daily
// cap, who refreshes a Home, which channels became shared.

// testTakeReminderDay checks the daily cap: a channel's day goes to one
// reminder, and passes to another only when its holder certainly did not
// post.
func testTakeReminderDay(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	_, series := WonDeal(t, db, Alice, "C1")
	_, other := WonDeal(t, db, Mallory, "C1") // same channel id, another workspace
	now := T0.AddDate(0, 0, 100)
	Must(db.ClaimDue(ctx, "w1", now, 10))
	start := day(now)
	end := start.AddDate(0, 0, 1)
	take := func(team string, id int64, start time.Time) bool {
		t.Helper()
		return Must(db.TakeReminderDay(ctx, team, "C1", id, start, start.AddDate(0, 0, 1)))
	}
	s0, s1, s2 := series[0].ID, series[1].ID, series[2].ID
	for _, step := range []struct {
		name string
		do   func()
		team string
		id   int64
		day  time.Time
		want bool
	}{
		{"a free day", nil, "T1", s2, start, true},
		{"taken again by its holder", nil, "T1", s2, start, true},
		{"another reminder while the holder is being sent", nil, "T1", s1, start, false},
		{"another workspace's channel", nil, "T2", other[2].ID, start, true},
		{"the holder released for a retry: it did not post", func() {
			WantErr(t, db.Release(ctx, s2, "w1", now.Add(time.Minute), "ratelimited"), nil)
		}, "T1", s1, start, true},
		{"the released one once another took the day", nil, "T1", s2, start, false},
		{"the holder may have posted", func() {
			WantErr(t, db.ReleaseUncertain(ctx, s1, "w1", now.Add(time.Minute), "timeout"), nil)
		}, "T1", s0, start, false},
		{"the holder's day counted in another zone, overlapping", nil, "T1", s0, start.Add(-time.Hour), false},
		{"the next day", nil, "T1", s0, end, true},
	} {
		if step.do != nil {
			step.do()
		}
		if got := take(step.team, step.id, step.day); got != step.want {
			t.Errorf("%s: took the day = %v, want %v", step.name, got, step.want)
		}
	}

	// A reminder posted that day that never took it (sent before the
	// upgrade) holds it too.
	_, posted := WonDeal(t, db, Bob, "C2")
	Must(db.ClaimDue(ctx, "w1", now, 10))
	WantErr(t, db.MarkSent(ctx, posted[0].ID, "w1", "C2", "1.1", now), nil)
	if got := Must(db.TakeReminderDay(ctx, "T1", "C2", posted[2].ID, start, end)); got {
		t.Error("a channel that had its reminder of the day gave it to another")
	}
	if got := Must(db.TakeReminderDay(ctx, "T1", "C2", posted[0].ID, start, end)); !got {
		t.Error("the reminder posted that day lost its own day")
	}
}

// testTakeReminderDayOnceUnderConcurrency is two replicas each holding a
// reminder of one channel, asking at once: one gets the day.
func testTakeReminderDayOnceUnderConcurrency(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	const deals = 8
	var ids [deals][]int64
	for i := range deals {
		// Each channel's check-ins are claimed as by two replicas that
		// split them.
		_, series := WonDeal(t, db, Alice, "C"+string(rune('A'+i)))
		for _, c := range series {
			ids[i] = append(ids[i], c.ID)
		}
	}
	now := T0.AddDate(0, 0, 100)
	Must(db.ClaimDue(ctx, "w1", now, 100))
	start := day(now)
	var mu sync.Mutex
	taken := map[int]int{}
	Each(t, deals*3, func(i int) error {
		deal := i / 3
		ok, err := db.TakeReminderDay(ctx, "T1", "C"+string(rune('A'+deal)), ids[deal][i%3], start, start.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		if ok {
			mu.Lock()
			taken[deal]++
			mu.Unlock()
		}
		return nil
	})
	for deal := range deals {
		if taken[deal] != 1 {
			t.Errorf("channel %d: %d reminders took the day, want 1", deal, taken[deal])
		}
	}
}

// testTakeHomeRefresh checks that a user's Home is refreshed at most once
// a gap, and that no change is left without a refresh after it.
func testTakeHomeRefresh(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	const gap = 2 * time.Second
	type answer struct {
		take  bool
		retry time.Time
	}
	ask := func(user string, changed bool) answer {
		t.Helper()
		take, retry, err := db.TakeHomeRefresh(ctx, "T1", user, changed, gap)
		if err != nil {
			t.Fatal(err)
		}
		return answer{take, retry}
	}
	start := clk.Now()
	for _, step := range []struct {
		name    string
		advance time.Duration
		user    string
		changed bool
		want    answer
	}{
		{"nothing changed", 0, "UALICE", false, answer{}},
		{"a change", 0, "UALICE", true, answer{take: true}},
		{"a change within the gap", 0, "UALICE", true, answer{retry: start.Add(gap)}},
		{"asking again, the change waiting", time.Second, "UALICE", false, answer{retry: start.Add(gap)}},
		{"another user", 0, "UBOB", true, answer{take: true}},
		{"the gap passed", time.Second, "UALICE", false, answer{take: true}},
		{"the change was covered", 0, "UALICE", false, answer{}},
	} {
		clk.Advance(step.advance)
		if got := ask(step.user, step.changed); got != step.want {
			t.Errorf("%s: got %+v, want %+v", step.name, got, step.want)
		}
	}
	_, _, err := db.TakeHomeRefresh(ctx, "", "UALICE", true, gap)
	WantErr(t, err, storage.ErrInvalid)

	// Replicas each with a change, asking at once: one refreshes.
	clk.Advance(time.Hour)
	var mu sync.Mutex
	takes := 0
	Each(t, 16, func(int) error {
		take, _, err := db.TakeHomeRefresh(ctx, "T1", "UALICE", true, gap)
		if take {
			mu.Lock()
			takes++
			mu.Unlock()
		}
		return err
	})
	if takes != 1 {
		t.Errorf("%d replicas refreshed the Home at once, want 1", takes)
	}
}

// testSharesSince checks that a replica finds the shares another started.
func testSharesSince(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	Must2(db.StartShare(ctx, "T1", "C1", "slack_connect"))
	first := clk.Now()
	clk.Advance(10 * time.Second)
	Must2(db.StartShare(ctx, "T2", "C9", "guest"))
	second := clk.Now()
	channels := func(shares []storage.ChannelShare) (out []string) {
		for _, s := range shares {
			out = append(out, s.TeamID+"/"+s.ChannelID+" "+s.Why)
		}
		return out
	}
	Diff(t, channels(Must(db.SharesSince(ctx, first, 10))), []string{"T1/C1 slack_connect", "T2/C9 guest"})
	Diff(t, channels(Must(db.SharesSince(ctx, first.Add(time.Second), 10))), []string{"T2/C9 guest"})
	Diff(t, channels(Must(db.SharesSince(ctx, first, 1))), []string{"T1/C1 slack_connect"})
	Diff(t, channels(Must(db.SharesSince(ctx, second.Add(time.Second), 10))), []string(nil))
}
