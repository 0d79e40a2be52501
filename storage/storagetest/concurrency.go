package storagetest

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// testAskAndGiveNumbersUnderConcurrency has 16 writers add asks and gives
// to two deals at once: each deal's asks and gives run 1..n, with no gap
// and no duplicate, whatever the store's locking.
func testAskAndGiveNumbersUnderConcurrency(t *testing.T, db storage.Store, clk *Clock) {
	const n = 120
	ctx := t.Context()
	deals := []storage.Deal{NewDeal(t, db, Alice, "C1"), NewDeal(t, db, Alice, "C2")}
	Each(t, n, func(i int) error {
		d := deals[i%2]
		if _, err := db.AddAsk(ctx, Alice, d.ID, fmt.Sprintf("ask %d", i), 1); err != nil {
			return err
		}
		_, err := db.AddGive(ctx, Alice, d.ID, fmt.Sprintf("give %d", i), 1)
		return err
	})
	want := make([]int, n/2)
	for i := range want {
		want[i] = i + 1
	}
	for _, d := range deals {
		var asks, gives []int
		for _, a := range Must(db.Asks(ctx, "T1", d.ID)) {
			asks = append(asks, a.Number)
		}
		for _, g := range Must(db.Gives(ctx, "T1", d.ID)) {
			gives = append(gives, g.Number)
		}
		Diff(t, asks, want)
		Diff(t, gives, want)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// testReclaimStuckOnceUnderConcurrency has 8 dispatchers take over stuck
// claims at once: each stuck reminder is taken over by one of them only.
func testReclaimStuckOnceUnderConcurrency(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	var want []int64
	for i := range 10 {
		_, series := WonDeal(t, db, Alice, fmt.Sprintf("C%d", i))
		want = append(want, series[0].ID)
	}
	claimedAt := T0.AddDate(0, 0, 15)
	Must(db.ClaimDue(ctx, "crashed", claimedAt, 100))
	later := claimedAt.Add(time.Hour)
	var mu sync.Mutex
	taken := map[int64]string{}
	Each(t, 8, func(i int) error {
		claimant := fmt.Sprintf("w%d", i)
		for {
			due, err := db.ReclaimStuck(ctx, claimant, later, later.Add(-time.Minute), 1)
			if err != nil || len(due) == 0 {
				return err
			}
			mu.Lock()
			for _, d := range due {
				if by, ok := taken[d.Checkin.ID]; ok {
					mu.Unlock()
					return fmt.Errorf("check-in %d taken over by %s and %s", d.Checkin.ID, by, claimant)
				}
				taken[d.Checkin.ID] = claimant
			}
			mu.Unlock()
		}
	})
	Diff(t, slices.Sorted(maps.Keys(taken)), want)
}

// testEventsAndDigestsOnceUnderConcurrency has 16 replicas see the same
// event and claim the same weekly nudge at once: one of them wins each.
func testEventsAndDigestsOnceUnderConcurrency(t *testing.T, db storage.Store, clk *Clock) {
	ctx := t.Context()
	var mu sync.Mutex
	events, digests := 0, 0
	Each(t, 16, func(int) error {
		first, err := db.MarkEventSeen(ctx, "T1", "Ev1")
		if err != nil {
			return err
		}
		claimed, err := db.ClaimDigest(ctx, "T1", "UALICE", "2026-03-02T09:00 UTC")
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if first {
			events++
		}
		if claimed {
			digests++
		}
		return nil
	})
	if events != 1 || digests != 1 {
		t.Errorf("%d replicas saw the event first and %d claimed the nudge; want 1 each", events, digests)
	}
}
