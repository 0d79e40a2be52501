package sqlite

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/longgame/longgame/storage"
)

// readCache keeps the answers of the heaviest reads of one deal — its risk
// summary and its overview, what `/risk summary` shows — until the next
// commit. Reading a 2,000-risk deal's summary costs a handful of queries
// (about 0.2 ms of CPU through the driver); a deal's summary is read far
// more often than the deal changes, and with 16 summaries in flight on two
// cores that CPU was the tail.
//
// It is exact, not a TTL: every answer is tagged with the commit
// generation read before its snapshot was taken, and is used only while no
// commit has happened since. The writer bumps the generation after each
// batch and before answering its callers, so a user who was told "recorded"
// never reads an answer from before their change. This holds because this
// process's writer is the file's only writer (see writer.go); a snapshot
// that already includes a commit whose bump has not landed yet is tagged
// with the older generation and simply dropped at the bump.
//
// A deal found by its channel — read by every command — is kept the same
// way under a second generation, bumped only by the batches in which some
// write may change the deals table: the writes that cannot (recording a
// risk, an ask, a give, a posted message's ts) say so, and leave it be.
type readCache struct {
	gen      atomic.Uint64 // bumped after each commit
	dealsGen atomic.Uint64 // bumped after each commit that may change deals

	mu        sync.Mutex
	summaries map[summaryKey]cached[storage.RiskSummary]
	overviews map[dealKey]cached[storage.DealOverview]
	deals     map[channelKey]cached[storage.Deal]
	// reading are the summaries being read: sixteen requests that miss
	// together (the first after a commit) share one read, instead of
	// each reading the 2,000 risks at once and queueing for the CPU.
	reading map[summaryKey]*flight
	// testHookJoined, if set, hears of each read that waits for another.
	testHookJoined func()
}

// flight is a summary read under way, at generation gen; done is closed
// once val (the reader's own copy kept for the others) and err are set.
type flight struct {
	gen  uint64
	done chan struct{}
	val  storage.RiskSummary
	err  error
}

type channelKey struct{ team, channel string }

type dealKey struct {
	team string
	deal int64
}

type summaryKey struct {
	dealKey
	limit int
}

type cached[V any] struct {
	gen uint64
	val V
}

// readCacheMax bounds each map: past it, the map starts over (the answers
// of an older generation are dead weight anyway).
const readCacheMax = 512

func newReadCache() *readCache {
	return &readCache{summaries: map[summaryKey]cached[storage.RiskSummary]{},
		overviews: map[dealKey]cached[storage.DealOverview]{}, deals: map[channelKey]cached[storage.Deal]{},
		reading: map[summaryKey]*flight{}}
}

// committed voids the answers a batch whose writes reach as far as reach
// may have changed: called by the writer after each batch, before its
// callers are answered.
func (c *readCache) committed(reach scope) {
	if reach == changesDeals {
		c.dealsGen.Add(1)
	}
	if reach <= keepsDeals {
		c.gen.Add(1)
	}
}

// generation is the tag of a read about to start.
func (c *readCache) generation() uint64 { return c.gen.Load() }

// dealsGeneration is the tag of a read of the deals table about to start.
func (c *readCache) dealsGeneration() uint64 { return c.dealsGen.Load() }

func (c *readCache) deal(k channelKey) (storage.Deal, bool) {
	c.mu.Lock()
	e, ok := c.deals[k]
	c.mu.Unlock()
	if !ok || e.gen != c.dealsGen.Load() {
		return storage.Deal{}, false
	}
	return e.val, true // a Deal holds no slice or map: a copy is its own
}

func (c *readCache) putDeal(k channelKey, gen uint64, d storage.Deal) {
	if gen != c.dealsGen.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.deals) >= readCacheMax {
		clear(c.deals)
	}
	c.deals[k] = cached[storage.Deal]{gen, d}
}

func (c *readCache) summary(k summaryKey) (storage.RiskSummary, bool) {
	c.mu.Lock()
	e, ok := c.summaries[k]
	c.mu.Unlock()
	if !ok || e.gen != c.gen.Load() {
		return storage.RiskSummary{}, false
	}
	return cloneSummary(e.val), true
}

func (c *readCache) putSummary(k summaryKey, gen uint64, s storage.RiskSummary) {
	if gen != c.gen.Load() {
		return // a commit came meanwhile: the answer may be stale already
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.summaries) >= readCacheMax {
		clear(c.summaries)
	}
	c.summaries[k] = cached[storage.RiskSummary]{gen, cloneSummary(s)}
}

func (c *readCache) overview(k dealKey) (storage.DealOverview, bool) {
	c.mu.Lock()
	e, ok := c.overviews[k]
	c.mu.Unlock()
	if !ok || e.gen != c.gen.Load() {
		return storage.DealOverview{}, false
	}
	return cloneOverview(e.val), true
}

func (c *readCache) putOverview(k dealKey, gen uint64, o storage.DealOverview) {
	if gen != c.gen.Load() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.overviews) >= readCacheMax {
		clear(c.overviews)
	}
	c.overviews[k] = cached[storage.DealOverview]{gen, cloneOverview(o)}
}

// readSummary returns the summary read (at generation gen) for k, or the
// answer of a read of k at the same generation already under way. A failed
// read is not shared (its error may be its caller's cancellation): those
// waiting for it read for themselves.
func (c *readCache) readSummary(ctx context.Context, k summaryKey, gen uint64, read func() (storage.RiskSummary, error)) (storage.RiskSummary, error) {
	c.mu.Lock()
	if f, ok := c.reading[k]; ok && f.gen == gen {
		c.mu.Unlock()
		if c.testHookJoined != nil {
			c.testHookJoined()
		}
		select {
		case <-f.done:
		case <-ctx.Done():
			return storage.RiskSummary{}, ctx.Err()
		}
		if f.err == nil {
			return cloneSummary(f.val), nil
		}
		return read()
	}
	f := &flight{gen: gen, done: make(chan struct{})}
	c.reading[k] = f
	c.mu.Unlock()
	s, err := read()
	if err == nil {
		f.val = cloneSummary(s)
	}
	f.err = err
	c.mu.Lock()
	if c.reading[k] == f {
		delete(c.reading, k)
	}
	c.mu.Unlock()
	close(f.done)
	return s, err
}

// cloneSummary copies what a caller could change through s: its maps and
// slices are its own, so no caller can alter another's answer.
func cloneSummary(s storage.RiskSummary) storage.RiskSummary {
	s.ByArea = maps.Clone(s.ByArea)
	s.CoverageTotal = maps.Clone(s.CoverageTotal)
	if s.Coverage != nil {
		cov := make(map[storage.Area][]storage.Cover, len(s.Coverage))
		for a, l := range s.Coverage {
			cov[a] = slices.Clone(l)
		}
		s.Coverage = cov
	}
	s.UndisclosedTop = slices.Clone(s.UndisclosedTop)
	s.DisclosedTop = slices.Clone(s.DisclosedTop)
	s.UntestedTop = slices.Clone(s.UntestedTop)
	return s
}

func cloneOverview(o storage.DealOverview) storage.DealOverview {
	if o.Champion != nil {
		ch := *o.Champion
		o.Champion = &ch
	}
	if o.NextCheckin != nil {
		c := *o.NextCheckin
		o.NextCheckin = &c
	}
	return o
}
