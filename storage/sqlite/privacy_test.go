package sqlite

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

func TestListDealsShowsEachDealToItsOwnerAndChannelMembers(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	mine := newDeal(t, db, alice, "C1")  // alice owns it
	theirs := newDeal(t, db, bob, "C2")  // bob's, in a channel alice is in
	private := newDeal(t, db, bob, "C3") // bob's, in a channel alice is not in
	newDeal(t, db, mallory, "C2")        // another workspace, same channel id

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
		{name: "alice, in C2", viewer: &storage.Viewer{UserID: "UALICE", Channels: []string{"C2"}},
			want: []int64{mine.ID, theirs.ID}, total: 2},
		{name: "alice, in no channel", viewer: &storage.Viewer{UserID: "UALICE", Channels: []string{}},
			want: []int64{mine.ID}, total: 1},
		{name: "alice, channels unknown", viewer: &storage.Viewer{UserID: "UALICE", Unknown: true},
			want: []int64{mine.ID}, total: 1, hidden: 2},
		{name: "a stranger in every channel but owning nothing", viewer: &storage.Viewer{UserID: "UEVE", Channels: []string{"C3"}},
			want: []int64{private.ID}, total: 1},
		{name: "a viewer without an id", viewer: &storage.Viewer{}, wantErrIs: storage.ErrInvalid},
		{name: "limited", limit: 2, want: []int64{mine.ID, theirs.ID}, total: 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.ListDeals(ctx, "T1", storage.DealFilter{Viewer: tc.viewer, Limit: tc.limit})
			wantErr(t, err, tc.wantErrIs)
			if tc.wantErrIs != nil {
				return
			}
			diff(t, names(got), tc.want)
			if got.Total != tc.total || got.Hidden != tc.hidden {
				t.Errorf("total %d, hidden %d; want %d, %d", got.Total, got.Hidden, tc.total, tc.hidden)
			}
		})
	}
}

func TestListDealsLimitsInTheQuery(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	for i := range 30 {
		newDeal(t, db, alice, fmt.Sprintf("C%02d", i))
	}
	got := must(db.ListDeals(ctx, "T1", storage.DealFilter{Limit: 7}))
	if len(got.Items) != 7 || got.Total != 30 {
		t.Errorf("got %d of %d, want 7 of 30", len(got.Items), got.Total)
	}
	got = must(db.ListDeals(ctx, "T1", storage.DealFilter{}))
	if len(got.Items) != 30 {
		t.Errorf("default limit: got %d, want all 30 (under %d)", len(got.Items), storage.DefaultListLimit)
	}
}

func TestChampionHistoryShowsOnlyWhatTheViewerMaySee(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d1, d2, d3 := newDeal(t, db, alice, "C1"), newDeal(t, db, bob, "C2"), newDeal(t, db, bob, "C3")
	jane := must(db.SetChampion(ctx, alice, d1.ID, storage.ChampionInput{Name: "Jane Doe"}))
	for _, d := range []storage.Deal{d2, d3} {
		must(db.SetChampion(ctx, bob, d.ID, storage.ChampionInput{Name: "Jane Doe"}))
	}
	got := must(db.ChampionHistory(ctx, "T1", jane.ID, &storage.Viewer{UserID: "UALICE", Channels: []string{"C3"}}, 0))
	if len(got.Items) != 2 || got.Items[0].Deal.ID != d1.ID || got.Items[1].Deal.ID != d3.ID || got.Total != 2 {
		t.Errorf("got %+v, want alice's C1 and the C3 she is in", got)
	}
	got = must(db.ChampionHistory(ctx, "T1", jane.ID, &storage.Viewer{UserID: "UALICE", Unknown: true}, 0))
	if len(got.Items) != 1 || got.Hidden != 2 {
		t.Errorf("channels unknown: got %d deals, %d hidden; want 1 and 2", len(got.Items), got.Hidden)
	}
}

