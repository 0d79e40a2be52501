package postgres_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
	"github.com/longgame/longgame/storage/storagetest"
)

// BenchmarkAddRisk adds risks with 16 writers at once, to one deal or to
// one deal each.
func BenchmarkAddRisk(b *testing.B) {
	for _, deals := range []int{1, 16} {
		b.Run(fmt.Sprintf("%d deals", deals), func(b *testing.B) {
			db := openTest(b, migrated.New(b), time.Now)
			ids := make([]int64, deals)
			for i := range ids {
				ids[i] = storagetest.NewDeal(b, db, storagetest.Alice, fmt.Sprintf("C%d-%d", b.N, i)).ID
			}
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for w := range 16 {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						if _, err := db.AddRisk(b.Context(), storagetest.Alice, ids[w%deals], storage.NewRisk{What: "x"}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "risks/s")
		})
	}
}

// BenchmarkOpenDeal opens deals with 1 or 16 writers at once.
func BenchmarkOpenDeal(b *testing.B) {
	for _, writers := range []int{1, 16} {
		b.Run(fmt.Sprintf("%d writers", writers), func(b *testing.B) {
			db := openTest(b, migrated.New(b), time.Now)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range writers {
				wg.Go(func() {
					for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
						storagetest.NewDeal(b, db, storagetest.Alice, fmt.Sprintf("C%d-%d", b.N, i))
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deals/s")
		})
	}
}

// BenchmarkReadPath reads a deal of 2,000 risks as /risk summary does,
// 16 readers at once.
func BenchmarkReadPath(b *testing.B) {
	db := openTest(b, migrated.New(b), time.Now)
	d := storagetest.SeedRisks(b, db, storagetest.Alice, "C1", 2000, storagetest.Varied)
	for name, read := range map[string]func() error{
		"DealByChannel": func() error { _, err := db.DealByChannel(b.Context(), "T1", "C1"); return err },
		"DealOverview":  func() error { _, err := db.DealOverview(b.Context(), "T1", d.ID); return err },
		"RiskSummary":   func() error { _, err := db.RiskSummary(b.Context(), "T1", d.ID, 10); return err },
	} {
		b.Run(name, func(b *testing.B) {
			var next atomic.Int64
			var wg sync.WaitGroup
			for range 16 {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						if err := read(); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
		})
	}
}
