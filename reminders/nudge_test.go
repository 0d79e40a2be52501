package reminders

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage"
)

func TestDigestGoesToTheOwnersWithSomethingOnce(t *testing.T) {
	e := newEnv(t, t0)
	ctx := t.Context()
	// Alice: a deal won 10 days ago, its 14d check-in due in 4 days.
	e.wonDeal(alice, "C1", utcDate(t0.AddDate(0, 0, -10)), time.UTC, 14, 30)
	// Bob: an open deal with a critical risk.
	d := e.openDeal(bob, "C2", "Jim Beam")
	must(e.db.AddRisk(ctx, bob, d.ID, storage.NewRisk{What: "no SSO", Severity: storage.SeverityCritical}))
	// Carol: an open deal with a low risk and capital to spare: nothing.
	d3 := e.openDeal(carol, "C3", "")
	must(e.db.AddRisk(ctx, carol, d3.ID, storage.NewRisk{What: "minor", Severity: storage.SeverityLow}))

	const slot = "2026-03-02T09:00 UTC"
	if err := e.d.Digest(ctx, t0, slot); err != nil {
		t.Fatal(err)
	}
	alicePosts, bobPosts := e.posts(e.fake.DM("UALICE")), e.posts(e.fake.DM("UBOB"))
	if len(alicePosts) != 1 || len(bobPosts) != 1 || len(e.posts(e.fake.DM("UCAROL"))) != 0 {
		t.Fatalf("nudges: alice %d, bob %d, carol %d; want 1, 1, 0", len(alicePosts), len(bobPosts), len(e.posts(e.fake.DM("UCAROL"))))
	}
	if want := "due [Deal C1 14d]; failed 0; won unchecked 1; at risk []"; !strings.Contains(alicePosts[0].Text, want) {
		t.Errorf("alice's nudge: %s\nwant %s", alicePosts[0].Text, want)
	}
	if want := "at risk [Deal C2 (critical 1, high 0, overdrawn false)]"; !strings.Contains(bobPosts[0].Text, want) {
		t.Errorf("bob's nudge: %s\nwant %s", bobPosts[0].Text, want)
	}

	// The same slot again (a restart in the same minute): nothing new.
	if err := e.d.Digest(ctx, t0.Add(20*time.Second), slot); err != nil {
		t.Fatal(err)
	}
	if n := len(e.posts(e.fake.DM("UALICE"))) + len(e.posts(e.fake.DM("UBOB"))); n != 2 {
		t.Errorf("%d nudges after a second run of the slot, want still 2", n)
	}
	// Next week's slot sends again.
	if err := e.d.Digest(ctx, t0.AddDate(0, 0, 7), "2026-03-09T09:00 UTC"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.posts(e.fake.DM("UALICE"))); n != 2 {
		t.Errorf("alice has %d nudges after the next slot, want 2", n)
	}
}

func TestDigestWaitsOutARateLimit(t *testing.T) {
	e := newEnv(t, t0)
	e.wonDeal(alice, "C1", utcDate(t0.AddDate(0, 0, -10)), time.UTC, 14)
	e.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	if err := e.d.Digest(t.Context(), t0, "slot"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.posts(e.fake.DM("UALICE"))); n != 1 {
		t.Errorf("%d nudges, want 1 after the rate limit", n)
	}
}

// A failed nudge keeps its claim when it may have been posted (a 5xx
// answer to the post): a nudge goes out at most once. One that certainly
// did not go out (the DM would not open, or Slack kept answering 429)
// gives its claim back: a later run in the slot sends it, once.
func TestDigestFailureKeepsOrGivesBackItsClaim(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method string
		fault  slackfake.Fault
		want   int // nudges after two more runs of the slot
	}{
		{"a 5xx to the post may have posted it", "chat.postMessage", slackfake.Fault{Times: 1, Status: http.StatusInternalServerError}, 0},
		{"the DM did not open", "conversations.open", slackfake.Fault{Times: 1, Status: http.StatusInternalServerError}, 1},
		{"429 through every retry", "chat.postMessage", slackfake.Fault{Times: nudgeRetries + 1, Status: http.StatusTooManyRequests, RetryAfter: time.Second}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, t0)
			e.wonDeal(alice, "C1", utcDate(t0.AddDate(0, 0, -10)), time.UTC, 14)
			e.fake.InjectFault(tc.method, tc.fault)
			if err := e.d.Digest(t.Context(), t0, "slot"); err == nil {
				t.Error("a failed nudge was not reported")
			}
			for range 2 {
				if err := e.d.Digest(t.Context(), t0.Add(15*time.Minute), "slot"); err != nil {
					t.Fatal(err)
				}
			}
			if n := len(e.posts(e.fake.DM("UALICE"))); n != tc.want {
				t.Errorf("%d nudges, want %d", n, tc.want)
			}
		})
	}
}

