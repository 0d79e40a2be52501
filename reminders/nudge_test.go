package reminders

import (
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

func TestDigestKeepsAFailure(t *testing.T) {
	e := newEnv(t, t0)
	e.wonDeal(alice, "C1", utcDate(t0.AddDate(0, 0, -10)), time.UTC, 14)
	e.fake.InjectFault("chat.postMessage", slackfake.Fault{Times: 1, Status: http.StatusInternalServerError})
	if err := e.d.Digest(t.Context(), t0, "slot"); err == nil {
		t.Error("a failed nudge was not reported")
	}
	// At most once: the claim stays, the same slot does not post again.
	if err := e.d.Digest(t.Context(), t0, "slot"); err != nil {
		t.Fatal(err)
	}
	if n := len(e.posts(e.fake.DM("UALICE"))); n != 0 {
		t.Errorf("%d nudges, want none", n)
	}
}
