package main

import (
	"context"
	"slices"
	"time"
)

// startupReport is the start-up time of `longgame run` on a big database.
type startupReport struct {
	Deals       int       `json:"deals"`
	SeedSeconds float64   `json:"seed_seconds"`
	RunsMS      []float64 `json:"runs_ms"` // process start → Socket Mode connected
	MedianMS    float64   `json:"median_ms"`
	MaxMS       float64   `json:"max_ms"`
}

// startup seeds StartupDeals open deals through the storage package, then
// times process start → connected, StartupRuns times.
func (b *bench) startup(ctx context.Context) (*startupReport, error) {
	rep := &startupReport{Deals: b.opts.StartupDeals}
	path, err := b.database(ctx, "startup")
	if err != nil {
		return nil, err
	}
	b.progress("start-up: seeding %d deals", rep.Deals)
	start := time.Now()
	if err := seedOpenDeals(ctx, path, rep.Deals); err != nil {
		return nil, err
	}
	rep.SeedSeconds = time.Since(start).Seconds()
	for i := range b.opts.StartupRuns {
		b.progress("start-up: run %d of %d", i+1, b.opts.StartupRuns)
		d, err := b.startOnce(ctx, path)
		if err != nil {
			return rep, err
		}
		rep.RunsMS = append(rep.RunsMS, ms(d))
	}
	sorted := slices.Sorted(slices.Values(rep.RunsMS))
	rep.MedianMS, rep.MaxMS = sorted[(len(sorted)-1)/2], sorted[len(sorted)-1]
	return rep, nil
}

// startOnce starts `longgame run` on path and returns how long it took to
// connect.
func (b *bench) startOnce(ctx context.Context, path string) (time.Duration, error) {
	c, up, err := b.start(ctx, "start-up", "run", "LONGGAME_DB="+path)
	if err != nil {
		return 0, err
	}
	b.stopChild(ctx, c)
	return up, nil
}
