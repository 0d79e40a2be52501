package sqlite

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// TestCachedSummaryNeverOlderThanAnAnswer: the summary and the overview are
// kept between commits; whoever was told a change is recorded must see it
// in the next summary they read, while others read and write the same deal.
func TestCachedSummaryNeverOlderThanAnAnswer(t *testing.T) {
	db, _ := openTest(t)
	d := storagetest.SeedRisks(t, db, alice, "C1", 30, storagetest.Varied)
	ctx := t.Context()
	before := must(db.RiskSummary(ctx, "T1", d.ID, 5))
	_ = must(db.DealOverview(ctx, "T1", d.ID)) // both kept now
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 10 {
				r, err := db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: fmt.Sprintf("writer %d risk %d", w, i),
					Severity: storage.SeverityCritical, Area: storage.AreaTrust})
				if err != nil {
					t.Error(err)
					return
				}
				s, err := db.RiskSummary(ctx, "T1", d.ID, 5)
				if err != nil {
					t.Error(err)
					return
				}
				ov, err := db.DealOverview(ctx, "T1", d.ID)
				if err != nil {
					t.Error(err)
					return
				}
				// Numbers only grow: a summary at least as new as this
				// risk counts this many critical ones or more.
				if s.Open.Critical < before.Open.Critical+1 || ov.OpenRisks.Critical < before.Open.Critical+1 {
					t.Errorf("after risk #%d was recorded: %d critical in the summary, %d in the overview, want more than %d",
						r.Number, s.Open.Critical, ov.OpenRisks.Critical, before.Open.Critical)
					return
				}
			}
		})
	}
	wg.Wait()
	storagetest.WantSummaries(t, db, "after the writers", d)
	if got := must(db.DealOverview(ctx, "T1", d.ID)).OpenRisks.Critical; got != before.Open.Critical+80 {
		t.Errorf("overview: %d critical open risks, want %d", got, before.Open.Critical+80)
	}
}

// TestCachedSummaryIsTheCallersOwn: an answer kept for the next reader
// cannot be changed through the copy a caller got.
func TestCachedSummaryIsTheCallersOwn(t *testing.T) {
	db, _ := openTest(t)
	d := storagetest.SeedRisks(t, db, alice, "C1", 30, storagetest.Varied)
	ctx := t.Context()
	want := must(db.RiskSummary(ctx, "T1", d.ID, 5))
	first := must(db.RiskSummary(ctx, "T1", d.ID, 5)) // the kept one
	for a := range first.ByArea {
		first.ByArea[a] = -1
	}
	first.UndisclosedTop[0].What = "scribbled"
	for a := range first.Coverage {
		first.Coverage[a][0].Number = -1
	}
	storagetest.Diff(t, must(db.RiskSummary(ctx, "T1", d.ID, 5)), want)
}

// TestCachedDealFollowsEveryChange: the deal of a channel is kept across
// the writes that leave deals alone, and never across one that changes it.
func TestCachedDealFollowsEveryChange(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d := storagetest.NewDeal(t, db, alice, "C1")
	byChannel := func() storage.Deal { return must(db.DealByChannel(ctx, "T1", "C1")) }
	byChannel() // kept from here
	must(db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: "SSO untested"}))
	must(db.AddAsk(ctx, alice, d.ID, "an intro to the CFO", 3))
	name := "Acme renewal"
	must(db.UpdateDeal(ctx, alice, d.ID, storage.DealChanges{Name: &name}))
	if got := byChannel().Name; got != name {
		t.Errorf("after a rename: %q, want %q", got, name)
	}
	must(db.SetBudget(ctx, alice, d.ID, 7))
	if got := byChannel().Budget; got != 7 {
		t.Errorf("after a new budget: %d, want 7", got)
	}
	set := must(db.SetChampion(ctx, alice, d.ID, storage.ChampionInput{Name: "Jane Doe"}))
	if got := byChannel().ChampionID; got != set.Champion.ID {
		t.Errorf("after naming a champion: champion %d, want %d", got, set.Champion.ID)
	}
	exec(t, db, `UPDATE deals SET owner_id = 'UBOB' WHERE id = ?`, d.ID)
	if got := byChannel().OwnerID; got != "UBOB" {
		t.Errorf("after a change by hand: owner %q, want UBOB", got)
	}
}

