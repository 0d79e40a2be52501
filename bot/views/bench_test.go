package views

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/longgame/longgame/storage"
)

// BenchmarkRiskSummaryRender is the summary of a 2,000-risk deal from what
// storage read to the bytes of the answer: the views and their JSON.
//
//	go test ./bot/views -run '^$' -bench RiskSummaryRender -benchmem
func BenchmarkRiskSummaryRender(b *testing.B) {
	sevs := []storage.Severity{storage.SeverityLow, storage.SeverityMedium, storage.SeverityHigh, storage.SeverityCritical}
	areas := []storage.Area{storage.AreaTechnical, storage.AreaSecurity, storage.AreaLegal, storage.AreaTrust}
	risks := make([]storage.Risk, 0, 2000)
	for i := range 2000 {
		r := risk(i+1, sevs[i%4], areas[i%4], fmt.Sprintf("risk %d: a long description of what could go wrong", i+1))
		r.NeedsTest = i%3 == 0
		if i%2 == 0 {
			r.DisclosedAt = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		}
		risks = append(risks, r)
	}
	ov, s := overviewWith(risks, storage.Capital{Budget: 10, Left: 3}), summarize(risks)
	across := Across{Name: "Jane Doe", Goodwill: storage.Goodwill{Deals: 2, Asked: 8, Given: 3}, Budget: 10}
	b.Run("views", func(b *testing.B) {
		for b.Loop() {
			_ = RiskSummary(ov, s, across)
		}
	})
	b.Run("views+json", func(b *testing.B) {
		n := 0
		for b.Loop() {
			r := RiskSummary(ov, s, across)
			raw, err := json.Marshal(r.Blocks)
			if err != nil {
				b.Fatal(err)
			}
			n = len(raw)
		}
		b.ReportMetric(float64(n), "bytes/answer")
	})
}