func TestSharesAndPosts(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	d := newDeal(t, db, alice, "C1")
	for i, ts := range []string{"100.000001", "100.000002", "100.000003"} {
		wantErr(t, db.RecordPosts(ctx, storage.PostedMessage{TeamID: "T1", ChannelID: "C1", TS: ts, DealID: d.ID,
			Kind: storage.PostRecord, PostedAt: t0.Add(time.Duration(i) * time.Second)}), nil)
	}
	wantErr(t, db.RecordPosts(ctx, storage.PostedMessage{TeamID: "T1", ChannelID: "C2", TS: "100.000009", Kind: storage.PostRecord, PostedAt: t0}), nil)
	wantErr(t, db.RecordPosts(ctx, storage.PostedMessage{TeamID: "T1", ChannelID: "C1"}), storage.ErrInvalid)

	s, started := must2(db.StartShare(ctx, "T1", "C1", "guest"))
	if !started || s.Done() || s.Why != "guest" {
		t.Fatalf("first share: %+v started %v", s, started)
	}
	if _, again := must2(db.StartShare(ctx, "T1", "C1", "slack_connect")); again {
		t.Error("a second event while the first share is applied started another")
	}
	if p := must(db.PendingShares(ctx, 10)); len(p) != 1 || p[0].ChannelID != "C1" {
		t.Errorf("pending: %+v", p)
	}
	posts := must(db.UnredactedPosts(ctx, "T1", "C1", 2))
	if len(posts) != 2 || posts[0].TS != "100.000001" || posts[0].DealID != d.ID {
		t.Fatalf("unredacted: %+v", posts)
	}
	for _, p := range must(db.UnredactedPosts(ctx, "T1", "C1", 10)) {
		wantErr(t, db.MarkRedacted(ctx, "T1", "C1", p.TS), nil)
	}
	if n := len(must(db.UnredactedPosts(ctx, "T1", "C1", 10))); n != 0 {
		t.Errorf("%d posts left after redacting all", n)
	}
	if n := len(must(db.UnredactedPosts(ctx, "T1", "C2", 10))); n != 1 {
		t.Errorf("another channel's post was touched: %d left, want 1", n)
	}
	if s := must(db.ProgressShare(ctx, "T1", "C1", 2, false)); s.Done() || s.Hidden != 2 {
		t.Errorf("share under way: %+v", s)
	}
	if s := must(db.ProgressShare(ctx, "T1", "C1", 1, true)); !s.Done() || s.Hidden != 3 {
		t.Errorf("finished share: %+v", s)
	}
	_, err := db.ProgressShare(ctx, "T1", "C1", 3, true)
	wantErr(t, err, storage.ErrNotFound)
	if s := must(db.Share(ctx, "T1", "C1")); !s.Done() || s.Hidden != 3 {
		t.Errorf("finished share: %+v", s)
	}
	if p := must(db.PendingShares(ctx, 10)); len(p) != 0 {
		t.Errorf("pending after finishing: %+v", p)
	}
	clk.Advance(time.Hour)
	if s, started := must2(db.StartShare(ctx, "T1", "C1", "outsider")); !started || s.Done() || !s.SeenAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("shared again after being the team's: %+v started %v", s, started)
	}
}

func TestPruneSeenEvents(t *testing.T) {
	db, clk := openTest(t)
	ctx := t.Context()
	must(db.MarkEventSeen(ctx, "T1", "Ev1"))
	clk.Advance(25 * time.Hour)
	must(db.MarkEventSeen(ctx, "T1", "Ev2"))
	if n := must(db.PruneSeenEvents(ctx, clk.Now().Add(-24*time.Hour))); n != 1 {
		t.Errorf("pruned %d, want 1", n)
	}
	if first := must(db.MarkEventSeen(ctx, "T1", "Ev2")); first {
		t.Error("an event of the last day was forgotten")
	}
}

func TestDatabaseFilesAreTheOwnersOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "longgame.db")
	db, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	newDeal(t, db, alice, "C1") // the WAL gets frames
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if mode := st.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(name), mode)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// A database made by an earlier version with looser modes is tightened.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	db, err = Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("reopened: mode %o, want 600", st.Mode().Perm())
	}
}