// The per-owner nudge that failed at the owner's moment is tried again at
// the next quarter of an hour, whose window alone no longer holds the
// moment.
func TestOwnerNudgeFailureIsTriedAgainNextQuarter(t *testing.T) {
	e := newEnv(t, t0)
	e.wonDeal(alice, "C1", utcDate(t0.AddDate(0, 0, -10)), time.UTC, 14)
	monday := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.clock.Set(monday.Add(-ownerCatchUp).Add(time.Hour)) // the bot started the day before
	_, job, err := e.d.digestJob(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	e.fake.InjectFault("conversations.open", slackfake.Fault{Times: 1, Status: http.StatusInternalServerError})
	e.clock.Set(monday)
	job.Run()
	if n := len(e.posts(e.fake.DM("UALICE"))); n != 0 {
		t.Fatalf("%d nudges through a DM that would not open", n)
	}
	e.clock.Set(monday.Add(15 * time.Minute))
	job.Run()
	e.clock.Set(monday.Add(30 * time.Minute))
	job.Run()
	if n := len(e.posts(e.fake.DM("UALICE"))); n != 1 {
		t.Errorf("%d nudges after the failed quarter, want 1", n)
	}
}

// TestNudgeMomentIsTheStartOfEachOwnersWorkingWeek: 09:00 local on the
// first day of the owner's working week, whatever their zone, their
// working days, or a change of daylight saving time in between.
func TestNudgeMomentIsTheStartOfEachOwnersWorkingWeek(t *testing.T) {
	ny, auckland, paris, dubai := mustLoad("America/New_York"), mustLoad("Pacific/Auckland"), mustLoad("Europe/Paris"), mustLoad("Asia/Dubai")
	sunThu := must(storage.ParseWorkdays("Sun-Thu"))
	for _, tc := range []struct {
		name string
		days storage.Workdays
		now  time.Time
		want time.Time
	}{
		{"Monday 09:00 sharp", storage.MonToFri, time.Date(2026, 11, 30, 9, 0, 0, 0, paris), time.Date(2026, 11, 30, 9, 0, 0, 0, paris)},
		{"Monday 08:59 is still last week's", storage.MonToFri, time.Date(2026, 11, 30, 8, 59, 0, 0, paris), time.Date(2026, 11, 23, 9, 0, 0, 0, paris)},
		{"Friday", storage.MonToFri, time.Date(2026, 12, 4, 17, 0, 0, 0, ny), time.Date(2026, 11, 30, 9, 0, 0, 0, ny)},
		{"Sun-Thu starts on Sunday", sunThu, time.Date(2026, 11, 30, 10, 0, 0, 0, dubai), time.Date(2026, 11, 29, 9, 0, 0, 0, dubai)},
		{"every day works: Monday", 0, time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)},
		// Monday 09:00 in Auckland is Sunday 15:00 in New York: Auckland's
		// moment came, New York's is the week before.
		{"Auckland's Monday", storage.MonToFri, time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC).In(auckland), time.Date(2026, 11, 30, 9, 0, 0, 0, auckland)},
		{"New York's Sunday, same instant", storage.MonToFri, time.Date(2026, 11, 29, 20, 0, 0, 0, time.UTC).In(ny), time.Date(2026, 11, 23, 9, 0, 0, 0, ny)},
		// Paris leaves summer time on Sunday 25 October: Monday 09:00 is
		// then 08:00 UTC, not 07:00.
		{"after the clocks went back", storage.MonToFri, time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC).In(paris), time.Date(2026, 10, 26, 9, 0, 0, 0, paris)},
		{"an hour before, in UTC terms", storage.MonToFri, time.Date(2026, 10, 26, 7, 30, 0, 0, time.UTC).In(paris), time.Date(2026, 10, 19, 9, 0, 0, 0, paris)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NudgeMoment(tc.days, tc.now); !got.Equal(tc.want) {
				t.Errorf("NudgeMoment(%s, %s) = %s, want %s", tc.days, tc.now, got, tc.want)
			}
		})
	}
}