// TestKeptReadsOutliveBookkeeping: keeping the ts of posted records and
// the ids of seen events changes nothing a summary, an overview or a deal
// shows, so their commits leave the kept answers be (a summary posted in
// its channel keeps its ts: that commit used to void the summary the next
// reader wanted). A recorded risk voids the summary and the overview, not
// the deal.
func TestKeptReadsOutliveBookkeeping(t *testing.T) {
	db, _ := openTest(t)
	ctx := t.Context()
	d := storagetest.SeedRisks(t, db, alice, "C1", 30, storagetest.Varied)
	kept := func() (summary, overview, deal bool) {
		_, summary = db.cache.summary(summaryKey{dealKey{"T1", d.ID}, 5})
		_, overview = db.cache.overview(dealKey{"T1", d.ID})
		_, deal = db.cache.deal(channelKey{"T1", "C1"})
		return summary, overview, deal
	}
	must(db.RiskSummary(ctx, "T1", d.ID, 5))
	must(db.DealOverview(ctx, "T1", d.ID))
	must(db.DealByChannel(ctx, "T1", "C1"))
	if s, o, dl := kept(); !s || !o || !dl {
		t.Fatalf("after reading: summary %v, overview %v, deal %v kept; want all", s, o, dl)
	}
	if err := db.RecordPosts(ctx, storage.PostedMessage{TeamID: "T1", ChannelID: "C1", TS: "1.000100",
		DealID: d.ID, Kind: storage.PostRecord, PostedAt: d.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	must(db.MarkEventSeen(ctx, "T1", "Ev1"))
	if err := db.MarkRedacted(ctx, "T1", "C1", "1.000100"); err != nil {
		t.Fatal(err)
	}
	if s, o, dl := kept(); !s || !o || !dl {
		t.Errorf("after bookkeeping: summary %v, overview %v, deal %v kept; want all", s, o, dl)
	}
	must(db.AddRisk(ctx, alice, d.ID, storage.NewRisk{What: "SSO untested"}))
	if s, o, dl := kept(); s || o || !dl {
		t.Errorf("after a risk: summary %v, overview %v, deal %v kept; want the deal alone", s, o, dl)
	}
}

// TestConcurrentMissesShareOneRead: requests that miss the kept summary
// together read it once (the first after a commit used to read the 2,000
// risks sixteen times at once); a failed read is not handed on, and a read
// of an older generation is never joined.
func TestConcurrentMissesShareOneRead(t *testing.T) {
	c := newReadCache()
	key := summaryKey{dealKey{"T1", 1}, 5}
	var joined atomic.Int64
	c.testHookJoined = func() { joined.Add(1) }
	var reads atomic.Int64
	release := make(chan struct{})
	read := func() (storage.RiskSummary, error) {
		reads.Add(1)
		<-release
		return storage.RiskSummary{ByArea: map[storage.Area]int{storage.AreaTrust: 3}}, nil
	}
	gen := c.generation()
	var wg sync.WaitGroup
	got := make([]storage.RiskSummary, 16)
	for i := range got {
		wg.Go(func() { got[i] = must(c.readSummary(t.Context(), key, gen, read)) })
	}
	waitUntil(t, func() bool { return reads.Load() == 1 && joined.Load() == 15 })
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads for 16 requests, want 1", n)
	}
	for i, s := range got {
		if s.ByArea[storage.AreaTrust] != 3 {
			t.Fatalf("request %d got %v", i, s.ByArea)
		}
	}
	got[0].ByArea[storage.AreaTrust] = -1
	if got[1].ByArea[storage.AreaTrust] != 3 {
		t.Error("two requests share one map")
	}

	// A failed read: the one waiting reads for itself.
	failing := make(chan struct{})
	joined.Store(0)
	var second atomic.Int64
	wg.Go(func() {
		_, err := c.readSummary(t.Context(), key, gen, func() (storage.RiskSummary, error) {
			<-failing
			return storage.RiskSummary{}, errors.New("disk on fire")
		})
		if err == nil {
			t.Error("the failed read reported no error")
		}
	})
	waitUntil(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.reading[key] != nil })
	wg.Go(func() {
		must(c.readSummary(t.Context(), key, gen, func() (storage.RiskSummary, error) {
			second.Add(1)
			return storage.RiskSummary{}, nil
		}))
	})
	waitUntil(t, func() bool { return joined.Load() == 1 })
	close(failing)
	wg.Wait()
	if second.Load() != 1 {
		t.Errorf("after a failed read the waiting request read %d times, want 1", second.Load())
	}

	// Another generation reads for itself.
	block := make(chan struct{})
	wg.Go(func() {
		must(c.readSummary(t.Context(), key, gen, func() (storage.RiskSummary, error) { <-block; return storage.RiskSummary{}, nil }))
	})
	waitUntil(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.reading[key] != nil })
	c.committed(keepsDeals)
	fresh := false
	must(c.readSummary(t.Context(), key, c.generation(), func() (storage.RiskSummary, error) { fresh = true; return storage.RiskSummary{}, nil }))
	close(block)
	wg.Wait()
	if !fresh {
		t.Error("a read after a commit joined one from before it")
	}
}

// waitUntil polls cond until it holds, failing t after a few seconds.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		runtime.Gosched()
	}
}
