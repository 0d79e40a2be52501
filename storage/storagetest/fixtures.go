package storagetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/longgame/longgame/storage"
)

// The fixtures below serve the suite and an implementation's own tests.

// T0 is when every test starts: a Monday, 09:00 UTC.
var T0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Actors of two workspaces: Alice and Bob in T1, Mallory in T2.
var (
	Alice   = storage.Actor{TeamID: "T1", UserID: "UALICE"}
	Bob     = storage.Actor{TeamID: "T1", UserID: "UBOB"}
	Mallory = storage.Actor{TeamID: "T2", UserID: "UMALLORY"}
)

// Clock is a fake clock that moves only when told.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a Clock showing now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now is the time the clock shows.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock by d, which may be negative.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// NewDeal opens a deal in channel as a, owned by a, or fails the test.
func NewDeal(t testing.TB, s storage.Store, a storage.Actor, channel string) storage.Deal {
	t.Helper()
	d, err := s.OpenDeal(t.Context(), a, storage.NewDeal{ChannelID: channel, Name: "Deal " + channel, OwnerID: a.UserID, Budget: 10})
	if err != nil {
		t.Fatalf("OpenDeal(%s): %v", channel, err)
	}
	return d
}

// WonDeal is a deal owned by a, won at T0 with check-ins 14, 30 and 90
// days later, returned in due order.
func WonDeal(t testing.TB, s storage.Store, a storage.Actor, channel string) (storage.Deal, []storage.Checkin) {
	t.Helper()
	d := NewDeal(t, s, a, channel)
	var series []storage.NewCheckin
	for _, days := range []int{14, 30, 90} {
		due := T0.AddDate(0, 0, days)
		series = append(series, storage.NewCheckin{Kind: storage.KindPostClose, Offset: fmt.Sprintf("%dd", days), DueOn: day(due), DueAt: due})
	}
	Must(s.CloseDeal(t.Context(), a, d.ID, storage.Close{Stage: storage.StageWon, Checkins: series}))
	return d, Must(s.DealCheckins(t.Context(), a.TeamID, d.ID))
}

// day is the calendar date of t in UTC, as a UTC midnight.
func day(t time.Time) time.Time { return storage.DueOn(time.Time{}, t) }

// RiskShape says what the i-th seeded risk of a deal is and what becomes
// of it.
type RiskShape func(i int) (r storage.NewRisk, disclose, resolve bool)

// Varied cycles through every severity and area, with some risks needing
// a test, some disclosed and some resolved.
func Varied(i int) (storage.NewRisk, bool, bool) {
	sevs, areas := storage.Severities(), storage.Areas()
	return storage.NewRisk{What: fmt.Sprintf("risk %d", i), Severity: sevs[i%len(sevs)], Area: areas[i%len(areas)],
		NeedsTest: i%3 == 0}, i%7 == 0, i%11 == 0
}

// Ties has every risk high and most in the same area: the order comes from
// the numbers alone.
func Ties(i int) (storage.NewRisk, bool, bool) {
	area := storage.AreaTraining
	if i%5 == 0 {
		area = storage.AreaTrust
	}
	return storage.NewRisk{What: fmt.Sprintf("risk %d", i), Severity: storage.SeverityHigh, Area: area, NeedsTest: i%2 == 0},
		i%4 == 1, i%9 == 3
}

// SeedRisks opens a deal in channel as a with n risks shaped by shape,
// written through the store by 16 writers at once.
func SeedRisks(t testing.TB, s storage.Store, a storage.Actor, channel string, n int, shape RiskShape) storage.Deal {
	t.Helper()
	d := NewDeal(t, s, a, channel)
	ctx := t.Context()
	numbers := make([]int, n) // the number each risk got
	Each(t, n, func(i int) error {
		r, _, _ := shape(i)
		risk, err := s.AddRisk(ctx, a, d.ID, r)
		numbers[i] = risk.Number
		return err
	})
	Each(t, n, func(i int) error {
		_, disclose, resolve := shape(i)
		if disclose {
			if _, err := s.DiscloseRisk(ctx, a, d.ID, numbers[i], "told them"); err != nil {
				return err
			}
		}
		if resolve {
			_, err := s.ResolveRisk(ctx, a, d.ID, numbers[i], "fixed")
			return err
		}
		return nil
	})
	return d
}