// TestOwnerDigestReachesEachOwnerAtNineInTheirZone ticks every quarter of
// an hour through a week, as Run does: Alice (Paris) gets her nudge at
// 09:00 Paris on Monday, Bob (New York) at 09:00 New York, each once.
func TestOwnerDigestReachesEachOwnerAtNineInTheirZone(t *testing.T) {
	e := newEnv(t, t0)
	e.wonDeal(alice, "C1", day(2026, 2, 20), mustLoad("Europe/Paris"), 14)
	e.wonDeal(bob, "C2", day(2026, 2, 20), mustLoad("America/New_York"), 14)
	check(e.db.SaveUserTZ(t.Context(), "T1", "UALICE", "Europe/Paris"))
	check(e.db.SaveUserTZ(t.Context(), "T1", "UBOB", "America/New_York"))
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) // Sunday
	got := map[string][]time.Time{}
	for at := start; at.Before(start.AddDate(0, 0, 7)); at = at.Add(15 * time.Minute) {
		e.clock.Set(at)
		check(e.d.OwnerDigest(t.Context(), at.Add(-15*time.Minute), at))
		for _, u := range []string{"UALICE", "UBOB"} {
			if n := len(e.posts(e.fake.DM(u))); n > len(got[u]) {
				got[u] = append(got[u], at)
			}
		}
	}
	want := map[string][]time.Time{
		"UALICE": {time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},  // 09:00 CET
		"UBOB":   {time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)}, // 09:00 EST
	}
	for u, w := range want {
		if len(got[u]) != 1 || !got[u][0].Equal(w[0]) {
			t.Errorf("%s's nudges came at %v, want once at %s", u, got[u], w[0])
		}
	}
}

// TestOwnerDigestCatchesUpAfterADownDay: the bot was down at Alice's
// moment; the first look after start-up (24 hours back) still sends it,
// and a second look sends nothing more.
func TestOwnerDigestCatchesUpAfterADownDay(t *testing.T) {
	e := newEnv(t, t0)
	e.wonDeal(alice, "C1", day(2026, 2, 20), mustLoad("Europe/Paris"), 14)
	check(e.db.SaveUserTZ(t.Context(), "T1", "UALICE", "Europe/Paris"))
	up := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC) // Monday afternoon
	e.clock.Set(up)
	check(e.d.OwnerDigest(t.Context(), up.Add(-24*time.Hour), up))
	check(e.d.OwnerDigest(t.Context(), up.Add(-24*time.Hour), up))
	if n := len(e.posts(e.fake.DM("UALICE"))); n != 1 {
		t.Errorf("%d nudges after the restart, want 1", n)
	}
}

// TestDigestGoesToMembersOnly: an owner since made a guest (or who left
// the organisation) gets no nudge: it names deals and their risks. The
// others still get theirs, and a failed look-up sends nothing.
func TestDigestGoesToMembersOnly(t *testing.T) {
	e := newEnv(t, t0)
	e.wonDeal(alice, "C1", utcDate(t0.AddDate(0, 0, -10)), time.UTC, 14)
	e.wonDeal(bob, "C2", utcDate(t0.AddDate(0, 0, -10)), time.UTC, 14)
	e.wonDeal(carol, "C3", utcDate(t0.AddDate(0, 0, -10)), time.UTC, 14)
	d := New(e.db, e.api, echoMessages{}, Options{Logger: testLogger(t), Now: e.clock.Now, ClaimantID: "w2",
		Member: func(_ context.Context, _, user string) (bool, error) {
			switch user {
			case "UBOB":
				return false, nil // made a guest
			case "UCAROL":
				return false, errors.New("users.info: 500")
			}
			return true, nil
		}})
	err := d.Digest(t.Context(), t0, "2026-03-02T09:00 UTC")
	if err == nil || !strings.Contains(err.Error(), "UCAROL") {
		t.Errorf("Digest = %v, want the failed look-up of UCAROL reported", err)
	}
	if a, b, c := len(e.posts(e.fake.DM("UALICE"))), len(e.posts(e.fake.DM("UBOB"))), len(e.posts(e.fake.DM("UCAROL"))); a != 1 || b != 0 || c != 0 {
		t.Errorf("nudges: alice %d, bob %d, carol %d; want 1, 0, 0", a, b, c)
	}
}
