package access

import (
	"context"
	"errors"
	"sync"
	"time"
)

// cache remembers answers from Slack for a while. Concurrent look-ups of
// one key share one fetch, and only the fetch its entry still waits for
// may store its answer: forget and put detach the fetch under way, so an
// event saying "this changed" is never undone by a look-up that was
// already on its way (nor by one whose entry was evicted and made anew
// meanwhile).
type cache[K comparable, V any] struct {
	ttl time.Duration
	now func() time.Time
	max int // entries kept at most; past it, expired ones go first

	mu      sync.Mutex
	entries map[K]*entry[V]
}

type entry[V any] struct {
	val     V
	fetched time.Time
	valid   bool       // val holds an answer
	flight  *flight[V] // the fetch under way whose answer will be kept
}

// flight is one fetch that several callers wait for.
type flight[V any] struct {
	done   chan struct{}
	val    V
	err    error
	joined int // callers who found it under way and waited for it
}

func newCache[K comparable, V any](ttl time.Duration, now func() time.Time, max int) *cache[K, V] {
	return &cache[K, V]{ttl: ttl, now: now, max: max, entries: map[K]*entry[V]{}}
}

// get returns k's value: remembered if fresh, else fetched (once for all
// callers asking meanwhile). A failed fetch is not remembered. The fetch
// runs with the context of the caller who started it; if that caller gave
// up or ran out of time, the others still waiting ask again rather than
// take its cancellation or its deadline for an answer.
func (c *cache[K, V]) get(ctx context.Context, k K, fetch func(context.Context) (V, error)) (V, error) {
	for {
		f, mine, err := c.flightFor(ctx, k, fetch)
		if f == nil {
			var zero V
			return zero, err
		}
		if !mine && ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
			continue // another caller's fetch, abandoned by them
		}
		return f.val, f.err
	}
}

// flightFor returns a finished fetch of k: a fresh value remembered, a
// fetch started here (mine), or one under way that it waited for; nil and
// ctx's error if ctx ended first.
func (c *cache[K, V]) flightFor(ctx context.Context, k K, fetch func(context.Context) (V, error)) (f *flight[V], mine bool, err error) {
	c.mu.Lock()
	e := c.entry(k)
	if e.valid && c.fresh(e.fetched) {
		f := &flight[V]{val: e.val}
		c.mu.Unlock()
		return f, true, nil
	}
	if f = e.flight; f == nil {
		f = &flight[V]{done: make(chan struct{})}
		e.flight = f
		c.mu.Unlock()
		c.run(ctx, k, f, fetch)
		return f, true, nil
	}
	f.joined++
	c.mu.Unlock()
	select {
	case <-f.done:
		return f, false, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// cached returns k's value if a fresh one is remembered, asking nobody.
func (c *cache[K, V]) cached(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok && e.valid && c.fresh(e.fetched) {
		return e.val, true
	}
	var zero V
	return zero, false
}

// run fetches for f and stores the answer only if k's entry still waits
// for f: no forget or put came meanwhile, nor an eviction.
func (c *cache[K, V]) run(ctx context.Context, k K, f *flight[V], fetch func(context.Context) (V, error)) {
	f.val, f.err = fetch(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[k]; ok && e.flight == f {
		e.flight = nil
		if f.err == nil {
			e.val, e.fetched, e.valid = f.val, c.now(), true
		}
	}
	close(f.done)
}

// entry is k's entry, made if needed. Called with c.mu held.
func (c *cache[K, V]) entry(k K) *entry[V] {
	if e, ok := c.entries[k]; ok {
		return e
	}
	if len(c.entries) >= c.max {
		c.evict()
	}
	e := &entry[V]{}
	c.entries[k] = e
	return e
}

// evict drops expired entries, or every idle one if none had expired: the
// cache stays bounded whatever Slack sends. Called with c.mu held.
func (c *cache[K, V]) evict() {
	for k, e := range c.entries {
		if e.flight == nil && !c.fresh(e.fetched) {
			delete(c.entries, k)
		}
	}
	if len(c.entries) < c.max {
		return
	}
	for k, e := range c.entries {
		if e.flight == nil {
			delete(c.entries, k)
		}
	}
}

func (c *cache[K, V]) fresh(fetched time.Time) bool {
	age := c.now().Sub(fetched)
	return age >= 0 && age < c.ttl
}

// forget drops what is known of k and voids the fetches under way.
func (c *cache[K, V]) forget(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok {
		return
	}
	e.valid = false
	e.flight = nil // its callers still get its answer; it is just not kept
}

// put stores v for k as a fresh answer, voiding fetches under way: for an
// event that carries the new state itself.
func (c *cache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(k)
	e.flight = nil
	e.val, e.fetched, e.valid = v, c.now(), true
}

// forgetAll forgets every key.
func (c *cache[K, V]) forgetAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		e.valid = false
		e.flight = nil
	}
}