// Each runs f(0)…f(n-1) on 16 goroutines and fails t on an error.
func Each(t testing.TB, n int, f func(i int) error) {
	t.Helper()
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if err := f(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
}

// Numbers are the numbers of d's risks with status st, in order.
func Numbers(t testing.TB, s storage.Store, d storage.Deal, st storage.RiskStatus) []int {
	t.Helper()
	var ns []int
	for _, r := range Must(s.Risks(t.Context(), d.TeamID, d.ID, true)) {
		if r.Status == st {
			ns = append(ns, r.Number)
		}
	}
	return ns
}

// SummaryOf is what RiskSummary must return, computed the slow way from
// all of a deal's risks as Risks lists them.
func SummaryOf(all []storage.Risk, limit int) storage.RiskSummary {
	var open []storage.Risk
	for _, r := range all {
		if r.Status == storage.RiskOpen {
			open = append(open, r)
		}
	}
	rank := map[storage.Severity]int{storage.SeverityCritical: 0, storage.SeverityHigh: 1, storage.SeverityMedium: 2, storage.SeverityLow: 3}
	sorted := slices.Clone(open)
	slices.SortStableFunc(sorted, func(x, y storage.Risk) int { return rank[x.Severity] - rank[y.Severity] })
	s := storage.RiskSummary{ByArea: map[storage.Area]int{}, Coverage: map[storage.Area][]storage.Cover{}, CoverageTotal: map[storage.Area]int{}}
	top := func(list *[]storage.Risk, r storage.Risk) {
		if len(*list) < limit {
			*list = append(*list, r)
		}
	}
	for _, r := range sorted {
		s.Open.Add(r.Severity, 1)
		s.ByArea[r.Area]++
		if r.DisclosedAt.IsZero() {
			s.Undisclosed++
			top(&s.UndisclosedTop, r)
		} else {
			s.Disclosed++
			top(&s.DisclosedTop, r)
		}
		if r.NeedsTest {
			s.Untested++
			top(&s.UntestedTop, r)
		}
	}
	for _, r := range all { // by number
		if !slices.Contains(storage.CoverageAreas, r.Area) || r.Status == storage.RiskWithdrawn {
			continue
		}
		s.CoverageTotal[r.Area]++
		if len(s.Coverage[r.Area]) < storage.CoverageMax {
			s.Coverage[r.Area] = append(s.Coverage[r.Area], storage.Cover{Number: r.Number, Resolved: r.Status == storage.RiskResolved})
		}
	}
	return s
}

// WantSummaries checks, after step, that the risk summary of each deal
// (lists of 5) is SummaryOf its open risks, and that the store passes its
// integrity check.
func WantSummaries(t testing.TB, s storage.Store, step string, deals ...storage.Deal) {
	t.Helper()
	ctx := t.Context()
	for _, d := range deals {
		got := Must(s.RiskSummary(ctx, d.TeamID, d.ID, 5))
		Diff(t, got, SummaryOf(Must(s.Risks(ctx, d.TeamID, d.ID, true)), 5))
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Errorf("after %s: %v", step, err)
	}
}

// DealSnapshot is everything recorded about a deal.
type DealSnapshot struct {
	Overview storage.DealOverview
	Asks     []storage.Ask
	Gives    []storage.Give
	Risks    []storage.Risk
	Checkins []storage.Checkin
	Audit    []storage.AuditEntry
}

// Snapshot reads everything recorded about deal dealID of workspace T1.
func Snapshot(t testing.TB, s storage.Store, dealID int64) DealSnapshot {
	t.Helper()
	ctx := t.Context()
	return DealSnapshot{
		Overview: Must(s.DealOverview(ctx, "T1", dealID)),
		Asks:     Must(s.Asks(ctx, "T1", dealID)),
		Gives:    Must(s.Gives(ctx, "T1", dealID)),
		Risks:    Must(s.Risks(ctx, "T1", dealID, true)),
		Checkins: Must(s.DealCheckins(ctx, "T1", dealID)),
		Audit:    Must(s.Audit(ctx, "T1", dealID)),
	}
}

// Must returns v, or panics on err: for fixtures and calls that cannot
// fail, where the panic fails the test with a stack.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Must2 is Must for calls that return two values.
func Must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// WantErr fails the test unless errors.Is(err, want); want nil means no
// error.
func WantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

// Diff fails the test when got and want differ; nil and empty slices are
// equal.
func Diff(t testing.TB, got, want any, opts ...cmp.Option) {
	t.Helper()
	if d := cmp.Diff(want, got, append(opts, cmpopts.EquateEmpty())...); d != "" {
		t.Errorf("mismatch (-want +got):\n%s", d)
	}
}

func ptr[T any](v T) *T { return &v }

func dueIDs(due []storage.DueCheckin) (ids []int64) {
	for _, d := range due {
		ids = append(ids, d.Checkin.ID)
	}
	return ids
}
