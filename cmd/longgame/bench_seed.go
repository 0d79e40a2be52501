package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/longgame/longgame/storage"
)

// seedActor records what the benchmark seeds.
var seedActor = storage.Actor{TeamID: benchTeam, UserID: "U1"}

// seedWriters is how many writes the seeding keeps outstanding: the store
// commits the waiting ones together, so more writers mean fewer fsyncs.
const seedWriters = 64

// seedOpenDeals opens n deals, in channels CS000001…, in the database at
// path, through the store's public API.
func seedOpenDeals(ctx context.Context, path string, n int) error {
	return withStore(ctx, path, func(db storage.Store) error {
		return parallel(ctx, n, seedWriters, func(i int) error {
			_, err := db.OpenDeal(ctx, seedActor, storage.NewDeal{ChannelID: fmt.Sprintf("CS%06d", i+1),
				Name: fmt.Sprintf("Seeded deal %d", i+1), OwnerID: "U1", Budget: 10})
			return err
		})
	})
}

// seedWonDeals opens a deal in each channel and closes it as won 15 days
// ago with the post-close check-in of day 14, whose reminder is therefore
// due (yesterday, 09:00 UTC). It returns the check-in ids by channel.
func seedWonDeals(ctx context.Context, path string, channels []string) (map[string]int64, error) {
	closedOn := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -15)
	ids := make([]int64, len(channels))
	err := withStore(ctx, path, func(db storage.Store) error {
		return parallel(ctx, len(channels), seedWriters, func(i int) error {
			d, err := db.OpenDeal(ctx, seedActor, storage.NewDeal{ChannelID: channels[i],
				Name: "Won deal " + channels[i], OwnerID: "U1", Budget: 10})
			if err != nil {
				return err
			}
			c := storage.Close{Stage: storage.StageWon, On: closedOn,
				Checkins: storage.PostClose(d.ID, closedOn, []int{14}, storage.Week{Loc: time.UTC})}
			if _, err := db.CloseDeal(ctx, seedActor, d.ID, c); err != nil {
				return err
			}
			cs, err := db.DealCheckins(ctx, benchTeam, d.ID)
			if err != nil || len(cs) != 1 {
				return fmt.Errorf("check-ins of seeded deal %d: %d, %v", d.ID, len(cs), err)
			}
			ids[i] = cs[0].ID
			return nil
		})
	})
	out := make(map[string]int64, len(channels))
	for i, ch := range channels {
		out[ch] = ids[i]
	}
	return out, err
}

// withStore runs f on the store at path and closes it.
func withStore(ctx context.Context, path string, f func(storage.Store) error) (err error) {
	db, err := openStore(ctx, path, storeOptions{})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("seed: close: %w", cerr)
		}
	}()
	if err := f(db); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// parallel runs f(0)…f(n-1) on workers goroutines and returns the first
// error; after one, the remaining items are skipped.
func parallel(ctx context.Context, n, workers int, f func(i int) error) error {
	var next atomic.Int64
	var once sync.Once
	var first error
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for !failed.Load() && ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}
