package postgres

import (
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// TestDealCacheKeepsOnlyWhatNothingChanged: a read is kept only if the
// listener was listening when it began and no change was heard of since;
// a change forgets its channel's deal only, a write of this replica every
// deal, and a kept deal expires after its time.
func TestDealCacheKeepsOnlyWhatNothingChanged(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := newDealCache()
	c.now = func() time.Time { return now }
	c1, c2 := dealKey{"T1", "C1"}, dealKey{"T1", "C2"}
	d1, d2 := storage.Deal{ID: 1, ChannelID: "C1"}, storage.Deal{ID: 2, ChannelID: "C2"}
	kept := func(k dealKey) bool { _, ok := c.get(k); return ok }

	c.put(c.begin(), c1, d1)
	if kept(c1) {
		t.Fatal("a deal read while not listening was kept")
	}
	c.setLive(true)
	t1 := c.begin()
	c.forget(c2) // heard of while the read of C1 was on its way
	c.put(t1, c1, d1)
	if kept(c1) {
		t.Fatal("a deal read before a change was heard of was kept after it")
	}
	c.put(c.begin(), c1, d1)
	c.put(c.begin(), c2, d2)
	if d, ok := c.get(c1); !ok || d != d1 {
		t.Fatalf("kept deal of C1: %+v, %v; want deal 1", d, ok)
	}
	if kept(dealKey{"T2", "C1"}) {
		t.Fatal("another workspace's channel C1 got workspace T1's deal")
	}
	c.forget(c1)
	if kept(c1) || !kept(c2) {
		t.Fatalf("after C1 changed: C1 kept %v, C2 kept %v; want false, true", kept(c1), kept(c2))
	}
	c.forgetAll()
	if kept(c2) {
		t.Fatal("a deal outlived a write of this replica")
	}
	c.put(c.begin(), c1, d1)
	now = now.Add(dealTTL)
	if kept(c1) {
		t.Fatalf("a deal kept %v outlived its time", dealTTL)
	}
	c.put(c.begin(), c1, d1)
	c.setLive(false)
	if kept(c1) {
		t.Fatal("a deal was kept past the listener's end")
	}
}

// TestReplicasHearOfEachOthersDealChanges runs two stores on one database,
// as two replicas: each change one makes to a deal (an edit, a close, a
// budget) is seen by the other at once, though the other keeps the deal
// for an hour here; and a replica's own change is seen by its next read
// without waiting for any notification.
func TestReplicasHearOfEachOthersDealChanges(t *testing.T) {
	a, b, d := twoReplicas(t)
	ctx := t.Context()
	read := func() storage.Deal {
		t.Helper()
		d, err := a.DealByChannel(ctx, "T1", "C1")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	read()
	if _, ok := a.kept.get(dealKey{"T1", "C1"}); !ok {
		t.Fatal("replica A did not keep the deal it read")
	}

	name := "Acme renewal"
	if _, err := b.UpdateDeal(ctx, alice, d.ID, storage.DealChanges{Name: &name}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "A sees B's new name", func() bool { return read().Name == name })
	if _, err := b.SetBudget(ctx, alice, d.ID, 7); err != nil {
		t.Fatal(err)
	}
	eventually(t, "A sees B's new budget", func() bool { return read().Budget == 7 })
	if _, err := b.CloseDeal(ctx, alice, d.ID, storage.Close{Stage: storage.StageWon}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "A sees B's close", func() bool { return read().Stage == storage.StageWon })

	// A's own change, with its listener deaf from here on (as if the
	// notification were slow): its next read still sees it.
	a.hear.stop()
	a.kept.setLive(true)
	read()
	owner := "UBOB"
	if _, err := a.UpdateDeal(ctx, alice, d.ID, storage.DealChanges{OwnerID: &owner}); err != nil {
		t.Fatal(err)
	}
	if got := read().OwnerID; got != owner {
		t.Fatalf("A's read right after its own change: owner %s, want %s", got, owner)
	}
}

// TestDealCacheListensAgain: when the listening connection dies, the
// replica keeps nothing until it listens again, and then hears of
// changes as before.
func TestDealCacheListensAgain(t *testing.T) {
	a, b, d := twoReplicas(t)
	b.hear.stop() // A's is then the one listening connection
	ctx := t.Context()
	if _, err := a.DealByChannel(ctx, "T1", "C1"); err != nil {
		t.Fatal(err)
	}
	var killed int
	err := b.pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN `+dealsChannel+`'`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminating the listener: %d backends, %v; want 1", killed, err)
	}
	eventually(t, "A stops keeping deals", func() bool { return !a.kept.isLive() })
	if _, ok := a.kept.get(dealKey{"T1", "C1"}); ok {
		t.Fatal("A still keeps a deal while it cannot hear of changes")
	}
	waitLive(t, a)
	if _, err := a.DealByChannel(ctx, "T1", "C1"); err != nil {
		t.Fatal(err)
	}
	name := "Acme renewal"
	if _, err := b.UpdateDeal(ctx, alice, d.ID, storage.DealChanges{Name: &name}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "A sees B's change after listening again", func() bool {
		got, err := a.DealByChannel(ctx, "T1", "C1")
		return err == nil && got.Name == name
	})
}

// TestDealsNotifyCoversEveryColumnRead: the trigger that tells replicas a
// deal changed fires on an update of any column a deal read returns, so a
// column added to dealCols without it fails here.
func TestDealsNotifyCoversEveryColumnRead(t *testing.T) {
	db := openAdderTest(t)
	rows, err := db.pool.Query(t.Context(), `SELECT event_object_column FROM information_schema.triggered_update_columns
		WHERE trigger_name = 'deals_notify' AND event_object_table = 'deals'`)
	if err != nil {
		t.Fatal(err)
	}
	var fires []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		fires = append(fires, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	read := regexp.MustCompile(`d\.(\w+)`).FindAllStringSubmatch(dealCols, -1)
	if len(read) < 10 {
		t.Fatalf("read %d columns from dealCols", len(read))
	}
	for _, m := range read {
		if !slices.Contains(fires, m[1]) {
			t.Errorf("an update of deals.%s, which a deal read returns, does not tell the replicas (trigger fires on %v)", m[1], fires)
		}
	}
}

// alice owns the deals of the replica tests.
var alice = storage.Actor{TeamID: "T1", UserID: "UALICE"}

// twoReplicas opens two stores on one database, as two replicas: A keeps
// what it reads for an hour (only a notification or its own write makes
// it read again) and listens; B has opened a deal in C1.
func twoReplicas(t *testing.T) (a, b *DB, d storage.Deal) {
	t.Helper()
	url := newInternalDatabase(t)
	a, b = openInternal(t, url), openInternal(t, url)
	a.kept.ttl = time.Hour
	if _, err := a.DealByChannel(t.Context(), "T1", "C1"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("A's first read, before the deal: %v, want ErrNotFound", err) // and A listens from then on
	}
	waitLive(t, a)
	d, err := b.OpenDeal(t.Context(), alice, storage.NewDeal{ChannelID: "C1", Name: "Acme", OwnerID: "UALICE", Budget: 10})
	if err != nil {
		t.Fatal(err)
	}
	return a, b, d
}

// waitLive waits until db's listener listens.
func waitLive(t *testing.T, db *DB) {
	t.Helper()
	eventually(t, "the listener listens", db.kept.isLive)
}

// eventually polls cond until it holds, failing t after five seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
