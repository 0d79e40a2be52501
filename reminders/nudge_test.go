package reminders

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/longgame/longgame/bot/slackfake"
	"github.com/longgame/longgame/storage"
)

func typicalNudge() storage.Nudge {
	acme := storage.Deal{ID: 1, ChannelID: "C1", Name: "Acme", Stage: storage.StageWon, OwnerID: "UALICE", ClosedOn: day(2026, 2, 20)}
	beta := storage.Deal{ID: 2, ChannelID: "C2", Name: "Beta <Labs>", Stage: storage.StageOpen, OwnerID: "UALICE"}
	return storage.Nudge{
		TeamID: "T1", OwnerID: "UALICE",
		Due: []storage.CheckinDue{
			{Checkin: storage.Checkin{ID: 3, Kind: storage.KindPostClose, Offset: "14d", DueOn: day(2026, 3, 1), DueAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}, Deal: acme},
			{Checkin: storage.Checkin{ID: 4, Kind: storage.KindManual, Note: "ask about the pilot", DueOn: day(2026, 3, 5), DueAt: time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)}, Deal: beta},
		},
		Failed: []storage.CheckinDue{
			{Checkin: storage.Checkin{ID: 5, Kind: storage.KindKeepInTouch, DeliveryError: "channel C9: is_archived", MessageTS: "1.2"},
				Deal: storage.Deal{ChannelID: "C9", Name: "Gamma"}},
		},
		Unchecked: []storage.Deal{acme},
		AtRisk: []storage.DealOverview{
			{Deal: beta, OpenRisks: storage.RiskCounts{Critical: 1, High: 2}, Capital: storage.Capital{Budget: 10, Left: -3}},
		},
	}
}

func hugeNudge() storage.Nudge {
	n := typicalNudge()
	for i := range 300 {
		d := storage.Deal{ChannelID: fmt.Sprintf("C%d", 100+i), Name: strings.Repeat("Very long deal name ", 10)}
		n.Due = append(n.Due, storage.CheckinDue{Checkin: storage.Checkin{Kind: storage.KindManual, Note: strings.Repeat("note ", 100),
			DueOn: day(2026, 3, 3), DueAt: t0.Add(time.Hour)}, Deal: d})
		n.Failed = append(n.Failed, storage.CheckinDue{Checkin: storage.Checkin{Kind: storage.KindPostClose, Offset: "90d",
			DeliveryError: strings.Repeat("x", 500)}, Deal: d})
		n.Unchecked = append(n.Unchecked, d)
		n.AtRisk = append(n.AtRisk, storage.DealOverview{Deal: d, OpenRisks: storage.RiskCounts{High: 1}})
	}
	return n
}

func TestNudgeMessages(t *testing.T) {
	for name, n := range map[string]storage.Nudge{"nudge_typical": typicalNudge(), "nudge_huge": hugeNudge()} {
		t.Run(name, func(t *testing.T) {
			text, blocks := NudgeMessage(n, t0, mustLoad("Europe/Paris"))
			checkGolden(t, name, text, blocks)
		})
	}
}

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
	for _, want := range []string{"Check-ins due", "14-day post-sale check-in", "Won in the last 30 days"} {
		if !strings.Contains(string(alicePosts[0].Blocks), want) {
			t.Errorf("alice's nudge lacks %q:\n%s", want, alicePosts[0].Blocks)
		}
	}
	if b := string(bobPosts[0].Blocks); !strings.Contains(b, "Open deals at risk") || !strings.Contains(b, "1 critical") {
		t.Errorf("bob's nudge lacks the deal at risk:\n%s", b)
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
