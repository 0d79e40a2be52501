package storagetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func testListDealsShowsEachDealToItsOwnerAndChannelMembers(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	mine := NewDeal(t, db, Alice, "C1")  // Alice owns it
	theirs := NewDeal(t, db, Bob, "C2")  // Bob's, in a channel Alice is in
	private := NewDeal(t, db, Bob, "C3") // Bob's, in a channel Alice is not in
	NewDeal(t, db, Mallory, "C2")        // another workspace, same channel id

	names := func(p storage.Page[storage.DealOverview]) (got []int64) {
		for _, o := range p.Items {
			got = append(got, o.Deal.ID)
		}
		return got
	}
	for _, tc := range []struct {
		name       string
		viewer     *storage.Viewer
		want       []int64
		total      int
		hidden     int
		wantErrIs  error
		limit      int
		wantLength int
	}{
		{name: "no viewer: every deal (internal use)", want: []int64{mine.ID, theirs.ID, private.ID}, total: 3},
		{name: "Alice, in C2", viewer: &storage.Viewer{UserID: "UALICE", Channels: []string{"C2"}},
			want: []int64{mine.ID, theirs.ID}, total: 2},
		{name: "Alice, in no channel", viewer: &storage.Viewer{UserID: "UALICE", Channels: []string{}},
			want: []int64{mine.ID}, total: 1},
		{name: "Alice, channels unknown", viewer: &storage.Viewer{UserID: "UALICE", Unknown: true},
			want: []int64{mine.ID}, total: 1, hidden: 2},
		{name: "a stranger in every channel but owning nothing", viewer: &storage.Viewer{UserID: "UEVE", Channels: []string{"C3"}},
			want: []int64{private.ID}, total: 1},
		{name: "a viewer without an id", viewer: &storage.Viewer{}, wantErrIs: storage.ErrInvalid},
		{name: "limited", limit: 2, want: []int64{mine.ID, theirs.ID}, total: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.ListDeals(ctx, "T1", storage.DealFilter{Viewer: tc.viewer, Limit: tc.limit})
			WantErr(t, err, tc.wantErrIs)
			if tc.wantErrIs != nil {
				return
			}
			Diff(t, names(got), tc.want)
			if got.Total != tc.total || got.Hidden != tc.hidden {
				t.Errorf("total %d, hidden %d; want %d, %d", got.Total, got.Hidden, tc.total, tc.hidden)
			}
		})
	}
}

func testListDealsLimited(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	for i := range 30 {
		NewDeal(t, db, Alice, fmt.Sprintf("C%02d", i))
	}
	got := Must(db.ListDeals(ctx, "T1", storage.DealFilter{Limit: 7}))
	if len(got.Items) != 7 || got.Total != 30 {
		t.Errorf("got %d of %d, want 7 of 30", len(got.Items), got.Total)
	}
	got = Must(db.ListDeals(ctx, "T1", storage.DealFilter{}))
	if len(got.Items) != 30 {
		t.Errorf("default limit: got %d, want all 30 (under %d)", len(got.Items), storage.DefaultListLimit)
	}
}

func testChampionHistoryShowsOnlyWhatTheViewerMaySee(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d1, d2, d3 := NewDeal(t, db, Alice, "C1"), NewDeal(t, db, Bob, "C2"), NewDeal(t, db, Bob, "C3")
	jane := Must(db.SetChampion(ctx, Alice, d1.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"})).Champion
	for _, d := range []storage.Deal{d2, d3} {
		Must(db.SetChampion(ctx, Bob, d.ID, storage.ChampionInput{Name: "Jane Doe", Company: "Acme"}))
	}
	got := Must(db.ChampionHistory(ctx, "T1", jane.ID, &storage.Viewer{UserID: "UALICE", Channels: []string{"C3"}}, 0))
	if len(got.Items) != 2 || got.Items[0].Deal.ID != d1.ID || got.Items[1].Deal.ID != d3.ID || got.Total != 2 {
		t.Errorf("got %+v, want Alice's C1 and the C3 she is in", got)
	}
	got = Must(db.ChampionHistory(ctx, "T1", jane.ID, &storage.Viewer{UserID: "UALICE", Unknown: true}, 0))
	if len(got.Items) != 1 || got.Hidden != 2 {
		t.Errorf("channels unknown: got %d deals, %d hidden; want 1 and 2", len(got.Items), got.Hidden)
	}
}

func testSharesAndPosts(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	d := NewDeal(t, db, Alice, "C1")
	for i, ts := range []string{"100.000001", "100.000002", "100.000003"} {
		WantErr(t, db.RecordPosts(ctx, storage.PostedMessage{TeamID: "T1", ChannelID: "C1", TS: ts, DealID: d.ID,
			Kind: storage.PostRecord, PostedAt: T0.Add(time.Duration(i) * time.Second)}), nil)
	}
	WantErr(t, db.RecordPosts(ctx, storage.PostedMessage{TeamID: "T1", ChannelID: "C2", TS: "100.000009", Kind: storage.PostRecord, PostedAt: T0}), nil)
	WantErr(t, db.RecordPosts(ctx, storage.PostedMessage{TeamID: "T1", ChannelID: "C1"}), storage.ErrInvalid)

	s, started := Must2(db.StartShare(ctx, "T1", "C1", "guest"))
	if !started || s.Done() || s.Why != "guest" {
		t.Fatalf("first share: %+v started %v", s, started)
	}
	if _, again := Must2(db.StartShare(ctx, "T1", "C1", "slack_connect")); again {
		t.Error("a second event while the first share is applied started another")
	}
	if p := Must(db.PendingShares(ctx, 10)); len(p) != 1 || p[0].ChannelID != "C1" {
		t.Errorf("pending: %+v", p)
	}
	posts := Must(db.UnredactedPosts(ctx, "T1", "C1", 2))
	if len(posts) != 2 || posts[0].TS != "100.000001" || posts[0].DealID != d.ID {
		t.Fatalf("unredacted: %+v", posts)
	}
	for _, p := range Must(db.UnredactedPosts(ctx, "T1", "C1", 10)) {
		WantErr(t, db.MarkRedacted(ctx, "T1", "C1", p.TS), nil)
	}
	if n := len(Must(db.UnredactedPosts(ctx, "T1", "C1", 10))); n != 0 {
		t.Errorf("%d posts left after redacting all", n)
	}
	if n := len(Must(db.UnredactedPosts(ctx, "T1", "C2", 10))); n != 1 {
		t.Errorf("another channel's post was touched: %d left, want 1", n)
	}
	if s := Must(db.ProgressShare(ctx, "T1", "C1", 2, false)); s.Done() || s.Hidden != 2 {
		t.Errorf("share under way: %+v", s)
	}
	if s := Must(db.ProgressShare(ctx, "T1", "C1", 1, true)); !s.Done() || s.Hidden != 3 {
		t.Errorf("finished share: %+v", s)
	}
	_, err := db.ProgressShare(ctx, "T1", "C1", 3, true)
	WantErr(t, err, storage.ErrNotFound)
	if s := Must(db.Share(ctx, "T1", "C1")); !s.Done() || s.Hidden != 3 {
		t.Errorf("finished share: %+v", s)
	}
	if p := Must(db.PendingShares(ctx, 10)); len(p) != 0 {
		t.Errorf("pending after finishing: %+v", p)
	}
	clk.Advance(time.Hour)
	if s, started := Must2(db.StartShare(ctx, "T1", "C1", "outsider")); !started || s.Done() || !s.SeenAt.Equal(T0.Add(time.Hour)) {
		t.Errorf("shared again after being the team's: %+v started %v", s, started)
	}
}

func testPruneSeenEvents(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	Must(db.MarkEventSeen(ctx, "T1", "Ev1"))
	clk.Advance(25 * time.Hour)
	Must(db.MarkEventSeen(ctx, "T1", "Ev2"))
	if n := Must(db.PruneSeenEvents(ctx, clk.Now().Add(-24*time.Hour))); n != 1 {
		t.Errorf("pruned %d, want 1", n)
	}
	if first := Must(db.MarkEventSeen(ctx, "T1", "Ev2")); first {
		t.Error("an event of the last day was forgotten")
	}
}
